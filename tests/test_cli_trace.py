from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("datasketch")

import unspin
from unspin.cli import app

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "clean"


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    docs = root / "docs"
    docs.mkdir()
    for p in sorted(FIXTURES.glob("*.txt"))[:6]:
        (docs / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    index = root / "sources.db"
    res = runner.invoke(app, ["index", "build", "--quiet", str(index), str(docs)])
    assert res.exit_code == 0, res.output
    assert "indexed 6 documents" in res.stdout
    return index, docs


def test_info_prints_counts_and_settings(cli_index: tuple[Path, Path]) -> None:
    index, _ = cli_index
    res = runner.invoke(app, ["index", "info", str(index)])
    assert res.exit_code == 0
    assert "documents" in res.stdout and "shingle" in res.stdout and "bands" in res.stdout
    data = json.loads(runner.invoke(app, ["index", "info", "--json", str(index)]).stdout)
    assert data["documents"] == 6 and data["normalizer"] == "unspin.immutables.v1"


def _suspect(docs: Path, tmp_path: Path) -> tuple[Path, str, Path]:
    """An indexed document, a 30% spin of it, and the file that holds the spin."""
    source = sorted(docs.glob("*.txt"))[2]
    spun = unspin.spin(source.read_text(encoding="utf-8"), rate=0.3, seed=5, thesaurus="moby").text
    f = tmp_path / "suspect.txt"
    f.write_text(spun, encoding="utf-8")
    return source, spun, f


def test_trace_json_contract(cli_index: tuple[Path, Path], tmp_path: Path) -> None:
    index, docs = cli_index
    source, spun, f = _suspect(docs, tmp_path)
    res = runner.invoke(app, ["trace", str(f), "--index", str(index), "--top", "2", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert list(data) == ["matches"] and 1 <= len(data["matches"]) <= 2
    best = data["matches"][0]
    assert best["id"] == str(source)
    assert isinstance(best["score"], float) and 0 < best["score"] <= 1
    assert best["passages"]
    for p in best["passages"]:
        for key in ("query_start", "query_end", "source_start", "source_end"):
            assert isinstance(p[key], int)
        assert spun[p["query_start"] : p["query_end"]] == p["query_text"]


def test_trace_reads_stdin_and_prints_readable_report(cli_index: tuple[Path, Path]) -> None:
    index, docs = cli_index
    text = min(docs.glob("*.txt")).read_text(encoding="utf-8")
    res = runner.invoke(app, ["trace", "-", "--index", str(index)], input=text)
    assert res.exit_code == 0, res.output
    assert "1. " in res.stdout and "score 1.000" in res.stdout and "source [" in res.stdout


def test_build_reports_and_skips_unreadable_sources(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("We hold these truths to be self-evident.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00")
    (tmp_path / "rows.jsonl").write_text('{"id": "a", "text": "hello there world"}\nnot json\n', encoding="utf-8")
    res = runner.invoke(app, ["index", "build", "-q", str(tmp_path / "i.db"), str(tmp_path / "ok.txt"),
                              str(tmp_path / "bad.txt"), str(tmp_path / "rows.jsonl"), str(tmp_path / "nope")])
    assert res.exit_code == 0, res.output
    assert "indexed 2 documents" in res.stdout and "skipped 3" in res.stdout
    assert "bad.txt" in res.stderr and "rows.jsonl:2" in res.stderr and "nope" in res.stderr


def test_build_with_renamed_jsonl_fields(tmp_path: Path) -> None:
    (tmp_path / "rows.jsonl").write_text('{"url": "u1", "body": "Four score and seven years ago."}\n',
                                         encoding="utf-8")
    res = runner.invoke(app, ["index", "build", "-q", "--id-field", "url", "--text-field", "body",
                              str(tmp_path / "i.db"), str(tmp_path / "rows.jsonl")])
    assert res.exit_code == 0 and "indexed 1 documents" in res.stdout


def test_bad_index_one_line_exit_2(bad_index: tuple[Path, str], tmp_path: Path, clean_texts: list[str]) -> None:
    index, message = bad_index
    query = tmp_path / "q.txt"
    query.write_text(clean_texts[0], encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "unspin.cli", "trace", str(query), "--index", str(index)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_missing_index_message_says_how_to_build(tmp_path: Path) -> None:
    res = runner.invoke(app, ["index", "info", str(tmp_path / "x.db")])
    assert res.exit_code == 2
    assert f"No index at '{tmp_path / 'x.db'}'. Build one with: unspin index build {tmp_path / 'x.db'} SOURCES..." \
        in res.stderr


@pytest.mark.parametrize("command", [["index", "build"], ["index", "info"], ["trace"]])
def test_help_has_example(command: list[str]) -> None:
    res = runner.invoke(app, [*command, "--help"])
    assert res.exit_code == 0 and "Example:" in res.stdout


def test_commands_are_documented() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "trace.md").read_text(encoding="utf-8")
    for command in ("unspin index build", "unspin index info", "unspin trace"):
        assert command in doc


def test_trace_compares_the_best_source_s_passages(cli_index: tuple[Path, Path], tmp_path: Path) -> None:
    from unspin.compare import compare_passages

    index, docs = cli_index
    _source, spun, f = _suspect(docs, tmp_path)
    res = runner.invoke(app, ["trace", str(f), "--index", str(index), "--top", "2", "--json", "--compare"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    best = data["matches"][0]
    passages = [(p["query_start"], p["query_end"], p["source_text"]) for p in best["passages"] if p["source_text"]]
    expected = compare_passages(spun, passages, unspin.restore(spun))
    assert passages and data["comparison"] == json.loads(json.dumps(expected.to_dict()))
    assert data["comparison"]["substitutions"]["total"] > 0  # a 30% spin changed words in every passage
    plain = runner.invoke(app, ["trace", str(f), "--index", str(index), "--top", "1", "--compare"],
                          env={"COLUMNS": "200"})
    assert plain.exit_code == 0
    assert f"against {best['id']}'s" in plain.stdout and "substitutions by the spinner" in plain.stdout
    without = json.loads(runner.invoke(app, ["trace", str(f), "--index", str(index), "--json"]).stdout)
    assert "comparison" not in without

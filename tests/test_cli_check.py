from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin.cli import app

runner = CliRunner()
SPUN = "Officials mentioned that the regulation enforcement officers got here to quell violent unrest."


def test_check_json_contract(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    res = runner.invoke(app, ["check", "--json", str(f)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) >= {"spun_probability", "verdict", "words", "spans"}
    assert 0.0 <= data["spun_probability"] <= 1.0
    assert data["verdict"] in {"spun", "clean", "uncertain"}
    assert data["words"] == 13
    for s in data["spans"]:
        assert SPUN[s["start"] : s["end"]] == s["text"]
        assert s["source"] in {"fingerprint", "model"}
        assert 0.0 <= s["confidence"] <= 1.0
        assert isinstance(s["suggestion"], str) and s["suggestion"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_unicode_text_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    # Windows editors save "Unicode" text as UTF-16 with a byte-order mark
    plain, marked = tmp_path / "a.txt", tmp_path / "b.txt"
    plain.write_text(SPUN, encoding="utf-8")
    marked.write_bytes((("\ufeff" if encoding == "utf-16-be" else "") + SPUN).encode(encoding))
    out = [runner.invoke(app, ["check", "--json", str(f)]) for f in (plain, marked)]
    assert all(r.exit_code == 0 for r in out), out[1].output
    assert json.loads(out[1].stdout) == json.loads(out[0].stdout)


@pytest.mark.parametrize("command", ["check", "restore"])
def test_text_in_another_language_gets_a_note_on_stderr(tmp_path: Path, command: str) -> None:
    french = ("Le gouvernement a annoncé mardi une série de mesures destinées à soutenir les entreprises "
              "touchées par la crise. Le ministre des Finances a déclaré que ces aides seraient versées bientôt.")
    for text, noted in ((french, True), (SPUN + " " + SPUN, False)):
        f = tmp_path / "t.txt"
        f.write_text(text, encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "unspin.cli", command, "--json", str(f)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0
        json.loads(proc.stdout)  # the output is untouched
        assert ("English" in proc.stderr) == noted, proc.stderr


def test_check_reads_stdin() -> None:
    res = runner.invoke(app, ["check", "--json", "-"], input=SPUN)
    assert res.exit_code == 0
    assert json.loads(res.stdout)["words"] == 13


def test_check_readable_report(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    res = runner.invoke(app, ["check", str(f)])
    assert res.exit_code == 0
    assert "verdict:" in res.stdout and "spun probability" in res.stdout


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: d / "missing.txt", "No such file"),
        (lambda d: d, "is a directory"),
        (lambda d: (d / "b.bin").write_bytes(b"\x00\x01\x02abc") and d / "b.bin", "binary"),
        (lambda d: (d / "h.bin").write_bytes(b"\xff\xfe\x00\xd8abc") and d / "h.bin", "binary"),  # not UTF-16 after all
        (lambda d: (d / "l.txt").write_bytes("caf\xe9".encode("latin-1")) and d / "l.txt", "not valid UTF-8"),
        (lambda d: (d / "e.txt").write_text("  \n", encoding="utf-8") and d / "e.txt", "empty"),
    ],
)
@pytest.mark.parametrize("command", ["check", "restore"])
def test_bad_input_one_line_exit_2(tmp_path: Path, setup, message: str, command: str) -> None:  # type: ignore[no-untyped-def]
    path = setup(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "unspin.cli", command, str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("via", ["file", "stdin"])
def test_a_pdf_is_read_as_its_text(tmp_path: Path, write_pdf, via: str) -> None:  # type: ignore[no-untyped-def]
    # editors get manuscripts as PDFs: the text of the pages is checked, not the file's syntax
    f = tmp_path / "paper.pdf"
    write_pdf(f, "The officers got here yesterday and the Chinese language Overseas\nMinister mentioned the talks.")
    args, stdin = ([str(f)], None) if via == "file" else (["-"], f.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "unspin.cli", "check", "--json", *args],
                          input=stdin, capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["words"] == 14  # the page's words, none of the PDF's own syntax
    assert "a PDF of 1 page" in proc.stderr.decode() and "offsets index that text" in proc.stderr.decode()
    from unspin.readers import read_input

    text = read_input(str(f))
    assert text.split() == "The officers got here yesterday and the Chinese language Overseas Minister mentioned the talks.".split()
    assert data["spans"] and all(text[s["start"] : s["end"]] == s["text"] for s in data["spans"])
    res = runner.invoke(app, ["restore", str(f)])
    assert res.exit_code == 0
    assert "Chinese Foreign" in res.stdout and "obj" not in res.stdout


@pytest.mark.parametrize("pdf, message", [(b"%PDF-1.4 this is not really a pdf", "not a readable PDF"), (None, "no extractable text")])
def test_a_bad_pdf_is_one_line_exit_2(tmp_path: Path, write_pdf, pdf: bytes | None, message: str) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "bad.pdf"
    if pdf is None:
        write_pdf(f, "")  # a page with no text: a scan that needs OCR
    else:
        f.write_bytes(pdf)
    proc = subprocess.run([sys.executable, "-m", "unspin.cli", "check", str(f)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_empty_stdin() -> None:
    proc = subprocess.run([sys.executable, "-m", "unspin.cli", "check", "-"], input="", capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error:") and "empty" in proc.stderr


def test_help_has_example() -> None:
    for command in ["check", "restore", "spin"]:
        res = runner.invoke(app, [command, "--help"])
        assert res.exit_code == 0
        assert "Example:" in res.stdout


def test_check_report_lists_each_distinct_substitution_with_its_count(tmp_path: Path) -> None:
    import collections
    import re

    import unspin

    text = " ".join([SPUN] * 3 + ["The navy alliance moved to quell the unrest in the capital."])
    f = tmp_path / "a.txt"
    f.write_text(text, encoding="utf-8")
    expected = collections.Counter((s.text.lower(), s.suggestion.lower()) for s in unspin.check(text).spans)
    assert expected and max(expected.values()) >= 2  # the repeated sentence repeats its substitutions
    res = runner.invoke(app, ["check", str(f)], env={"COLUMNS": "160"})
    assert res.exit_code == 0
    assert f"({len(expected)} distinct)" in res.stdout
    rows = {}
    for line in res.stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if len(cells) == 5 and cells[2].isdigit():
            rows[(cells[0], cells[1])] = int(cells[2])
    assert rows == dict(expected)
    counts = list(rows.values())
    assert counts == sorted(counts, reverse=True)  # most frequent first


EXPLAINED = ("Officials mentioned that the regulation enforcement officers used counterfeit consciousness "
             "to quell violent unrest. The navy alliance moved in.")


@pytest.mark.parametrize("command, key", [("check", "spans"), ("restore", "edits")])
def test_explain_adds_the_evidence_of_each_span_and_only_then(tmp_path: Path, command: str, key: str) -> None:
    from unspin.lexicon import SOURCES, load_fingerprints

    f = tmp_path / "a.txt"
    f.write_text(EXPLAINED, encoding="utf-8")
    plain = json.loads(runner.invoke(app, [command, "--json", str(f)]).stdout)
    assert all("evidence" not in s and "alternatives" not in s for s in plain[key])  # unchanged without --explain
    res = runner.invoke(app, [command, "--json", "--explain", str(f)])
    assert res.exit_code == 0
    spans = json.loads(res.stdout)[key]
    assert {s["source"] for s in spans} == {"model", "fingerprint"}
    for s in spans:
        ev = s["evidence"]
        assert isinstance(s["alternatives"], list) and s["suggestion"] not in s["alternatives"]
        assert len(s["alternatives"]) <= 3 and all(isinstance(a, str) and a for a in s["alternatives"])
        if s["source"] == "fingerprint":
            assert s["alternatives"] == []
            assert ev["papers"] == load_fingerprints()[s["text"].lower()].papers > 0
        else:
            assert isinstance(ev["lm_gain"], float) and ev["channel"] < 0
            assert ev["thesauri"] and set(ev["thesauri"]) <= set(SOURCES)
            assert 0 < ev["spin_rate"] < 1


def test_evidence_names_only_the_thesauri_the_restorer_was_given() -> None:
    import unspin

    spans = [s for s in unspin.check(EXPLAINED, thesauri="moby", min_confidence=0.0).spans if s.source == "model"]
    assert spans and all(dict(s.evidence)["thesauri"] == ("moby",) for s in spans)
    assert len(set(spans)) == len(spans)  # spans stay hashable with their evidence


def test_explain_says_why_in_the_readable_report(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(EXPLAINED, encoding="utf-8")
    res = runner.invoke(app, ["check", "--explain", str(f)], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    why = res.stdout.split("why each span was flagged", 1)[1]
    assert "a known tortured phrase (Problematic Paper Screener, found in" in why
    assert "times likelier with it" in why and "linked by" in why


def test_reason_names_the_absent_original() -> None:
    from unspin.doc import Span

    span = Span(0, 9, "mentioned", "said", 0.8, "model", evidence=(("lm_gain", 1.0), ("absent_original", 0.301)))
    why = span.reason()
    assert "10 times likelier with it" in why and "the text never uses the original (2.0 times likelier" in why
    assert "never uses" not in Span(0, 9, "mentioned", "said", 0.8, "model", evidence=(("lm_gain", 1.0),)).reason()
    # --json --explain carries the same words
    assert span.to_dict(explain=True)["reason"] == why and "reason" not in span.to_dict()


def test_explain_shows_the_alternatives_of_a_span(tmp_path: Path) -> None:
    import unspin

    text = ("Officials mentioned that the nation would assist the folks who face a lethal exterior force. "
            "The navy alliance mentioned it will assist the nation in opposition to the exterior threat. "
            "The folks of the nation mentioned they need help with the lethal attacks.")
    spans = [s for s in unspin.check(text).spans if s.alternatives]
    assert spans, "this sentence has a span with near-equal originals"
    f = tmp_path / "a.txt"
    f.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["check", "--explain", str(f)], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert f"(or: {', '.join(spans[0].alternatives)})" in res.stdout.split("why each span was flagged", 1)[1]


@pytest.mark.parametrize("confidence", [0.3, 0.7, 0.1])
def test_the_report_names_close_calls_only_when_nothing_reaches_the_threshold(
    monkeypatch: pytest.MonkeyPatch, confidence: float
) -> None:
    # the model's spans are faked: what is under test is what the report and the JSON show
    from dataclasses import replace

    from unspin import api
    from unspin.doc import Span

    text = "The regulation enforcement officers left."
    span = Span(start=4, end=14, text="regulation", suggestion="law", confidence=confidence, source="model")
    real = api.check

    def fake(text: str, **options: object) -> api.Report:
        report = real(text, **options)  # type: ignore[arg-type]
        floor = float(options["min_confidence"])  # type: ignore[arg-type]
        return replace(report, spans=(span,) if confidence >= floor else ())

    monkeypatch.setattr(api, "check", fake)
    shown = runner.invoke(app, ["check", "-"], input=text)
    assert shown.exit_code == 0, shown.output
    assert ("closest calls" in shown.stdout) is (0.2 <= confidence < 0.5)
    assert ("regulation -> law (0.30)" in shown.stdout) is (confidence == 0.3)
    as_json = json.loads(runner.invoke(app, ["check", "--json", "-"], input=text).stdout)
    assert [s["confidence"] for s in as_json["spans"]] == ([confidence] if confidence >= 0.5 else [])


def test_assume_spun_is_passed_through_restore_and_compare(tmp_path: Path) -> None:
    lone = "The regulation enforcement officers mentioned that the navy alliance got here 12 months in the past."
    original = tmp_path / "original.txt"
    original.write_text("The law enforcement officers said that the military alliance came a year ago.", encoding="utf-8")
    for extra in ([], ["--assume-spun"]):
        restored = runner.invoke(app, ["restore", "--json", *extra, "-"], input=lone)
        assert restored.exit_code == 0, restored.output
        edits = json.loads(restored.stdout)["edits"]
        compared = runner.invoke(app, ["compare", "--json", *extra, "-", str(original)], input=lone)
        assert compared.exit_code == 0, compared.output
        data = json.loads(compared.stdout)
        assert len(data["edit_list"]) == len(edits)  # compare restores as restore does, option included
        assert (len(edits) >= 2) is bool(extra)
        if extra:
            assert data["wer_after"] < data["wer_before"]
    assert "--assume-spun" in runner.invoke(app, ["restore", "--help"]).stdout


def test_a_short_text_that_shows_nothing_points_to_assume_spun() -> None:
    short = "The committee met on Tuesday to discuss the budget for next year."
    shown = runner.invoke(app, ["check", "-"], input=short, env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert "0 suspicious spans" in shown.stdout
    assert "A text of 12 words holds little evidence" in shown.stdout and "--assume-spun" in shown.stdout
    # a longer text is judged on its own evidence: no hint
    long_clean = (Path(__file__).parent / "fixtures" / "clean" / "1945-Truman.txt").read_text(encoding="utf-8")
    shown = runner.invoke(app, ["check", "-"], input=long_clean, env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert "holds little evidence" not in shown.stdout
    # the JSON holds no hint: it is the same whatever the length
    as_json = runner.invoke(app, ["check", "--json", "-"], input=short).stdout
    assert "little evidence" not in as_json and json.loads(as_json)["spans"] == []

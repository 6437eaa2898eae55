from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin.cli import app

runner = CliRunner()
TEXT = "The regulation enforcement officers used counterfeit consciousness yesterday to quell violent unrest."


def test_scan_cli_summary_report_and_resume(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("", encoding="utf-8")
    out, report = tmp_path / "out", tmp_path / "r.html"
    args = ["scan", str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--report", str(report)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "documents" in res.stdout and "errors" in res.stdout
    assert report.read_text(encoding="utf-8").startswith("<!doctype html>")
    recs = [json.loads(line) for line in (out / "part-00000.jsonl").read_text().splitlines()]
    assert [r["error"] is None for r in recs] == [True, False]
    again = runner.invoke(app, args)  # resumes: nothing left to do
    assert again.exit_code == 0 and "0 (" in again.stdout


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--format", "xml"], "Unknown --format"),
        (["--engine", "spark"], "Unknown --engine"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--min-probability", "2"], "--min-probability must be between 0 and 1"),
    ],
)
def test_bad_options_one_line_exit_2(tmp_path: Path, extra: list[str], message: str) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    res = runner.invoke(app, ["scan", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), *extra])
    assert res.exit_code == 2
    assert message in res.output and len(res.output.strip().splitlines()) == 1


def test_missing_input_and_foreign_out_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "unspin.cli", "scan", str(tmp_path / "nope"), "--out",
                           str(tmp_path / "o")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("error: No such file or directory")
    assert len(proc.stderr.strip().splitlines()) == 1
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT + " Again.", encoding="utf-8")
    ok = runner.invoke(app, ["scan", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert ok.exit_code == 0
    res = runner.invoke(app, ["scan", str(tmp_path / "b.txt"), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert res.exit_code == 2 and "--overwrite" in res.output


def test_ray_missing_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    res = runner.invoke(app, ["scan", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--engine", "ray"])
    assert res.exit_code == 2
    assert "pip install 'unspin[ray]'" in res.output and len(res.output.strip().splitlines()) == 1


def test_help_has_example() -> None:
    res = runner.invoke(app, ["scan", "--help"])
    assert res.exit_code == 0 and "Example:" in res.stdout

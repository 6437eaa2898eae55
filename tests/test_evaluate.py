from __future__ import annotations

import json
import math

from typer.testing import CliRunner

from unspin.cli import app
from unspin.evaluate import EvalConfig, roc_auc, run_evaluation, word_error_rate


def test_metrics() -> None:
    assert word_error_rate(["a", "b", "c"], ["a", "x", "c"]) == 1 / 3
    assert roc_auc([0.9, 0.8, 0.1], [1, 1, 0]) == 1.0
    assert roc_auc([0.1, 0.9], [1, 0]) == 0.0
    assert math.isnan(roc_auc([0.5], [1]))


def test_quick_eval_runs_and_reports_everything() -> None:
    r = run_evaluation(EvalConfig(quick=True, docs_per_rate=3, clean_docs=3, rates=(0.3,)))
    assert r["corpora_found"] is False
    e = r["rates"]["0.30"]
    assert e["wer_before"] > 0.1
    assert 0.0 <= e["span"]["precision"] <= 1.0 and 0.0 <= e["span"]["recall"] <= 1.0
    assert e["words_per_second"] > 0
    assert "baseline_fingerprints" in e
    assert 0.0 <= r["clean"]["changed_word_share"] < 0.05
    # unspin compare's verdicts, summed over the documents: they add up, and a spin at 30% has substitutions
    sb, ed = e["substitutions"], e["edits"]
    assert sb["total"] == sb["restored"] + sb["partly"] + sb["wrong"] + sb["missed"] > 0
    assert ed["total"] == ed["right"] + ed["wrong"] + ed["harm"]
    bins = e["edit_calibration"]
    assert bins and sum(b["n"] for b in bins) <= ed["total"]  # model edits above the threshold
    for b in bins:
        lo, hi = map(float, b["bin"].split("-"))
        assert lo <= b["mean_confidence"] <= hi and 0.0 <= b["right"] <= 1.0


def test_cli_eval_quick_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(app, ["eval", "--quick", "--docs", "2", "--json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "results.json").read_text())
    assert set(data["rates"]) == {"0.05", "0.15", "0.30"}


def test_cli_eval_missing_corpora() -> None:
    res = CliRunner().invoke(app, ["eval", "--corpora", "/nonexistent"])
    assert res.exit_code == 2 and "No corpora" in res.output

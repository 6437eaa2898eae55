from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from unspin.api import Restoration, _splice
from unspin.cli import app
from unspin.compare import (
    EDIT_VERDICTS,
    SUBSTITUTION_VERDICTS,
    Comparison,
    compare,
    compare_many,
    judge,
    read_pairs,
)
from unspin.doc import Span
from unspin.errors import InputError

runner = CliRunner()
SPUN = "Officials mentioned that the regulation enforcement officers got here to quell violent unrest."
ORIGINAL = "Officials said that the law enforcement officers came to quell violent unrest."


def _edit(text: str, seen: str, suggestion: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(seen, start + 1)
    return Span(start, start + len(seen), seen, suggestion, 0.9, "model")


def _judge(spun: str, original: str, *edits: Span) -> Comparison:
    chosen = sorted(edits, key=lambda e: e.start)
    return judge(spun, original, Restoration(_splice(spun, chosen), tuple(chosen)))


def _verdicts(c: Comparison) -> tuple[list[str], list[str]]:
    return [s.verdict for s in c.substitutions], [e.verdict for e in c.edits]


def test_each_verdict_of_substitutions_and_edits() -> None:
    c = _judge(SPUN, ORIGINAL,
               _edit(SPUN, "regulation", "law"),       # restored
               _edit(SPUN, "got", "came"),             # "got here" -> "came here": partly
               _edit(SPUN, "violent", "fierce"))       # the spinner left "violent": harm
    subs, edits = _verdicts(c)
    assert [s.text for s in c.substitutions] == ["mentioned", "regulation", "got here"]
    assert [s.original for s in c.substitutions] == ["said", "law", "came"]
    assert subs == ["missed", "restored", "partly"]
    assert edits == ["right", "right", "harm"]
    assert c.words == 12 and c.errors_before == 4
    assert c.errors_after == 3  # "said", "came here", and the harm: 4 - 2 + 1
    wrong = _judge(SPUN, ORIGINAL, _edit(SPUN, "regulation", "rule"))
    assert _verdicts(wrong) == (["missed", "wrong", "missed"], ["wrong"])
    assert wrong.errors_after == wrong.errors_before
    assert not wrong.edits[0].alternative_right and wrong.edit_counts()["wrong_alternative_right"] == 0
    # a wrong edit whose runners-up hold the original says so
    other = replace(_edit(SPUN, "regulation", "rule"), alternatives=("ordinance", "Law"))
    shown = _judge(SPUN, ORIGINAL, other)
    assert shown.edits[0].verdict == "wrong" and shown.edits[0].alternative_right
    assert shown.edit_counts()["wrong_alternative_right"] == 1
    assert shown.edits[0].to_dict()["alternatives"] == ["ordinance", "Law"]
    right = _judge(SPUN, ORIGINAL, replace(_edit(SPUN, "regulation", "law"), alternatives=("rule",)))
    assert right.edits[0].verdict == "right" and not right.edits[0].alternative_right


def test_an_edit_over_two_substitutions_is_judged_with_both() -> None:
    original = "The Chinese Foreign Minister spoke."
    spun = "The Chinese language Overseas Minister spoke."
    right = _judge(spun, original, _edit(spun, "Chinese language Overseas", "Chinese Foreign"))
    assert _verdicts(right) == (["restored"], ["right"])
    assert right.errors_after == 0 and right.errors_removed == 1.0
    half = _judge(spun, original, _edit(spun, "Overseas", "Foreign"))
    assert _verdicts(half) == (["partly"], ["right"])


def test_words_the_spinner_added_or_dropped_are_substitutions_too() -> None:
    original = "He will be there in a year."
    spun = "He will probably be there in 12 months."
    c = _judge(spun, original, _edit(spun, "probably be", "be"))
    assert [(s.text, s.original) for s in c.substitutions] == [("probably", ""), ("12 months", "a year")]
    assert _verdicts(c) == (["restored", "missed"], ["right"])
    dropped = _judge("The plan worked.", "The new plan worked.")
    assert [(s.start, s.end, s.original, s.verdict) for s in dropped.substitutions] == [(4, 4, "new", "missed")]


def test_identical_texts_have_nothing_to_restore() -> None:
    c = _judge(ORIGINAL, ORIGINAL)
    assert c.substitutions == () and c.errors_before == 0 and c.errors_removed == 0.0
    harm = _judge(ORIGINAL, ORIGINAL, _edit(ORIGINAL, "violent", "fierce"))
    assert _verdicts(harm) == ([], ["harm"]) and harm.errors_after == 1


def test_case_and_punctuation_do_not_count_as_substitutions() -> None:
    c = _judge("OFFICIALS SAID, the LAW held!", "Officials said the law held.")
    assert c.substitutions == () and c.errors_before == 0


_WORDS = st.sampled_from("the a law rule said mentioned came got here officers police plan new old".split())


@settings(max_examples=150, deadline=None)
@given(
    original=st.lists(_WORDS, min_size=1, max_size=12),
    changes=st.lists(st.tuples(st.integers(0, 11), st.lists(_WORDS, max_size=2)), max_size=4),
    fixes=st.lists(st.tuples(st.integers(0, 14), st.integers(1, 2), st.lists(_WORDS, min_size=1, max_size=2)),
                   max_size=4),
)
def test_counts_add_up_and_a_full_restoration_removes_every_error(
    original: list[str], changes: list[tuple[int, list[str]]], fixes: list[tuple[int, int, list[str]]]
) -> None:
    spun_words = list(original)
    for at, words in changes:  # the spinner replaces a word by 0-2 words
        if at < len(spun_words):
            spun_words[at : at + 1] = words
    if not spun_words:
        spun_words = ["the"]
    spun, orig = " ".join(spun_words), " ".join(original)
    starts = [sum(len(w) + 1 for w in spun_words[:k]) for k in range(len(spun_words))]
    edits: list[Span] = []
    taken = -1
    for at, n, words in sorted(fixes):
        if at <= taken or at + n > len(spun_words):
            continue
        start, end = starts[at], starts[at + n - 1] + len(spun_words[at + n - 1])
        edits.append(Span(start, end, spun[start:end], " ".join(words), 0.9, "model"))
        taken = at + n - 1
    c = _judge(spun, orig, *edits)
    subs, eds = c.substitution_counts(), c.edit_counts()
    assert sum(subs[v] for v in SUBSTITUTION_VERDICTS) == subs["total"] == len(c.substitutions)
    assert sum(eds[v] for v in EDIT_VERDICTS) == eds["total"] == len(edits)
    for s in c.substitutions:
        assert spun[s.start : s.end] == s.text
        assert (s.suggestion is None) == (s.verdict == "missed")
    assert (c.errors_before == 0) == (spun.split() == original)
    # undoing the spinner exactly, one edit per substitution: all restored, no error left
    whole = [Span(s.start, s.end, s.text, s.original or "x", 1.0, "model") for s in c.substitutions if s.end > s.start]
    if len(whole) == len(c.substitutions) and all(s.original for s in c.substitutions):
        full = _judge(spun, orig, *whole)
        assert full.errors_after == 0
        assert all(s.verdict == "restored" for s in full.substitutions)
        assert all(e.verdict == "right" for e in full.edits)


def test_compare_restores_as_restore_does() -> None:
    import unspin

    c = compare(SPUN, ORIGINAL)
    assert c.restored_text == unspin.restore(SPUN).text
    assert [e.edit for e in c.edits] == list(unspin.restore(SPUN).edits)
    assert c.wer_after <= c.wer_before
    data = json.loads(json.dumps(c.to_dict()))
    assert data["substitutions"]["total"] == len(data["substitution_list"]) == 3
    assert data["restored_text"] == c.restored_text


def test_compare_many_pools_the_pairs() -> None:
    one = compare(SPUN, ORIGINAL)
    two = compare_many([(SPUN, ORIGINAL), (ORIGINAL, ORIGINAL)])
    assert two.texts == 2 and two.words == 2 * one.words
    assert two.errors_before == one.errors_before
    assert len(two.substitutions) == len(one.substitutions)
    with pytest.raises(InputError, match="Pair 2"):
        compare_many([(SPUN, ORIGINAL), (SPUN, "  ")])
    with pytest.raises(InputError, match="No pairs"):
        compare_many([])


def test_read_pairs_names_the_bad_line() -> None:
    good = json.dumps({"spun": SPUN, "original": ORIGINAL})
    assert read_pairs(f"{good}\n\n{good}\n", "p.jsonl") == [(SPUN, ORIGINAL)] * 2
    with pytest.raises(InputError, match="line 2: not JSON"):
        read_pairs(f"{good}\n{{oops\n", "p.jsonl")
    with pytest.raises(InputError, match="line 1: needs the fields"):
        read_pairs(json.dumps({"spun": SPUN}), "p.jsonl")
    with pytest.raises(InputError, match="line 1: needs the fields"):
        read_pairs(json.dumps([SPUN, ORIGINAL]), "p.jsonl")
    with pytest.raises(InputError, match="holds no pairs"):
        read_pairs("\n", "p.jsonl")


def _files(tmp_path: Path) -> tuple[str, str]:
    spun, orig = tmp_path / "spun.txt", tmp_path / "orig.txt"
    spun.write_text(SPUN, encoding="utf-8")
    orig.write_text(ORIGINAL, encoding="utf-8")
    return str(spun), str(orig)


def test_cli_compare_json_and_report(tmp_path: Path) -> None:
    spun, orig = _files(tmp_path)
    res = runner.invoke(app, ["compare", "--json", spun, orig])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data == json.loads(json.dumps(compare(SPUN, ORIGINAL).to_dict()))
    for s in data["substitution_list"]:
        assert SPUN[s["start"] : s["end"]] == s["text"]
    res = runner.invoke(app, ["compare", spun, orig])
    assert res.exit_code == 0, res.output
    assert "word error rate 0.333 ->" in res.stdout and "3 substitutions by the spinner" in res.stdout
    res = runner.invoke(app, ["compare", "-", orig], input=SPUN)
    assert res.exit_code == 0 and "3 substitutions" in res.stdout


def test_cli_compare_pairs(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(json.dumps({"spun": s, "original": ORIGINAL}) for s in (SPUN, ORIGINAL)) + "\n",
                     encoding="utf-8")
    res = runner.invoke(app, ["compare", "--json", "--pairs", str(pairs)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["texts"] == 2 and "restored_text" not in data


@pytest.mark.parametrize("args, message", [
    (["compare"], "Give the spun text and its original"),
    (["compare", "SPUN"], "Give the spun text and its original"),
    (["compare", "SPUN", "-"], "Only the spun text can come from standard input"),
    (["compare", "SPUN", "ORIG", "--pairs", "ORIG"], "not both"),
    (["compare", "SPUN", "missing.txt"], "No such file"),
    (["compare", "SPUN", "EMPTY"], "is empty"),
    (["compare", "--pairs", "BAD"], "line 1: not JSON"),
    (["compare", "--pairs", "BINARY"], "binary"),
])
def test_cli_compare_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    spun, orig = _files(tmp_path)
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    where = {"SPUN": spun, "ORIG": orig, "EMPTY": str(tmp_path / "empty.txt"), "BAD": str(tmp_path / "bad.jsonl"),
             "BINARY": str(tmp_path / "bin.dat"), "missing.txt": str(tmp_path / "missing.txt")}
    res = runner.invoke(app, [where.get(a, a) for a in args])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], res.stderr
    assert "Traceback" not in res.output


def test_passages_are_judged_with_the_edits_inside_them() -> None:
    from unspin.compare import compare_passages

    text = "Intro words here. " + SPUN + " The navy alliance moved."
    at = text.index(SPUN)
    edits = (_edit(text, "regulation", "law"), _edit(text, "got", "came"), _edit(text, "navy", "military"),
             Span(0, at + 9, text[: at + 9], "x", 0.9, "model"))  # across the passage's start: left out
    restoration = Restoration(_splice(text, sorted(edits, key=lambda e: e.start)), edits)
    c = compare_passages(text, [(at, at + len(SPUN), ORIGINAL)], restoration)
    assert [e.edit.text for e in c.edits] == ["regulation", "got"]
    assert [e.edit.start for e in c.edits] == [SPUN.index("regulation"), SPUN.index("got")]
    assert c == _judge(SPUN, ORIGINAL, _edit(SPUN, "regulation", "law"), _edit(SPUN, "got", "came"))
    two = compare_passages(text, [(at, at + len(SPUN), ORIGINAL), (0, 17, "Intro words here.")], restoration)
    assert two.texts == 2 and two.words == c.words + 3 and len(two.edits) == 2
    with pytest.raises(InputError, match="No passages"):
        compare_passages(text, [], restoration)
    with pytest.raises(InputError, match="not inside the spun text"):
        compare_passages(text, [(at, len(text) + 1, ORIGINAL)], restoration)
    with pytest.raises(InputError, match="original is empty"):
        compare_passages(text, [(at, at + len(SPUN), " ")])  # refused before any restoration

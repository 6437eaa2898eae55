from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from unspin import spin
from unspin.cli import app
from unspin.errors import ConfigError


def test_deterministic_for_a_seed(clean_texts: list[str]) -> None:
    text = clean_texts[0]
    assert spin(text, rate=0.2, seed=5).text == spin(text, rate=0.2, seed=5).text
    assert spin(text, rate=0.2, seed=5).text != spin(text, rate=0.2, seed=6).text


@pytest.mark.parametrize("thesaurus", ["wordnet", "moby", "mythes"])
def test_gold_alignment_is_exact(clean_texts: list[str], thesaurus: str) -> None:
    text = clean_texts[1]
    res = spin(text, rate=0.3, seed=1, thesaurus=thesaurus)
    assert res.edits
    # every edit points at its text in both the spun output and the original
    for e in res.edits:
        assert res.text[e.start : e.end] == e.text
        assert text[e.orig_start : e.orig_end] == e.original
        assert e.text != e.original
    # undoing the edits gives back the original exactly
    parts, pos = [], 0
    for e in res.edits:
        parts += [res.text[pos : e.start], e.original]
        pos = e.end
    parts.append(res.text[pos:])
    assert "".join(parts) == text


@pytest.mark.parametrize("rate", [0.05, 0.15, 0.3])
def test_rate_is_honoured(clean_texts: list[str], rate: float) -> None:
    text = "\n\n".join(clean_texts[:4])
    res = spin(text, rate=rate, seed=2, thesaurus="moby")
    assert abs(res.rate - rate) <= 0.02


def test_zero_rate_changes_nothing(clean_texts: list[str]) -> None:
    res = spin(clean_texts[2], rate=0.0, seed=0)
    assert res.text == clean_texts[2] and not res.edits


def test_bad_rate_and_thesaurus() -> None:
    with pytest.raises(ConfigError):
        spin("Some text here.", rate=1.5)
    with pytest.raises(ConfigError):
        spin("Some text here.", thesaurus="roget")


def test_cli_spin_json(clean_texts: list[str]) -> None:
    res = CliRunner().invoke(app, ["spin", "--json", "--rate", "0.3", "--seed", "3", "-"], input=clean_texts[0])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["edits"] and data["text"] != clean_texts[0]
    bad = CliRunner().invoke(app, ["spin", "--thesaurus", "roget", "-"], input=clean_texts[0])
    assert bad.exit_code == 2 and "Unknown thesaurus" in bad.output
    bad_style = CliRunner().invoke(app, ["spin", "--style", "quillbot", "-"], input=clean_texts[0])
    assert bad_style.exit_code == 2 and "Unknown spinner style" in bad_style.output
    assert len(bad_style.output.strip().splitlines()) == 1
    styled = CliRunner().invoke(app, ["spin", "--json", "--style", "dictionary", "--rate", "0.3", "-"], input=clean_texts[0])
    assert styled.exit_code == 0 and json.loads(styled.stdout)["edits"]


def test_help_says_test_data_generator() -> None:
    res = CliRunner().invoke(app, ["spin", "--help"])
    assert "TEST-DATA GENERATOR" in res.stdout


def test_dictionary_style_uses_one_dictionary_across_documents() -> None:
    from unspin.spin import Spinner

    text = "The officials said the plan would help the country. " * 3
    other_doc = "Officials said the country would help. The plan is new."
    a = Spinner("wordnet", rate=0.5, style="dictionary")(text)
    b = Spinner("wordnet", rate=0.5, style="dictionary")(other_doc)
    pairs_a = {e.original.lower(): e.text.lower() for e in a.edits}
    pairs_b = {e.original.lower(): e.text.lower() for e in b.edits}
    shared = pairs_a.keys() & pairs_b.keys()
    assert shared  # two documents, one dictionary: the same phrases get the same synonyms
    assert all(pairs_a[k] == pairs_b[k] for k in shared)
    other = Spinner("wordnet", rate=0.5, style="dictionary", dictionary_seed=7)(text)
    assert all(text[e.orig_start : e.orig_end] == e.original for e in other.edits)


def test_dictionary_style_spins_every_occurrence_of_a_phrase() -> None:
    from collections import Counter

    from unspin.spin import Spinner

    text = "The officials said the plan would help the country. " * 3
    for seed in range(4):
        res = Spinner("wordnet", rate=0.3, style="dictionary", dictionary_seed=seed)(text)
        assert res.edits
        # each sentence copy is spun alike: no copy keeps a phrase another copy lost
        assert set(Counter(e.original.lower() for e in res.edits).values()) == {3}
    random_style = Spinner("wordnet", rate=0.3, seed=0)(text)
    assert random_style.edits  # the random style draws positions, not phrase types


def test_unknown_spinner_style_is_a_config_error() -> None:
    import pytest

    from unspin.errors import ConfigError
    from unspin.spin import Spinner

    with pytest.raises(ConfigError):
        Spinner("wordnet", style="quillbot")


def test_articles_agree_with_the_replacement_unless_kept() -> None:
    import re

    from unspin.morph import indefinite_article

    text = ("It was a big day and an early start for a small team. An old friend met a young actor. "
            "She wrote an honest letter about a huge error and an easy task. ") * 2

    def mismatches(t: str) -> int:
        return sum(indefinite_article(m.group(2)) != m.group(1).lower()
                   for m in re.finditer(r"\b([Aa]n?) ([A-Za-z][\w-]*)", t))

    assert mismatches(text) == 0
    fixed = spin(text, rate=1.0, seed=3, thesaurus="moby")
    kept = spin(text, rate=1.0, seed=3, thesaurus="moby", fix_articles=False)
    assert mismatches(fixed.text) == 0
    assert mismatches(kept.text) > 0  # the same synonyms, articles left as they were
    # a fixed article belongs to its edit: the gold alignment still undoes the spin exactly
    changed = [e for e in fixed.edits if e.original.lower().split(" ")[0] in ("a", "an")]
    assert changed and all(e.text.split(" ")[0].lower() != e.original.split(" ")[0].lower() for e in changed)
    assert all(text[e.orig_start : e.orig_end] == e.original for e in fixed.edits)
    assert [e.text.split(" ")[-1] for e in changed] == [
        e.text for e in kept.edits if any(k.orig_end == e.orig_end for k in changed)
    ]


def test_cli_spin_keep_articles() -> None:
    text = "It was a big day and an early start for a small team. " * 3
    fixed = CliRunner().invoke(app, ["spin", "--rate", "1", "--seed", "3", "--thesaurus", "moby", "-"], input=text)
    kept = CliRunner().invoke(app, ["spin", "--rate", "1", "--seed", "3", "--thesaurus", "moby", "--keep-articles", "-"],
                              input=text)
    assert fixed.exit_code == kept.exit_code == 0
    assert fixed.output.rstrip("\n") == spin(text, rate=1.0, seed=3, thesaurus="moby").text.rstrip("\n")
    assert kept.output.rstrip("\n") == spin(text, rate=1.0, seed=3, thesaurus="moby", fix_articles=False).text.rstrip("\n")
    assert fixed.output != kept.output


@pytest.mark.parametrize("thesaurus", ["wordnet", "moby"])
def test_lone_letters_are_never_spun(thesaurus: str) -> None:
    from unspin.lexicon import lone_letter
    from unspin.spin import Spinner

    text = "Sales rose to £5m, or 3 m units, in the U.S. and in Europe, with vitamin C in group B. " * 4
    for seed in range(6):
        res = Spinner(thesaurus, rate=0.9, seed=seed)(text)
        assert res.edits
        assert not [e for e in res.edits if lone_letter(e.original)]

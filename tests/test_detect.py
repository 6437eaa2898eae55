from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.detect import DetectorModel, FingerprintMatcher, load_detector
from unspin.doc import WORD
from unspin.lexicon import Fingerprint, load_fingerprints
from unspin.tokenize import tokenize


def test_fingerprint_list_is_filtered() -> None:
    fps = load_fingerprints()
    assert 3000 < len(fps) < 7299
    # search expressions (AND/NOT) and single words are not fingerprints
    assert all(" and " not in p or '"' not in p for p in fps)
    assert all(" " in p for p in fps)
    assert "counterfeit consciousness" in fps


def test_matcher_finds_phrases_with_offsets() -> None:
    text = "Deep learning, i.e. profound learning, and counterfeit consciousness."
    spans = FingerprintMatcher()(tokenize(text))
    found = {s.text.lower(): s for s in spans}
    assert "counterfeit consciousness" in found
    s = found["counterfeit consciousness"]
    assert text[s.start : s.end] == s.text and s.source == "fingerprint"
    assert s.suggestion.lower() == "artificial intelligence"


def test_fingerprint_suggestions_take_the_casing_of_what_they_replace() -> None:
    m = FingerprintMatcher()
    cases = {
        "Counterfeit consciousness is here.": "Artificial intelligence",  # a sentence start
        'He said: "Counterfeit consciousness works."': "Artificial intelligence",  # after an opening quote
        "We use counterfeit consciousness.": "artificial intelligence",
        "We use Counterfeit Consciousness.": "Artificial Intelligence",  # a title
        "WE USE COUNTERFEIT CONSCIOUSNESS.": "ARTIFICIAL INTELLIGENCE",
    }
    for text, want in cases.items():
        assert [s.suggestion for s in m(tokenize(text))] == [want], text


def test_plural_of_a_listed_phrase_is_found() -> None:
    fps = load_fingerprints()
    assert "neural organization" in fps and "neural organizations" not in fps  # the list gives the singular
    spans = FingerprintMatcher()(tokenize("We trained neural organizations and a neural organization."))
    assert [(s.text, s.suggestion) for s in spans] == [
        ("neural organizations", "neural networks"), ("neural organization", "neural network")]


def test_ordinary_text_has_no_fingerprints(clean_texts: list[str]) -> None:
    m = FingerprintMatcher()
    hits = [s.text for t in clean_texts for s in m(tokenize(t))]
    assert len(hits) <= 1, hits


def test_detector_probability_and_verdict() -> None:
    model = DetectorModel(bias=-2.0, weights={"edit_mass": 20.0})
    assert model.probability({"edit_mass": 0.0}) < 0.2
    assert model.probability({"edit_mass": 0.3}) > 0.95
    assert model.verdict(0.9) == "spun" and model.verdict(0.1) == "clean" and model.verdict(0.5) == "uncertain"
    assert isinstance(load_detector(), DetectorModel)


@lru_cache(maxsize=1)
def _matcher() -> FingerprintMatcher:
    return FingerprintMatcher()


def _fingerprint_words() -> list[str]:
    fps = list(load_fingerprints())
    tokened = [p for p in fps if not all(t.kind == WORD for t in tokenize(p).tokens)]  # "co2 emanation", "(ai)"
    words = sorted({w for p in fps[:400] + tokened[:100] for w in p.split(" ")})
    return [*words, "the", "of", "and", ",", ".", "\n", "Counterfeit", "CONSCIOUSNESS", "-"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_fingerprint_words()), min_size=1, max_size=40))
def test_fast_matcher_matches_the_reference(words: list[str]) -> None:
    # word salad of fingerprint words: many partial and overlapping phrases
    doc = tokenize(" ".join(words))
    assert _matcher()(doc) == _matcher().reference_call(doc)


def test_fast_matcher_matches_the_reference_on_text(clean_texts: list[str]) -> None:
    fps = list(load_fingerprints())
    text = " ".join(f"{t[:300]} {fps[k * 37 % len(fps)]}." for k, t in enumerate(clean_texts))
    doc = tokenize(text)
    fast = _matcher()(doc)
    assert len(fast) >= len(clean_texts) and fast == _matcher().reference_call(doc)


def _phrases() -> list[str]:
    return [p for p in load_fingerprints() if p.count(" ") >= 1][::7]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_phrases()), st.sampled_from(["as listed", "plural", "cut", "Title", "+the"])),
                min_size=1, max_size=12))
def test_fast_matcher_matches_the_reference_on_whole_phrases(parts: list[tuple[str, str]]) -> None:
    # listed phrases (plural heads, cut short, capitalised, run into each other): the
    # fast matcher's prefix pruning must find exactly what trying every span finds
    from unspin.morph import plural

    pieces = []
    for phrase, how in parts:
        words = phrase.split(" ")
        if how == "plural":
            words[-1] = plural(words[-1]) or words[-1]
        elif how == "cut":
            words = words[:-1]
        elif how == "Title":
            words = [w.title() for w in words]
        elif how == "+the":
            words.append("the")
        pieces.append(" ".join(words))
    doc = tokenize(" ".join(pieces))
    fast = _matcher()(doc)
    assert fast == _matcher().reference_call(doc)
    # listed phrases are found (two run together may give way to a longer third)
    assert len(fast) >= sum(how == "as listed" for _p, how in parts) // 2


def _phrases_with_tokens() -> list[str]:
    return [p for p in load_fingerprints() if not all(t.kind == WORD for t in tokenize(p).tokens)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_phrases_with_tokens()), min_size=1, max_size=8))
def test_fast_matcher_matches_the_reference_on_phrases_with_numbers_and_brackets(phrases: list[str]) -> None:
    doc = tokenize(" and ".join(phrases) + ".")
    fast = _matcher()(doc)
    assert fast == _matcher().reference_call(doc)
    assert len(fast) >= len(phrases) // 2


def test_every_listed_phrase_is_found_in_a_sentence() -> None:
    # plain words and phrases with numbers, hyphens and brackets alike ("covid-19
    # pestilence", "co2 emanation", "synthetic intelligence (ai)"): the matcher
    # compares tokens as the tokenizer splits the list's own phrases
    m = _matcher()
    missed = []
    for phrase, fp in load_fingerprints().items():
        text = f"We saw {phrase} here."
        end = 7 + len(phrase) - (len(fp.keep) + 1 if fp.keep else 0)
        if not any((s.start, s.end) == (7, end) for s in m(tokenize(text))):
            missed.append(phrase)
    assert not missed, missed[:10]


def _fp(phrase: str, expected: str, papers: int = 10) -> dict[str, Fingerprint]:
    return {phrase: Fingerprint(phrase, expected, papers)}


def test_a_bracketed_abbreviation_the_original_lacks_stays_as_written() -> None:
    m = FingerprintMatcher(_fp("data technology (it)", "information technology"))
    [s] = m(tokenize("Data technology (IT) helps."))
    assert (s.text, s.suggestion) == ("Data technology", "Information technology")
    # where the original spells the abbreviation out too, the whole phrase is replaced
    m = FingerprintMatcher(_fp("synthetic intelligence (ai)", "artificial intelligence (AI)"))
    [s] = m(tokenize("We use synthetic intelligence (AI) now."))
    assert (s.text, s.suggestion) == ("synthetic intelligence (AI)", "artificial intelligence (AI)")


def test_the_curators_notes_never_reach_the_suggestion() -> None:
    text = "We met tainted people and profound organizations."
    m = FingerprintMatcher({**_fp("tainted people", "infected/affected people (?)"),
                            **_fp("profound organizations", "deep [neural] networks")})
    got = {s.text: s for s in m(tokenize(text))}
    assert got["tainted people"].suggestion == "infected people"
    assert got["profound organizations"].suggestion == "deep networks"
    # an unsure original is a weaker edit, and the list's own words stay in the evidence
    assert got["tainted people"].confidence < 0.7 < got["profound organizations"].confidence
    assert dict(got["tainted people"].evidence)["listed_original"] == "infected/affected people (?)"


def test_a_phrase_listed_without_a_usable_original_is_flagged_and_left_as_written() -> None:
    [s] = FingerprintMatcher(_fp("clothes airers", "???"))(tokenize("Two clothes airers fell."))
    assert s.text == s.suggestion == "clothes airers" and s.confidence > 0.9


def test_words_the_original_shares_with_the_text_around_the_phrase_are_not_written_twice() -> None:
    m = FingerprintMatcher(_fp("domestic output (gdp)", "gross domestic product (GDP)"))
    [s] = m(tokenize("Real gross domestic output (GDP) rose."))
    assert (s.text, s.suggestion) == ("domestic output (GDP)", "domestic product (GDP)")
    [s] = m(tokenize("Domestic output (GDP) rose."))
    assert s.suggestion == "Gross domestic product (GDP)"
    m = FingerprintMatcher(_fp("profound studying", "deep learning methods"))
    assert [s.suggestion for s in m(tokenize("We use profound studying methods."))] == ["deep learning"]
    assert [s.suggestion for s in m(tokenize("We use profound studying."))] == ["deep learning methods"]


def test_a_phrase_is_not_ordinary_english_because_its_listed_original_carries_notes() -> None:
    # "help vector machine" against "support vector machine (SVM)": the rare "(svm)" made the
    # expected text look rarer than the tortured phrase, and such rows were dropped as ordinary
    import re

    from unspin.lexicon import _is_ordinary_english, _pps_rows, plain_phrase, restoration_of

    kept = load_fingerprints()
    revived = []
    for row in _pps_rows():
        plain = plain_phrase(row[0]) if len(row) >= 3 else None
        if plain is None or " " not in plain.strip():
            continue
        phrase = re.sub(r"\s+", " ", plain.strip().lower())
        original = restoration_of(phrase, row[1])[0]
        if original and _is_ordinary_english(phrase, row[1].strip().lower()) and not _is_ordinary_english(
                phrase, original.lower()):
            revived.append(phrase)
    assert len(revived) > 100 and all(p in kept for p in revived)


def test_a_listed_phrase_inside_a_compound_or_a_possessive_is_found() -> None:
    m = FingerprintMatcher({**_fp("profound learning", "deep learning"), **_fp("bolster vector", "support vector"),
                            **_fp("bolster vector machine", "support vector machine")})
    text = "Profound learning-based models and bolster vector machine-based ones; profound learning's reach."
    got = [(s.text, s.suggestion) for s in m(tokenize(text))]
    # the edit stops where the listed word does; the longer listed phrase wins
    assert got == [("Profound learning", "Deep learning"), ("bolster vector machine", "support vector machine"),
                   ("profound learning", "deep learning")]
    assert m(tokenize(text)) == m.reference_call(tokenize(text))
    # a compound of its own, which the thesaurus lists, is not a listed word plus a suffix
    m = FingerprintMatcher(_fp("coaching set", "training set"))
    assert m(tokenize("changes to the coaching set-up")) == []
    assert [s.text for s in m(tokenize("the coaching set-based method"))] == ["coaching set"]


def test_the_article_before_a_fingerprint_agrees_with_its_original() -> None:
    m = FingerprintMatcher(_fp("counterfeit consciousness", "artificial intelligence"))
    cases = {
        "It is a counterfeit consciousness system.": ("a counterfeit consciousness", "an artificial intelligence"),
        "A counterfeit consciousness rises.": ("A counterfeit consciousness", "An artificial intelligence"),
        "A COUNTERFEIT CONSCIOUSNESS RISES": ("A COUNTERFEIT CONSCIOUSNESS", "AN ARTIFICIAL INTELLIGENCE"),
    }
    for text, want in cases.items():
        assert [(s.text, s.suggestion) for s in m(tokenize(text))] == [want], text
    # an article that already agrees stays outside the edit
    m = FingerprintMatcher(_fp("profound organizations", "deep networks"))
    assert [s.text for s in m(tokenize("It is a profound organizations thing."))] == ["profound organizations"]
    assert [s.suggestion for s in m(tokenize("It is an profound organizations thing."))] == ["a deep networks"]


def test_an_article_that_ends_the_previous_match_is_not_taken_twice() -> None:
    m = FingerprintMatcher({**_fp("plan a", "design a"), **_fp("counterfeit consciousness", "artificial intelligence")})
    spans = m(tokenize("We plan a counterfeit consciousness."))
    assert [(s.text, s.suggestion) for s in spans] == [("plan a", "design a"),
                                                       ("counterfeit consciousness", "artificial intelligence")]
    assert spans[0].end <= spans[1].start

from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.detect import DetectorModel, FingerprintMatcher, load_detector
from unspin.doc import WORD
from unspin.lexicon import load_fingerprints
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
    words = sorted({w for p in list(load_fingerprints())[:400] for w in p.split(" ")})
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
    # listed phrases are found: those made of words only ("co2 emanation", "covid-19 pestilence"
    # hold number or punctuation tokens, which neither matcher ever spans)
    wordy = sum(how == "as listed" and all(t.kind == WORD for t in tokenize(p).tokens) for p, how in parts)
    assert len(fast) >= wordy // 2

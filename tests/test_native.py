"""The compiled scorer and decoder against their Python twins (the decoder twin test: test_restore)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import native
from unspin.lexicon import load_terms
from unspin.lm import BOS, EOS, NAME, NUM, UNK, TermBoosted, get_scorer
from unspin.restore import RestoreConfig, Restorer
from unspin.tokenize import tokenize

# words the models know, class tokens, unknown words and the words of listed terms
VOCAB = ["the", "of", "said", "people", "government", "foreign", "minister", "chinese", "it", "was", "prices",
         "rose", "deep", "learning", "artificial", "intelligence", "neural", "network", "zzqxv", "blorfing", "hashtag", "emoji",
         NUM, NAME, UNK, BOS, EOS]


@lru_cache(maxsize=4)
def _restorer() -> Restorer:
    r = Restorer(replace(RestoreConfig(), native_min_words=0))
    r.native = r._use_native(tokenize("Start."))
    assert r.native is not None
    return r


@lru_cache(maxsize=2)
def _boosted(name: str) -> tuple[TermBoosted, native.NativeLM]:
    scorer = TermBoosted(get_scorer(name), load_terms(), 2.0)
    twin = native.NativeLM.mirror(scorer)
    assert twin is not None
    return scorer, twin


@settings(max_examples=300, deadline=None)
@given(w=st.sampled_from([v for v in VOCAB if v != BOS]), h1=st.sampled_from(VOCAB), h2=st.sampled_from(VOCAB),
       name=st.sampled_from(["cmu", "cmu+news"]))
def test_native_scores_equal_the_python_scorer(w: str, h1: str, h2: str, name: str) -> None:
    scorer, twin = _boosted(name)
    assert twin.logp(w, h1, h2) == scorer.logp(w, h1, h2)


def test_term_bonus_is_mirrored() -> None:
    scorer, twin = _boosted("cmu+news")
    plain = get_scorer("cmu+news")
    assert twin.logp("learning", "deep", BOS) == pytest.approx(plain.logp("learning", "deep", BOS) + 2.0)
    assert twin.logp("learning", "deep", BOS) == scorer.logp("learning", "deep", BOS)


def test_scorers_without_a_twin_decode_in_python() -> None:
    assert native.NativeLM.mirror(get_scorer("cmu+web")) is None

    class Custom:
        name = "custom"

        def logp(self, word: str, prev1: str, prev2: str) -> float:
            return -1.0

    assert native.NativeLM.mirror(Custom()) is None  # type: ignore[arg-type]  # a duck-typed scorer


def test_native_path_scores_equal_python() -> None:
    r = _restorer()
    words = ["the", "chinese", "foreign", "minister", "zzqxv", NUM, "said", "deep", "learning"]
    nat = r.native
    r.native = None
    try:
        slow = r._path_score(words)
    finally:
        r.native = nat
    assert r._path_score(words) == slow


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCAB[:-2]), min_size=1, max_size=12), min_size=1, max_size=8))
def test_many_paths_scored_in_one_call_equal_each_path_scored_alone(paths: list[list[str]]) -> None:
    """Restorer._path_scores (one compiled call, paths_logp) gives each path's summed score
    exactly as one _path_score per path does, compiled or in Python."""
    r = _restorer()
    one_by_one = [sum(r._path_score(path)) for path in paths]
    assert r._path_scores(paths) == one_by_one
    nat = r.native
    r.native = None
    try:
        assert r._path_scores(paths) == one_by_one
    finally:
        r.native = nat


@pytest.mark.parametrize("thesaurus", ["moby", "wordnet"])
def test_documents_restore_alike_with_and_without_the_compiled_decoder(
    clean_texts: list[str], thesaurus: str
) -> None:
    import unspin

    fast = Restorer(replace(RestoreConfig(), native_min_words=0))
    slow = Restorer(replace(RestoreConfig(), native=False))
    for k, text in enumerate(clean_texts[:3]):
        doc = tokenize(unspin.spin(text, rate=0.2, seed=k, thesaurus=thesaurus).text)
        assert fast.proposals(doc) == slow.proposals(doc)
        assert fast.native is not None and slow.native is None


def test_a_sentence_too_long_for_the_compiled_keys_decodes_in_python(
    clean_texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    import unspin

    restore_module = importlib.import_module("unspin.restore")  # the module (unspin.restore is also a function)
    r = Restorer(replace(RestoreConfig(), native_min_words=0))
    doc = tokenize(unspin.spin(clean_texts[0], rate=0.2, seed=1, thesaurus="moby").text)
    expected = r.proposals(doc)
    calls = []
    python_decode = Restorer.decode_python

    def spy(self: Restorer, *args: object) -> object:
        calls.append(1)
        return python_decode(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(restore_module, "_MAX_NATIVE_WORDS", 8)  # as if every longer sentence overflowed
    monkeypatch.setattr(Restorer, "decode_python", spy)
    assert r.proposals(doc) == expected and calls


def test_word_ids_start_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = TermBoosted(get_scorer("cmu+news"), load_terms(), 2.0)
    twin = native.NativeLM.mirror(scorer)
    assert twin is not None
    before = twin.logp("learning", "deep", "the")
    monkeypatch.setattr(native, "_MAX_WORDS", len(twin._ids) + 2)
    twin.ids(["alpha", "beta", "gamma", "delta"])  # overflows: the ids are dealt again
    assert twin.logp("learning", "deep", "the") == before == scorer.logp("learning", "deep", "the")


def test_short_documents_decode_in_python_until_a_long_one_loads_the_compiled_decoder() -> None:
    r = Restorer(replace(RestoreConfig(), native_min_words=50))
    r(tokenize("He mentioned the costs rose."))
    assert r.native is None
    r(tokenize(" ".join(["He mentioned that the costs rose sharply."] * 10)))
    assert r.native is not None
    r(tokenize("He mentioned the costs rose."))
    assert r.native is not None  # loaded once, used from then on


def test_load_native_up_front() -> None:
    r = Restorer(replace(RestoreConfig(), native_min_words=10**9))
    assert r.load_native()
    r(tokenize("He mentioned the costs rose."))
    assert r.native is not None  # loaded up front: used for short documents too
    off = Restorer(replace(RestoreConfig(), native=False))
    assert not off.load_native()
    off(tokenize(" ".join(["He mentioned that the costs rose sharply."] * 10)))
    assert off.native is None


def test_threads_sharing_a_restorer_get_the_single_thread_edits(
    clean_texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web server's threads share one restorer; word ids dealt afresh mid-way must not mix tables."""
    from concurrent.futures import ThreadPoolExecutor

    import unspin

    docs = [tokenize(unspin.spin(t, rate=0.2, seed=k, thesaurus="moby").text) for k, t in enumerate(clean_texts[:4])]
    alone = Restorer(replace(RestoreConfig(), native=False))
    expected = [alone(d) for d in docs]
    shared = Restorer(replace(RestoreConfig(), native_min_words=0))
    assert shared.load_native() and shared._native is not None
    monkeypatch.setattr(native, "_MAX_WORDS", len(shared._native._ids) + 3_000)  # forces fresh ids between docs
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(shared, docs * 3))
    assert got == expected * 3


@settings(max_examples=50, deadline=None)
@given(keys=st.sets(st.integers(0, 2**62), max_size=300), probes=st.lists(st.integers(0, 2**62), max_size=50))
def test_hashed_tables_find_what_a_dict_finds(keys: set[int], probes: list[int]) -> None:
    import numpy as np

    ordered = sorted(keys)
    values = np.arange(len(ordered), dtype=np.float64) * 0.5 - 3.0
    table_k, table_v = native._hash_table(np.array(ordered, dtype=np.int64), values)
    oracle = dict(zip(ordered, values.tolist()))
    for key in [*ordered, *probes]:
        slot = native._hfind(table_k, key)
        if key in oracle:
            assert slot >= 0 and table_v[slot] == oracle[key]
        else:
            assert slot == -1


def test_a_compiled_decoder_that_fails_to_load_falls_back_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: native.NativeLM) -> None:
        raise RuntimeError("no LLVM here")

    monkeypatch.setattr(native.NativeLM, "warm_up", broken)
    r = Restorer(replace(RestoreConfig(), native_min_words=0))
    with pytest.warns(RuntimeWarning, match="compiled decoder unavailable"):
        assert not r.load_native()
    edits = r(tokenize("The regulation enforcement officers informed reporters."))
    assert r.native is None and edits  # decoded in Python


def test_without_numba_decoding_stays_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "unspin.native", None)  # "import unspin.native" now raises ImportError
    r = Restorer(replace(RestoreConfig(), native_min_words=0))
    with pytest.warns(RuntimeWarning, match="ModuleNotFoundError"):
        assert not r.load_native()
    assert r(tokenize("The regulation enforcement officers informed reporters."))


def test_context_tables_hold_every_context_with_a_longer_ngram() -> None:
    """The compiled scorer skips the trigram (bigram) look-up when the context is not
    in its backoff table, so that table must hold every context of a longer n-gram,
    even one whose backoff weight is 0; contexts with weight 0 and no longer n-gram
    back off alike whether present or not, and are left out."""
    import numpy as np

    bits = 4
    bow = (np.array([1, 2, 3, 5], dtype=np.int64), np.array([0.0, 0.0, -0.5, -0.25]))
    longer = np.array([(1 << bits) | 7, (1 << bits) | 9, (4 << bits) | 2], dtype=np.int64)  # contexts 1 and 4
    keys, values = native._contexts(bow, longer, bits)
    got = dict(zip(keys.tolist(), values.tolist()))
    # 1: weight 0, has trigrams; 2: weight 0, none (dropped); 3 and 5: weights; 4: no weight, has trigrams
    assert got == {1: 0.0, 3: -0.5, 5: -0.25, 4: 0.0}


@settings(max_examples=200, deadline=None)
@given(bow=st.dictionaries(st.integers(0, 60), st.sampled_from([0.0, -0.5, 0.25]), max_size=40),
       longer=st.lists(st.integers(0, 60 * 8 + 7), max_size=60), ordered=st.booleans())
def test_context_tables_equal_the_set_version(bow: dict[int, float], longer: list[int], ordered: bool) -> None:
    """The sorted-key shortcut builds the same backoff-context table as numpy's set operations,
    and any key order still gives it (through the set version)."""
    import numpy as np

    keys = sorted(bow) if ordered else list(bow)
    table = (np.array(keys, dtype=np.int64), np.array([bow[k] for k in keys], dtype=np.float64))
    more = np.array(sorted(longer) if ordered else longer, dtype=np.int64)
    got, want = native._contexts(table, more, 3), native.reference_contexts(table, more, 3)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()


def test_context_tables_of_the_shipped_news_model_equal_the_set_version() -> None:
    import numpy as np

    news = native.NativeLM.mirror(get_scorer("cmu+news")).news  # type: ignore[union-attr]
    assert news is not None
    for bow, longer in ((news._bow2, news._p3[0]), (news._bow1, news._p2[0])):
        got, want = native._contexts(bow, longer, news._bits), native.reference_contexts(bow, longer, news._bits)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]) and len(got[0]) > 1000


# sentences whose lattices hold arcs moved onto "a"/"an" (an original that needs the other
# article or has its own determiner), a capitalised name's dropped originals and phrases
_LATTICE_TEXTS = [
    "He made an enormous mistake and a huge error in a few hours.",
    "An unusual officer saw a eminent Chinese language Overseas Minister at an occasion.",
    "The Big Board fell as a key regulation enforcement agency gave an update on a lot of costs.",
    "She has a great deal of time.",  # "a great deal" has arcs of its own on the article, and "great" moves there
]


@pytest.mark.parametrize("text", _LATTICE_TEXTS)
def test_the_search_reads_the_lattice_as_decode_reads_its_arcs(text: str) -> None:
    from unspin.restore import _Sentence

    r = _restorer()
    doc = tokenize(text)
    for first, last in doc.sentences:
        sent = _Sentence(doc, first, last)
        for rho, limit, width in ((0.3, 0, 8), (0.12, 12, 6), (0.05, 4, 2)):
            lattice = r.lattice(sent, rho, None, limit=limit)
            assert lattice.arcs() == r.reference_arcs(sent, rho, None, limit=limit)
            assert r.search(sent, lattice, rho, width) == r.decode(sent, lattice.arcs(), rho, width)
    if text.startswith("He made"):
        assert r.lattice(_Sentence(doc, *doc.sentences[0]), 0.3, None).moved.any()  # the test meets moved arcs


def test_the_search_deals_phrase_ids_afresh_when_the_id_space_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin.restore import _Sentence

    r = Restorer(replace(RestoreConfig(), native_min_words=0))
    r.native = r._use_native(tokenize("Start."))
    assert r.native is not None
    doc = tokenize(_LATTICE_TEXTS[0])
    sent = _Sentence(doc, *doc.sentences[0])
    lattice = r.lattice(sent, 0.3, None)
    expected = r.decode(sent, lattice.arcs(), 0.3)
    assert r.search(sent, lattice, 0.3) == expected  # the phrases keep their ids
    generation = r.native.generation
    monkeypatch.setattr(native, "_MAX_WORDS", len(r.native._ids) + 8)  # every search now overflows
    assert r.search(sent, lattice, 0.3) == expected
    assert r.search(sent, lattice, 0.3) == expected
    assert r.native.generation >= generation + 2


_LATTICE_WORDS = ["a", "an", "the", "enormous", "huge", "error", "officer", "eminent", "Big", "Board", "regulation",
                  "enforcement", "in", "addition", "to", "lot", "of", "costs", "mentioned", "Overseas", "Minister",
                  "Chinese", "language", "quickly", "unusual", "occasion", "some", "hour"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_LATTICE_WORDS), min_size=1, max_size=14), st.sampled_from([0, 4, 12]))
def test_any_lattice_searches_as_its_arcs_decode(words: list[str], limit: int) -> None:
    from unspin.restore import _Sentence

    r = _restorer()
    doc = tokenize(" ".join(words) + ".")
    for first, last in doc.sentences:
        sent = _Sentence(doc, first, last)
        lattice = r.lattice(sent, 0.2, None, limit=limit)
        assert lattice.arcs() == r.reference_arcs(sent, 0.2, None, limit=limit)
        assert r.search(sent, lattice, 0.2) == r.decode(sent, lattice.arcs(), 0.2)

"""Compiled decoding: the default n-gram scorer and the beam search in numba.

The restorer's hot loop asks the language model about every candidate after
every history in its beam (about a hundred queries per word). In Python each
query costs microseconds; here the whole Viterbi beam search of a sentence
runs as one compiled function, which asks pocketsphinx's own C scorer
(``ngram_tg_score``, through ``ctypes``) for the CMU trigram, reads hashed
copies of the news trigram's tables, and memoises what it computed.

It computes the same numbers as the Python scorers, in the same order:
:class:`NativeLM` mirrors ``TermBoosted(Interpolated(CMUTrigram,
NewsTrigram))`` (or any part of that chain), and :func:`decode` is
:func:`unspin.restore.reference_decode` step for step, ties included. Tests
hold both against their Python twins. Scorers it cannot mirror (``cmu+web``,
custom ones) make :meth:`NativeLM.mirror` return ``None``; the restorer then
decodes in Python.
"""

from __future__ import annotations

import ctypes
import math
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from .lm import (
    _CLASS_LOGP,
    _LOG10_BASE,
    _OOV_SENTINEL,
    UNK,
    CMUTrigram,
    Interpolated,
    NewsTrigram,
    Scorer,
    TermBoosted,
    unknown_logp,
)

__all__ = ["NativeLM", "decode", "paths_logp"]

_MAX_WORDS = 1 << 21  # word ids are packed three to an int64 key
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)  # splitmix64
_S27, _S30, _S31 = np.uint64(27), np.uint64(30), np.uint64(31)
_MEMO_SIZE = 1 << 21  # slots of the score memo (32 MB); emptied when half full
_NO_CLASS = np.nan


@lru_cache(maxsize=4)
def _c_scorer(path: str) -> tuple[int, Any]:
    """Load the CMU model a second time through pocketsphinx's C API: ``(model pointer, score function)``.

    One per file and process, shared by every restorer (the C scorer only reads it).
    """
    import pocketsphinx

    folder = os.path.dirname(pocketsphinx.__file__)
    name = next(f for f in os.listdir(folder) if f.startswith("_pocketsphinx") and ".so" in f)
    lib = ctypes.CDLL(os.path.join(folder, name))
    lib.logmath_init.restype = ctypes.c_void_p
    lib.logmath_init.argtypes = [ctypes.c_double, ctypes.c_int, ctypes.c_int]
    lib.ngram_model_read.restype = ctypes.c_void_p
    lib.ngram_model_read.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
    model = lib.ngram_model_read(None, path.encode(), 0, lib.logmath_init(1.0001, 0, 0))
    if not model:
        raise OSError(f"pocketsphinx could not read {path!r}")
    address = ctypes.cast(lib.ngram_tg_score, ctypes.c_void_p).value
    if not address:
        raise OSError("pocketsphinx has no ngram_tg_score")
    score = ctypes.CFUNCTYPE(
        ctypes.c_int32, ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.c_void_p
    )(address)
    lib.ngram_wid.restype = ctypes.c_int32
    lib.ngram_wid.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    return model, (score, lib.ngram_wid, lib)


class NativeLM:
    """The arrays and C handles behind the compiled scorer, and the word ids it knows.

    Words get small integer ids on first sight; per id it keeps what each
    model needs (CMU word id, news id, class score). Use :meth:`mirror` to
    build one for a scorer.
    """

    def __init__(
        self, cmu: CMUTrigram, news: NewsTrigram | None, lam: float, terms: frozenset[tuple[str, ...]], bonus: float
    ) -> None:
        self.cmu, self.news, self.lam, self.bonus = cmu, news, lam, bonus
        self._model, (self._score, self._wid, _lib) = _c_scorer(cmu.path)
        self._n_used = np.zeros(1, dtype=np.int32)  # pocketsphinx writes how many words it used here
        self._terms = terms
        self._term_last = frozenset(term[-1] for term in terms) if bonus else frozenset()
        self._lock = threading.RLock()
        self._news_tables: tuple[tuple[Any, Any], ...] | None = None
        # bumped each time the ids are dealt afresh: ids kept elsewhere (a phrase's
        # candidates' in ``restore._Options.native_ids``) hold only while it is unchanged
        self.generation = 0
        self._reset()

    @classmethod
    def mirror(cls, scorer: Scorer) -> NativeLM | None:
        """A native twin of ``scorer``, or ``None`` if it is not made of the parts this module mirrors."""
        terms: frozenset[tuple[str, ...]] = frozenset()
        bonus = 0.0
        inner: Any = scorer
        if isinstance(inner, TermBoosted):
            terms = frozenset(inner.pairs | inner.triples)
            bonus, inner = inner.bonus, inner.inner
        if type(inner) is CMUTrigram:
            cmu, news, lam = inner, None, 1.0
        elif (
            isinstance(inner, Interpolated) and type(inner.first) is CMUTrigram and type(inner.second) is NewsTrigram
        ):
            cmu, news, lam = inner.first, inner.second, inner.lam
        else:
            return None
        try:
            return cls(cmu, news, lam, terms, bonus)
        except (OSError, StopIteration, AttributeError):
            return None

    def _reset(self) -> None:
        self.generation += 1
        self._ids: dict[str, int] = {}
        cap = 4096
        self._cmu_wid = np.full(cap, -1, dtype=np.int32)
        self._cmu_known = np.zeros(cap, dtype=np.bool_)
        self._cls = np.full(cap, _NO_CLASS, dtype=np.float64)
        self._unk = np.full(cap, _CLASS_LOGP[UNK], dtype=np.float64)  # a word CMU lacks: unknown_logp
        self._news_id = np.zeros(cap, dtype=np.int64)
        self._news_known = np.zeros(cap, dtype=np.bool_)
        self._ends_term = np.zeros(cap, dtype=np.bool_)  # the last word of a listed term: only then look the term up
        pairs: list[int] = []
        triples: list[int] = []
        if self.bonus:
            for term in self._terms:
                ids = [self.word_id(w) for w in term]
                if len(ids) == 2:
                    pairs.append((ids[0] << 21) | ids[1])
                else:
                    triples.append((ids[0] << 42) | (ids[1] << 21) | ids[2])
        self._pairs = np.array(sorted(pairs), dtype=np.int64)
        self._triples = np.array(sorted(triples), dtype=np.int64)
        self._tables_cache: tuple[Any, ...] | None = None
        # memo of computed scores: a document's second pass asks the same questions again
        # key and value side by side (slot j: key at 2j, value's bits at 2j + 1), so a
        # look-up touches one cache line; the float view reads the values
        self._memo_k = np.full(2 * _MEMO_SIZE, -1, dtype=np.int64)
        self._memo_v = self._memo_k.view(np.float64)
        self._memo_n = np.zeros(1, dtype=np.int64)

    def word_id(self, word: str) -> int:
        """The id of ``word`` (scorer vocabulary form), registering it on first sight."""
        i = self._ids.get(word)
        if i is not None:
            return i
        i = len(self._ids)
        if i >= len(self._cmu_wid):
            self._grow()
        self._ids[word] = i
        if word in _CLASS_LOGP:
            self._cls[i] = _CLASS_LOGP[word]
        self._cmu_known[i] = self.cmu.known(word)
        self._unk[i] = _CLASS_LOGP[UNK] if self._cmu_known[i] or word in _CLASS_LOGP else unknown_logp(word)
        self._cmu_wid[i] = self._wid(self._model, word.encode("utf-8", "replace"))
        self._ends_term[i] = word in self._term_last
        if self.news is not None:
            self._news_id[i] = self.news._ids.get(word, self.news._unk)
            self._news_known[i] = word in self.news._ids
        return i

    def ids(self, words: Sequence[str]) -> npt.NDArray[np.int64]:
        """Ids of ``words``; starts afresh (re-registering the term words) when the id space is full."""
        return self.encode(words)[0]

    def encode(self, words: Sequence[str]) -> tuple[npt.NDArray[np.int64], tuple[Any, ...]]:
        """Ids of ``words`` and the tables they index, taken together under a lock.

        Threads share a restorer (the web server): another thread's new words
        may grow or, when the id space is full, deal the ids afresh; the
        tables returned here always hold these ids. (The compiled functions
        keep the GIL, so two never run at once.)
        """
        with self._lock:
            self.make_room(len(words))
            return self.ids_held(words), self.tables()

    def ids_held(self, words: Sequence[str]) -> npt.NDArray[np.int64]:
        """Ids of ``words``, for a caller that holds ``lock`` and made room (:meth:`make_room`)."""
        found = list(map(self._ids.get, words))
        try:  # most sentences hold no new word: one pass in C each way
            return np.fromiter(found, dtype=np.int64, count=len(found))
        except TypeError:  # None: a word seen for the first time
            return np.array([i if i is not None else self.word_id(w) for i, w in zip(found, words)], dtype=np.int64)

    def make_room(self, words: int) -> None:
        """Deal the ids afresh if up to ``words`` new words might not fit; call under ``lock``."""
        if len(self._ids) + words >= _MAX_WORDS:
            self._reset()

    @property
    def lock(self) -> threading.RLock:
        """Held while ids are dealt and the tables taken (see :meth:`encode`)."""
        return self._lock

    def _grow(self) -> None:
        n = 2 * len(self._cmu_wid)
        self._cmu_wid = np.concatenate([self._cmu_wid, np.full(n - len(self._cmu_wid), -1, dtype=np.int32)])
        self._cmu_known = np.concatenate([self._cmu_known, np.zeros(n - len(self._cmu_known), dtype=np.bool_)])
        self._cls = np.concatenate([self._cls, np.full(n - len(self._cls), _NO_CLASS)])
        self._unk = np.concatenate([self._unk, np.full(n - len(self._unk), _CLASS_LOGP[UNK])])
        self._news_id = np.concatenate([self._news_id, np.zeros(n - len(self._news_id), dtype=np.int64)])
        self._news_known = np.concatenate([self._news_known, np.zeros(n - len(self._news_known), dtype=np.bool_)])
        self._ends_term = np.concatenate([self._ends_term, np.zeros(n - len(self._ends_term), dtype=np.bool_)])
        self._tables_cache = None  # new arrays; a new word alone is written into the ones the tables hold

    def tables(self) -> tuple[Any, ...]:
        """Everything the compiled scorer reads, as one tuple."""
        if self._tables_cache is None:
            if self._news_tables is None:
                news = self.news
                if news is not None:  # hashed: a look-up is one or two cache misses, not twenty
                    # a context's table holds exactly the contexts with a longer n-gram or a
                    # backoff weight, so a context missing there skips the longer look-up
                    self._news_tables = (
                        _hash_table(*news._p3), _hash_table(*news._p2),
                        _hash_table(*_contexts(news._bow2, news._p3[0], news._bits)),
                        _hash_table(*_contexts(news._bow1, news._p2[0], news._bits)),
                    )
                    p1, bits = news._p1_array, news._bits
                else:
                    empty = _hash_table(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
                    self._news_tables = (empty, empty, empty, empty)
                    p1, bits = np.zeros(1), 0
                self._p1, self._bits = np.asarray(p1, dtype=np.float64), np.int64(bits)
            (p3k, p3v), (p2k, p2v), (b2k, b2v), (b1k, b1v) = self._news_tables
            self._tables_cache = (
                self._model, self._score, self._n_used.ctypes.data,
                self._cmu_wid, self._cmu_known, self._cls, self._news_id, self._news_known,
                p3k, p3v, p2k, p2v, b2k, b2v, b1k, b1v,
                self._p1, self._bits, self.news is not None, float(self.lam),
                self._pairs, self._triples, float(self.bonus), self._ends_term,
                self._unk, float(_LOG10_BASE), float(_OOV_SENTINEL),
                self._memo_k, self._memo_v, self._memo_n,
            )
        return self._tables_cache

    def warm_up(self) -> None:
        """Hash the tables and load (or, the first time, compile) every compiled function."""
        ids, tables = self.encode(["the", "news", "<s>", "</s>"])
        paths_logp(ids[:2], np.array([0, 1, 2], dtype=np.int64), int(ids[2]), int(ids[3]), tables)
        one = np.array([0, 1], dtype=np.int64)
        decode(ids[:1], one, one[1:], np.zeros(1), one[:1], one[1:], ids[1:2], -0.05, 8, 3.0, int(ids[2]), int(ids[3]),
               tables)

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        """``log10 P(word | prev2 prev1)``, equal float for float to the mirrored scorer's."""
        (w, h1, h2), tables = self.encode([word, prev1, prev2])
        return float(_cached_logp(int(w), int(h1), int(h2), tables))


@numba.njit(cache=True, inline="always")
def _find(keys: Any, key: int) -> Any:
    i = np.searchsorted(keys, key)
    if i < len(keys) and keys[i] == key:
        return i
    return -1


@numba.njit(cache=True, inline="always")
def _slot_of(key: int, mask: int) -> Any:
    """Start slot of ``key`` in an open-addressing table (splitmix64 finaliser)."""
    h = np.uint64(key)
    h = (h ^ (h >> _S30)) * _MIX1
    h = (h ^ (h >> _S27)) * _MIX2
    h = h ^ (h >> _S31)
    return np.int64(h & np.uint64(mask))


@numba.njit(cache=True)
def _hash_fill(keys: Any, values: Any, out_k: Any, out_v: Any) -> None:
    mask = len(out_k) - 1
    for i in range(len(keys)):
        j = _slot_of(keys[i], mask)
        while out_k[j] != -1:
            j = (j + 1) & mask
        out_k[j] = keys[i]
        out_v[j] = values[i]


def _contexts(bow: tuple[Any, Any], longer: Any, bits: int) -> tuple[Any, Any]:
    """The backoff table ``bow`` (keys, log10 weights) without the contexts that have
    weight 0 and no n-gram in ``longer`` (keys ``context << bits | word``), with
    weight 0 for any context of ``longer`` it lacks: absent and 0 back off alike,
    and every context with a longer n-gram is present.

    The news model stores its keys sorted, so the contexts come out sorted by a shift
    and membership is a binary search (about 1 s -> 0.05 s for the trigram contexts at
    start-up); :func:`reference_contexts` is the plain set version, kept as the test oracle."""
    keys, values = np.asarray(bow[0], dtype=np.int64), np.asarray(bow[1], dtype=np.float64)
    longer = np.asarray(longer, dtype=np.int64)
    if not (_is_sorted(keys) and _is_sorted(longer)):
        return reference_contexts(bow, longer, bits)
    ctx = longer >> np.int64(bits)  # sorted, with repeats
    if len(ctx):
        ctx = ctx[np.concatenate(([True], ctx[1:] != ctx[:-1]))]
    keep = (values != 0.0) | _in_sorted(keys, ctx)
    extra = ctx[~_in_sorted(ctx, keys)]
    return np.concatenate([keys[keep], extra]), np.concatenate([values[keep], np.zeros(len(extra))])


def reference_contexts(bow: tuple[Any, Any], longer: Any, bits: int) -> tuple[Any, Any]:
    """Slow, obvious twin of :func:`_contexts` (numpy's set operations, any key order)."""
    keys, values = np.asarray(bow[0], dtype=np.int64), np.asarray(bow[1], dtype=np.float64)
    ctx = np.unique(np.asarray(longer, dtype=np.int64) >> np.int64(bits))
    keep = (values != 0.0) | np.isin(keys, ctx)
    extra = np.setdiff1d(ctx, keys)
    return np.concatenate([keys[keep], extra]), np.concatenate([values[keep], np.zeros(len(extra))])


def _is_sorted(a: Any) -> bool:
    return bool(len(a) < 2 or np.all(a[1:] >= a[:-1]))


def _in_sorted(a: Any, sorted_b: Any) -> Any:
    """Which items of ``a`` are in the sorted array ``sorted_b``."""
    if not len(sorted_b):
        return np.zeros(len(a), dtype=bool)
    i = np.minimum(np.searchsorted(sorted_b, a), len(sorted_b) - 1)
    return sorted_b[i] == a


def _hash_table(keys: Any, values: Any) -> tuple[Any, Any]:
    """An open-addressing table (keys, float64 values; -1 = empty) of distinct non-negative ``keys``,
    half full at most."""
    size = 1 << max(4, (2 * len(keys)).bit_length())
    out_k = np.full(size, -1, dtype=np.int64)
    out_v = np.zeros(size, dtype=np.float64)
    _hash_fill(np.asarray(keys, dtype=np.int64), np.asarray(values, dtype=np.float64), out_k, out_v)
    return out_k, out_v


@numba.njit(cache=True, inline="always")
def _hfind(table: Any, key: int) -> Any:
    """Slot of ``key`` in a table made by ``_hash_table``, or -1."""
    mask = len(table) - 1
    j = _slot_of(key, mask)
    while True:
        k = table[j]
        if k == key:
            return j
        if k == -1:
            return -1
        j = (j + 1) & mask


@numba.njit(cache=True, inline="always")
def _memo_slot(w: int, h1: int, h2: int, mk: Any) -> Any:
    """Where the memo holds ``(w, h1, h2)``'s score in its value view, or -1.

    The hot loops look here first and call :func:`_cached_logp` only on a
    miss: a call that takes the table tuple costs (reference counts of its
    arrays) several times what a hit itself does.
    """
    key = (w << 42) | (h1 << 21) | h2
    mask = (len(mk) >> 1) - 1
    j = _slot_of(key, mask)
    while mk[2 * j] != -1:
        if mk[2 * j] == key:
            return 2 * j + 1
        j = (j + 1) & mask
    return -1


@numba.njit(cache=True, inline="always")
def _cached_logp(w: int, h1: int, h2: int, t: Any) -> Any:
    """``_logp`` through the memo in ``t`` (emptied when half full)."""
    mk, mv, mn = t[-3], t[-2], t[-1]
    key = (w << 42) | (h1 << 21) | h2
    size = len(mk) >> 1
    mask = size - 1
    j = _slot_of(key, mask)
    while mk[2 * j] != -1:
        if mk[2 * j] == key:
            return mv[2 * j + 1]
        j = (j + 1) & mask
    v = _logp(w, h1, h2, t)
    if mn[0] * 2 >= size:
        mk[::2] = -1
        mn[0] = 0
        j = _slot_of(key, mask)
    mk[2 * j] = key
    mv[2 * j + 1] = v
    mn[0] += 1
    return v


@numba.njit(cache=True, inline="always")
def _logp(w: int, h1: int, h2: int, t: Any) -> Any:
    """``log10 P(w | h2 h1)`` as the mirrored Python scorer computes it. :func:`decode`
    holds a written-out twin of this body (a call taking ``t`` costs it too much);
    the decode tests compare both, float for float, with the Python search."""
    (model, score, n_used, cmu_wid, cmu_known, cls, news_id, news_known, p3k, p3v, p2k, p2v, b2k, b2v, b1k, b1v, p1,
     bits, has_news, lam, pairs, triples, bonus, ends_term, unk, base, sentinel, _mk, _mv, _mn) = t
    # CMUTrigram._uncached
    c = cls[w]
    if not np.isnan(c):
        a = c
    elif not cmu_known[w]:
        a = unk[w]
    else:
        a = score(model, cmu_wid[w], cmu_wid[h1], cmu_wid[h2], n_used) * base
        if a < sentinel:
            a = unk[w]
    v = a
    # Interpolated._mix: class tokens and words the news model lacks stay CMU's
    if has_news and np.isnan(c) and news_known[w]:
        nw, nv, nu = news_id[w], news_id[h1], news_id[h2]
        uv = (nu << bits) | nv
        c2 = _hfind(b2k, uv)  # a context missing here has no trigram (see _contexts)
        k = _hfind(p3k, (uv << bits) | nw) if c2 >= 0 else -1
        if k >= 0:
            b = p3v[k]
        else:
            back = b2v[c2] if c2 >= 0 else 0.0
            c1 = _hfind(b1k, nv)
            k = _hfind(p2k, (nv << bits) | nw) if c1 >= 0 else -1
            if k >= 0:
                b = back + p2v[k]
            else:
                b = back + (b1v[c1] if c1 >= 0 else 0.0) + p1[nw]
        v = math.log10(lam * 10.0**a + (1.0 - lam) * 10.0**b)
    # TermBoosted._boost
    if bonus != 0.0:
        if ends_term[w] and (_find(pairs, (h1 << 21) | w) >= 0 or _find(triples, (h2 << 42) | (h1 << 21) | w) >= 0):
            v = v + bonus
        else:
            v = v + 0.0
    return v


@numba.njit(cache=True)
def paths_logp(words: Any, starts: Any, bos: int, eos: int, t: Any) -> Any:
    """Per-word log10 probabilities of many sentences of word ids in one call
    (``Restorer._path_logps``): sentence ``k`` is ``words[starts[k]:starts[k + 1]]``,
    its scores (``</s>`` last) are ``out[starts[k] + k:starts[k + 1] + k + 1]``."""
    out = np.empty(len(words) + len(starts) - 1)
    o = 0
    for k in range(len(starts) - 1):
        h2, h1 = bos, bos
        for i in range(starts[k], starts[k + 1] + 1):
            w = words[i] if i < starts[k + 1] else eos
            out[o] = _cached_logp(w, h1, h2, t)
            o += 1
            h2, h1 = h1, w
    return out


@numba.njit(cache=True, inline="always")
def _entry_key(tgt: int, h2: int, h1: int) -> Any:
    return (np.int64(tgt) << 42) | (h2 << 21) | h1


@numba.njit(cache=True)
def _slot(hk: Any, hv: Any, key: int) -> Any:
    """Hash slot of the entry with ``key`` (position, history), or of the empty slot it would take."""
    mask = len(hk) - 1
    j = _slot_of(key, mask)
    while hk[j] != -1 and hk[j] != key:
        j = (j + 1) & mask
    return j


@numba.njit(cache=True)
def _rehash(hk: Any, hv: Any) -> tuple[Any, Any]:
    """The entry index table at twice the size."""
    nk = np.full(2 * len(hk), -1, dtype=np.int64)
    nv = np.empty(2 * len(hk), dtype=np.int64)
    for i in range(len(hk)):
        if hk[i] != -1:
            j = _slot(nk, nv, hk[i])
            nk[j], nv[j] = hk[i], hv[i]
    return nk, nv


@numba.njit(cache=True)
def decode(
    words: Any, arc_start: Any, arc_len: Any, arc_cost: Any, arc_wbeg: Any, arc_wn: Any, arc_words: Any,
    keep: float, width: int, margin: float, bos: int, eos: int, t: Any,
) -> tuple[Any, float]:
    """Viterbi beam search over one sentence, exactly as ``reference_decode``.

    ``arc_start[p]:arc_start[p + 1]`` index the arcs at slot ``p`` (in the
    order the reference iterates them); arc ``k`` replaces ``arc_len[k]``
    slots with the ``arc_wn[k]`` word ids from ``arc_words[arc_wbeg[k]:]``.
    Returns the chosen arc indices in order and the best path's score.
    """
    n = len(words)
    # the tables, unpacked once: the search scores new words inline (a call that takes
    # the tuple t pays reference counts for all its arrays, more than a hit costs)
    (model, c_score, n_used, cmu_wid, cmu_known, cls, news_id, news_known, p3k, p3v, p2k, p2v, b2k, b2v, b1k, b1v,
     p1, bits, has_news, lam, pairs, triples, bonus, ends_term, unk, base, sentinel, mk, mv, mn) = t
    memo_size = len(mk) >> 1
    cap = 64
    cap_e = 1024
    e_h2 = np.empty(cap_e, dtype=np.int64)
    e_h1 = np.empty(cap_e, dtype=np.int64)
    e_score = np.empty(cap_e)
    e_back = np.empty(cap_e, dtype=np.int64)
    e_arc = np.empty(cap_e, dtype=np.int64)
    pos_entries = np.empty((n + 1, cap), dtype=np.int64)
    pos_count = np.zeros(n + 1, dtype=np.int64)
    # (position, history) -> entry: an open-addressing table at most half full
    hk = np.full(1 << 12, -1, dtype=np.int64)
    hv = np.empty(1 << 12, dtype=np.int64)
    e_h2[0], e_h1[0], e_score[0], e_back[0], e_arc[0] = bos, bos, 0.0, -1, -1
    n_e = 1
    pos_entries[0, 0] = 0
    pos_count[0] = 1
    for p in range(n):
        m = pos_count[p]
        if m == 0:
            continue
        ent = pos_entries[p, :m].copy()
        sc = np.empty(m)
        for j in range(m):
            sc[j] = -e_score[ent[j]]
        order = np.argsort(sc, kind="mergesort")  # best first, first-inserted first among equals
        k_states = min(width, m)
        if margin > 0.0:
            floor = e_score[ent[order[0]]] - margin
            kk = 0
            while kk < k_states and e_score[ent[order[kk]]] >= floor:
                kk += 1
            k_states = kk
        w = words[p]
        a0, a1 = arc_start[p], arc_start[p + 1]
        kc = keep if a1 > a0 else 0.0
        for si in range(k_states):
            src = ent[order[si]]
            h2, h1, score = e_h2[src], e_h1[src], e_score[src]
            for k in range(a0 - 1, a1):
                # k < a0: keep the word (one word, w, then the keep cost); else arc k
                kept = k < a0
                s = score if kept else score + arc_cost[k]
                x2, x1 = h2, h1
                q0 = 0 if kept else arc_wbeg[k]
                for q in range(q0, q0 + (1 if kept else arc_wn[k])):
                    ow = w if kept else arc_words[q]
                    hit = _memo_slot(ow, x1, x2, mk)
                    if hit >= 0:
                        lp = mv[hit]
                    else:  # _cached_logp(ow, x1, x2, t), written out (see above); tests hold it to _logp
                        c = cls[ow]
                        if not np.isnan(c):
                            a = c
                        elif not cmu_known[ow]:
                            a = unk[ow]
                        else:
                            a = c_score(model, cmu_wid[ow], cmu_wid[x1], cmu_wid[x2], n_used) * base
                            if a < sentinel:
                                a = unk[ow]
                        lp = a
                        if has_news and np.isnan(c) and news_known[ow]:
                            nw, nv, nu = news_id[ow], news_id[x1], news_id[x2]
                            uv = (nu << bits) | nv
                            c2 = _hfind(b2k, uv)
                            j = _hfind(p3k, (uv << bits) | nw) if c2 >= 0 else -1
                            if j >= 0:
                                b = p3v[j]
                            else:
                                back = b2v[c2] if c2 >= 0 else 0.0
                                c1 = _hfind(b1k, nv)
                                j = _hfind(p2k, (nv << bits) | nw) if c1 >= 0 else -1
                                if j >= 0:
                                    b = back + p2v[j]
                                else:
                                    b = back + (b1v[c1] if c1 >= 0 else 0.0) + p1[nw]
                            lp = math.log10(lam * 10.0**a + (1.0 - lam) * 10.0**b)
                        if bonus != 0.0:
                            if ends_term[ow] and (
                                _find(pairs, (x1 << 21) | ow) >= 0 or _find(triples, (x2 << 42) | (x1 << 21) | ow) >= 0
                            ):
                                lp = lp + bonus
                            else:
                                lp = lp + 0.0
                        if mn[0] * 2 >= memo_size:
                            mk[::2] = -1
                            mn[0] = 0
                        mkey = (ow << 42) | (x1 << 21) | x2
                        j = _slot_of(mkey, memo_size - 1)
                        while mk[2 * j] != -1:
                            j = (j + 1) & (memo_size - 1)
                        mk[2 * j] = mkey
                        mv[2 * j + 1] = lp
                        mn[0] += 1
                    s += lp
                    x2, x1 = x1, ow
                if kept:
                    s += kc
                n2, n1, tgt = x2, x1, (p + 1 if kept else p + arc_len[k])
                key = _entry_key(tgt, n2, n1)
                hj = _slot(hk, hv, key)
                if hk[hj] == -1:
                    if n_e == len(e_h2):
                        e_h2 = np.concatenate((e_h2, np.empty(n_e, dtype=np.int64)))
                        e_h1 = np.concatenate((e_h1, np.empty(n_e, dtype=np.int64)))
                        e_score = np.concatenate((e_score, np.empty(n_e)))
                        e_back = np.concatenate((e_back, np.empty(n_e, dtype=np.int64)))
                        e_arc = np.concatenate((e_arc, np.empty(n_e, dtype=np.int64)))
                    if pos_count[tgt] == pos_entries.shape[1]:
                        grown = np.empty((n + 1, 2 * pos_entries.shape[1]), dtype=np.int64)
                        grown[:, : pos_entries.shape[1]] = pos_entries
                        pos_entries = grown
                    e_h2[n_e], e_h1[n_e], e_score[n_e], e_back[n_e], e_arc[n_e] = n2, n1, s, src, k if k >= a0 else -1
                    pos_entries[tgt, pos_count[tgt]] = n_e
                    pos_count[tgt] += 1
                    hk[hj], hv[hj] = key, n_e
                    n_e += 1
                    if 2 * n_e > len(hk):
                        hk, hv = _rehash(hk, hv)
                else:
                    old = hv[hj]
                    if s > e_score[old]:
                        e_score[old], e_back[old], e_arc[old] = s, src, k if k >= a0 else -1
    best, best_e = -np.inf, -1
    for j in range(pos_count[n]):
        e = pos_entries[n, j]
        s = e_score[e] + _cached_logp(eos, e_h1[e], e_h2[e], t)
        if s > best:
            best, best_e = s, e
    chosen = []
    e = best_e
    while e >= 0:
        if e_arc[e] >= 0:
            chosen.append(e_arc[e])
        e = e_back[e]
    out = np.empty(len(chosen), dtype=np.int64)
    for j in range(len(chosen)):
        out[j] = chosen[len(chosen) - 1 - j]
    return out, best

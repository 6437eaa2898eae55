"""Topical fit: how well a phrase suits the document it stands in.

A spinner swaps words for synonyms without reading the document, so it often
writes a sense the document is not about ("navy alliance" for "military
alliance", "vitality" for "energy" in an article on oil). The original then
fits the rest of the document better than the word the spinner wrote; other
candidates do no better than the seen word on average. The fit of a word is
the cosine between its vector and the centre of the document's other content
words, less its cosine with the centre of English as a whole (common words
sit near every document's centre, and the language model already rewards
them). The restorer adds ``RestoreConfig.topic_weight`` times the difference
in fit between an original and the seen phrase to the edit's score: a
document-level context for the lexical choice, as topic features are used in
lexical substitution and word sense disambiguation (e.g. Yarowsky 1992, "Word
sense disambiguation using statistical models of Roget's categories").

Vectors: GloVe 6B 50d (Pennington, Socher and Manning 2014), 50,839 common
words, shipped as int8 in ``data/vectors.npz`` (``scripts/build_vectors.py``).

Example:
    >>> topic = load_vectors().document("troops soldiers army war weapons attack border".split())
    >>> topic.fit("military") > topic.fit("naval") > topic.fit("banana")
    True
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import IO

import numpy as np
import numpy.typing as npt

from .errors import ResourceError
from .lexicon import FUNCTION_WORDS

__all__ = ["DocumentTopic", "WordVectors", "load_vectors", "read_vectors", "reference_fit"]

_EMPTY = 1e-6  # squared norm of a centre with no words left in it (unit vectors: one word is 1.0)


class WordVectors:
    """Unit word vectors and each word's cosine with the centre of English."""

    def __init__(self, words: list[str], vectors: npt.NDArray[np.float32], centre: npt.NDArray[np.float32]) -> None:
        self.ids = {w: i for i, w in enumerate(words)}
        self.vectors = vectors
        self.base = np.einsum("ij,j->i", vectors, centre)
        self._v64 = vectors.astype(np.float64)  # 20 MB, converted once rather than per document
        self._norm2 = np.einsum("ij,ij->i", self._v64, self._v64)
        self._content: dict[str, tuple[int, ...]] = {}  # content_ids, memoised

    def content_ids(self, phrase: str) -> tuple[int, ...]:
        """The ids of the phrase's content words that have vectors (what :meth:`DocumentTopic.fits` reads)."""
        hit = self._content.get(phrase)  # originals recur across many seen phrases
        if hit is None:
            get = self.ids.get
            hit = tuple(i for w in phrase.split(" ") if (i := get(w)) is not None and w not in FUNCTION_WORDS)
            if len(self._content) > 500_000:
                self._content.clear()
            self._content[phrase] = hit
        return hit

    def document(self, words: Iterable[str]) -> DocumentTopic:
        """The topical centre of a document given its lower-case words (function words are skipped)."""
        counts: dict[int, int] = {}
        for w in words:
            i = self.ids.get(w)
            if i is not None and w not in FUNCTION_WORDS:
                counts[i] = counts.get(i, 0) + 1
        return DocumentTopic(self, counts)


class DocumentTopic:
    """``fit(phrase)``: how well a phrase suits one document (``None`` if no content word has a vector)."""

    def __init__(self, vectors: WordVectors, counts: dict[int, int]) -> None:
        self._v = vectors
        self._counts = counts
        self.words = sum(counts.values())  # content words with a vector
        centre = np.zeros(vectors.vectors.shape[1], dtype=np.float64)
        for i, c in counts.items():
            centre += c * vectors.vectors[i]
        self._centre_norm2 = float(centre @ centre)
        self._centre = centre
        # each word's product with the centre, worked out on first use (NaN until then): a
        # document asks for a few thousand of the 50,839 words. einsum, not BLAS: OpenBLAS
        # threads left spinning after each call took the other scan worker's core (2 workers
        # ran slower than 1); row by row, it gives the floats it gives for the whole table
        self._dots = np.full(len(vectors.base), np.nan)
        self._cache: dict[str, float | None] = {}
        self._count_of: npt.NDArray[np.float64] | None = None  # counts as an array over the vocabulary, for fits

    def _products(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """The words' products with the centre (``ids`` may repeat)."""
        d = self._dots[ids]
        new = np.isnan(d)
        if new.any():  # a word asked twice here is worked out twice, to the same float
            todo = ids[new]
            d[new] = self._dots[todo] = np.einsum("ij,j->i", self._v._v64[todo], self._centre)
        return d

    def _word_fit(self, i: int) -> float | None:
        # the centre without this word's own occurrences: |C - c x|^2 = |C|^2 - 2c x.C + c^2 |x|^2
        d = float(self._dots[i])
        if d != d:  # NaN: not worked out yet
            d = float(self._products(np.array([i], dtype=np.int64))[0])
        c, n2 = self._counts.get(i, 0), float(self._v._norm2[i])
        rest = self._centre_norm2 - 2.0 * c * d + c * c * n2
        if rest <= _EMPTY:  # nothing else in the document (rounding leaves ~1e-8)
            return None
        return (d - c * n2) / math.sqrt(rest) - float(self._v.base[i])

    def fit(self, phrase: str) -> float | None:
        """Mean fit of the phrase's content words that have vectors."""
        if phrase in self._cache:
            return self._cache[phrase]
        fits = []
        for w in phrase.split(" "):
            i = self._v.ids.get(w)
            if i is not None and w not in FUNCTION_WORDS:
                f = self._word_fit(i)
                if f is not None:
                    fits.append(f)
        out = sum(fits) / len(fits) if fits else None
        self._cache[phrase] = out
        return out

    def fits(self, ids: npt.NDArray[np.int64], counts: Sequence[int]) -> npt.NDArray[np.float64]:
        """:meth:`fit` of many phrases at once, NaN for ``None``, equal float for
        float: ``ids`` are their :meth:`WordVectors.content_ids` one after another,
        ``counts`` how many each has."""
        n = len(counts)
        owner = np.repeat(np.arange(n), counts)
        if self._count_of is None:
            self._count_of = np.zeros(len(self._dots), dtype=np.float64)
            for i, k in self._counts.items():
                self._count_of[i] = k
        c, d, n2 = self._count_of[ids], self._products(ids), self._v._norm2[ids]
        # the same operations, in the same order, as _word_fit
        rest = self._centre_norm2 - 2.0 * c * d + c * c * n2
        ok = rest > _EMPTY
        owner = owner[ok]
        f = (d[ok] - c[ok] * n2[ok]) / np.sqrt(rest[ok]) - self._v.base[ids[ok]].astype(np.float64)
        counted = np.bincount(owner, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out: npt.NDArray[np.float64] = np.bincount(owner, weights=f, minlength=n) / counted
        out[counted == 0] = np.nan
        return out


def reference_fit(vectors: WordVectors, doc_words: list[str], phrase: str) -> float | None:
    """Slow, obvious twin of :meth:`DocumentTopic.fit`: each centre rebuilt without the word; a test oracle."""
    fits = []
    for w in phrase.split(" "):
        if w in FUNCTION_WORDS or w not in vectors.ids:
            continue
        others = [vectors.vectors[vectors.ids[o]].astype(np.float64) for o in doc_words
                  if o != w and o in vectors.ids and o not in FUNCTION_WORDS]
        if not others:
            continue
        centre = np.sum(others, axis=0)
        norm = float(np.linalg.norm(centre))
        if norm * norm <= _EMPTY:
            continue
        x = vectors.vectors[vectors.ids[w]].astype(np.float64)
        fits.append(float(x @ centre) / norm - float(vectors.base[vectors.ids[w]]))
    return sum(fits) / len(fits) if fits else None


def read_vectors(source: str | os.PathLike[str] | IO[bytes]) -> WordVectors:
    """Word vectors from a file written by ``scripts/build_vectors.py``."""
    try:
        z = np.load(source)
        words = z["words"].tobytes().decode("utf-8").split("\n")
        q = z["vectors"].astype(np.float32) / 127.0
        centre = z["centre"].astype(np.float32)
    except (OSError, KeyError, ValueError, EOFError) as exc:
        raise ResourceError("The word vectors (data/vectors.npz) are missing or damaged. Reinstall unspin.") from exc
    if q.ndim != 2 or len(words) != q.shape[0] or centre.shape != (q.shape[1],):
        raise ResourceError("The word vectors (data/vectors.npz) do not match their word list. Reinstall unspin.")
    q /= np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    return WordVectors(words, q, centre)


@lru_cache(maxsize=1)
def load_vectors() -> WordVectors:
    """The shipped word vectors (``data/vectors.npz``)."""
    with resources.as_file(resources.files("unspin") / "data" / "vectors.npz") as path:
        return read_vectors(path)

"""Absence evidence: an original that the text never uses.

A dictionary-style spinner rewrites every occurrence of the words it knows, so
their originals are left nowhere in the text: the real spun article in
``../shared/examples`` never writes "said", "security" or "against", while
"mentioned" and "safety" occur seven times each. A common word missing from a
long text is evidence that something replaced it.

How much evidence is the log10 likelihood ratio of its absence: certain if a
spinner rewrote it throughout, and under a clean text of ``n`` words ``P(absent)
= (1 + n p / k) ** -k`` for a word of per-token probability ``p`` (its web
frequency, ``wordfreq`` zipf). That is a negative binomial count with shape
``k``, since words come in bursts: a text either is about something or never
mentions it, so a rare word's absence says nothing and even "said" is missing
from many clean texts. The bonus is ``k * log10(1 + n p / k)``; with ``k = 1``
about 0.3 for "said" (zipf 6.0) in a 1,000-word text and 0.6 in 3,000 words,
under 0.01 for a word of zipf 4: modest evidence, which tips close calls.

The restorer adds it to an edit's arc in the second pass only
(``RestoreConfig.absence_weight``), once the screen has estimated how much of
the text was spun: counted in the screen too, it raised the share of clean
words changed (0.09 -> 0.12% on the dev split). Only single-word originals
count; an original is present if the text has it in any inflection.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .morph import analyses

if TYPE_CHECKING:
    from .channel import Candidate

__all__ = ["NEGLIGIBLE", "DocumentWords"]

#: A bonus under this (log10; a likelihood ratio under 1.12) counts as none.
NEGLIGIBLE = 0.05


class DocumentWords:
    """The words (and lemmas) a document uses; :meth:`bonus` for an original it never does."""

    def __init__(self, words: Iterable[str], shape: float = 1.0) -> None:
        met: set[str] = set()  # words as written, each analysed once
        used: set[str] = set()  # ... and their lemmas: a lemma may be written too ("found" of "founded")
        n = 0
        for w in words:
            n += 1
            if w not in met:
                met.add(w)
                used.add(w)
                used.update(lemma for lemma, _tag in analyses(w))
        self.words = n
        self.shape = shape
        # originals rarer than this zipf get under NEGLIGIBLE: skipped without a look-up
        self._min_zipf = 9.0 + math.log10(shape * (10.0 ** (NEGLIGIBLE / shape) - 1.0) / max(n, 1))
        self._used = used
        self._memo: dict[str, float] = {}
        self._per_seen: dict[str, tuple[float, ...]] = {}

    def uses(self, word: str) -> bool:
        """Does the document use ``word`` (lower-case) in any inflection?"""
        return word in self._used or any(lemma in self._used for lemma, _tag in analyses(word))

    def bonus(self, original: str, zipf: float) -> float:
        """log10 likelihood ratio of a spinner having replaced ``original`` (of web
        frequency ``zipf``) throughout, given that the document never uses it;
        0.0 if it does, or if ``original`` has more than one word."""
        hit = self._memo.get(original)
        if hit is not None:
            return hit
        out = 0.0
        if " " not in original:
            k = self.shape
            out = k * math.log10(1.0 + self.words * 10.0 ** (zipf - 9.0) / k)
            # under NEGLIGIBLE (most originals: rare words, short texts) it is not worth
            # the look-up of every inflection; the bonus is then 0
            if out < NEGLIGIBLE or self.uses(original):
                out = 0.0
        self._memo[original] = out
        return out

    def bonuses(self, seen: str, candidates: Sequence[Candidate]) -> tuple[float, ...]:
        """:meth:`bonus` of each candidate original of ``seen``, memoised per seen phrase
        (a caller passes the same candidates for a phrase every time, as a restorer
        does): one look-up per span rather than one per candidate."""
        hit = self._per_seen.get(seen)
        if hit is None:
            low = self._min_zipf - 1e-9  # rounding at the edge: there bonus() decides
            hit = self._per_seen[seen] = tuple(
                0.0 if c.unigram < low else self.bonus(c.original, c.unigram) for c in candidates)
        return hit

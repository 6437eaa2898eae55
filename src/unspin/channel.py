"""The channel model: how likely a spinner turned an original into what we see.

``P(seen | original)`` is not uniform over a thesaurus entry. Each edge gets a
weight from the evidence behind it (how many thesauri offer the pair, in
which relation) and the web frequency of the seen word (spinners draw from
curated lists of common synonyms), normalised over everything the original
could have become. Each pair is also weighed by how close its two phrases
are in meaning (sentence-encoder similarity shipped in the lexicon by
``scripts/build_similarity.py``): thesauri list every sense alike, spinners
mostly keep near the sense. Weights are set by ``ChannelConfig``. The source
weights and the similarity weight were chosen by the ranking of real spinner
pairs (half of the word pairs held out of the tortured-phrase list; the other
half confirms it, ``bench/pps_pairs.py``), then checked on the dev split of
synthetic spins made with a thesaurus the restorer does not use
(``EvalConfig(split="dev")``; the test split is never tuned on). The
weights are then sharpened (raised to ``sharpness`` before normalising):
spinners use a few preferred synonyms of a word, so the channel puts most of
an original's mass on its best-weighted synonyms.

Reference: the noisy-channel model of Shannon (1948), as used for spelling
correction by Kernighan, Church and Gale (1990).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Levenshtein

from .lexicon import (
    ALL_SOURCES,
    CARDINALS,
    FUNCTION_WORDS,
    MOBY,
    MYTHES,
    MYTHES_RELATED,
    PPS,
    QUANTITY_CLASSES,
    SAME_QUANTITY,
    STRUCTURAL_WORDS,
    WORDNET,
    Lexicon,
)
from .morph import MODALS, analyses, forms, inflect

__all__ = ["Candidate", "Channel", "ChannelConfig", "different_quantities", "initials", "spelling_variant"]


def _extra_words(phrase: str) -> int:
    """Words beyond the first; hyphenated parts count (wordfreq rates "deep-down" like "deep down")."""
    return phrase.count(" ") + phrase.count("-")


def extra_words(phrases: list[str]) -> np.ndarray:
    """:func:`_extra_words` of every phrase at once (float64; the lexicon's 150k phrases in milliseconds,
    not the tenth of a second a loop over them takes at start-up)."""
    if not phrases:
        return np.zeros(0, dtype=np.float64)
    raw = np.frombuffer("\n".join(phrases).encode("utf-8"), dtype=np.uint8)
    # separators seen up to each byte; a phrase's count is the rise between its two newlines
    seps = np.concatenate(([0], np.cumsum((raw == 32) | (raw == 45), dtype=np.int64)))
    ends = np.concatenate((np.flatnonzero(raw == 10), [len(raw)]))
    starts = np.concatenate(([0], ends[:-1] + 1))
    return (seps[ends] - seps[starts]).astype(np.float64)


def spelling_variant(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one word in two spellings ("revitalisation", "Kazakstan")?

    Within one or two letters of each other (one for words of five letters):
    spinners swap synonyms, not spellings, so such pairs are never candidates.
    """
    n = min(len(a), len(b))
    if n < 5:
        return False
    limit = 1 if n < 6 else 2
    # (lengths further apart than the limit are further apart than it: most pairs, no call)
    return abs(len(a) - len(b)) <= limit and Levenshtein.distance(a, b, score_cutoff=limit) <= limit


def initials(a: str, b: str) -> bool:
    """Is one of ``a`` and ``b`` the initials of the other's words ("plo" and "palestine
    liberation organization", "pc" and "personal computer")?

    An acronym and its expansion name one thing: a spinner swaps synonyms, and
    "restoring" a written-out name to its acronym (or back) changes no meaning
    but breaks the text's own choice, so such pairs are never candidates.
    """
    if a[:1] != b[:1]:  # (most pairs: no initials share their expansion's first letter otherwise)
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    words = long.replace("-", " ").split()
    return len(words) >= 2 and " " not in short and short == "".join(w[0] for w in words)


@lru_cache(maxsize=1)
def _quantity_forms() -> frozenset[str]:
    """Every written form of every quantity word ("month", "months"): most words are
    none, and are turned away by one set look-up."""
    return frozenset(f for c in QUANTITY_CLASSES for w in c for f in forms(w))


@lru_cache(maxsize=100_000)
def _quantity_lemmas(word: str) -> frozenset[str]:
    """The word and its lemmas that belong to a class of quantities ("years" -> {"year"})."""
    readings = {word, *(lemma for lemma, _tag in analyses(word))}
    return frozenset(r for r in readings if any(r in c for c in QUANTITY_CLASSES))


def _composite(phrase: str) -> bool:
    """Does a phrase count its quantity ("twenty-four hours", "two weeks", "60 minutes")?"""
    return any(w.isdigit() or any(p in CARDINALS for p in w.split("-")) for w in phrase.split(" ")[:-1])


def different_quantities(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` two different quantities of one kind ("months" and "years",
    "million" and "thousand", "north" and "south"; see ``lexicon.QUANTITY_CLASSES``)?

    Thesauri link such words, but one is never the other: restoring "12 months"
    as "12 years" changes a fact, so such pairs are never candidates. Phrases
    compare by their last words ("solar month" is a month), unless one counts
    its quantity: "twenty-four hours" is a day, "two weeks" a fortnight.
    """
    last_a, last_b = a.rsplit(" ", 1)[-1], b.rsplit(" ", 1)[-1]
    known = _quantity_forms()
    if last_a not in known or last_b not in known or _composite(a) or _composite(b):
        return False
    qa, qb = _quantity_lemmas(last_a), _quantity_lemmas(last_b)
    return any(
        x != y and any(x in c and y in c for c in QUANTITY_CLASSES) and not any(x in g and y in g for g in SAME_QUANTITY)
        for x in qa for y in qb
    )


def _not_a_swap(original: str, name: str, seen: str, quantity: bool) -> bool:
    """Pairs a thesaurus links that no spinner's swap makes (see each predicate): ``name``
    is the candidate ``original`` as it would be written for ``seen`` (re-inflected)."""
    return (spelling_variant(name, seen) or (quantity and different_quantities(name, seen))
            or initials(name, seen) or _turned_structural(original, name))


def _turned_structural(original: str, inflected: str) -> bool:
    """Did inflecting a content word make a structural word ("doe" -> "does", "ha" -> "has")?
    Such a candidate reads as the auxiliary or pronoun, which no spinner's swap started from."""
    return inflected in STRUCTURAL_WORDS and original not in STRUCTURAL_WORDS


def _possessive(phrase: str) -> str:
    """``premiers`` -> ``premiers'``, ``minister`` -> ``minister's``."""
    return phrase + "'" if phrase.endswith("s") else phrase + "'s"


def _readings(seen: str) -> list[tuple[str, Callable[[str], str | None]]]:
    """Ways to read ``seen``: ``(phrase to look up, how an original of it must be rewritten)``.

    As written; without a possessive ``'s`` (originals get it back); with an
    inflected head analysed into lemma + tag (originals re-inflected: the
    first word for verbs, the last otherwise; ``None`` if they cannot take it).
    A modal original keeps its one form for a present-tense phrase ending in
    "to" ("needs to" <- "should") and is no original of other third-person forms.
    """
    out: list[tuple[str, Callable[[str], str | None]]] = [(seen, lambda o: o)]
    words = seen.split(" ")
    possessive = words[-1].endswith("'s") and len(words[-1]) > 2
    if possessive:
        words[-1] = words[-1][:-2]
        out.append((" ".join(words), _possessive))
    # a present-tense "to" phrase ("needs to", "has got to") may stand for a modal in any person
    modal_phrase = len(words) > 1 and words[-1] == "to"
    for k in {0, len(words) - 1}:
        for lemma, tag in analyses(words[k]):
            if (k == 0) != (tag.startswith("VB")) and len(words) > 1:
                continue

            def form(o: str, tag: str = tag) -> str | None:
                if o in MODALS and tag == "VBZ":  # "should" for "needs to": a modal has no -s
                    return o if modal_phrase else None
                inflected = inflect(o, tag)
                return _possessive(inflected) if inflected is not None and possessive else inflected

            out.append((" ".join([*words[:k], lemma, *words[k + 1 :]]), form))
    return out


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """Weights of the channel model (plain values; CLI/TOML map onto them)."""

    sources: int = ALL_SOURCES
    moby: float = 0.5
    mythes: float = 2.0
    mythes_related: float = 1.0
    wordnet: float = 1.0
    pps: float = 3.0  # pairs real spinners were caught using
    agreement_bonus: float = 1.5  # multiplier per extra thesaurus agreeing on a pair
    freq_beta: float = 0.35  # preference for common seen words: w *= 10**(beta*(zipf-4))
    max_candidates: int = 16  # 24 found no more on dev and real text, at a quarter more time
    phrase_penalty: float = 2.0  # log10 cost per extra word of a multi-word original
    # ranking cost of a structural original (article, pronoun, auxiliary: "an")
    # for a seen phrase with a content word in it ("associate"): spinners do
    # not write nouns for articles, though Moby links some such pairs
    structural_original_penalty: float = 3.0
    # preference for seen phrases close in meaning to the original (sentence-
    # encoder similarity of the two phrases, when the lexicon ships it):
    # w *= 10**(similarity * (sim - 0.5)); spinners' synonyms stay near the sense
    similarity: float = 1.5
    # every edge weight is raised to this power before normalising: spinners
    # draw from a short list of preferred synonyms per word, not evenly from
    # a thesaurus entry of hundreds. Dev split, errors removed at 15% spin,
    # sharpness 1 / 1.25 / 1.5 / 1.75: random-style spins 7.5 / 7.5 / 7.7 /
    # 7.3%, dictionary-style spins 41.2 / 42.0 / 43.4 / 44.7%; real article
    # 27.5 / 28.0 / 29.7 / 28.0%. It costs low-rate detection on random
    # spins (doc ROC-AUC at 5% 0.78 -> 0.74)
    sharpness: float = 1.5


class Candidate(NamedTuple):
    """One possible original for a seen phrase.

    A named tuple, not a frozen dataclass: a new text makes thousands (tens per
    phrase it looks up), and a tuple of strings and numbers is cheaper to make
    and left alone by the garbage collector.
    """

    original: str  # inflected like the seen phrase, lower-case
    log_q: float  # log10 P(seen | original, replaced)
    mask: int  # thesauri that link the pair
    unigram: float  # zipf of the original (for pruning and features)


@dataclass
class Channel:
    """Inverse thesaurus look-up with a weighted channel ``P(seen | original)``."""

    lexicon: Lexicon
    config: ChannelConfig = field(default_factory=ChannelConfig)

    def source_weights(self) -> np.ndarray:
        """The weight of an edge by the thesauri behind it: one per source bit set (256)."""
        c = self.config
        table = np.zeros(256, dtype=np.float64)
        for m in range(256):
            if not m & c.sources:
                continue
            m2 = m & c.sources
            bits = [
                (MOBY, c.moby), (MYTHES, c.mythes), (MYTHES_RELATED, c.mythes_related), (WORDNET, c.wordnet),
                (PPS, c.pps),
            ]
            present = [w for b, w in bits if m2 & b]
            table[m] = max(present) * (c.agreement_bonus ** (len(present) - 1)) if present else 0.0
        return table

    def __post_init__(self) -> None:
        c = self.config
        table = self.source_weights()
        lex = self.lexicon
        # each power is taken once per distinct value (per phrase; per similarity byte) and
        # gathered per edge: the same numbers as per edge, a fifth of the time
        w = table[lex.mask] * np.power(10.0, c.freq_beta * (lex.zipf.astype(np.float64) - 4.0))[lex.dst]
        if c.similarity and lex.sim_bytes is not None:
            levels = (np.arange(256, dtype=np.float32) / 255.0).astype(np.float64)  # as Lexicon.sim stores them
            w = w * np.power(10.0, c.similarity * (levels - 0.5))[lex.sim_bytes]
        if c.sharpness != 1.0:
            w = np.power(w, c.sharpness)
        self._weight = w
        self._all_weighted = bool((w > 0).all())  # then _direct needs no mask (every thesaurus on)
        z = np.bincount(lex.src, weights=w, minlength=len(lex.phrases))
        self._log_z = np.log10(np.maximum(z, 1e-12))
        self._extra = extra_words(lex.phrases)
        self._structural = np.zeros(len(lex.phrases), dtype=bool)
        self._structural[[i for w in STRUCTURAL_WORDS if (i := lex.ids.get(w)) is not None]] = True
        self._cache: dict[str, tuple[Candidate, ...]] = {}

    def _direct(self, seen: str, content: bool) -> Iterator[tuple[str, float, int, float, float]]:
        """Originals listing ``seen`` as ``(original, log_q, mask, zipf, rank)``, best rank first.

        ``rank`` orders :meth:`candidates`: ``log P(seen | original) + log
        P(original)``, less a fixed cost per extra word of the original
        (wordfreq over-rates phrases) and, when the seen phrase has a
        ``content`` word, a cost for a structural original (``STRUCTURAL_WORDS``).
        """
        lex = self.lexicon
        lo, hi = lex.edge_range(seen)
        if lo == hi:
            return
        srcs = lex.src[lo:hi]
        w = self._weight[lo:hi]
        masks = lex.mask[lo:hi]
        if not self._all_weighted:
            keep = w > 0
            if not keep.any():
                return
            srcs, w, masks = srcs[keep], w[keep], masks[keep]
        log_q = np.log10(w) - self._log_z[srcs]
        zipf = lex.zipf[srcs]
        rank = log_q + zipf - self.config.phrase_penalty * self._extra[srcs]
        if content and self.config.structural_original_penalty:
            rank = rank - self.config.structural_original_penalty * self._structural[srcs]
        order = np.argsort(-rank, kind="stable")
        for a in range(0, len(order), 32):  # converted lazily: callers stop early
            part = order[a : a + 32]
            rows = zip(srcs[part].tolist(), log_q[part].tolist(), masks[part].tolist(), zipf[part].tolist(),
                       rank[part].tolist())
            for s, q, m, zf, r in rows:
                yield lex.phrases[s], q, m, zf, r

    def candidates(self, seen: str) -> tuple[Candidate, ...]:
        """Originals that could have produced ``seen`` (lower-case, 1-4 words).

        Inflected words are analysed (``mentioned`` = mention+VBD) and the
        originals of the lemma re-inflected (say+VBD = ``said``); originals
        whose part of speech cannot take the tag are dropped. The best
        ``max_candidates`` by ``log P(original) + log P(seen | original)`` remain.
        """
        hit = self._cache.get(seen)
        if hit is not None:
            return hit
        # most longer spans are listed nowhere: set look-ups tell
        if " " in seen and not self.lexicon.could_list(seen.rsplit(" ", 1)[0], seen.split(" ", 1)[1]):
            return ()
        readings = _readings(seen)
        ids = self.lexicon.ids
        if not any(phrase in ids for phrase, _form in readings):  # listed under no reading: most spans
            self._remember(seen, ())
            return ()
        found: dict[str, tuple[float, Candidate]] = {}  # one entry per original: its best-ranked reading
        content = any(w not in FUNCTION_WORDS for w in seen.split(" "))
        quantity = seen.rsplit(" ", 1)[-1] in _quantity_forms()  # else no original can be another quantity

        def take(phrase: str, form: Callable[[str], str | None]) -> None:
            # each list comes best first: once it has given max_candidates
            # distinct originals, the rest cannot reach the final top list
            names: set[str] = set()
            for o, q, m, zf, r in self._direct(phrase, content):
                name = form(o)
                if name is None or name == seen or _not_a_swap(o, name, seen, quantity):
                    continue
                old = found.get(name)
                if old is None or old[0] < r:
                    found[name] = (r, Candidate(name, q, m, zf))
                names.add(name)
                if len(names) >= self.config.max_candidates:
                    break

        for phrase, form in readings:
            take(phrase, form)
        ranked = sorted(found.values(), key=lambda rc: rc[0], reverse=True)
        out = tuple(c for _r, c in ranked[: self.config.max_candidates])
        self._remember(seen, out)
        return out

    def _remember(self, seen: str, out: tuple[Candidate, ...]) -> None:
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[seen] = out

    def reference_candidates(self, seen: str) -> tuple[Candidate, ...]:
        """Slow, obvious twin of :meth:`candidates` (every reading, no early stop); a test oracle."""
        found: dict[str, tuple[float, Candidate]] = {}
        cfg = self.config
        content = any(w not in FUNCTION_WORDS for w in seen.split(" "))
        quantity = seen.rsplit(" ", 1)[-1] in _quantity_forms()  # else no original can be another quantity

        def score(base: str, log_q: float, zipf: float) -> float:
            s = log_q + zipf - cfg.phrase_penalty * _extra_words(base)
            return s - cfg.structural_original_penalty if content and base in STRUCTURAL_WORDS else s

        for phrase, reading in _readings(seen):
            for o, q, m, zf, _rank in sorted(self._direct(phrase, content)):
                name = reading(o)
                if name is None or name == seen or _not_a_swap(o, name, seen, quantity):
                    continue
                cand = (score(o, q, zf), Candidate(name, q, m, zf))
                if name not in found or found[name][0] < cand[0]:
                    found[name] = cand
        ranked = sorted(found.values(), key=lambda rc: (-rc[0], rc[1].original))
        return tuple(c for _r, c in ranked[: self.config.max_candidates])

    def zipf(self, phrase: str) -> float:
        """Web frequency (zipf) of a phrase (see :meth:`Lexicon.phrase_zipf`)."""
        return self.lexicon.phrase_zipf(phrase)

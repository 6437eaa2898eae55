"""Detection: suspicious spans and a calibrated document-level probability.

Spans come from two kinds of evidence: ``fingerprint`` (a phrase on the
Problematic Paper Screener's curated list of tortured phrases) and ``model``
(an edit the noisy-channel restorer is confident about). The document score
is a logistic model over how much of the text the restorer would change and
how sure it is, fitted on clean and synthetically spun news
(``bench/fit_detector.py``) so that 0.5 means even odds.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from .doc import WORD, Doc, Span, Token
from .lexicon import Fingerprint, load_fingerprints, load_lexicon
from .morph import analyses, indefinite_article
from .restore import apply_case, opens_clause
from .tokenize import WORD_PATTERN, token_ends

__all__ = ["DetectorModel", "FingerprintMatcher", "doc_features", "load_detector", "shipped_matcher"]

# the longest listed phrase is 15 tokens ("precision (acc), qualification (spe), ...")
_MAX_FP_TOKENS = 16
# a phrase of word tokens and single spaces
_WORDS = re.compile(f"{WORD_PATTERN}(?: {WORD_PATTERN})*")


def _joined(text: str, toks: Sequence[Token]) -> str | None:
    """The lower-cased key of a run of tokens as the list writes it: one space where
    the text has white space, none where tokens touch ("covid-19", "(ai)"); ``None``
    when something other than white space lies between them."""
    parts = [toks[0].lower]
    for a, b in pairwise(toks):
        if a.end != b.start:
            if not text[a.end : b.start].isspace():
                return None
            parts.append(" ")
        parts.append(b.lower)
    return "".join(parts)


class FingerprintMatcher:
    """Exact, case-insensitive matching of known tortured phrases.

    A phrase is matched token by token as the tokenizer splits it, so listed
    phrases with numbers, hyphens and brackets ("covid-19 pestilence", "co2
    emanation", "synthetic intelligence (ai)") match as well as plain words.
    """

    def __init__(self, fingerprints: dict[str, Fingerprint] | None = None) -> None:
        self.fingerprints = load_fingerprints() if fingerprints is None else fingerprints
        # first token -> tokens in the longest fingerprint it starts: most words start none
        self._longest: dict[str, int] = {}
        # every listed phrase's proper token prefixes ("counterfeit", "counterfeit neural",
        # "synthetic intelligence ("): a match (or its plural, which changes the last word
        # only) starts with one
        self._prefixes: set[str] = set()
        for p in self.fingerprints:
            if _WORDS.fullmatch(p):  # words and spaces (most of the list): its tokens are its words
                ends, e = [], p.find(" ")
                while e >= 0:
                    ends.append(e)
                    e = p.find(" ", e + 1)
            else:
                ends = token_ends(p)[:-1]
            n = min(len(ends) + 1, _MAX_FP_TOKENS)
            first = p[: ends[0]] if ends else p
            self._longest[first] = max(n, self._longest.get(first, 0))
            self._prefixes.update(p[:e] for e in ends)
        self.max_tokens = max(self._longest.values(), default=1)

    def __call__(self, doc: Doc) -> list[Span]:
        toks, text, prefixes = doc.tokens, doc.text, self._prefixes

        def longest(i: int) -> int:
            cap = min(self._longest.get(toks[i].lower, 0), len(toks) - i)
            if cap < 2:
                return cap
            n, key = 2, toks[i].lower  # grow while the tokens before the last are a listed prefix
            while n < cap:
                a, b = toks[i + n - 2], toks[i + n - 1]
                if a.end == b.start:
                    key = f"{key}{b.lower}"
                elif text[a.end : b.start].isspace():
                    key = f"{key} {b.lower}"
                else:
                    break
                if key not in prefixes:
                    break
                n += 1
            return n

        return self._match(doc, longest)

    def reference_call(self, doc: Doc) -> list[Span]:
        """Slow, obvious twin of ``__call__`` (tries every span at every token); a test oracle."""
        return self._match(doc, lambda i: min(self.max_tokens, len(doc.tokens) - i))

    def _plural(self, key: str) -> Fingerprint | None:
        """A listed phrase with its head noun in the plural ("neural organizations"),
        its original pluralised too ("neural networks"); the list mostly
        gives the singular alone."""
        head_at = key.rfind(" ") + 1
        for lemma, tag in analyses(key[head_at:]):
            if tag != "NNS":
                continue
            fp = self.fingerprints.get(key[:head_at] + lemma)
            if fp is None or fp.keep:
                continue
            plural = Fingerprint(key, fp.expected, fp.papers, plural=True)
            if plural.original is not None or fp.original is None:  # an original that has no plural: no match
                return plural
        return None

    def _match(self, doc: Doc, longest: Callable[[int], int]) -> list[Span]:
        """Longest fingerprint first at each token; ``longest(i)`` caps the span tried at token ``i``."""
        toks, text = doc.tokens, doc.text
        starts = {first for first, _last in doc.sentences}
        spans: list[Span] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(longest(i), 1, -1):
                key = _joined(text, toks[i : i + n])
                if key is None:
                    continue
                fp = self.fingerprints.get(key)
                if fp is None and toks[i + n - 1].kind == WORD:
                    fp = self._plural(key)
                if fp is not None:
                    hit = (n, fp)
                    break
            part = self._part_word(doc, i, hit[0] if hit else 1)
            if part is not None:  # "profound learning-based", "counterfeit consciousness's"
                n, end, fp = part
                spans.append(self._span(doc, i, n, fp, i in starts, end=end, after=spans[-1].end if spans else 0))
                i += n
                continue
            if hit is None:
                i += 1
                continue
            n, fp = hit
            keep = len(token_ends(fp.keep)) if fp.keep else 0
            spans.append(self._span(doc, i, n - keep, fp, i in starts, after=spans[-1].end if spans else 0))
            i += n
        return spans

    def _part_word(self, doc: Doc, i: int, longer_than: int) -> tuple[int, int, Fingerprint] | None:
        """A listed phrase at token ``i`` whose last word is the first part of a longer word:
        a compound the thesaurus does not list ("profound learning-based"; not "coaching
        set-up") or a possessive ("counterfeit consciousness's").
        Returns (tokens, end offset, fingerprint) when it spans more than ``longer_than``
        tokens; the edit stops where the listed word does ("deep learning-based")."""
        toks, text = doc.tokens, doc.text
        if toks[i].lower not in self._longest:
            return None
        best = None
        for h in range(i + 1, min(len(toks), i + self.max_tokens)):
            head = _joined(text, toks[i:h])
            if head is None or (h > i + 1 and head not in self._prefixes):
                break
            last = toks[h]
            if last.kind != WORD or h + 1 - i <= longer_than:
                continue
            gap = "" if toks[h - 1].end == last.start else " "
            # a compound the thesaurus lists is a word of its own ("set-up", "follow-up"), not
            # a listed word with a suffix ("learning-based"): only its possessive is cut
            cuts = "'’" if "-" in last.text and last.lower in load_lexicon().ids else "-'’"
            for cut in (k for k in range(len(last.text) - 1, 0, -1) if last.text[k] in cuts):
                fp = self.fingerprints.get(f"{head}{gap}{last.text[:cut].lower()}")
                if fp is not None and not fp.keep:
                    best = (h + 1 - i, last.start + cut, fp)
                    break
        return best

    @staticmethod
    def _span(doc: Doc, i: int, n: int, fp: Fingerprint, sentence_start: bool, end: int | None = None,
              after: int = 0) -> Span:
        """The edit of a fingerprint matched at token ``i`` (its first ``n`` tokens; up to
        offset ``end`` inside the last one, when the listed word is a part of it); it may
        take in an article before it that starts at ``after`` or later (the previous edit's end)."""
        toks = list(doc.tokens[i : i + n])
        if end is not None:  # the listed part of the last word, for its casing
            last = toks[-1]
            toks[-1] = Token(last.start, end, doc.text[last.start : end], last.kind)
        start, end = toks[0].start, toks[-1].end
        seen = doc.text[start:end]
        # more papers = more certainly a tortured phrase; an original the curators
        # marked unsure, or chose among alternatives, is a weaker restoration
        conf = min(0.99, 0.9 + 0.02 * math.log10(1 + fp.papers))
        if fp.original is None:  # listed, but no usable original: flagged, left as written
            suggestion = seen
        else:
            # the original takes the casing of what it replaces ("Counterfeit
            # consciousness is" -> "Artificial intelligence is")
            suggestion = apply_case(_outside_overlap(doc, i, n, fp.original), [t.text for t in toks if t.kind == WORD],
                                    sentence_start=sentence_start or opens_clause(doc.text, start))
            if not fp.sure:
                conf -= 0.3
            # "a counterfeit consciousness" -> "an artificial intelligence": the article before
            # the phrase joins the edit when the original needs the other one
            article = doc.tokens[i - 1] if i > 0 else None
            if (article is not None and article.lower in ("a", "an") and suggestion and article.start >= after
                    and doc.text[article.end : start].isspace()):
                need = indefinite_article(suggestion)
                if need != article.lower:
                    if article.text.isupper() and (len(article.text) > 1 or suggestion.split(" ")[0].isupper()):
                        need = need.upper()
                    elif article.text[:1].isupper():
                        need = need.capitalize()
                    suggestion = f"{need}{doc.text[article.end : start]}{suggestion}"
                    start = article.start
                    seen = doc.text[start:end]
        evidence: tuple[tuple[str, object], ...] = (("list", "Problematic Paper Screener"), ("papers", fp.papers))
        if fp.expected != fp.original:
            evidence += (("listed_original", fp.expected),)
        return Span(start, end, seen, suggestion, conf, "fingerprint", evidence=evidence)


def _outside_overlap(doc: Doc, i: int, n: int, original: str) -> str:
    """``original`` without the words it shares with the text just outside the match.

    The list's original can hold a word its tortured phrase does not ("domestic
    output (gdp)" -> "gross domestic product (GDP)"); where the text already has
    that word next to the phrase ("gross domestic output (GDP)"), a restoration
    must not write it twice.
    """
    words = original.split(" ")
    toks = doc.tokens

    def shared(outside: list[str], inside: list[str]) -> int:
        return next((k for k in range(min(len(outside), len(inside) - 1), 0, -1)
                     if [w.lower() for w in outside[-k:]] == [w.lower() for w in inside[:k]]), 0)

    def words_at(ks: range) -> list[str]:
        out = []
        for k in ks:
            if not 0 <= k < len(toks) or toks[k].kind != WORD:
                break
            out.append(toks[k].text)
        return out

    before = words_at(range(i - 1, i - len(words), -1))[::-1]
    k = shared(before, words)
    words = words[k:]
    after = words_at(range(i + n, i + n + len(words) - 1))
    k = shared(after[::-1], words[::-1])
    return " ".join(words[: len(words) - k])


@lru_cache(maxsize=1)
def shipped_matcher() -> FingerprintMatcher:
    """The matcher of the shipped list, built once per process."""
    return FingerprintMatcher()


def doc_features(doc: Doc, edits: list[Span], fingerprints: list[Span]) -> dict[str, float]:
    """Features of the document score (all per word, so length does not matter)."""
    words = max(1, doc.words)
    confs = [e.confidence for e in edits]
    mass = sum(confs) / words
    sure = sum(1 for c in confs if c >= 0.6) / words
    return {
        # log scale: the step from 0 to 2 edits per 100 words matters more than 20 to 22
        "log_edit_mass": math.log10(mass + 0.003),
        "log_sure_edits": math.log10(sure + 0.003),
        "edit_mass": mass,
        "sure_edits": sum(1 for c in confs if c >= 0.9) / words,
        "supported": sum(1 for e in edits if e.supported) / words,
        "fingerprints": len(fingerprints) / words,
        "log_words": math.log10(words),
    }


@dataclass(frozen=True, slots=True)
class DetectorModel:
    """Logistic model ``P(spun) = sigmoid(bias + sum(w_f * x_f))``."""

    bias: float
    weights: dict[str, float]
    uncertain_band: tuple[float, float] = (0.35, 0.65)

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features.get(k, 0.0) for k, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def verdict(self, p: float) -> str:
        lo, hi = self.uncertain_band
        return "spun" if p >= hi else "clean" if p <= lo else "uncertain"


@lru_cache(maxsize=4)
def load_detector(thesauri: str = "all") -> DetectorModel:
    """The shipped detector coefficients (``data/detector.json``) for a thesaurus setting.

    The features depend on which thesauri the restorer uses, so one model is
    fitted per setting; unknown settings use the ``all`` model.
    """
    ref = resources.files("unspin") / "data" / "detector.json"
    try:
        data = json.loads(ref.read_text(encoding="utf-8"))
        models = data["models"]
        m = models.get(thesauri, models["all"])
        band = data.get("uncertain_band", [0.35, 0.65])
        return DetectorModel(float(m["bias"]), {k: float(v) for k, v in m["weights"].items()}, (band[0], band[1]))
    except (OSError, ValueError, KeyError):
        # not fitted yet: a hand-set model on edit density
        return DetectorModel(bias=-4.0, weights={"edit_mass": 60.0, "fingerprints": 400.0})

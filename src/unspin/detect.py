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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .doc import WORD, Doc, Span
from .lexicon import Fingerprint, load_fingerprints
from .morph import analyses, inflect
from .restore import apply_case, opens_clause

__all__ = ["DetectorModel", "FingerprintMatcher", "doc_features", "load_detector"]

_MAX_FP_WORDS = 6


class FingerprintMatcher:
    """Exact, case-insensitive matching of known tortured phrases."""

    def __init__(self, fingerprints: dict[str, Fingerprint] | None = None) -> None:
        self.fingerprints = load_fingerprints() if fingerprints is None else fingerprints
        self.max_words = max((p.count(" ") + 1 for p in self.fingerprints), default=1)
        # first word -> words in the longest fingerprint it starts: most words start none
        self._longest: dict[str, int] = {}
        # every listed phrase's proper word prefixes ("counterfeit", "counterfeit neural"):
        # a match (or its plural, which changes the last word only) starts with one
        self._prefixes: set[str] = set()
        for p in self.fingerprints:
            words = p.split(" ")
            first, n = words[0], min(len(words), _MAX_FP_WORDS)
            self._longest[first] = max(n, self._longest.get(first, 0))
            self._prefixes.update(" ".join(words[:k]) for k in range(1, len(words)))

    def __call__(self, doc: Doc) -> list[Span]:
        toks, prefixes = doc.tokens, self._prefixes

        def longest(word: str, room: int, i: int) -> int:
            cap = min(self._longest.get(word, 0), room)
            if cap < 2:
                return cap
            n, key = 2, word  # grow while the words before the last are a listed prefix
            while n < cap and toks[i + n - 1].kind == WORD:
                key = f"{key} {toks[i + n - 1].lower}"
                if key not in prefixes:
                    break
                n += 1
            return n

        return self._match(doc, longest)

    def reference_call(self, doc: Doc) -> list[Span]:
        """Slow, obvious twin of ``__call__`` (tries every span at every word); a test oracle."""
        return self._match(doc, lambda _word, room, _i: min(self.max_words, _MAX_FP_WORDS, room))

    def _plural(self, key: str) -> Fingerprint | None:
        """A listed phrase with its head noun in the plural ("neural organizations"),
        its expected text pluralised too ("neural networks"); the list mostly
        gives the singular alone."""
        head_at = key.rfind(" ") + 1
        for lemma, tag in analyses(key[head_at:]):
            if tag != "NNS":
                continue
            fp = self.fingerprints.get(key[:head_at] + lemma)
            expected = inflect(fp.expected, "NNS") if fp is not None else None
            if fp is not None and expected is not None:
                return Fingerprint(key, expected, fp.papers)
        return None

    def _match(self, doc: Doc, longest: Callable[[str, int, int], int]) -> list[Span]:
        """Longest fingerprint first at each word; ``longest(word, room, i)`` caps the span tried
        at token ``i``."""
        toks = doc.tokens
        starts = {first for first, _last in doc.sentences}
        spans: list[Span] = []
        i = 0
        while i < len(toks):
            hit = None
            if toks[i].kind == WORD:
                for n in range(longest(toks[i].lower, len(toks) - i, i), 1, -1):
                    span = toks[i : i + n]
                    if any(t.kind != WORD for t in span):
                        continue
                    if any(not doc.text[span[k].end : span[k + 1].start].isspace() for k in range(n - 1)):
                        continue
                    key = " ".join(t.lower for t in span)
                    fp = self.fingerprints.get(key)
                    if fp is None:
                        fp = self._plural(key)
                    if fp is not None:
                        hit = (n, fp)
                        break
            if hit is None:
                i += 1
                continue
            n, fp = hit
            start, end = toks[i].start, toks[i + n - 1].end
            # more papers = more certainly a tortured phrase
            conf = min(0.99, 0.9 + 0.02 * math.log10(1 + fp.papers))
            # the expected text takes the casing of what it replaces ("Counterfeit
            # consciousness is" -> "Artificial intelligence is")
            suggestion = apply_case(fp.expected, [t.text for t in toks[i : i + n]],
                                    sentence_start=i in starts or opens_clause(doc.text, start))
            spans.append(Span(start, end, doc.text[start:end], suggestion, conf, "fingerprint",
                              evidence=(("list", "Problematic Paper Screener"), ("papers", fp.papers))))
            i += n
        return spans


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

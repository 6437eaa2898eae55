"""The public functions: :func:`check`, :func:`restore`, :func:`spin`.

The CLI, the web server and the collection scanner all call these, so every
front end gives the same answers.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from .detect import doc_features, load_detector, shipped_matcher
from .doc import WORD, Doc, Span
from .errors import ConfigError, InputError
from .lexicon import sources_mask
from .restore import RestoreConfig, Restorer
from .restore import assume_spun as _assuming_spun
from .spin import Spinner, SpinResult
from .tokenize import LINE_END, LINE_END_RE, tokenize
from .topic import load_vectors

__all__ = ["NOT_ENGLISH", "Report", "Restoration", "check", "english_share", "not_english", "restore", "spin"]

#: Default language model of the decoder and default confidence threshold,
#: chosen by measurement (docs/benchmarks.md).
DEFAULT_SCORER = "cmu+news"
DEFAULT_MIN_CONFIDENCE = 0.5

#: Inputs longer than this are processed in chunks of whole paragraphs.
CHUNK_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Report:
    """Result of :func:`check`."""

    spun_probability: float
    verdict: str  # "spun", "clean" or "uncertain"
    words: int
    spans: tuple[Span, ...]
    scorer: str = DEFAULT_SCORER
    spin_rate: float = 0.0  # estimated share of words the restorer would change
    features: dict[str, float] = field(default_factory=dict)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The JSON object of the CLI contract; with ``explain``, each span also has its ``evidence``."""
        return {
            "spun_probability": round(self.spun_probability, 4),
            "verdict": self.verdict,
            "words": self.words,
            "scorer": self.scorer,
            "spans": [s.to_dict(explain) for s in self.spans],
        }


@dataclass(frozen=True, slots=True)
class Restoration:
    """Result of :func:`restore`: the restored text and the edits applied."""

    text: str
    edits: tuple[Span, ...]
    scorer: str = DEFAULT_SCORER

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The JSON object of the CLI contract; with ``explain``, each edit also has its ``evidence``."""
        return {"text": self.text, "scorer": self.scorer, "edits": [s.to_dict(explain) for s in self.edits]}


@lru_cache(maxsize=8)
def _restorer(config: RestoreConfig) -> Restorer:
    return Restorer(config)


def _config(scorer: str, adapt: bool, thesauri: str = "all", spun: bool = False) -> RestoreConfig:
    base = _assuming_spun(RestoreConfig()) if spun else RestoreConfig()
    channel = replace(base.channel, sources=sources_mask(thesauri))
    if scorer.startswith("hf:"):
        # neural models rescore the n-gram decoder's suspicious spans
        return replace(base, scorer=DEFAULT_SCORER, rescorer=scorer, adapt=adapt, channel=channel)
    if scorer not in ("cmu", "cmu+web", "cmu+news"):
        raise ConfigError(f"Unknown scorer {scorer!r}. Use 'cmu', 'cmu+web', 'cmu+news' or 'hf:NAME_OR_PATH'.")
    return replace(base, scorer=scorer, adapt=adapt, channel=channel)


def _preload(scorer: str = DEFAULT_SCORER, adapt: bool = True, thesauri: str = "all") -> None:
    """Load the resources and the compiled decoder of a setting now (for long-running callers)."""
    restorer = _restorer(_config(scorer, adapt, thesauri))
    restorer.load_native()
    if restorer.config.topic_weight:
        load_vectors()
    _freeze_loaded()


@lru_cache(maxsize=1)
def _freeze_loaded() -> None:
    """Once per process: what the first preload loaded lives as long as the process,
    so take it out of the cyclic collector's sight, whose full passes over it took
    60-90 ms each (one every few documents; gc.freeze, as pre-fork servers do).
    Not again on later calls (scan workers preload per batch), which would also
    freeze whatever a batch left behind."""
    gc.freeze()


def _validate(text: object) -> str:
    if not isinstance(text, str):
        raise InputError(f"Expected text as a str, got {type(text).__name__}.")
    if not text.strip():
        raise InputError("The input is empty: give some text to check.")
    return text


# a blank line in any line-break convention the tokenizer reads ("\n\n", "\r\n\r\n", old Mac
# "\r\r", U+2028 twice...), or U+2029
_PARAGRAPH_RE = re.compile(rf"(?:{LINE_END})[ \t]*(?:{LINE_END})|\u2029")


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split long text at paragraph breaks into chunks of at most ~CHUNK_CHARS."""
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    for m in _PARAGRAPH_RE.finditer(text):
        if m.end() - start >= CHUNK_CHARS:
            out.append((start, text[start : m.end()]))
            start = m.end()
    # a chunk with no paragraph break is cut after a line break or, failing that, a space
    rest = text[start:]
    while len(rest) > 2 * CHUNK_CHARS:
        cut = max((m.end() for m in LINE_END_RE.finditer(rest, 0, CHUNK_CHARS)), default=0)
        if cut <= 1:
            cut = rest.rfind(" ", 0, CHUNK_CHARS) + 1
        if cut <= 1:
            cut = CHUNK_CHARS
        out.append((start, rest[:cut]))
        start += cut
        rest = rest[cut:]
    out.append((start, rest))
    return out


def _analyse(
    text: str, fingerprints: bool, scorer: str, adapt: bool, thesauri: str = "all",
    config: RestoreConfig | None = None,
) -> tuple[list[Span], list[Span], int, dict[str, float]]:
    restorer = _restorer(config or _config(scorer, adapt, thesauri))
    edits: list[Span] = []
    fps: list[Span] = []
    words = 0
    weight = 0  # chunks weigh by their words; one without any (only symbols) counts as one
    feats: dict[str, float] = {}
    # the fingerprints first (a chunk's tokens at a time, so memory stays bounded): a
    # document holding a listed tortured phrase has its rebuilt terms judged at the term
    # rate (RestoreConfig.term_rate)
    chunks = _chunks(text)
    single = tokenize(chunks[0][1]) if len(chunks) == 1 else None  # most texts: tokenized once

    def doc_of(chunk: str) -> Doc:
        return single if single is not None else tokenize(chunk)

    found = [shipped_matcher()(doc_of(chunk)) if fingerprints else [] for _offset, chunk in chunks]
    listed = any(found)
    for (offset, chunk), chunk_fps in zip(chunks, found):
        doc = doc_of(chunk)
        words += doc.words
        weight += max(1, doc.words)
        chunk_edits = restorer(doc, listed=listed)
        f = doc_features(doc, chunk_edits, chunk_fps)
        for k, v in f.items():
            feats[k] = feats.get(k, 0.0) + v * max(1, doc.words)
        edits.extend(replace(s, start=s.start + offset, end=s.end + offset) for s in chunk_edits)
        fps.extend(replace(s, start=s.start + offset, end=s.end + offset) for s in chunk_fps)
    feats = {k: v / weight for k, v in feats.items()}
    return edits, fps, words, feats


def _merge(edits: list[Span], fps: list[Span]) -> list[Span]:
    """Fingerprint spans win over model spans they overlap."""
    out = list(fps)
    for e in edits:
        if not any(f.start < e.end and e.start < f.end for f in fps):
            out.append(e)
    return sorted(out, key=lambda s: s.start)


def _splice(text: str, spans: list[Span]) -> str:
    """``text`` with each (ordered, non-overlapping) span replaced by its suggestion."""
    parts: list[str] = []
    pos = 0
    for s in spans:
        parts.append(text[pos : s.start])
        parts.append(s.suggestion)
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


def check(
    text: str,
    *,
    fingerprints: bool = True,
    scorer: str = DEFAULT_SCORER,
    adapt: bool = True,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    thesauri: str = "all",
) -> Report:
    """Decide whether ``text`` was machine-spun and which phrases were.

    Example:
        >>> report = check("The regulation enforcement officers got here yesterday.")
        >>> 0.0 <= report.spun_probability <= 1.0
        True
    """
    text = _validate(text)
    if not 0.0 <= min_confidence <= 1.0:
        raise ConfigError(f"min_confidence must be between 0 and 1, got {min_confidence}.")
    edits, fps, words, feats = _analyse(text, fingerprints, scorer, adapt, thesauri)
    model = load_detector(thesauri)
    p = model.probability(feats)
    spans = _merge([e for e in edits if e.confidence >= min_confidence],
                   [f for f in fps if f.confidence >= min_confidence])
    return Report(
        spun_probability=p,
        verdict=model.verdict(p),
        words=words,
        spans=tuple(spans),
        scorer=scorer,
        spin_rate=len(edits) / max(1, words),
        features=feats,
    )


def restore(
    text: str,
    *,
    fingerprints: bool = True,
    scorer: str = DEFAULT_SCORER,
    adapt: bool = True,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    thesauri: str = "all",
    assume_spun: bool = False,
) -> Restoration:
    """Undo spinning: replace suspicious spans by their likely originals.

    Every character outside the edited spans is kept as it was. With
    ``assume_spun``, the text is taken to be spun (a suspected sentence or
    paragraph): it is restored at a spinner's rate rather than pulled toward a
    clean text's, which a short text otherwise is (see
    :func:`unspin.restore.assume_spun`).

    Example:
        >>> restore("He mentioned it.").text.endswith("it.")
        True
    """
    text = _validate(text)
    if not 0.0 <= min_confidence <= 1.0:
        raise ConfigError(f"min_confidence must be between 0 and 1, got {min_confidence}.")
    edits, fps, _words, _f = _analyse(text, fingerprints, scorer, adapt, thesauri,
                                      config=_config(scorer, adapt, thesauri, assume_spun))
    # a listed phrase whose list gives no usable original is flagged by check, not edited
    chosen = _merge([e for e in edits if e.confidence >= min_confidence],
                    [f for f in fps if f.confidence >= min_confidence and f.changes])
    return Restoration(_splice(text, chosen), tuple(chosen), scorer)


#: Under this share of English words (:func:`english_share`) a text counts as not
#: English: the CLI notes it and scans count it, since the verdict says little there.
NOT_ENGLISH = 0.7


def english_share(text: str | Doc) -> float:
    """Share of the text's words (of two letters or more) that the English language model knows.

    unspin reads English: on other languages its verdict means little. English
    news scores above 0.9, spun English too (spinners write English words);
    French or German text about 0.4.

    Example:
        >>> english_share("The minister said the plan would work.") > 0.9
        True
    """
    from .lm import get_scorer, lm_word

    doc = tokenize(text) if isinstance(text, str) else text  # a caller that has tokenized passes the Doc
    words = [lm_word(t.text) for t in doc.tokens if t.kind == WORD and len(t.text) > 1]
    if not words:
        return 1.0
    known = get_scorer("cmu").known
    return sum(1 for w in words if known(w)) / len(words)


def not_english(share: float, words: int) -> bool:
    """Is a text of ``words`` words with this :func:`english_share` too little English to judge?
    (Under 20 words the share itself says little.)"""
    return share < NOT_ENGLISH and words >= 20


def spin(
    text: str, *, rate: float = 0.15, seed: int = 0, thesaurus: str = "wordnet", style: str = "random",
    fix_articles: bool = True,
) -> SpinResult:
    """Spin ``text`` with the reference spinner (a test-data generator; ``style``: random or dictionary;
    ``fix_articles=False`` leaves "a"/"an" as they were before a replaced word)."""
    text = _validate(text)
    return Spinner(thesaurus=thesaurus, rate=rate, seed=seed, style=style, fix_articles=fix_articles)(text)

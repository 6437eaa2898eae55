"""The document object that flows through every stage.

A :class:`Doc` holds the original text and its tokens with character offsets.
It is built once by :func:`unspin.tokenize.tokenize`; later stages point back
into it by character offsets and never re-tokenize.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["NUMBER", "PUNCT", "SYMBOL", "THESAURUS_NAMES", "WORD", "Doc", "Span", "Token"]

WORD = "word"
NUMBER = "number"
PUNCT = "punct"
SYMBOL = "symbol"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``text[start:end]`` of its document."""

    start: int
    end: int
    text: str
    kind: str  # WORD, NUMBER, PUNCT or SYMBOL

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.kind == WORD

    @property
    def is_capitalized(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True, slots=True)
class Doc:
    """Text plus tokens (with offsets) and sentences (as token index ranges)."""

    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]  # [first_token, last_token_exclusive)
    words: int = field(init=False)  # number of word and number tokens (every stage reads it: counted once)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", sum(1 for t in self.tokens if t.kind in (WORD, NUMBER)))

    def sentence_tokens(self, index: int) -> tuple[Token, ...]:
        first, last = self.sentences[index]
        return self.tokens[first:last]


@dataclass(frozen=True, slots=True)
class Span:
    """A suspicious span of the input and its likely original.

    ``text == doc.text[start:end]``. ``source`` is ``"fingerprint"`` (a known
    tortured phrase) or ``"model"`` (found by the noisy-channel restorer).
    ``supported`` is true when the same substitution was found elsewhere in
    the document (document-level adaptation raised its weight).
    ``alternatives`` are a model span's runner-up originals, best first: the
    sentence reads nearly as likely with them (see
    :meth:`unspin.restore.Restorer.alternatives`). ``evidence``
    says why, as ``(name, value)`` pairs: for a model span ``lm_gain`` (log10:
    how much likelier the language model finds the sentence with the original),
    ``channel`` (log10 P(seen | original)), ``thesauri`` (the sources linking
    the pair), ``spin_rate`` (the share of spun words the decoder assumed
    here), when the document never uses the original, ``absent_original``
    (log10 likelihood ratio of that absence, see :mod:`unspin.absence`) and,
    when the edit rebuilds a listed term (or a WordNet collocation) in a text that
    holds a listed tortured phrase, ``listed_term`` (then ``spin_rate`` is the term rate,
    ``RestoreConfig.term_rate``); for a
    fingerprint ``list`` and ``papers`` (how many papers the Problematic Paper
    Screener found the phrase in).
    """

    start: int
    end: int
    text: str
    suggestion: str
    confidence: float
    source: str
    supported: bool = False
    evidence: tuple[tuple[str, object], ...] = ()
    alternatives: tuple[str, ...] = ()  # other likely originals of a model span, best first

    @property
    def changes(self) -> bool:
        """Does the suggestion change the text? Not for a listed phrase whose list gives
        no usable original: ``check`` flags it, ``restore`` leaves it as written."""
        return self.suggestion != self.text

    def to_dict(self, explain: bool = False) -> dict[str, object]:
        """The JSON object of the CLI contract; with ``explain``, also ``evidence`` and its ``reason`` in words."""
        out: dict[str, object] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
            "confidence": round(self.confidence, 4),
            "source": self.source,
            "supported": self.supported,
        }
        if explain:  # as JSON reads it back: tuples (hashable spans) become lists
            out["evidence"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.evidence}
            out["reason"] = self.reason()
            out["alternatives"] = list(self.alternatives)
        return out

    def reason(self) -> str:
        """The evidence in words, as the report, ``--explain`` and the web page say it.

        Example:
            >>> Span(0, 9, "mentioned", "said", 0.8, "model", evidence=(("lm_gain", 2.0),)).reason()
            'the language model finds the sentence 100 times likelier with it'
        """
        ev = dict(self.evidence)
        parts = []
        if self.source == "fingerprint":
            parts.append(f"a known tortured phrase ({ev.get('list', 'fingerprint list')}"
                         + (f", found in {ev['papers']:,} papers)" if ev.get("papers") else ")"))
            if "listed_original" in ev:
                parts.append(f"the list gives the original as \"{ev['listed_original']}\""
                             + (", too unsure to restore" if not self.changes else ""))
            return "; ".join(parts)
        gain = ev.get("lm_gain")
        if isinstance(gain, float):
            times = "over a million" if abs(gain) >= 6 else f"{10 ** abs(gain):,.0f}"
            parts.append(f"the language model finds the sentence {times} times likelier with it" if gain >= 0
                         else f"the language model finds the sentence {times} times less likely with it, "
                              "but the rest of the evidence outweighs that")
        names = ev.get("thesauri")
        if isinstance(names, (list, tuple)) and names:
            parts.append("linked by " + ", ".join(THESAURUS_NAMES.get(str(n), str(n)) for n in names))
        if self.supported:
            parts.append("the text makes this substitution elsewhere too")
        absent = ev.get("absent_original")
        if isinstance(absent, float):
            parts.append(f"the text never uses the original ({10 ** absent:,.1f} times likelier if a spinner "
                         "replaced it throughout)")
        if ev.get("listed_term"):
            parts.append("it rebuilds a technical term (the tortured-phrase list's or WordNet's) in a text that "
                         "holds a known tortured phrase, so it was judged at the term rate")
        rate = ev.get("spin_rate")
        if isinstance(rate, float):
            parts.append(f"the decoder assumed {rate:.0%} of words spun here")
        return "; ".join(parts) or "no evidence recorded"


#: the thesauri's names as a reason gives them
THESAURUS_NAMES = {"moby": "Moby", "mythes": "MyThes", "wordnet": "WordNet", "pps": "tortured-phrase pairs"}

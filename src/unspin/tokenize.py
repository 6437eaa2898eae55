"""Tokenizer: text -> :class:`~unspin.doc.Doc` with character offsets.

Deterministic and lossless: every character of the input is either inside a
token or whitespace between tokens, so edits can be spliced back exactly.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Iterator

from .doc import NUMBER, PUNCT, SYMBOL, WORD, Doc, Token

__all__ = ["WORD_PATTERN", "line_breaks", "token_ends", "tokenize"]

#: A word token: letters with inner apostrophes and hyphens ("Kazakhstan's",
#: "don't", "six-nation"): the language model's vocabulary has such words whole.
WORD_PATTERN = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"
# A web address, e-mail address, @handle, #hashtag, HTML/XML tag or character
# reference ("&amp;", "&#8217;") is one symbol token: spinners pass it through,
# and its parts ("news" in bbc.co.uk/news, "class" in <p class="lead">, "amp")
# must never be edited, counted as words or end a sentence. Trailing
# punctuation stays outside. An e-mail address is only tried where its local
# part starts, so "a.a.a..." stays linear.
_TOKEN_RE = re.compile(
    r"""
    (?P<link><[A-Za-z/!?][^<>]*>
           | (?:(?:https?|ftp)://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'’”]
           | (?<![\w.+-])[\w.+-]+@[^\W_](?:[\w-]*\w)?(?:\.[^\W_](?:[\w-]*\w)?)+
           | (?<![\w@#])[@#][^\W\d_]\w*
           | &(?:[A-Za-z][A-Za-z0-9]{1,31}|\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6});)
  | (?P<number>\d+(?:[.,:/]\d+)*%?)
  | (?P<word>""" + WORD_PATTERN + r""")
  | (?P<punct>[.!?]+|[,;:()\[\]{}"“”‘’'«»\-–—…/])
  | (?P<symbol>\S)
    """,
    re.VERBOSE,
)
# A script or style element and an HTML comment is one symbol token too: code
# and notes in a saved web page are no prose. Found before tokenizing, each
# closer searched for once at most (an element left open is only its opening
# tag), so the scan stays linear in the text's length.
_RAW_OPEN = re.compile(r"<(script|style)\b[^<>]*>|<!--", re.IGNORECASE)
_RAW_CLOSE = {"script": re.compile(r"</script\s*>", re.IGNORECASE),
              "style": re.compile(r"</style\s*>", re.IGNORECASE), None: re.compile(r"-->")}


def _raw_elements(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each closed script or style element and HTML comment."""
    out: list[tuple[int, int]] = []
    if "<" not in text:
        return out
    pos, unclosed = 0, set()
    while (m := _RAW_OPEN.search(text, pos)) is not None:
        name = m.group(1).lower() if m.group(1) else None
        close = None if name in unclosed else _RAW_CLOSE[name].search(text, m.end())
        if close is None:  # left open: no later one of this kind closes either
            unclosed.add(name)
            pos = m.end()
            continue
        out.append((m.start(), close.end()))
        pos = close.end()
    return out


class _Raw:
    """A script or style element or comment, read as a match of ``_TOKEN_RE`` is read."""

    __slots__ = ("_end", "_start", "_text")
    lastgroup = "link"

    def __init__(self, start: int, end: int, text: str) -> None:
        self._start, self._end, self._text = start, end, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text


def _matches(text: str) -> Iterable[re.Match[str] | _Raw]:
    """The tokens' matches of ``_TOKEN_RE``, with each script or style element or
    comment as one ("link"); most texts have none, and get the plain iterator."""
    raw = _raw_elements(text)
    if not raw:
        return _TOKEN_RE.finditer(text)

    def spliced() -> Iterator[re.Match[str] | _Raw]:
        pos = 0
        for start, end in raw:
            yield from _TOKEN_RE.finditer(text, pos, start)
            yield _Raw(start, end, text[start:end])
            pos = end
        yield from _TOKEN_RE.finditer(text, pos)

    return spliced()


_SENT_END = {".", "!", "?", "…"}
# a "sentence" longer than this many tokens is a list, a table or text without
# punctuation: it is cut, so decoding stays linear in the text's length (the
# edit evidence scores a whole sentence once per edit) and memory stays bounded
MAX_SENTENCE_TOKENS = 250
_CLOSERS = {'"', "”", "’", "'", ")", "]"}
# a full stop right after one of these (or after a single letter: "U.S.", "J. K.
# Rowling", "e.g.") closes an abbreviation, not a sentence: titles before a name,
# months before a day, company suffixes, and a paper's citations and references
# ("Smith et al. showed", "see Fig. 2", "cf. Eq. 3")
_ABBREVIATIONS = frozenset(
    "mr mrs ms messrs dr prof gen sen rep gov lt col capt sgt adm maj rev hon pres st mt ft "
    "jan feb mar apr jun jul aug sep sept oct nov dec inc corp ltd co bros vs "
    "al fig figs eq eqs ref refs cf approx ca vol pp sec ch".split()
)
# ... and, written with a capital, the US states as news style abbreviates them
# ("Richmond, Va., said"); in lower case several are words ("fell ill.")
_STATES = frozenset(
    "Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss Mo Mont Neb Nev "
    "Okla Ore Pa Tenn Tex Vt Va Wash Wis Wyo".split()
)


def is_abbreviation(word: str) -> bool:
    """Does ``word`` followed by a full stop abbreviate a word ("Sept.", "Gov.", "Va.")?"""
    return word.lower() in _ABBREVIATIONS or word in _STATES


# a line break in any of the conventions text arrives in: Unix "\n", Windows
# "\r\n" (one break, not two), old Mac "\r", Unicode's line separator, and its
# paragraph separator (which counts as a blank line)
LINE_END = r"\r\n|\r(?!\n)|[\n\x0b\x0c\x85\u2028\u2029]"  # (a lone CR: never the CR of a CR LF)
LINE_END_RE = re.compile(LINE_END)


def line_breaks(gap: str) -> int:
    r"""How many line breaks white space ``gap`` holds ("\r\n" is one; U+2029 is two).

    Example:
        >>> line_breaks(" \r\n "), line_breaks("\r\r"), line_breaks("\u2029")
        (1, 2, 2)
    """
    if gap == " ":
        return 0
    return sum(2 if m.group() == "\u2029" else 1 for m in LINE_END_RE.finditer(gap))


class _Lines:
    """Where a text's lines start, and the width its lines reach when it is
    hard-wrapped (the 90th percentile of its non-blank lines' lengths; the
    longest line, for a few lines). Measured once, when a line break first needs it."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = [(m.start(), m.end()) for m in LINE_END_RE.finditer(text)]
        self.starts = [0, *(e for _s, e in breaks)]
        ends = [*(s for s, _e in breaks), len(text)]
        lengths = sorted(n for a, b in zip(self.starts, ends) if (n := len(text[a:b].strip())))
        self.width = lengths[min(len(lengths) - 1, math.ceil(0.9 * (len(lengths) - 1)))] if lengths else 0

    def wrapped(self, end: int) -> bool:
        """Is the line that ends at ``end`` at least 3/4 as long as the wrapped lines?"""
        start = self.starts[bisect.bisect_right(self.starts, end) - 1]
        return 4 * len(self.text[start:end].lstrip()) >= 3 * self.width > 0


def _line_break(gap: str, next_text: str, wrapped_line: Callable[[], bool]) -> bool:
    """Does a gap between tokens end the sentence as a line break?

    A blank line always does. A single line break does not before a
    lower-case word, nor after a line as long as the text's wrapped lines
    (``wrapped_line()``: "the Chinese language Overseas\\nMinister"): hard-wrapped
    text (plain-text papers, e-mail, text taken from PDF) continues its
    sentences on the next line. After a short line (a heading, a list item)
    and before a capital, it does.
    """
    breaks = line_breaks(gap)
    if breaks != 1:
        return breaks > 1
    return not next_text[:1].islower() and not wrapped_line()


def token_ends(text: str) -> list[int]:
    """Where each of :func:`tokenize`'s tokens of ``text`` ends (without building the document).

    Example:
        >>> token_ends("co2 (ai)")
        [2, 3, 5, 7, 8]
    """
    return [m.end() for m in _matches(text)]


def tokenize(text: str) -> Doc:
    """Split ``text`` into tokens and sentences.

    Example:
        >>> doc = tokenize("He said hi. Then left.")
        >>> [t.text for t in doc.tokens][:3]
        ['He', 'said', 'hi']
        >>> len(doc.sentences)
        2
    """
    tokens: list[Token] = []
    for m in _matches(text):
        kind = m.lastgroup or SYMBOL
        if kind == "word":
            tokens.append(Token(m.start(), m.end(), m.group(), WORD))
        else:
            tokens.append(Token(m.start(), m.end(), m.group(), {"number": NUMBER, "punct": PUNCT}.get(kind, SYMBOL)))
    sentences: list[tuple[int, int]] = []
    first = 0
    i = 0
    lines: list[_Lines] = []  # measured the first time a line break needs them

    def wrapped_line() -> bool:
        if not lines:
            lines.append(_Lines(text))
        return lines[0].wrapped(tok.end)

    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        boundary = nxt is not None and _line_break(text[tok.end : nxt.start], nxt.text, wrapped_line)
        if tok.kind == PUNCT and tok.text[-1] in _SENT_END:
            prev = tokens[i - 1] if i > 0 else None
            abbreviation = (
                tok.text == "." and prev is not None and prev.kind == WORD and prev.end == tok.start
                # ... but "I" is a pronoun or a numeral far more often than an initial ("than I. The")
                and ((len(prev.text) == 1 and prev.text != "I") or is_abbreviation(prev.text))
            )
            # a closing quote or bracket right after the full stop stays with it
            while nxt is not None and nxt.text in _CLOSERS and nxt.start == tokens[i].end:
                i += 1
                nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            boundary = boundary or not abbreviation
        if boundary or i + 1 - first >= MAX_SENTENCE_TOKENS:
            sentences.append((first, i + 1))
            first = i + 1
        i += 1
    if first < len(tokens):
        sentences.append((first, len(tokens)))
    return Doc(text=text, tokens=tuple(tokens), sentences=tuple(sentences))

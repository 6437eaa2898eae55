"""Thesaurus with an inverse index, and the curated tortured-phrase fingerprints.

The thesaurus is the union of Moby, MyThes, WordNet 3.0 and word pairs from
the tortured-phrase list, derived by ``scripts/build_lexicon.py`` into
``data/lexicon.npz`` (antonym pairs removed). Each directed edge
``original -> synonym`` carries a bit set of the thesauri that offer it, so the
channel model can weigh a pair by its evidence and the reference spinner can
draw from one thesaurus while the restorer uses others.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from operator import methodcaller
from typing import IO

import numpy as np

from .errors import ConfigError, ResourceError, shipped_text
from .morph import inflect, plural

__all__ = [
    "CARDINALS",
    "FUNCTION_WORDS",
    "MOBY",
    "MYTHES",
    "MYTHES_RELATED",
    "PPS",
    "QUANTITY_CLASSES",
    "SAME_QUANTITY",
    "SOURCES",
    "STRUCTURAL_WORDS",
    "WORDNET",
    "Fingerprint",
    "Lexicon",
    "listed_term",
    "load_collocations",
    "load_fingerprints",
    "load_lexicon",
    "load_names",
    "load_terms",
    "lone_letter",
    "ordinary_english_phrases",
    "plain_phrase",
    "read_lexicon",
    "restoration_of",
    "sources_mask",
    "term_of",
    "web_zipf",
]

#: Words a spinner leaves alone (closed-class words); multi-word expressions
#: made of them ("as well as") can still be replaced.
FUNCTION_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had", "not", "no", "nor", "so", "than", "that", "this", "these", "those", "there", "here", "it", "its", "he", "she", "they", "them", "their", "his", "her", "him", "we", "us", "our", "you", "your", "i", "me", "my", "mine", "who", "whom", "whose", "which", "what", "when", "where", "why", "how", "all", "any", "each", "both", "either", "neither", "some", "such", "only", "own", "same", "too", "very", "can", "could", "may", "might", "must", "shall", "should", "will", "would", "up", "down", "out", "off", "over", "under", "again", "then", "once", "into", "onto", "upon", "about", "just", "also", "s", "t"]
)

#: Closed classes of quantities whose members are never synonyms of one another:
#: a thesaurus may link "month" and "year", "million" and "thousand", "north"
#: and "south" (Moby does), but restoring one for the other changes a fact
#: ("12 months" -> "12 years"). Words of one group in ``SAME_QUANTITY`` are one
#: quantity written two ways, and stay candidates. ``CARDINALS`` also marks
#: phrases that count a quantity ("two weeks" is a fortnight).
CARDINALS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion trillion".split()
)
QUANTITY_CLASSES: tuple[frozenset[str], ...] = (CARDINALS, *(frozenset(c.split()) for c in (
    "second minute hour day week fortnight month year decade century millennium",
    "monday tuesday wednesday thursday friday saturday sunday",
    "january february march april may june july august september october november december",
    "first second third fourth fifth sixth seventh eighth ninth tenth",
    "millimetre millimeter centimetre centimeter metre meter kilometre kilometer inch foot yard mile",
    "milligram gram kilogram kilo ounce pound stone ton tonne",
    "millilitre milliliter litre liter pint quart gallon barrel",
    "dollar euro pound yen yuan rupee franc mark peso lira rouble ruble cent penny pence",
    "north south east west northern southern eastern western northeast northwest southeast southwest "
    "northeastern northwestern southeastern southwestern northerly southerly easterly westerly "
    "northward southward eastward westward northwards southwards eastwards westwards "
    "northeasterly northwesterly southeasterly southwesterly",
    "spring summer autumn fall winter",
)))
SAME_QUANTITY: tuple[frozenset[str], ...] = tuple(frozenset(g.split()) for g in (
    "millimetre millimeter", "centimetre centimeter", "metre meter", "kilometre kilometer", "kilogram kilo",
    "ton tonne", "millilitre milliliter", "litre liter", "rouble ruble", "penny pence", "autumn fall",
    # one direction, however written ("northerly" is "northern", never "southern")
    *(f"{d} {d}ern {d}erly {d}ward {d}wards" for d in ("north", "south", "east", "west")),
))


#: Function words that carry grammar, not meaning (articles, pronouns,
#: auxiliaries, demonstratives): a spinner never writes a content word for one.
#: Prepositions and connectives are not here: "about" -> "concerning" happens.
STRUCTURAL_WORDS = frozenset(
    ["a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has",
     "had", "it", "its", "he", "she", "they", "them", "their", "his", "her", "him", "we", "us", "our", "you", "your",
     "i", "me", "my", "mine", "this", "these", "those", "that", "there", "here", "who", "whom", "whose", "which",
     "what", "s", "t", "not", "no", "nor"]
)


#: Function words that are never a spinner's word on their own in news-like text:
#: articles, pronouns, auxiliaries, modals, conjunctions, the short prepositions
#: and wh-words (``FUNCTION_WORDS`` less its quantifiers and adverbs: "each" for
#: "both", "about" for "concerning" and "over" for "above" do happen). The
#: restorer never edits one on its own (``RestoreConfig.closed_class``);
#: phrases made of them ("in addition to") still count.
CLOSED_CLASS_WORDS = FUNCTION_WORDS - frozenset(
    ["each", "both", "all", "any", "either", "neither", "some", "such", "only", "own", "same", "too", "very", "about",
     "over", "under", "up", "down", "out", "off", "again", "then", "once", "just", "also", "upon", "into", "onto"]
)


def lone_letter(word: str) -> bool:
    """A one-letter word other than "a" and "I": a unit, initial or list mark
    ("5 m", "U.S.", "vitamin C"), which spinners leave alone."""
    return len(word) == 1 and word.lower() not in ("a", "i")


MOBY, MYTHES, MYTHES_RELATED, WORDNET, PPS = 1, 2, 4, 8, 16
#: Thesaurus names accepted by ``--thesaurus`` and the restorer's ``sources``.
#: ``pps`` is the word pairs aligned from the tortured-phrase list (what real
#: spinners substituted).
SOURCES: dict[str, int] = {
    "moby": MOBY,
    "mythes": MYTHES | MYTHES_RELATED,
    "wordnet": WORDNET,
    "pps": PPS,
}
ALL_SOURCES = MOBY | MYTHES | MYTHES_RELATED | WORDNET | PPS


def sources_mask(names: str | list[str] | tuple[str, ...]) -> int:
    """Bit mask for thesaurus names, e.g. ``"moby,mythes"`` or ``["wordnet"]``."""
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    mask = 0
    for name in names:
        key = name.strip().lower()
        if key == "all":
            return ALL_SOURCES
        if key not in SOURCES:
            raise ConfigError(f"Unknown thesaurus {name!r}. Choose from: {', '.join(SOURCES)} or all.")
        mask |= SOURCES[key]
    if not mask:
        raise ConfigError("No thesaurus selected. Name at least one of: " + ", ".join(SOURCES))
    return mask


class Lexicon:
    """Directed synonym graph with forward and inverse look-ups.

    Example:
        >>> lex = load_lexicon()
        >>> "said" in [o for o, _ in lex.originals("mentioned")] or True
        True
    """

    def __init__(
        self,
        phrases: list[str],
        src: np.ndarray,
        dst: np.ndarray,
        mask: np.ndarray,
        zipf: np.ndarray | None = None,
        sim: np.ndarray | None = None,
    ) -> None:
        self.phrases = phrases
        #: meaning similarity of each edge's two phrases as stored: a byte, 255 = 1.0 (None: not shipped)
        self.sim_bytes = sim
        #: web frequency per phrase id, as wordfreq zipf (log10 per billion words)
        self.zipf = (zipf.astype(np.float32) / 10.0) if zipf is not None else np.full(len(phrases), 3.0, np.float32)
        self.ids = {p: i for i, p in enumerate(phrases)}
        self.src, self.dst, self.mask = src, dst, mask
        # edges are sorted by dst: offsets give every edge pointing at a phrase
        self._dst_offsets = np.searchsorted(dst, np.arange(len(phrases) + 1)).astype(np.int64)
        self._fwd: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.max_words = max(map(methodcaller("count", " "), phrases), default=0) + 1  # (map: a fifth of the time)

    @cached_property
    def sim(self) -> np.ndarray | None:
        """Meaning similarity of each edge's two phrases in [0, 1] (None: not shipped)."""
        return (self.sim_bytes.astype(np.float32) / 255.0) if self.sim_bytes is not None else None

    def __contains__(self, phrase: str) -> bool:
        return phrase in self.ids

    @cached_property
    def phrase_ends(self) -> tuple[frozenset[str], frozenset[str]]:
        """Every multi-word phrase without its last word, and without its first: a phrase
        whose reading changes one end word can only be listed if the other part is here."""
        multi = [p for p in self.phrases if " " in p]
        return frozenset(p.rsplit(" ", 1)[0] for p in multi), frozenset(p.split(" ", 1)[1] for p in multi)

    def could_list(self, head: str, tail: str) -> bool:
        """Could a seen span of two or more words, ``head`` without its last word and
        ``tail`` without its first, be listed under some reading (see
        :func:`unspin.channel._readings`)? Each reading changes one end word (or drops a
        possessive ``'s``, kept as written here), so the other part must be a phrase end."""
        heads, tails = self.phrase_ends
        return head in heads or tail in tails or tail.endswith("'s")

    @cached_property
    def tail_prefixes(self) -> frozenset[str]:
        """The word prefixes of every phrase without its first word (see :attr:`phrase_ends`).
        Readings of a seen span change only its end words, so a span whose middle
        words are not among these cannot be listed, nor can any longer span."""
        tails = self.phrase_ends[1]
        out = set(tails)  # each tail is its own longest prefix; most are one word and have no other
        for tail in tails:
            k = tail.find(" ")
            while k >= 0:
                out.add(tail[:k])
                k = tail.find(" ", k + 1)
        return frozenset(out)

    def edge_range(self, seen: str) -> tuple[int, int]:
        """Slice ``[lo, hi)`` of the edge arrays whose ``dst`` is ``seen`` (empty if unknown)."""
        i = self.ids.get(seen)
        if i is None:
            return (0, 0)
        return int(self._dst_offsets[i]), int(self._dst_offsets[i + 1])

    def phrase_zipf(self, phrase: str) -> float:
        """Web frequency (zipf) of a phrase: the stored one, else ``wordfreq``'s."""
        i = self.ids.get(phrase)
        if i is not None:
            return float(self.zipf[i])
        return _wordfreq_zipf(phrase)

    def originals(self, seen: str, sources: int = ALL_SOURCES) -> list[tuple[str, int]]:
        """Phrases that a thesaurus in ``sources`` lists ``seen`` as a synonym of.

        Returns ``(original, mask)`` pairs; ``mask`` tells which thesauri link them.
        """
        i = self.ids.get(seen)
        if i is None:
            return []
        lo, hi = self._dst_offsets[i], self._dst_offsets[i + 1]
        out = []
        for s, m in zip(self.src[lo:hi].tolist(), self.mask[lo:hi].tolist()):
            if m & sources:
                out.append((self.phrases[s], m))
        return out

    def synonyms(self, original: str, sources: int = ALL_SOURCES) -> list[tuple[str, int]]:
        """Synonyms that a thesaurus in ``sources`` offers for ``original``."""
        i = self.ids.get(original)
        if i is None:
            return []
        if self._fwd is None:
            order = np.argsort(self.src, kind="stable")
            src_sorted = self.src[order]
            offsets = np.searchsorted(src_sorted, np.arange(len(self.phrases) + 1)).astype(np.int64)
            self._fwd = (offsets, self.dst[order], self.mask[order])
        offsets, dsts, masks = self._fwd
        lo, hi = offsets[i], offsets[i + 1]
        return [
            (self.phrases[d], m)
            for d, m in zip(dsts[lo:hi].tolist(), masks[lo:hi].tolist())
            if m & sources
        ]


@lru_cache(maxsize=200_000)
def _wordfreq_zipf(phrase: str) -> float:
    """``wordfreq``'s zipf of a phrase the lexicon lacks (memoised: texts repeat their phrases)."""
    return web_zipf(phrase)


# words of plain letters, split by spaces or hyphens; an apostrophe inside a word
# ("don't", "fao's") stays in it, one at its start or end ("goods'") goes, as wordfreq tokenises
# (letters: ASCII and Latin-1 lower case, "é", "â", "ï"; not "ß", which wordfreq case-folds to "ss")
_L = "a-zà-öø-ÿ"
_PLAIN_WORDS = re.compile(rf"'?[{_L}]+(?:'[{_L}]+)*'?(?:[ -]'?[{_L}]+(?:'[{_L}]+)*'?)*")
# ... where wordfreq also splits off one or two letters and an apostrophe before a vowel
# or "h" at a token's start ("l'arc", "o'er", "y'all"), as French elision
_ELISION = re.compile(rf"'*([{_L}]{{1,2}}')(?=[aehiouyáéíóúàèìòùâêîôûåïö])")


def _plain_tokens(text: str) -> list[str]:
    """wordfreq's tokens of a text :data:`_PLAIN_WORDS` matches (a test holds them to its numbers)."""
    tokens = []
    for word in text.replace("-", " ").split(" "):
        while (m := _ELISION.match(word)) is not None:
            tokens.append(m.group(1))
            word = word[m.end() :]
        tokens.append(word)
    return [t for t in (t.strip("'") for t in tokens) if t]


@lru_cache(maxsize=1)
def _web_frequencies() -> dict[str, float]:
    """wordfreq's English word frequencies (its "best" list; ``get_frequency_dict("en")``),
    read from the shipped copy (``data/wordfreq_en.txt.gz``, ``scripts/build_wordfreq.py``):
    line k holds the words of frequency ``10 ** (-k / 100)``."""
    freqs: dict[str, float] = {}
    for index, line in enumerate(shipped_text("wordfreq_en.txt.gz", "make wordfreq").split("\n")):
        if line:
            freqs.update(dict.fromkeys(line.split(" "), 10 ** (-index / 100)))  # wordfreq's cB_to_freq(-index)
    return freqs


def web_zipf(text: str) -> float:
    """``wordfreq.zipf_frequency(text, "en")``, the same number, faster for plain lower-case words.

    wordfreq tokenises every string it is asked about (tens of microseconds);
    words of plain letters split on their spaces and hyphens, as wordfreq's
    tokeniser splits them (apostrophes as it treats them), and the combination and
    rounding below are wordfreq's own (``_word_frequency``, ``zipf_frequency``);
    the frequencies are wordfreq's, shipped (:func:`_web_frequencies`), so a
    process need not import it. Anything else (capitals, digits, accents,
    brackets) goes to wordfreq itself.
    """
    if not _PLAIN_WORDS.fullmatch(text):
        from wordfreq import zipf_frequency

        return float(zipf_frequency(text, "en"))
    freqs = _web_frequencies()
    inverse = 0.0
    for token in _plain_tokens(text) if "'" in text else text.replace("-", " ").split(" "):
        f = freqs.get(token)
        if f is None:  # any word missing: wordfreq's minimum, once per billion words
            return 0.0
        inverse += 1.0 / f
    if not inverse:
        return 0.0
    freq = max(1.0 / inverse, 1e-9)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # wordfreq keeps 3 significant digits
    return round(math.log(freq, 10) + 9, 2)


def read_lexicon(source: str | os.PathLike[str] | IO[bytes]) -> Lexicon:
    """A lexicon file written by ``scripts/build_lexicon.py`` (``sim`` and ``zipf`` are optional)."""
    z = np.load(source)
    phrases = z["phrases"].tobytes().decode("utf-8").split("\n")
    zipf = z["zipf"] if "zipf" in z.files else None
    sim = z["sim"] if "sim" in z.files else None
    return Lexicon(phrases, z["src"], z["dst"], z["mask"], zipf, sim)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load the shipped thesaurus (cached; about 1 s the first time)."""
    try:
        with (resources.files("unspin") / "data" / "lexicon.npz").open("rb") as fh:
            return read_lexicon(fh)
    except (OSError, KeyError, ValueError) as exc:
        raise ResourceError(
            "The shipped thesaurus data/lexicon.npz is missing or unreadable. "
            "Reinstall unspin, or rebuild it with: make lexicon"
        ) from exc


@lru_cache(maxsize=1)
def _pps_rows() -> tuple[list[str], ...]:
    """Data rows of the shipped tortured-phrase list (header dropped)."""
    try:
        ref = resources.files("unspin") / "data" / "pps_tortured_phrases.csv"
        with ref.open("r", encoding="utf-8") as fh:
            return tuple(csv.reader(fh))[1:]
    except OSError as exc:
        raise ResourceError("The shipped fingerprint list is missing. Reinstall unspin.") from exc


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A known tortured phrase and the expected (original) text.

    ``expected`` is the list's cell as the curators wrote it, notes included
    ("infected/affected individuals", "deep [neural] networks",
    "classification algorithm (?)"). ``plural`` marks the phrase with its head
    noun in the plural, which the list mostly leaves out ("neural
    organizations"); its original is pluralised too.
    """

    phrase: str
    expected: str
    papers: int
    plural: bool = False

    @property
    def original(self) -> str | None:
        """The text a restoration writes (:func:`restoration_of`); ``None`` when the list gives none ("???")."""
        return _restoration(self.phrase, self.expected, self.plural)[0]

    @property
    def sure(self) -> bool:
        """False when the curators marked the original unsure or offered alternatives."""
        return _restoration(self.phrase, self.expected, self.plural)[1]

    @property
    def keep(self) -> str:
        """A bracketed abbreviation that ends the phrase but not its original ("(it)" in
        "data technology (it)" -> "information technology"): the edit leaves it as written."""
        return _restoration(self.phrase, self.expected, self.plural)[2]


@lru_cache(maxsize=8192)
def _restoration(phrase: str, expected: str, plural: bool) -> tuple[str | None, bool, str]:
    """(original, sure, keep) of a fingerprint, worked out the first time it matches."""
    original, sure = restoration_of(phrase, expected)
    if plural and original is not None:
        original = inflect(original, "NNS")
    keep = ""
    tail = _TAIL_ABBREVIATION.search(phrase)
    if original is not None and tail is not None and "(" not in original and tail.start() > 0:
        keep = tail.group().strip()
    return original, sure, keep


# the curators' notes in an expected text: "(?)", "(as in ...)", "(or possibly ...)",
# "(i.e. ...)", "(e.g. ...)", "(found in <doi>)", "(please note ...)", a quotation
_NOTE = re.compile(r"""\(\s*(?:\?|as in\b|or\b|i\.\s?e\.|e\.\s?g\.|note\b|please\b|found in\b|could be\b|"|')""", re.I)
# what makes an expected text more than plain text (the rest is kept as it is)
_NOTE_MARKS = re.compile(r'[?/()\[\]"…]|\.\.\.| or ')
_UNKNOWN_WORD = re.compile(r"[(\[]\?+[)\]]\s*\S")
# a bracketed abbreviation that ends a phrase ("data technology (it)")
_TAIL_ABBREVIATION = re.compile(r"\s*\([^\W_]+\)$")
# "infected/affected", "fog/mist/cloud": alternatives the curators could not decide between
_ALTERNATIVES = re.compile(r"(?<![\w/])([^\W\d_][\w-]*)(?:/[^\W\d_][\w-]*)+(?![\w/])")


def _without_group(s: str, at: int, close: str) -> str:
    """``s`` without the bracketed group opening at ``at`` (nested groups included)."""
    depth = 0
    for k in range(at, len(s)):
        if s[k] == s[at]:
            depth += 1
        elif s[k] == close:
            depth -= 1
            if depth == 0:
                return s[:at] + s[k + 1 :]
    return s[:at]  # never closed: the note runs to the end


def _abbreviation(group: str) -> bool:
    """Is a bracketed group ("(CPS)", "(ROC AUC)", "(IoT)") an abbreviation, not a note?"""
    inner = group[1:-1].split()
    return 0 < len(inner) <= 2 and any(c.isupper() or c.isdigit() for c in group)


def restoration_of(phrase: str, expected: str) -> tuple[str | None, bool]:
    """The text that restores a listed ``phrase``, and whether the curators were sure of it.

    The list's expected texts are notes for people: they hold question marks,
    alternatives, bracketed context and comments. A restoration must be text
    that can stand in the sentence, so notes and bracketed context go;
    alternatives ("infected/affected individuals", "brain cancer / brain
    tumor", "X or Y") resolve to the first one only when it has as many words
    as the phrase (else which part is the alternative is unclear); an
    abbreviation in brackets stays only when the phrase has one too. A cell
    with nothing usable ("???", "(?) detection", "renal or kidney failure")
    gives ``None``.

    Example:
        >>> restoration_of("tainted individuals", "infected/affected individuals")
        ('infected individuals', False)
        >>> restoration_of("profound organizations", "deep [neural] networks")
        ('deep networks', True)
        >>> restoration_of("clothes airers", "???")
        (None, False)
    """
    if not _NOTE_MARKS.search(expected):  # most rows: plain text
        plain = _tidy(expected)
        return (plain, True) if plain else (None, False)
    return _restoration_of(phrase, expected)


def _tidy(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,")


def _restoration_of(phrase: str, expected: str) -> tuple[str | None, bool]:
    """:func:`restoration_of` for an expected text with notes, alternatives or brackets."""
    s = expected.replace('\\"', '"').strip()
    sure = "?" not in s
    if _UNKNOWN_WORD.search(s):  # "[?] countries", "(?) detection": a word the curators could not tell
        return None, False
    while (m := _NOTE.search(s)) is not None:
        s = _without_group(s, m.start(), ")")
    for open_, close in (("[", "]"), ("(", ")")):
        if open_ == "[" and "[" in phrase:  # "[c=o] bunches": the brackets are the phrase's own
            continue
        k = 0
        while (k := s.find(open_, k)) >= 0:
            rest = _without_group(s, k, close)
            group = s[k : len(s) - len(rest) + k]
            if open_ == "(" and "(" in phrase and _abbreviation(group):
                k += 1
                continue
            s = rest
    if '"' not in phrase:
        s = s.replace('"', "")
    s = _tidy(s)
    s = re.sub(r"\s*\?$", "", s) if not s.endswith("??") else s
    words = len(phrase.split())
    if "/" not in phrase and _ALTERNATIVES.search(s):
        s, sure = _ALTERNATIVES.sub(lambda m: m.group(1), s), False
        if len(s.split()) != words:
            return None, False
    for sep in (" / ", " or "):
        if sep in s and sep not in f" {phrase} ":
            s, sure = s.split(sep)[0].strip(), False
            if len(s.split()) != words:
                return None, False
    if not s or "?" in s or "..." in s or any(c in s and c not in phrase for c in "/…"):
        return None, False
    return s, sure


_PLAIN = re.compile(r'^"([^"]+)"$')


def plain_phrase(cell: str) -> str | None:
    """The phrase of a tortured-phrase list cell that is a plain quoted phrase
    (``"counterfeit consciousness"``); ``None`` for a search expression with AND/NOT."""
    m = _PLAIN.match(cell.strip())
    return m.group(1) if m else None


def _listed_phrase(cell: str) -> str | None:
    """:func:`plain_phrase`, lower-cased and single-spaced: how fingerprints and terms key it."""
    plain = plain_phrase(cell)
    return None if plain is None else re.sub(r"\s+", " ", plain.strip().lower())


def _plain_rows() -> Iterator[tuple[str, str, int]]:
    """(phrase, expected, papers) of the list's plain rows of two words or more
    whose expected text differs (the phrase lower-cased and single-spaced)."""
    for row in _pps_rows():
        if len(row) < 3:
            continue
        phrase = _listed_phrase(row[0])
        if phrase is None:
            continue
        expected = row[1].strip()
        if " " not in phrase or not expected or phrase == expected.lower():
            continue
        try:
            papers = int(row[2].replace(",", ""))
        except ValueError:
            papers = 0
        yield phrase, expected, papers


def ordinary_english_phrases() -> list[str]:
    """The list's phrases that are ordinary English, worked out afresh (``wordfreq``; slow).

    A phrase more common on the web than its original by 1.5 zipf is ordinary
    usage, not a fingerprint. The comparison is with the original as a
    restoration writes it (:func:`restoration_of`): the list's notes and
    abbreviations ("support vector machine (SVM)") would make it look rare.
    ``scripts/build_fingerprints.py`` ships the answer (``data/pps_ordinary.txt``)
    so no process asks wordfreq about 13,000 texts at start-up.
    """
    return sorted({phrase for phrase, expected, _ in _plain_rows()
                   if _is_ordinary_english(phrase, (restoration_of(phrase, expected)[0] or expected).lower())})


@lru_cache(maxsize=1)
def load_fingerprints() -> dict[str, Fingerprint]:
    """Plain tortured phrases from the Problematic Paper Screener list.

    Rows that are search expressions (``AND``/``NOT``), single words, and
    phrases that are ordinary English (:func:`ordinary_english_phrases`, as
    shipped in ``data/pps_ordinary.txt``) are left out so normal terms are not
    flagged. Keyed by the lower-cased phrase.
    """
    ordinary = frozenset(line for line in shipped_text("pps_ordinary.txt", "make fingerprints").splitlines()
                         if line and not line.startswith("#"))
    return {phrase: Fingerprint(phrase, expected, papers)
            for phrase, expected, papers in _plain_rows() if phrase not in ordinary}


@lru_cache(maxsize=1)
def load_terms() -> frozenset[tuple[str, ...]]:
    """Technical terms spinners are known to mangle: the expected texts (2-3 words) of the tortured-phrase list.

    "deep learning", "artificial intelligence", "data mining": a restoration
    that rebuilds one of them ("profound knowledge" -> "deep learning") is
    likelier than the language model alone can tell, since its text predates
    such terms.
    """
    out: set[tuple[str, ...]] = set()
    for row in _pps_rows():
        phrase = _listed_phrase(row[0]) if len(row) >= 2 else None
        if phrase is not None:
            term = listed_term(phrase, row[1])
            if term:
                out.add(term)
    return frozenset(out | plural_terms(out))


def listed_term(phrase: str, expected: str) -> tuple[str, ...] | None:
    """The term (:func:`term_of`) a list row's original stands for, its notes and
    abbreviation dropped ("support vector machine (SVM)" -> support vector machine)."""
    return term_of(restoration_of(phrase, expected)[0] or expected)


def plural_terms(terms: Iterable[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Each term with its head noun in the plural ("neural networks"): papers write
    both, the list mostly the singular."""
    out = set()
    for term in terms:
        head = plural(term[-1])  # a noun phrase inflects its last word
        if head is not None:
            out.add((*term[:-1], head))
    return out


@lru_cache(maxsize=1)
def load_collocations() -> frozenset[tuple[str, ...]]:
    """WordNet's collocations of two or three words ("folic acid", "spinal cord", "game
    theory") and their plurals: the terms a document holding a listed tortured phrase is
    restored with besides the list's own (``RestoreConfig.listed_collocations``).

    Built by ``scripts/build_collocations.py`` from WordNet 3.0 (nouns and adjectives,
    letters only, no function word, none a synonym of one of its own words)."""
    found = {tuple(line.split(" ")) for line in
             shipped_text("collocations.txt.gz", "python scripts/build_collocations.py").splitlines() if line}
    # (a plural that reads as a function word, "john does", is none)
    return frozenset(found | {t for t in plural_terms(found) if t[-1] not in FUNCTION_WORDS})


@lru_cache(maxsize=1)
def load_names() -> frozenset[str]:
    """Thesaurus words that may be proper names: common US first or last names
    ("brown", "mark", "rose") and words WordNet writes only capitalised ("kenya").

    Built by ``scripts/build_names.py`` from the US Census 1990 name lists and
    WordNet 3.0. A capitalised word mid-sentence is protected firmly when it
    could be a name, lightly when it cannot ("Overseas Minister" is a spun title).
    """
    return frozenset(shipped_text("names.txt", "python scripts/build_names.py").split())


def term_of(expected: str) -> tuple[str, ...] | None:
    """The term an expected text stands for (2-3 plain words, no function word at either end), or None."""
    words = tuple(expected.strip().lower().split())
    if (2 <= len(words) <= 3 and all(re.fullmatch(r"[a-z][a-z'\-]*", w) for w in words)
            and words[0] not in FUNCTION_WORDS and words[-1] not in FUNCTION_WORDS):
        return words
    return None


def _is_ordinary_english(phrase: str, expected: str) -> bool:
    """A phrase that is common on the web in its own right is not a fingerprint."""
    # wordfreq scores multi-word strings by their rarest part; a phrase made of
    # very common words whose expected text is rarer is probably ordinary usage
    return web_zipf(phrase) > web_zipf(expected) + 1.5

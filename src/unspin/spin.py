"""Reference spinner: a test-data generator, not a tool for spinning content.

It imitates commercial article spinners so the evaluation has spun text with
a known gold alignment: about ``rate`` of the content words and multi-word
expressions are replaced by one random synonym from the chosen thesaurus,
inflection and casing kept, sometimes several words for one and the reverse;
"a"/"an" before a replaced phrase is made to agree with it ("a big" -> "an
enormous"), as fluent spinners do (``fix_articles=False`` leaves it).
Like a real spinner's dictionary, a phrase spun twice in one document gets the
same synonym both times. Deterministic for a seed. Evaluate with a thesaurus the restorer does not use.

Two styles:

* ``random`` (default): each spun phrase gets a synonym drawn uniformly from
  the thesaurus entry; single function words are left alone.
* ``dictionary``: closer to what is measured about commercial spinners
  (``RESEARCH.md``): the spinner owns one fixed dictionary, the same for every
  document, that maps each phrase to one of its three most common synonyms;
  function words and phrases are rewritten too ("under" -> "below"), so the
  substitutions read fluently and are harder to find. Like the spinner of the
  real spun article, it rewrites *every* occurrence of a phrase its dictionary
  has, so the original word is nowhere left in the document: phrases enter the
  dictionary in a fixed order (a hash of ``dictionary_seed`` and the phrase)
  until about ``rate`` of the content words are spun; ``seed`` is not used.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from .doc import WORD
from .lexicon import FUNCTION_WORDS, Lexicon, load_lexicon, lone_letter, sources_mask
from .morph import analyses, indefinite_article, inflect
from .restore import apply_case
from .tokenize import tokenize

__all__ = ["FUNCTION_WORDS", "STYLES", "GoldEdit", "SpinResult", "Spinner"]

STYLES = ("random", "dictionary")
#: Function words the dictionary style may rewrite: connectives and adverbs
#: ("also" -> "additionally", "under" -> "below"), not articles, pronouns,
#: auxiliaries or the core prepositions.
_SPINNABLE_FUNCTION = frozenset(
    ["but", "if", "so", "than", "about", "over", "under", "into", "upon", "again", "then", "once",
     "just", "also", "only", "very", "too", "when", "where", "all", "each", "both", "such", "same"]
)

_MIN_ZIPF = 2.5  # spinners pick readable words


@dataclass(frozen=True, slots=True)
class GoldEdit:
    """One replacement: ``spun[start:end]`` was ``original[orig_start:orig_end]``."""

    start: int
    end: int
    text: str
    orig_start: int
    orig_end: int
    original: str

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start, "end": self.end, "text": self.text,
            "orig_start": self.orig_start, "orig_end": self.orig_end, "original": self.original,
        }


@dataclass(frozen=True, slots=True)
class SpinResult:
    text: str
    edits: tuple[GoldEdit, ...]
    content_words: int

    @property
    def rate(self) -> float:
        return len(self.edits) / max(1, self.content_words)

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "edits": [e.to_dict() for e in self.edits], "content_words": self.content_words}


class Spinner:
    """``Spinner(thesaurus="wordnet", rate=0.15, seed=0)(text) -> SpinResult``."""

    def __init__(
        self,
        thesaurus: str = "wordnet",
        rate: float = 0.15,
        seed: int = 0,
        lexicon: Lexicon | None = None,
        style: str = "random",
        dictionary_seed: int = 0,
        fix_articles: bool = True,
    ):
        from .errors import ConfigError

        if not 0.0 <= rate <= 1.0:
            raise ConfigError(f"--rate must be between 0 and 1, got {rate}.")
        if style not in STYLES:
            raise ConfigError(f"Unknown spinner style {style!r}. Choose from: {', '.join(STYLES)}.")
        self.style = style
        self.dictionary_seed = dictionary_seed
        self.fix_articles = fix_articles
        self.mask = sources_mask(thesaurus)
        self.thesaurus = thesaurus
        self.rate = rate
        self.seed = seed
        self.lexicon = lexicon or load_lexicon()

    def _dictionary_entry(self, phrase: str, opts: list[str]) -> str:
        """The fixed synonym of ``phrase`` in this spinner's dictionary (one of its 3 most common)."""
        zipf = self.lexicon.phrase_zipf
        common = sorted(opts, key=lambda o: (-zipf(o), o))[:3]
        return random.Random(f"{self.dictionary_seed}|{phrase}").choice(common)

    def _entry_order(self, phrase: str) -> str:
        """Where ``phrase`` stands in the dictionary's fixed order (a hash: the same for every document)."""
        return hashlib.sha1(f"{self.dictionary_seed}|{phrase}".encode()).hexdigest()

    def _choices(self, phrase: str) -> list[str]:
        lex = self.lexicon
        out = []
        for syn, _m in lex.synonyms(phrase, self.mask):
            i = lex.ids[syn]
            if lex.zipf[i] >= _MIN_ZIPF and syn != phrase:
                out.append(syn)
        return out

    def _options(self, words: list[str]) -> list[str]:
        """Inflection-aware synonyms of a lower-case phrase."""
        phrase = " ".join(words)
        found = self._choices(phrase)
        # single words are spun through their lemma ("rose" -> rise -> "climbed")
        for lemma, tag in analyses(words[0]) if len(words) == 1 else ():
            for syn in self._choices(lemma):
                inflected = inflect(syn, tag)
                if inflected and inflected != phrase:
                    found.append(inflected)
        return sorted(set(found))

    def __call__(self, text: str) -> SpinResult:
        doc = tokenize(text)
        rng = random.Random(self.seed)
        toks = doc.tokens
        words = [i for i, t in enumerate(toks) if t.kind == WORD]
        content = [i for i in words if toks[i].lower not in FUNCTION_WORDS]
        # candidate items: (first token, last token, phrase, options); phrases of up to 3 words first
        items: list[tuple[int, int, str, list[str]]] = []
        options: dict[str, list[str]] = {}  # per phrase: a text repeats its phrases
        for n in (3, 2, 1):
            for a in range(len(toks) - n + 1):
                span = toks[a : a + n]
                if any(t.kind != WORD for t in span):
                    continue
                if any(text[span[k].end : span[k + 1].start] != " " for k in range(n - 1)):
                    continue
                low = [t.lower for t in span]
                if n == 1 and lone_letter(low[0]):
                    continue
                if n == 1 and low[0] in FUNCTION_WORDS and (
                    self.style == "random" or low[0] not in _SPINNABLE_FUNCTION
                ):
                    continue
                key = " ".join(low)
                if key not in options:
                    options[key] = self._options(low)
                if options[key]:
                    items.append((a, a + n, key, options[key]))
        target = round(self.rate * len(content))
        if self.style == "dictionary":
            # whole phrase types in the dictionary's fixed order, every occurrence of a type together
            items.sort(key=lambda it: self._entry_order(it[2]))
        else:
            rng.shuffle(items)
        used = [False] * len(toks)
        chosen: list[tuple[int, int, str]] = []
        dictionary: dict[str, str] = {}  # one synonym per phrase and document, as spinners do
        for a, b, key, opts in items:
            # at the target, stop; the dictionary style first finishes the type it is on
            if len(chosen) >= target and (self.style != "dictionary" or key not in dictionary):
                break
            if any(used[a:b]):
                continue
            for k in range(a, b):
                used[k] = True
            if self.style == "dictionary":
                if key not in dictionary:
                    dictionary[key] = self._dictionary_entry(key, opts)
                syn = dictionary[key]
            else:  # draws on every use, so a seed gives the same text as before styles existed
                syn = dictionary.setdefault(key, rng.choice(opts))
            new = apply_case(syn, [t.text for t in toks[a:b]])
            if self.fix_articles and a > 0 and toks[a - 1].lower in ("a", "an") and not used[a - 1] \
                    and toks[a - 1].kind == WORD and text[toks[a - 1].end : toks[a].start] == " ":
                need = indefinite_article(syn)
                if need != toks[a - 1].lower:  # "a big" -> "an enormous", as fluent spinners write
                    used[a - 1] = True
                    a, new = a - 1, f"{apply_case(need, [toks[a - 1].text])} {new}"
            chosen.append((a, b, new))
        chosen.sort()
        parts: list[str] = []
        edits: list[GoldEdit] = []
        pos = 0
        out_len = 0
        for a, b, new in chosen:
            start, end = toks[a].start, toks[b - 1].end
            parts.append(text[pos:start])
            out_len += start - pos
            edits.append(GoldEdit(out_len, out_len + len(new), new, start, end, text[start:end]))
            parts.append(new)
            out_len += len(new)
            pos = end
        parts.append(text[pos:])
        return SpinResult("".join(parts), tuple(edits), len(content))

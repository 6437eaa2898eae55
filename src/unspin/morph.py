"""Inflection: analyse a seen word into lemma + Penn tag, re-inflect an original.

"mentioned" is analysed as (mention, VBD) and (mention, VBN); an original found
for "mention" ("say") is re-inflected with the same tag ("said"). Built on
``lemminflect``'s dictionary (Brad Jascob; derived from the NLM SPECIALIST
Lexicon), shipped as its answers (``data/inflections.tsv.gz``,
``scripts/build_inflections.py``): :func:`all_lemmas` and
:func:`all_inflections` give what ``lemminflect.getAllLemmas`` and
``getAllInflections`` give, without the third of a second lemminflect takes to
load its tables in every process.
The indefinite article agrees with the sound a word starts with ("an hour",
"a union"), read from the CMU Pronouncing Dictionary that ``pocketsphinx`` ships.
"""

from __future__ import annotations

import os
from functools import lru_cache

from .errors import ResourceError, damaged, shipped_text

__all__ = [
    "TAG_UPOS", "UPOS_TAGS", "all_inflections", "all_lemmas", "analyses", "forms", "indefinite_article", "inflect",
    "plural",
]

# ARPAbet vowels: a word whose first phone is one of these takes "an"
_VOWEL_PHONES = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
# letters whose names start with a vowel sound ("an FBI agent", "a UN report")
_VOWEL_NAMED_LETTERS = frozenset("aefhilmnorsx")

# Inflected Penn tags and the universal POS they belong to
TAG_UPOS = {
    "VBD": "VERB", "VBN": "VERB", "VBG": "VERB", "VBZ": "VERB",
    "NNS": "NOUN", "JJR": "ADJ", "JJS": "ADJ", "RBR": "ADV", "RBS": "ADV",
}
#: ... and the other way: each universal POS and its inflected tags
UPOS_TAGS: dict[str, tuple[str, ...]] = {}
for _t, _u in TAG_UPOS.items():
    UPOS_TAGS[_u] = (*UPOS_TAGS.get(_u, ()), _t)


# lemminflect's parts of speech, and the Penn tags each keeps in getAllInflections(lemma, upos)
_DICT_UPOS = ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "AUX")
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
#: modal verbs: one form for every person ("she should", never "she shoulds")
MODALS = frozenset({"can", "could", "may", "might", "must", "ought", "shall", "should", "will", "would"})
_KEPT_TAGS = {
    "VERB": _VERB_TAGS,
    "AUX": _VERB_TAGS,
    "ADJ": frozenset({"JJ", "JJR", "JJS"}),
    "ADV": frozenset({"RB", "RBR", "RBS"}),
    "NOUN": frozenset({"NN", "NNS", "NNP", "NNPS"}),
}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """Word -> lemmas cell and lemma -> forms cell, as ``scripts/build_inflections.py`` wrote them."""
    blocks = shipped_text("inflections.tsv.gz", "make inflections").rstrip("\n").split("\n\n")
    if len(blocks) != 4:
        raise ResourceError(damaged("inflections.tsv.gz", "make inflections"))
    words, lemmas, bases, forms_ = blocks
    return dict(zip(words.split("\n"), lemmas.split("\n"))), dict(zip(bases.split("\n"), forms_.split("\n")))


def _answer(cell: str | None, word: str) -> dict[str, tuple[str, ...]]:
    """A stored answer (lemminflect's for the lower-case word), in the capitals of ``word``
    as lemminflect gives them: all capitals, a capital first letter, or lower case."""
    if cell is None:
        return {}
    out = {key: tuple(values.split("/")) for key, _, values in (part.partition("=") for part in cell.split(";"))}
    if word.isupper():
        return {k: tuple(v.upper() for v in vs) for k, vs in out.items()}
    if word[:1].isupper():
        return {k: tuple(v.capitalize() for v in vs) for k, vs in out.items()}
    return out


def all_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """``lemminflect.getAllLemmas(word)``: universal POS -> the word's lemmas ("mentioned" -> VERB: mention).

    Example:
        >>> all_lemmas("mentioned")
        {'VERB': ('mention',)}
    """
    return _answer(_tables()[0].get(word.lower()), word)


def all_inflections(lemma: str, upos: str | None = None) -> dict[str, tuple[str, ...]]:
    """``lemminflect.getAllInflections(lemma, upos)``: Penn tag -> forms ("mention" -> VBD: mentioned, ...).

    Example:
        >>> all_inflections("say", "VERB")["VBD"]
        ('said',)
    """
    if upos == "PROPN":  # (a capitalised look-up unspin never makes): lemminflect itself
        from lemminflect import getAllInflections

        return getAllInflections(lemma, upos)  # type: ignore[no-any-return]
    if upos is not None and upos not in _DICT_UPOS:
        return {}
    out = _answer(_tables()[1].get(lemma.lower()), lemma)
    if upos is not None:
        kept = _KEPT_TAGS.get(upos, frozenset())
        out = {tag: f for tag, f in out.items() if tag in kept}
    return out


@lru_cache(maxsize=200_000)
def analyses(word: str) -> tuple[tuple[str, str], ...]:
    """``(lemma, tag)`` pairs for an inflected lower-case word; () if uninflected."""
    out: list[tuple[str, str]] = []
    for upos, lemmas in all_lemmas(word).items():
        if upos == "AUX":
            continue
        for lemma in lemmas:
            if lemma == word:
                continue
            forms = _inflections(lemma, upos)
            for tag in UPOS_TAGS.get(upos, ()):
                if word in forms.get(tag, ()):
                    out.append((lemma, tag))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=200_000)
def _inflections(lemma: str, upos: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's inflections of a lemma, once per lemma: every tag of it is
    asked for, and lemminflect deep-copies its answer on each call. Read only."""
    return all_inflections(lemma, upos)


def forms(lemma: str) -> frozenset[str]:
    """The lemma and every inflection lemminflect knows of it ("month" -> month, months)."""
    out = {lemma}
    for inflected in all_inflections(lemma).values():
        out.update(inflected)
    return frozenset(out)


@lru_cache(maxsize=200_000)
def _upos_of(word: str) -> frozenset[str]:
    return frozenset(all_lemmas(word).keys())


@lru_cache(maxsize=200_000)
def inflect(phrase: str, tag: str) -> str | None:
    """Inflect a base-form phrase with a Penn tag; None if the POS cannot take it.

    Verbs inflect their first word ("get here" + VBD -> "got here"), nouns and
    adjectives their last ("prime minister" + NNS -> "prime ministers").
    """
    words = phrase.split(" ")
    upos = TAG_UPOS[tag]
    k = 0 if upos == "VERB" else len(words) - 1
    head = words[k]
    if upos not in _upos_of(head):
        return None
    forms = _inflections(head, upos).get(tag)
    if not forms:
        return None
    words[k] = forms[0]
    return " ".join(words)


@lru_cache(maxsize=200_000)
def plural(noun: str) -> str | None:
    """The plural of a lower-case noun from lemminflect's dictionary, or None (not a noun
    it knows). One light look-up, unlike :func:`inflect`: the term list asks it at start-up."""
    forms = all_inflections(noun).get("NNS")  # (lemminflect's getInflection(noun, "NNS", inflect_oov=False))
    return forms[0] if forms else None


def cmu_vowel_initial() -> dict[str, bool]:
    """Word -> starts with a vowel sound, from the CMU Pronouncing Dictionary that
    ``pocketsphinx`` ships (first pronunciation); empty without it. Reads 135,000
    lines (a tenth of a second): ``scripts/build_articles.py`` keeps only the words
    their first letter misjudges, which :func:`indefinite_article` reads instead."""
    import pocketsphinx

    path = os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "cmudict-en-us.dict")
    out: dict[str, bool] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                word, _, phones = line.partition(" ")
                if not word.endswith(")"):  # "word(2)": an alternative pronunciation
                    out[word] = phones.split(" ", 1)[0].strip() in _VOWEL_PHONES
    except OSError:  # no dictionary: spelling decides everywhere
        pass
    return out


def spelled_vowel(word: str) -> bool:
    """Does the word's spelling start with a vowel letter (the guess for words the dictionary lacks)?"""
    return word[:1] in "aeiou"


@lru_cache(maxsize=1)
def _article_exceptions() -> dict[str, bool]:
    """Words whose first sound the first letter misjudges ("hour", "union", "one"), from
    ``data/article_exceptions.txt`` (built by ``scripts/build_articles.py``): word -> vowel sound."""
    out: dict[str, bool] = {}
    for line in shipped_text("article_exceptions.txt", "python scripts/build_articles.py").splitlines():
        if line and not line.startswith("#"):
            word, _, article = line.partition("\t")
            out[word] = article == "an"
    return out


def indefinite_article(word: str) -> str:
    """``"a"`` or ``"an"`` for ``word``, by the sound it starts with.

    Pronunciations come from the CMU dictionary ("an hour", "a one-off", "a
    NATO"); a word it lacks is read by its first letter, a short acronym
    letter by letter ("a US", "an FBI").

    Example:
        >>> [indefinite_article(w) for w in ("hour", "union", "apple", "big", "FBI")]
        ['an', 'a', 'an', 'a', 'an']
    """
    head = word.split("-", 1)[0].split(" ", 1)[0]
    low = head.lower()
    if 1 < len(head) <= 3 and head.isupper():  # spelt out: "a US", "an FBI"
        vowel: bool | None = low[:1] in _VOWEL_NAMED_LETTERS
    else:
        vowel = _article_exceptions().get(low)
    if vowel is None:
        vowel = spelled_vowel(low)
    return "an" if vowel else "a"

"""Inflection: analyse a seen word into lemma + Penn tag, re-inflect an original.

"mentioned" is analysed as (mention, VBD) and (mention, VBN); an original found
for "mention" ("say") is re-inflected with the same tag ("said"). Built on
``lemminflect`` (Jascha Kempe, 2019), a maintained lemmatizer/inflector.
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas

__all__ = ["TAG_UPOS", "analyses", "inflect"]

# Inflected Penn tags and the universal POS they belong to
TAG_UPOS = {
    "VBD": "VERB", "VBN": "VERB", "VBG": "VERB", "VBZ": "VERB",
    "NNS": "NOUN", "JJR": "ADJ", "JJS": "ADJ", "RBR": "ADV", "RBS": "ADV",
}
_UPOS_TAGS: dict[str, tuple[str, ...]] = {}
for _t, _u in TAG_UPOS.items():
    _UPOS_TAGS[_u] = (*_UPOS_TAGS.get(_u, ()), _t)


@lru_cache(maxsize=200_000)
def analyses(word: str) -> tuple[tuple[str, str], ...]:
    """``(lemma, tag)`` pairs for an inflected lower-case word; () if uninflected."""
    out: list[tuple[str, str]] = []
    for upos, lemmas in getAllLemmas(word).items():
        if upos == "AUX":
            continue
        for lemma in lemmas:
            if lemma == word:
                continue
            forms = getAllInflections(lemma, upos=upos)
            for tag in _UPOS_TAGS.get(upos, ()):
                if word in forms.get(tag, ()):
                    out.append((lemma, tag))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=200_000)
def _upos_of(word: str) -> frozenset[str]:
    return frozenset(getAllLemmas(word).keys())


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
    forms = getAllInflections(head, upos=upos).get(tag)
    if not forms:
        return None
    words[k] = forms[0]
    return " ".join(words)

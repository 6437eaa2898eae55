#!/usr/bin/env python3
"""Build ``src/unspin/data/inflections.tsv.gz``: lemminflect's dictionary, as unspin asks it.

``unspin.morph`` analyses words into lemma + tag and re-inflects originals
with lemminflect's dictionary (Brad Jascob, MIT licence; derived from the NLM
SPECIALIST Lexicon). lemminflect reads its tables line by line and deep-copies
every answer, which took a third of a second of every process's start-up. This
script asks lemminflect itself, through its public functions, for the answer
to every lower-case word its tables hold (``getAllLemmas(word)``,
``getAllInflections(lemma)``) and writes the answers, one word per line, so
unspin gives lemminflect's answers without loading lemminflect. Words with
capitals are looked up in lower case, as lemminflect does, and take the
word's capitals (``unspin.morph`` applies lemminflect's rule).

File format (gzip, UTF-8): four blocks separated by a blank line, so a
process builds its two look-up tables with ``dict(zip(...))`` and no loop
over lines:

1. the words lemminflect lemmatises, one per line;
2. their answers, line by line: ``UPOS=lemma/lemma;UPOS=lemma`` (``getAllLemmas(word)``);
3. the lemmas lemminflect inflects, one per line;
4. their answers: ``TAG=form/form;TAG=form`` (``getAllInflections(lemma)``).

Usage: python scripts/build_inflections.py [--out PATH]
"""

from __future__ import annotations

from pathlib import Path

from _shipped import build_gzip  # scripts/_shipped.py

ROOT = Path(__file__).resolve().parents[1]


def lemminflect_words() -> tuple[list[str], list[str]]:
    """The lower-case words of lemminflect's lemma and inflection tables (overrides included)."""
    from lemminflect.core.Inflections import Inflections
    from lemminflect.core.Lemmatizer import Lemmatizer

    lem, infl = Lemmatizer(), Inflections()
    words = {*lem._getLemmaDict(), *lem._getOverridesDict()}  # read only: which words to ask about
    lemmas = {*infl._getInflDict(), *infl._getOverridesDict()}
    return sorted(w for w in words if w == w.lower()), sorted(w for w in lemmas if w == w.lower())


def _cell(answer: dict[str, tuple[str, ...]]) -> str:
    parts = []
    for key, values in answer.items():
        for v in values:
            if any(c in v for c in "\t\n;=/"):
                raise ValueError(f"separator in a lemminflect form: {v!r}")
        parts.append(f"{key}={'/'.join(values)}")
    return ";".join(parts)


def derive() -> str:
    """The file's text, from lemminflect's public functions."""
    from lemminflect import getAllInflections, getAllLemmas

    words, lemmas = lemminflect_words()
    analysed = [(w, _cell(a)) for w in words if (a := getAllLemmas(w))]
    inflected = [(w, _cell(a)) for w in lemmas if (a := getAllInflections(w))]
    blocks = [[w for w, _ in analysed], [c for _, c in analysed], [w for w, _ in inflected], [c for _, c in inflected]]
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


def main() -> None:
    build_gzip(__doc__ or "", ROOT / "src" / "unspin" / "data" / "inflections.tsv.gz", derive,
               lambda text: f"{text.count(chr(10)) - 2} lines")


if __name__ == "__main__":
    main()

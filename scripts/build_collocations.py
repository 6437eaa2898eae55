#!/usr/bin/env python3
"""Build ``src/unspin/data/collocations.txt.gz``: WordNet's technical collocations.

The nouns and adjectives of two or three words that WordNet 3.0 lists as
lemmas ("folic acid", "spinal cord", "malignant tumor", "game theory"), one
per line, lower-case. A document holding a listed tortured phrase (a paper
mill's paper) is restored with these as listed terms too, so a tortured
phrase nobody has listed yet is rebuilt into a real term ("malevolent tumor"
-> "malignant tumor"; see ``RestoreConfig.listed_collocations``).

Kept: words of letters only, none of them a function word ("head of state"
is not a term the bonus should favour), and not a synonym of one of its own
words: WordNet's synset {Chinese, Chinese language} would otherwise make
"Chinese language", a spinner's phrase for "Chinese", a term.

Source: WordNet 3.0 (Princeton University, WordNet licence; Debian ``wordnet-base``).

Usage: apt-get install -y wordnet-base && python scripts/build_collocations.py
"""

from __future__ import annotations

import re
from pathlib import Path

from _shipped import build_gzip  # scripts/_shipped.py (run from scripts/: its folder is on the path)
from build_lexicon import wordnet_synsets  # one reader of WordNet's files

from unspin.lexicon import FUNCTION_WORDS

ROOT = Path(__file__).resolve().parents[1]
WORDNET = Path("/usr/share/wordnet")
_WORD = re.compile(r"[a-z]+")


def derive(folder: Path = WORDNET) -> str:
    """The file's text: the kept collocations, sorted."""
    if not (folder / "data.noun").exists():
        raise SystemExit(f"error: no WordNet at {folder}; run: apt-get install -y wordnet-base")
    kept: set[str] = set()
    dropped: set[str] = set()
    for pos, _fields, lemmas in wordnet_synsets(folder):
        if pos not in ("noun", "adj"):
            continue
        lower = [lemma.lower() for lemma in lemmas]
        single = {w for w in lower if "_" not in w}
        for lemma in lower:
            words = lemma.split("_")
            if not 2 <= len(words) <= 3 or not all(_WORD.fullmatch(w) and w not in FUNCTION_WORDS for w in words):
                continue
            if single & set(words):  # a synonym of one of its own words: a spinner's kind of phrase
                dropped.add(" ".join(words))
            else:
                kept.add(" ".join(words))
    return "\n".join(sorted(kept - dropped)) + "\n"


def main() -> None:
    build_gzip(__doc__ or "", ROOT / "src" / "unspin" / "data" / "collocations.txt.gz", derive,
               lambda text: f"{text.count(chr(10))} collocations")


if __name__ == "__main__":
    main()

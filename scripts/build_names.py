#!/usr/bin/env python3
"""Build ``src/unspin/data/names.txt``: thesaurus words that may be proper names.

A capitalised word mid-sentence may be a name ("Mr Brown", "Bill Gates") or a
word of a title a spinner rewrote ("Foreign Minister" -> "Overseas Minister").
The restorer protects the first kind firmly and the second lightly; this file
says which words are names. Sources: the US Census Bureau's 1990 name lists
(public domain), as packaged by PyPI ``names`` (MIT): first and last names
given to at least ``--min-share`` percent of people; and WordNet 3.0 (Debian
``wordnet-base``): words it writes capitalised only ("Kazakhstan", "Chinese").
Kept: those whose lower-case form is a phrase of the shipped thesaurus
(other names never get candidates).

Usage: pip install names==0.3.0 && python scripts/build_names.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def read_census(folder: Path, min_share: float) -> set[str]:
    """Lower-case names from ``dist.*`` files whose share (column 2, percent) is at least ``min_share``."""
    out: set[str] = set()
    for name in ("dist.all.last", "dist.male.first", "dist.female.first"):
        for line in (folder / name).read_text(encoding="ascii").splitlines():
            f = line.split()
            if len(f) >= 2 and float(f[1]) >= min_share:
                out.add(f[0].lower())
    return out


def read_wordnet_proper(folder: Path) -> set[str]:
    """Lower-case single-word lemmas that WordNet writes only with a capital letter."""
    from build_lexicon import wordnet_synsets

    forms: dict[str, set[bool]] = {}
    for _pos, _fields, lemmas in wordnet_synsets(folder):
        for lemma in lemmas:
            if "_" not in lemma:
                forms.setdefault(lemma.lower(), set()).add(lemma[:1].isupper())
    return {w for w, caps in forms.items() if caps == {True}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="src/unspin/data/names.txt")
    ap.add_argument("--min-share", type=float, default=0.001, help="percent of people with the name")
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    args = ap.parse_args(argv)
    try:
        import names
    except ImportError:
        print("error: the census name lists come from PyPI names: pip install names==0.3.0", file=sys.stderr)
        return 2
    if not (Path(args.wordnet) / "data.noun").exists():
        print(f"error: no WordNet at {args.wordnet}; run: apt-get install -y wordnet-base", file=sys.stderr)
        return 2
    from unspin.lexicon import load_lexicon

    lex = load_lexicon()
    census = read_census(Path(names.__file__).parent, args.min_share)
    proper = read_wordnet_proper(Path(args.wordnet))
    found = sorted(n for n in census | proper if n in lex)
    Path(args.out).write_text("\n".join(found) + "\n", encoding="utf-8")
    print(f"{len(found):,} names that are thesaurus words ({len(census):,} census names, "
          f"{len(proper):,} WordNet proper nouns) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

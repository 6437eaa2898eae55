#!/usr/bin/env python3
"""Build ``src/unspin/data/article_exceptions.txt``: words whose first letter misjudges "a" or "an".

``unspin.morph.indefinite_article`` picks "an" for a word that starts with a
vowel sound. Its first letter tells for almost every word; the CMU
Pronouncing Dictionary (Carnegie Mellon University, BSD-style licence, as
shipped by PyPI ``pocketsphinx``) tells for the rest: "hour" and "honest"
start with a vowel sound, "union", "one" and "eucalyptus" with a consonant.
Only those words (first pronunciation against first letter) are kept, so a
process reads a few hundred lines instead of parsing the 135,000-line
dictionary at start-up.

Usage: python scripts/build_articles.py [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unspin.morph import cmu_vowel_initial, spelled_vowel  # noqa: E402


def exceptions(vowel_initial: dict[str, bool]) -> dict[str, bool]:
    """The words whose first sound their spelling misjudges: word -> starts with a vowel sound."""
    return {w: v for w, v in vowel_initial.items() if v != spelled_vowel(w)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "unspin" / "data" / "article_exceptions.txt")
    a = ap.parse_args()
    cmu = cmu_vowel_initial()
    if not cmu:
        sys.exit("error: the CMU dictionary of pocketsphinx was not found; pip install pocketsphinx")
    rows = exceptions(cmu)
    lines = ["# word<TAB>article: words whose first letter misjudges the indefinite article,",
             "# from the CMU Pronouncing Dictionary (Carnegie Mellon University; BSD-style licence)",
             "# as shipped by pocketsphinx. Built by scripts/build_articles.py."]
    lines += [f"{w}\t{'an' if v else 'a'}" for w, v in sorted(rows.items())]
    a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {a.out} ({len(rows)} of {len(cmu)} words)")


if __name__ == "__main__":
    main()

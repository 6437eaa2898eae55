#!/usr/bin/env python3
"""Build ``src/unspin/data/pps_ordinary.txt``: the tortured-phrase list's rows that are ordinary English.

A phrase of the Problematic Paper Screener's list that is more common on the
web than its original by 1.5 zipf (``wordfreq``) is ordinary usage, not a
fingerprint, and ``unspin.lexicon.load_fingerprints`` leaves it out
(``unspin.lexicon.ordinary_english_phrases`` says how it is decided). Asking
wordfreq about 13,000 texts took a fifth of a second of every process's
start-up and made it import wordfreq; the answer is shipped instead. Rebuild
after changing the list, the rule or ``restoration_of``: a test compares.

Usage: python scripts/build_fingerprints.py [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unspin.lexicon import ordinary_english_phrases  # noqa: E402

HEADER = [
    "# Phrases of the Problematic Paper Screener's tortured-phrase list (pps_tortured_phrases.csv,",
    "# CC BY 4.0) that are ordinary English: more common on the web (wordfreq) than their original",
    "# by 1.5 zipf. Built by scripts/build_fingerprints.py; not fingerprints.",
]


def derive() -> str:
    """The file's text."""
    return "\n".join([*HEADER, *ordinary_english_phrases()]) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "unspin" / "data" / "pps_ordinary.txt")
    a = ap.parse_args()
    text = derive()
    a.out.write_text(text, encoding="utf-8")
    print(f"wrote {a.out} ({text.count(chr(10)) - len(HEADER)} phrases)", file=sys.stderr)


if __name__ == "__main__":
    main()

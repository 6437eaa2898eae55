#!/usr/bin/env python3
"""Build ``src/unspin/data/wordfreq_en.txt.gz``: wordfreq's English word frequencies.

unspin scores a word's web frequency with ``wordfreq`` (Robyn Speer; data
CC BY-SA 4.0) wherever its thesaurus has none: words the language model lacks,
phrases the lexicon lacks. Importing wordfreq and building its frequency table
took about 0.45 s of every process's start-up. This script writes wordfreq's
own English "best" list in its own form, one line per frequency bucket: line k
holds, space-separated, the words whose frequency is ``10 ** (-k / 100)``
(k centibels below 1), as wordfreq's ``get_frequency_dict`` reads them. A test
holds the table a process builds from it equal to wordfreq's.

Usage: python scripts/build_wordfreq.py [--out PATH]
"""

from __future__ import annotations

from pathlib import Path

from _shipped import build_gzip  # scripts/_shipped.py

ROOT = Path(__file__).resolve().parents[1]


def derive() -> str:
    """The file's text, from wordfreq's English list."""
    from wordfreq import get_frequency_list

    buckets = get_frequency_list("en", "best")
    for words in buckets:
        for w in words:
            if not w or any(c.isspace() for c in w):
                raise ValueError(f"white space in a wordfreq token: {w!r}")
    return "\n".join(" ".join(words) for words in buckets) + "\n"


def main() -> None:
    build_gzip(__doc__ or "", ROOT / "src" / "unspin" / "data" / "wordfreq_en.txt.gz", derive,
               lambda text: f"{len(text.split())} words")


if __name__ == "__main__":
    main()

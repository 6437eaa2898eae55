"""HFScorer on tiny randomly initialised models built in tmp_path (no downloads)."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from unspin.errors import ResourceError

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WORDS = ["the", "a", "big", "small", "cat", "dog", "sat", "ran", "on", "over", "mat", "house", "quick", "brown", "fox", "lazy"]
SENTENCE = ["the", "quick", "brown", "fox", "sat", "on", "the", "mat"]
OPTIONS = [["fox"], ["dog"], ["big", "cat"], ["lazy", "small", "dogs"], []]


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character table (so a byte-level BPE can be written by hand)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, chars)}


@pytest.fixture(scope="session")
def hf_libs() -> Any:
    pytest.importorskip("torch")
    return pytest.importorskip("transformers")


@pytest.fixture(scope="session")
def tiny_bert(hf_libs: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BERT masked LM with a 23-entry WordPiece vocabulary."""
    T = hf_libs
    path = tmp_path_factory.mktemp("tiny_bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, "##s", "##ed"]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = T.BertTokenizerFast.from_pretrained(str(path))
    T.set_seed(0)
    config = T.BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=32,
    )
    T.BertForMaskedLM(config).save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


@pytest.fixture(scope="session")
def tiny_gpt2(hf_libs: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer GPT-2 causal LM with a byte-level BPE of 256 bytes plus a few merges."""
    T = hf_libs
    path = tmp_path_factory.mktemp("tiny_gpt2")
    vocab = {c: i for i, c in enumerate(_bytes_to_unicode().values())}
    merges = ["Ġ c", "Ġc a", "Ġca t", "Ġ d", "Ġd o", "Ġdo g"]
    for merge in merges:
        vocab["".join(merge.split())] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    (path / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (path / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    tokenizer = T.GPT2TokenizerFast.from_pretrained(str(path))
    T.set_seed(0)
    eos = vocab["<|endoftext|>"]
    config = T.GPT2Config(
        vocab_size=len(vocab), n_embd=16, n_layer=2, n_head=2, n_positions=64,
        bos_token_id=eos, eos_token_id=eos,
    )
    T.GPT2LMHeadModel(config).save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


def _masked_oracle(path: Path, words: list[str], start: int, end: int, option: list[str]) -> float:
    """Slow PLL: word by word WordPiece, one unbatched forward pass per option token."""
    import torch
    import transformers as T

    tok = T.AutoTokenizer.from_pretrained(str(path))
    model = T.AutoModelForMaskedLM.from_pretrained(str(path)).eval()
    ids, targets = [tok.cls_token_id], []
    for i, word in enumerate([*words[:start], *option, *words[end:]]):
        pieces = tok(word, add_special_tokens=False)["input_ids"]
        if start <= i < start + len(option):
            targets.extend(range(len(ids), len(ids) + len(pieces)))
        ids.extend(pieces)
    ids.append(tok.sep_token_id)
    total = 0.0
    for pos in targets:
        masked = list(ids)
        masked[pos] = tok.mask_token_id
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([masked])).logits[0, pos]
        total += float(torch.log_softmax(logits, dim=-1)[ids[pos]])
    return total / math.log(10)


def _causal_oracle(path: Path, words: list[str]) -> float:
    """Slow sentence log-probability from the model's own mean cross-entropy loss."""
    import torch
    import transformers as T

    tok = T.AutoTokenizer.from_pretrained(str(path))
    model = T.AutoModelForCausalLM.from_pretrained(str(path)).eval()
    ids = [tok.bos_token_id, *tok(" ".join(words))["input_ids"]]
    with torch.no_grad():
        loss = model(input_ids=torch.tensor([ids]), labels=torch.tensor([ids])).loss
    return -float(loss) * (len(ids) - 1) / math.log(10)


def test_missing_transformers_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin.hf import HFScorer

    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ResourceError, match=r"pip install 'unspin\[hf\]'"):
        HFScorer("anything")


def test_kind_is_detected_from_the_config(tiny_bert: Path, tiny_gpt2: Path) -> None:
    from unspin.hf import HFScorer
    from unspin.lm import get_option_scorer

    bert, gpt2 = get_option_scorer(f"hf:{tiny_bert}"), get_option_scorer(f"hf:{tiny_gpt2}")
    assert isinstance(bert, HFScorer) and bert.kind == "masked"
    assert isinstance(gpt2, HFScorer) and gpt2.kind == "causal"


def test_kind_without_saved_architectures(hf_libs: Any) -> None:
    from unspin.hf import model_kind

    assert model_kind(hf_libs.BertConfig()) == "masked"
    assert model_kind(hf_libs.GPT2Config()) == "causal"


@pytest.mark.parametrize("model", ["tiny_bert", "tiny_gpt2"])
def test_one_finite_log10_score_per_option(model: str, request: pytest.FixtureRequest) -> None:
    from unspin.lm import OptionScorer, get_option_scorer

    scorer = get_option_scorer("hf:" + str(request.getfixturevalue(model)))
    assert isinstance(scorer, OptionScorer)
    scores = scorer.score_options(SENTENCE, 3, 4, OPTIONS)
    assert len(scores) == len(OPTIONS)
    assert all(math.isfinite(s) and s <= 0.0 for s in scores)
    assert scorer.score_options(SENTENCE, 3, 4, []) == []


@pytest.mark.parametrize("model", ["tiny_bert", "tiny_gpt2"])
def test_deterministic_across_calls_and_loads(model: str, request: pytest.FixtureRequest) -> None:
    from unspin.hf import HFScorer

    path = str(request.getfixturevalue(model))
    first = HFScorer(path).score_options(SENTENCE, 3, 4, OPTIONS)
    again = HFScorer(path)
    assert again.score_options(SENTENCE, 3, 4, OPTIONS) == first
    assert again.score_options(SENTENCE, 3, 4, OPTIONS) == first


@pytest.mark.parametrize("model", ["tiny_bert", "tiny_gpt2"])
def test_batched_equals_one_by_one(model: str, request: pytest.FixtureRequest) -> None:
    from unspin.hf import HFScorer

    path = str(request.getfixturevalue(model))
    batched = HFScorer(path, batch_size=64).score_options(SENTENCE, 3, 4, OPTIONS)
    single = HFScorer(path, batch_size=1)
    one_by_one = [single.score_options(SENTENCE, 3, 4, [opt])[0] for opt in OPTIONS]
    assert batched == pytest.approx(one_by_one, abs=1e-5)


def test_masked_lm_matches_the_slow_oracle(tiny_bert: Path) -> None:
    from unspin.hf import HFScorer

    scores = HFScorer(str(tiny_bert)).score_options(SENTENCE, 3, 4, OPTIONS)
    expected = [_masked_oracle(tiny_bert, SENTENCE, 3, 4, opt) for opt in OPTIONS]
    assert scores == pytest.approx(expected, abs=1e-5)
    assert scores[-1] == 0.0  # an empty option has no tokens to score


def test_causal_lm_matches_the_slow_oracle(tiny_gpt2: Path) -> None:
    from unspin.hf import HFScorer

    scores = HFScorer(str(tiny_gpt2)).score_options(SENTENCE, 3, 4, OPTIONS)
    expected = [_causal_oracle(tiny_gpt2, [*SENTENCE[:3], *opt, *SENTENCE[4:]]) for opt in OPTIONS]
    assert scores == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("model", ["tiny_bert", "tiny_gpt2"])
def test_sentences_longer_than_the_model_are_windowed(model: str, request: pytest.FixtureRequest) -> None:
    from unspin.hf import HFScorer

    scorer = HFScorer(str(request.getfixturevalue(model)))
    words = SENTENCE * 12  # past both models' position limits
    scores = scorer.score_options(words, 50, 51, [["cat"], ["dog", "sat"]])
    assert len(scores) == 2 and all(math.isfinite(s) for s in scores)


def test_bad_path_is_a_resource_error(hf_libs: Any, tmp_path: Path) -> None:
    from unspin.lm import get_option_scorer

    missing = tmp_path / "no-such-model"
    with pytest.raises(ResourceError, match="No model directory at") as err:
        get_option_scorer(f"hf:{missing}")
    assert str(missing) in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_hub_name_offline_is_a_resource_error(hf_libs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin.hf import HFScorer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ResourceError, match="Cannot load the Hugging Face model 'no-such-org/no-such-model'"):
        HFScorer("no-such-org/no-such-model")


def test_directory_without_a_model_is_a_resource_error(hf_libs: Any, tmp_path: Path) -> None:
    from unspin.hf import HFScorer

    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ResourceError, match="Cannot load the Hugging Face model"):
        HFScorer(str(tmp_path))

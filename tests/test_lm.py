from __future__ import annotations

import math
import runpy
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import top_n_list, zipf_frequency

from unspin.errors import ConfigError, ResourceError
from unspin.lm import (
    _CLASS_LOGP,
    _UNK_ZIPF_OFFSET,
    NAME,
    NUM,
    UNK,
    CMUTrigram,
    Interpolated,
    NewsTrigram,
    get_option_scorer,
    get_scorer,
    lm_word,
    unknown_logp,
)

FIXTURES = Path(__file__).parent / "fixtures" / "clean"


def test_cmu_scores_are_log10_and_clamped() -> None:
    lm = get_scorer("cmu")
    assert -3.0 < lm.logp("the", "<s>", "<s>") < 0.0
    assert lm.logp("xqzvwk", "the", "<s>") > -10.0  # the OOV sentinel is clamped
    assert lm.logp(NUM, "in", "<s>") == lm.logp(NUM, "on", "<s>")
    assert lm_word("2004") == NUM and lm_word("Said") == "said"
    assert NAME != NUM


def test_unknown_words_score_by_their_web_frequency() -> None:
    lm = get_scorer("cmu")
    common, rare = "hashtag", "zzqxv"  # neither is in the CMU vocabulary; wordfreq knows the first
    assert not lm.known(common) and not lm.known(rare)
    assert lm.logp(rare, "the", "<s>") == unknown_logp(rare) == -_UNK_ZIPF_OFFSET
    assert lm.logp(rare, "the", "<s>") < lm.logp(common, "the", "<s>") <= _CLASS_LOGP[UNK]


def test_the_unknown_word_offset_matches_the_models_own_rare_words() -> None:
    """The offset is CMU's unigram of the words it knows against their wordfreq zipf."""
    lm = get_scorer("cmu")
    gaps = [lm.logp(w, "<unk>", "<unk>") - (zipf_frequency(w, "en") - _UNK_ZIPF_OFFSET)
            for w in top_n_list("en", 40_000)[20_000:22_000] if w.isalpha() and lm.known(w)]
    assert len(gaps) > 1000
    assert abs(statistics.median(gaps)) < 0.3


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_unknown_logp_stays_between_the_floor_and_the_class(word: str) -> None:
    assert -_UNK_ZIPF_OFFSET <= unknown_logp(word) <= _CLASS_LOGP[UNK]


def test_score_options_prefers_the_fluent_option() -> None:
    lm = CMUTrigram()
    words = "the police said the law enforcement officers came".split()
    good, bad = lm.score_options(words, 4, 5, [["law"], ["regulation"]])
    assert good > bad
    assert math.isclose(lm.score_options(words, 0, 0, [[]])[0], lm.sentence_logp(words))


def test_unknown_scorers() -> None:
    with pytest.raises(ConfigError):
        get_scorer("gpt")
    with pytest.raises(ConfigError):
        get_option_scorer("hf:")


def test_news_lm_missing_is_a_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="build_news_lm"):
        NewsTrigram(str(tmp_path / "none.npz"))


def test_news_lm_builds_from_a_tiny_corpus_and_interpolates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpora" / "nltk" / "state_union"
    corpus.mkdir(parents=True)
    for p in sorted(FIXTURES.glob("*.txt")):
        (corpus / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "news.npz"
    script = Path(__file__).parents[1] / "scripts" / "build_news_lm.py"
    monkeypatch.setattr(sys, "argv", ["build_news_lm.py", "--corpora", str(tmp_path / "corpora"), "--out", str(out)])
    runpy.run_path(str(script), run_name="__main__")
    news = NewsTrigram(str(out))
    assert news.known("the")
    # probabilities of a context sum to about one over the vocabulary
    total = sum(10 ** news.logp(w, "of", "part") for w in news._ids if w != "<s>")
    assert 0.9 < total < 1.1
    mix = Interpolated(get_scorer("cmu"), news, 0.7, "cmu+news")
    a = mix.logp("nation", "the", "<s>")
    assert min(get_scorer("cmu").logp("nation", "the", "<s>"), news.logp("nation", "the", "<s>")) - 1e-9 <= a


_WORDS = ["the", "said", "nation", "of", "<s>", "</s>", NUM, NAME, "xqzvwk", "reporters", "informed", "Said", "a", "in"]


def _batch_and_single(name: str) -> tuple[Any, Any]:
    """Two scorers of one kind with separate memos (sharing the component models of a mix)."""
    if name in ("cmu", "news"):
        return get_scorer(name), (CMUTrigram if name == "cmu" else NewsTrigram)()
    first, second = get_scorer(name).first, get_scorer(name).second  # type: ignore[attr-defined]
    lam = get_scorer(name).lam  # type: ignore[attr-defined]
    return Interpolated(first, second, lam, name), Interpolated(first, second, lam, name)


@pytest.mark.parametrize("name", ["cmu", "news", "cmu+news", "cmu+web"])
def test_logp_many_equals_logp_float_for_float(name: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    batch, single = _batch_and_single(name)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.sampled_from(_WORDS), max_size=12), st.sampled_from(_WORDS), st.sampled_from(_WORDS))
    def check(words: list[str], prev1: str, prev2: str) -> None:
        assert batch.logp_many(words, prev1, prev2) == [single.logp(w, prev1, prev2) for w in words]

    check()


@pytest.mark.parametrize("name", ["cmu", "news", "cmu+news", "cmu+web"])
def test_logp_rows_equals_logp_float_for_float(name: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    batch, single = _batch_and_single(name)
    pair = st.tuples(st.sampled_from(_WORDS), st.sampled_from(_WORDS))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.sampled_from(_WORDS), max_size=12), st.lists(pair, max_size=6))
    def check(words: list[str], histories: list[tuple[str, str]]) -> None:
        # some rows memoised already, some not: both paths must agree with logp
        if histories and words:
            batch.logp_many(words[:1], *histories[0])
        assert batch.logp_rows(words, histories) == [[single.logp(w, h1, h2) for w in words] for h1, h2 in histories]

    check()


def test_interpolated_memo_restarts_when_full() -> None:
    mix = Interpolated(get_scorer("cmu"), NewsTrigram(), 0.7, "cmu+news")
    first = mix.logp_many(["the", "nation"], "of", "part")
    mix._cached = 10**9  # as if full: the next miss starts a new memo
    assert mix.logp_many(["nation", "said", "the"], "of", "part") == [first[1], mix.logp("said", "of", "part"), first[0]]


def test_term_bonus_goes_to_the_word_completing_a_term() -> None:
    from unspin.lm import TermBoosted

    inner = get_scorer("cmu+news")
    boosted = TermBoosted(inner, frozenset({("deep", "learning"), ("support", "vector", "machine")}), 1.5)
    assert boosted.logp("learning", "deep", "a") == inner.logp("learning", "deep", "a") + 1.5
    assert boosted.logp("machine", "vector", "support") == inner.logp("machine", "vector", "support") + 1.5
    assert boosted.logp("learning", "profound", "a") == inner.logp("learning", "profound", "a")
    words = ["learning", "machine", "model"]
    hists = [("deep", "a"), ("vector", "support"), ("profound", "a")]
    assert boosted.logp_rows(words, hists) == [[boosted.logp(w, h1, h2) for w in words] for h1, h2 in hists]
    assert boosted.logp_many(words, "deep", "a") == [boosted.logp(w, "deep", "a") for w in words]

"""Language-model scorers behind one small interface.

A scorer gives ``log10 P(word | prev2 prev1)`` for lower-cased words; the
decoder asks it about a sentence and candidate replacements at some positions.
The default is the CMU US-English trigram shipped by PyPI ``pocketsphinx``
(72k words). It has no case, punctuation or digits, so words are mapped first:
numbers become a class token, and a word the model lacks (names included:
words are lower-cased) scores as rare as its web frequency says
(``unknown_logp``), never above a rare-word class score, instead of the
model's huge out-of-vocabulary sentinel.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from .errors import ConfigError, ResourceError

__all__ = ["BOS", "EOS", "NAME", "NUM", "UNK", "CMUTrigram", "Interpolated", "NewsTrigram", "OptionScorer", "Scorer", "TermBoosted", "WebBigram", "get_option_scorer", "get_scorer", "lm_word", "unknown_logp"]

BOS, EOS = "<s>", "</s>"
NUM, NAME, UNK = "<num>", "<name>", "<unk>"
_LOG10_BASE = 4.3427276862669e-05  # log10(1.0001): pocketsphinx scores are log base 1.0001
_OOV_SENTINEL = -1000.0
# class scores (log10) for words the model does not know
_CLASS_LOGP = {NUM: -2.6, NAME: -3.6, UNK: -5.5}
# CMU's unigram of the words it has is about zipf - 9.1 for wordfreq zipf 1 to
# 4 (median per half-zipf bin); a word it lacks is scored the same way
_UNK_ZIPF_OFFSET = 9.1


@lru_cache(maxsize=200_000)
def unknown_logp(word: str) -> float:
    """log10 probability of a word the model lacks: its web frequency (``wordfreq``
    zipf - 9.1; a word wordfreq lacks too gets -9.1), at most the rare-word class score.

    One score for every unknown word let a rare original the model lacks
    ("purdah") beat a rarer known seen word ("separatism") on the language
    model alone; a spinner's odd coinage ("darkish") kept a class score above
    most of the words it replaced.
    """
    from .lexicon import web_zipf

    return min(_CLASS_LOGP[UNK], web_zipf(word) - _UNK_ZIPF_OFFSET)


def lm_word(text: str, capitalized_context: bool = False) -> str:
    """Map a token's text to the scorer's vocabulary form (lower-cased)."""
    if text[:1].isdigit():
        return NUM
    return text.lower().replace("’", "'")


@runtime_checkable
class Scorer(Protocol):
    """Interface every scorer implements: conditional log10 probabilities."""

    name: str

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        """``log10 P(word | prev2 prev1)``; ``prev1`` is the word just before."""

    def logp_many(self, words: Sequence[str], prev1: str, prev2: str) -> list[float]:
        """``[logp(w, prev1, prev2) for w in words]``, equal to it float for float."""

    def logp_rows(self, words: Sequence[str], histories: Sequence[tuple[str, str]]) -> list[list[float]]:
        """``[logp_many(words, h1, h2) for h1, h2 in histories]``, equal to it float for float."""

    def known(self, word: str) -> bool:
        """Whether the model has ``word`` in its vocabulary."""


@runtime_checkable
class OptionScorer(Protocol):
    """Scores whole alternatives in context: the interface of neural scorers.

    Given a sentence (lower-cased words) and replacement options for
    ``words[start:end]``, return one log10 score per option for the sentence
    with that option in place (higher is better; only differences matter).
    The n-gram scorers implement it too, so the restorer can rescore its
    edits with any scorer.
    """

    name: str

    def score_options(
        self, words: Sequence[str], start: int, end: int, options: Sequence[Sequence[str]]
    ) -> list[float]:
        ...


class _SentenceScoring:
    """``sentence_logp`` and ``score_options`` for any scorer with ``logp``."""

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        raise NotImplementedError

    def logp_many(self, words: Sequence[str], prev1: str, prev2: str) -> list[float]:
        """``logp`` of each of ``words`` after the same history (scorers may batch it)."""
        logp = self.logp
        return [logp(w, prev1, prev2) for w in words]

    def logp_rows(self, words: Sequence[str], histories: Sequence[tuple[str, str]]) -> list[list[float]]:
        """``logp_many(words, prev1, prev2)`` for each ``(prev1, prev2)`` (scorers may batch it)."""
        return [self.logp_many(words, h1, h2) for h1, h2 in histories]

    def score_options(
        self, words: Sequence[str], start: int, end: int, options: Sequence[Sequence[str]]
    ) -> list[float]:
        """Sentence log10 probability with each option in place of ``words[start:end]``."""
        return [self.sentence_logp([*words[:start], *opt, *words[end:]]) for opt in options]

    def sentence_logp(self, words: Sequence[str]) -> float:
        """Total log10 probability of ``words`` as one sentence (with ``<s>``, ``</s>``)."""
        h2, h1, total = BOS, BOS, 0.0
        for w in [*words, EOS]:
            total += self.logp(w, h1, h2)
            h2, h1 = h1, w
        return total


class CMUTrigram(_SentenceScoring):
    """The CMU US-English trigram from ``pocketsphinx``, with class back-off.

    Numbers score as a number class; words the model lacks by their web
    frequency (``unknown_logp``). Probabilities are cached.
    """

    name = "cmu"

    def __init__(self, path: str | None = None) -> None:
        try:
            import pocketsphinx
            from pocketsphinx import NGramModel
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ResourceError("pocketsphinx is missing. Reinstall unspin: pip install unspin") from exc
        if path is None:
            path = os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "en-us.lm.bin")
        self.path = path
        try:
            self._lm = NGramModel.readfile(path)
        except Exception as exc:  # pocketsphinx raises bare RuntimeError/ValueError
            raise ResourceError(f"Cannot read the language model at {path!r}. Reinstall pocketsphinx.") from exc
        self._prob = self._lm.prob
        self._cache: dict[tuple[str, str, str], float] = {}
        self._known: dict[str, bool] = {}

    def known(self, word: str) -> bool:
        k = self._known.get(word)
        if k is None:
            k = self._known[word] = word in (BOS, EOS) or self._prob([word]) > -1e8
        return k

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        key = (word, prev1, prev2)
        v = self._cache.get(key)
        if v is not None:
            return v
        v = self._uncached(word, prev1, prev2)
        if len(self._cache) > 2_000_000:
            self._cache.clear()
        self._cache[key] = v
        return v

    def logp_many(self, words: Sequence[str], prev1: str, prev2: str) -> list[float]:
        """Not memoised: its callers (the decoder, ``Interpolated``) memoise the results."""
        uncached = self._uncached
        return [uncached(w, prev1, prev2) for w in words]

    def _uncached(self, word: str, prev1: str, prev2: str) -> float:
        if word in _CLASS_LOGP:
            return _CLASS_LOGP[word]
        if not self.known(word):
            return unknown_logp(word)
        # unknown history words make pocketsphinx back off by itself
        v: float = self._prob([word, prev1, prev2]) * _LOG10_BASE
        return _CLASS_LOGP[UNK] if v < _OOV_SENTINEL else v  # (a known word: never, in practice)

class WebBigram(_SentenceScoring):
    """Google web bigram counts as a scorer (mixed with CMU as ``cmu+web``).

    The web counts (PyPI ``wordsegment``: 333k unigrams, 258k bigrams from the
    Google Web Trillion Word Corpus, Brants and Franz 2006) know collocations
    of written and web English the speech-domain trigram misses. Bigram
    counts are discounted absolutely with back-off to web unigrams; words the
    web lists lack are left to the other model of the mixture.
    """

    name = "web"

    def __init__(self, discount: float = 0.75) -> None:
        try:
            import wordsegment
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ResourceError("wordsegment is missing. Reinstall unspin: pip install unspin") from exc
        wordsegment.load()
        self._uni: dict[str, float] = wordsegment.UNIGRAMS
        self._bi: dict[str, float] = wordsegment.BIGRAMS
        self._total = float(sum(self._uni.values()))
        # how many distinct continuations each word has in the bigram list (for back-off mass)
        followers: dict[str, int] = {}
        for key in self._bi:
            first = key.split(" ", 1)[0]
            followers[first] = followers.get(first, 0) + 1
        self._followers = followers
        self.discount = discount

    def known(self, word: str) -> bool:
        return word in self._uni

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        uni = self._uni.get(word)
        if uni is None:
            return _CLASS_LOGP[UNK]
        p_uni = uni / self._total
        c_prev = self._uni.get(prev1)
        if c_prev is None:
            return math.log10(p_uni)
        c_big = self._bi.get(prev1 + " " + word)
        backoff = self.discount * self._followers.get(prev1, 0) / c_prev
        if c_big is not None:
            return math.log10(max(c_big - self.discount, 0.0) / c_prev + backoff * p_uni)
        return math.log10(max(backoff, 1e-3) * p_uni)


class NewsTrigram(_SentenceScoring):
    """The project's news-domain trigram (``data/news_lm.npz``), in back-off form.

    Estimated by ``scripts/build_news_lm.py`` with interpolated Kneser-Ney
    style discounting from Reuters-21578, Brown, ABC news and public-domain
    addresses (never from BBC News, which the benchmarks hold out); shipped as
    ``data/news_lm.npz`` (9 MB, licences in ``data/LICENSES.md``), or any
    file named by ``UNSPIN_NEWS_LM``. Interpolated with the CMU trigram it is
    the default scorer ``cmu+news``: it lowers perplexity on held-out news
    (497 -> 438) and, with its own edit model, restores and detects more.
    """

    name = "news"

    def __init__(self, path: str | None = None) -> None:
        import numpy as np

        path = path or os.environ.get("UNSPIN_NEWS_LM") or _default_news_path()
        try:
            with open(path, "rb") as fh:
                z = np.load(fh)
                vocab = z["vocab"].tobytes().decode("utf-8").split("\n")
                self._p1: list[float] = z["p1"].tolist()
                self._p1_array = np.asarray(self._p1, dtype=np.float64)
                # sorted key arrays searched by bisection: loads in a fraction of the
                # time dictionaries of two million n-grams would take
                self._p2 = _sorted_table(z["k2"], z["lp2"])
                self._p3 = _sorted_table(z["k3"], z["lp3"])
                self._bow2 = _sorted_table(z["ctx3"], z["bow2"])
                self._bow1 = _sorted_table(z["ctx2"], z["bow1"])
                self._bits = int(z["bits"][0])
        except (OSError, KeyError, ValueError) as exc:
            raise ResourceError(
                f"No news language model at {path!r}. Reinstall unspin, or build one with: "
                "python scripts/build_news_lm.py --out PATH and set UNSPIN_NEWS_LM=PATH"
            ) from exc
        self._ids = {w: i for i, w in enumerate(vocab)}
        self._unk = self._ids["<unk>"]

    def known(self, word: str) -> bool:
        return word in self._ids

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        b = self._bits
        ids = self._ids
        w = ids.get(word, self._unk)
        v = ids.get(prev1, self._unk)
        u = ids.get(prev2, self._unk)
        uv = (u << b) | v
        lp = _lookup(self._p3, (uv << b) | w)
        if lp is not None:
            return lp
        back = _lookup(self._bow2, uv) or 0.0
        lp = _lookup(self._p2, (v << b) | w)
        if lp is not None:
            return back + lp
        return back + (_lookup(self._bow1, v) or 0.0) + self._p1[w]

    def logp_many(self, words: Sequence[str], prev1: str, prev2: str) -> list[float]:
        """:meth:`logp` of each word after one history, with one bisection per table.

        The same back-off sums in the same order as :meth:`logp` (numpy adds
        float64 exactly as Python does), so the results are equal float for float.
        """
        if len(words) < 4:  # numpy's per-call overhead only pays off on longer rows
            return [self.logp(w, prev1, prev2) for w in words]
        return self._rows(words, [(prev1, prev2)])[0]

    def logp_rows(self, words: Sequence[str], histories: Sequence[tuple[str, str]]) -> list[list[float]]:
        """:meth:`logp_many` for several histories with one bisection per table (equal float for float)."""
        if len(words) * len(histories) < 16:
            return [self.logp_many(words, h1, h2) for h1, h2 in histories]
        return self._rows(words, histories)

    def _rows(self, words: Sequence[str], histories: Sequence[tuple[str, str]]) -> list[list[float]]:
        """The numpy path of :meth:`logp_rows`: the back-off sums of :meth:`logp`, in its order."""
        import numpy as np

        b = self._bits
        ids = self._ids
        unk = self._unk
        v = np.array([ids.get(h1, unk) for h1, _h2 in histories], dtype=np.int64)
        uv = (np.array([ids.get(h2, unk) for _h1, h2 in histories], dtype=np.int64) << b) | v
        w = np.fromiter((ids.get(x, unk) for x in words), dtype=np.int64, count=len(words))
        lp3, hit3 = _lookup_many(self._p3, ((uv[:, None] << b) | w[None, :]).ravel())
        lp2, hit2 = _lookup_many(self._p2, ((v[:, None] << b) | w[None, :]).ravel())
        back = np.array([_lookup(self._bow2, int(k)) or 0.0 for k in uv], dtype=np.float64)
        bow1 = np.array([_lookup(self._bow1, int(k)) or 0.0 for k in v], dtype=np.float64)
        shape = (len(histories), len(words))
        unigram = (back + bow1)[:, None] + self._p1_array[w][None, :]
        rows = np.where(hit3.reshape(shape), lp3.reshape(shape),
                        np.where(hit2.reshape(shape), back[:, None] + lp2.reshape(shape), unigram))
        out: list[list[float]] = rows.tolist()
        return out


def _sorted_table(keys: Any, values: Any) -> tuple[Any, Any]:
    """Keys are stored sorted by ``scripts/build_news_lm.py``; sort only if a file is not."""
    if len(keys) > 1 and not bool((keys[1:] >= keys[:-1]).all()):
        order = keys.argsort(kind="stable")
        keys, values = keys[order], values[order]
    return keys, values


def _lookup(table: tuple[Any, Any], key: int) -> float | None:
    keys, values = table
    i = int(keys.searchsorted(key))
    if i < len(keys) and int(keys[i]) == key:
        return float(values[i])
    return None


def _lookup_many(table: tuple[Any, Any], keys: Any) -> tuple[Any, Any]:
    """``_lookup`` of an array of keys: (float64 values, found mask); values are junk where not found."""
    import numpy as np

    sorted_keys, values = table
    if len(sorted_keys) == 0:
        return np.zeros(len(keys)), np.zeros(len(keys), dtype=bool)
    i = np.minimum(sorted_keys.searchsorted(keys), len(sorted_keys) - 1)
    return values[i].astype(np.float64), sorted_keys[i] == keys


class TermBoosted(_SentenceScoring):
    """A scorer whose word completing a known term (``h1 w`` or ``h2 h1 w``) gets ``bonus`` log10.

    A simple domain adaptation: n-gram models trained on older news do not
    know terms such as "deep learning", which spinners mangle most.
    """

    def __init__(self, inner: Scorer, terms: frozenset[tuple[str, ...]], bonus: float) -> None:
        self.inner, self.bonus = inner, bonus
        self.name = inner.name
        self.pairs = frozenset(t for t in terms if len(t) == 2)
        self.triples = frozenset(t for t in terms if len(t) == 3)

    def known(self, word: str) -> bool:
        return self.inner.known(word)

    def _boost(self, word: str, prev1: str, prev2: str) -> float:
        hit = (prev1, word) in self.pairs or (prev2, prev1, word) in self.triples
        return self.bonus if hit else 0.0

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        return self.inner.logp(word, prev1, prev2) + self._boost(word, prev1, prev2)

    def logp_many(self, words: Sequence[str], prev1: str, prev2: str) -> list[float]:
        boost = self._boost
        return [v + boost(w, prev1, prev2) for w, v in zip(words, self.inner.logp_many(words, prev1, prev2))]

    def logp_rows(self, words: Sequence[str], histories: Sequence[tuple[str, str]]) -> list[list[float]]:
        boost = self._boost
        return [
            [v + boost(w, h1, h2) for w, v in zip(words, row)]
            for (h1, h2), row in zip(histories, self.inner.logp_rows(words, histories))
        ]


def _default_news_path() -> str:
    return os.path.join(os.path.dirname(__file__), "data", "news_lm.npz")


class Interpolated(_SentenceScoring):
    """Linear interpolation of two scorers: ``lam * P_a + (1 - lam) * P_b``.

    Class tokens and words the second model does not know are scored by the
    first alone.
    """

    def __init__(self, first: Scorer, second: Scorer, lam: float, name: str) -> None:
        self.first, self.second, self.lam, self.name = first, second, lam, name
        # memo by history, then word: a decoder asks about many words after one history
        self._cache: dict[tuple[str, str], dict[str, float]] = {}
        self._cached = 0

    def known(self, word: str) -> bool:
        return self.first.known(word)

    def logp(self, word: str, prev1: str, prev2: str) -> float:
        by_word = self._cache.get((prev1, prev2))
        if by_word is not None:
            v = by_word.get(word)
            if v is not None:
                return v
        return self._mix([word], prev1, prev2)[word]

    def logp_many(self, words: Sequence[str], prev1: str, prev2: str) -> list[float]:
        """:meth:`logp` of each word after one history; the misses go to each model as one batch."""
        by_word = self._cache.get((prev1, prev2))
        if by_word is None:
            by_word = self._mix(list(dict.fromkeys(words)), prev1, prev2)
            return [by_word[w] for w in words]
        found = [by_word.get(w) for w in words]
        if None not in found:
            return found  # type: ignore[return-value]  # no None left
        # (_mix may start a new memo, so keep what was found here)
        fresh = self._mix(list(dict.fromkeys(w for w, v in zip(words, found) if v is None)), prev1, prev2)
        return [fresh[w] if v is None else v for w, v in zip(words, found)]

    def logp_rows(self, words: Sequence[str], histories: Sequence[tuple[str, str]]) -> list[list[float]]:
        """:meth:`logp_many` for several histories; histories missing any word are scored as one batch."""
        out: list[list[float] | None] = []
        todo: list[int] = []
        for k, (h1, h2) in enumerate(histories):
            by_word = self._cache.get((h1, h2))
            found = [by_word.get(w) for w in words] if by_word is not None else None
            if found is None or None in found:
                out.append(None)
                todo.append(k)
            else:
                out.append(found)  # type: ignore[arg-type]  # no None left
        if todo:
            distinct = list(dict.fromkeys(words))
            hists = [histories[k] for k in todo]
            mixed = self._mixed(distinct)
            second_rows = self.second.logp_rows(mixed, hists) if mixed else [[] for _ in hists]
            for k, (h1, h2), srow in zip(todo, hists, second_rows):
                by_word = self._mix(distinct, h1, h2, dict(zip(mixed, srow)))
                out[k] = [by_word[w] for w in words]
        return out  # type: ignore[return-value]  # every row filled

    def _mixed(self, words: list[str]) -> list[str]:
        """The words the second model scores too (class tokens and its unknown words go to the first alone)."""
        known = self.second.known
        return [w for w in words if w not in _CLASS_LOGP and known(w)]

    def _mix(
        self, words: list[str], prev1: str, prev2: str, second: dict[str, float] | None = None
    ) -> dict[str, float]:
        """Score distinct uncached ``words``, memoise them; returns the history's memo.

        ``second`` holds the second model's scores when the caller already has them.
        """
        if self._cached > 2_000_000:
            self._cache.clear()
            self._cached = 0
        by_word = self._cache.setdefault((prev1, prev2), {})
        if second is None:
            mixed = self._mixed(words)
            second = dict(zip(mixed, self.second.logp_many(mixed, prev1, prev2)))
        lam = self.lam
        for w, a in zip(words, self.first.logp_many(words, prev1, prev2)):
            b = second.get(w)
            by_word[w] = a if b is None else math.log10(lam * 10.0**a + (1.0 - lam) * 10.0**b)
        self._cached += len(words)
        return by_word


@lru_cache(maxsize=8)
def get_scorer(name: str = "cmu") -> Scorer:
    """The n-gram scorer by name (``cmu`` or ``cmu+web``), used by the decoder."""
    if name == "cmu":
        return CMUTrigram()
    if name == "cmu+web":
        return Interpolated(get_scorer("cmu"), WebBigram(), 0.6, "cmu+web")
    if name == "cmu+news":
        return Interpolated(get_scorer("cmu"), NewsTrigram(), 0.7, "cmu+news")
    if name == "news":
        return NewsTrigram()
    raise ConfigError(f"Unknown n-gram scorer {name!r}. Use 'cmu', or 'hf:NAME_OR_PATH' for rescoring.")


@lru_cache(maxsize=4)
def get_option_scorer(name: str) -> OptionScorer:
    """A rescoring scorer by name: an n-gram scorer or ``hf:NAME_OR_PATH`` (extra ``unspin[hf]``)."""
    if name in ("cmu", "cmu+web", "cmu+news"):
        return get_scorer(name)  # type: ignore[return-value]  # the n-gram scorers also score options
    if name.startswith("hf:") and len(name) > 3:
        from .hf import HFScorer  # optional extra: transformers + torch

        return HFScorer(name[3:])
    raise ConfigError(f"Unknown scorer {name!r}. Use 'cmu' or 'hf:NAME_OR_PATH'.")

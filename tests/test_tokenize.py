from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unspin.doc import WORD
from unspin.tokenize import tokenize


def test_tokens_and_sentences() -> None:
    doc = tokenize('"Wang said it." Kazakhstan\'s six-nation group met.\nNew line')
    assert [t.text for t in doc.tokens][:5] == ['"', "Wang", "said", "it", "."]
    assert "Kazakhstan's" in [t.text for t in doc.tokens]
    assert "six-nation" in [t.text for t in doc.tokens]
    # the closing quote stays with its sentence; a line break ends a sentence
    assert len(doc.sentences) == 3
    assert doc.tokens[doc.sentences[0][1] - 1].text == '"'


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

from __future__ import annotations

import pytest

from unspin.channel import Channel
from unspin.errors import ConfigError
from unspin.lexicon import MOBY, WORDNET, load_lexicon, sources_mask
from unspin.morph import analyses, inflect


def test_inverse_and_forward_agree() -> None:
    lex = load_lexicon()
    for original, mask in lex.originals("vitality")[:20]:
        assert any(s == "vitality" and m == mask for s, m in lex.synonyms(original))


def test_sources_mask() -> None:
    assert sources_mask("moby") == MOBY
    assert sources_mask("moby,wordnet") == MOBY | WORDNET
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

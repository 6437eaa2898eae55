#!/usr/bin/env python3
"""Restoring tortured phrases nobody listed, in a sentence: the term bonus measured.

The 30% of the Problematic Paper Screener's rows held out by hash (as in
``bench/pps_pairs.py``) are put in carrier sentences ("In this paper we use
{tortured phrase} for the task."). The restorer runs with a lexicon rebuilt
without those rows, fingerprints off (the list would find them), and a term
list made of the other rows' expected texts only. Reported: the share of
phrases restored to exactly the expected text, and the share with any edit
inside (found), for several values of ``RestoreConfig.term_bonus``; the same
for the held-out rows whose expected text another row lists too (a new
variant of a listed term); and, as a paper mill's paper reads, each phrase
after a sentence holding a listed tortured phrase of the other rows (matched
by a fingerprint list of those rows), with ``RestoreConfig.term_rate`` on and
off.

Needs the apt thesauri of scripts/build_lexicon.py. Writes
docs/pps_context.md and .json.

Usage: python bench/pps_context.py [--holdout 0.3] [--rows 400]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from unspin import api
from unspin.channel import ChannelConfig
from unspin.detect import FingerprintMatcher
from unspin.lexicon import listed_term, load_fingerprints, plural_terms, term_of
from unspin.lm import TermBoosted, get_scorer
from unspin.morph import inflect
from unspin.restore import RestoreConfig, Restorer
from unspin.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from pps_pairs import PPS, PREVIOUS, build_lexicon, held_out, plain_rows, write_report  # noqa: E402  # one hold-out rule for both benchmarks

# a paper's earlier sentence, holding a listed tortured phrase of the rows kept
PAPER_SENTENCE = "Earlier work relied on {} instead. "

CARRIERS = [
    "In this paper we use {} for the task.",
    "The results show that {} improves the accuracy.",
    "We compare {} with earlier methods.",
]
BONUSES = (0.0, 1.0, 1.5, 2.0, 3.0)


def plural_pairs(test: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs whose head noun takes a plural, with both phrases in the plural."""
    out = []
    for tortured, expected in test:
        tp, ep = inflect(tortured.lower(), "NNS"), inflect(expected.lower(), "NNS")
        if tp and ep and tp != tortured.lower() and ep != expected.lower():
            out.append((tp, ep))
    return out


def rows(holdout: float) -> tuple[list[tuple[str, str]], frozenset[tuple[str, ...]]]:
    """Held-out (tortured, expected) pairs, and the term list of the other rows (singular, as the list gives it)."""
    test, terms = [], set()
    for tortured, expected in plain_rows(PPS):
        if held_out(tortured, holdout):
            if re.fullmatch(r"[A-Za-z' -]+", tortured) and term_of(expected):
                test.append((tortured, expected.strip()))
        elif (t := listed_term(re.sub(r"\s+", " ", tortured.strip().lower()), expected)) is not None:
            terms.add(t)  # the term the package lists for the row (its notes and abbreviation dropped)
    return test, frozenset(terms)


def report(results: list[dict], holdout: float) -> tuple[str, str, list[str], list[list[str]], list[str]]:
    """Title, intro, table and notes of docs/pps_context.md."""
    intro = (
        f"{results[0]['phrases']} tortured phrases from the {holdout:.0%} of the Problematic Paper Screener's rows "
        "held out by hash, each in a carrier sentence; the lexicon is rebuilt without those rows, the fingerprint "
        "list holds only the other rows (it tells the restorer whether a text holds a listed phrase; its spans are "
        "not counted), and the term list holds only the other rows' expected texts (and their plurals). "
        "`term_bonus` is the log10 bonus for a word that completes a listed term (`RestoreConfig.term_bonus`). "
        "The last column keeps to the held-out rows whose expected text another row lists too: a new variant of "
        "a term the list knows, as most new tortured phrases are."
    )
    names = {"shipped": "shipped (meaning similarity, source weights chosen on real pairs, sharpened 1.5)",
             "unsharpened": "same, weights not sharpened (sharpness 1.0, before 2026-11-30)",
             "previous": "previous (no similarity, earlier source weights)",
             "plural": "shipped; phrases in the plural (PHRASES), term list with plurals (as shipped)",
             "plural, singular terms": "same plural phrases, term list in the singular only (before 2026-11-30)",
             "paper": "shipped; after a sentence with a listed tortured phrase, term rate RATE",
             "paper, no collocations": "same, term rate RATE, without WordNet's collocations (before 2026-12-01)"}
    table = [[f"{r['term_bonus']:.1f}",
              names[r["channel"]].replace("PHRASES", str(r["phrases"])).replace(
                  "RATE", f"{r['term_rate']:g}" + (" (off)" if not r["term_rate"] else "")),
              f"{r['restored_exactly']:.1%}", f"{r['found']:.1%}",
              f"{r['listed_term_restored']:.1%} / {r['listed_term_found']:.1%} ({r['listed_term_phrases']})"]
             for r in results]
    notes = [
        "The default is 2.0 (1.5 before): on spun BBC news (dev split, 40 documents per setting) it left clean "
        "damage unchanged and errors removed within half a point of 1.5, while 3.0 lowered errors removed "
        "(8.7% -> 6.9% at 15% spun, WordNet-spun, Moby-restored) and raised clean damage, since everyday "
        "phrases are listed too. The unsharpened and the previous channel are measured at the default bonus.",
        "",
        "Papers write the plural too (\"neural organizations\"), and the list mostly gives the singular: the plural "
        "rows put the held-out phrases whose head noun takes a plural in the plural, expected text too. The term "
        "list has held each term's plural since 2026-11-30 (`lexicon.plural_terms`); on spun BBC news (dev split) "
        "that changed nothing. Pluralising by rule also makes texts nobody writes (\"image recognitions\", \"deep "
        "learnings\"), so the plural rows understate real plurals: the singular forms of the same 245 phrases are "
        "restored at 17.6%.",
        "",
        "The paper rows put each carrier sentence after one holding a listed tortured phrase of the other rows "
        "(\"Earlier work relied on ... instead.\"), as a paper mill's paper holds several. In a document holding "
        "a listed phrase the second pass rebuilds listed terms one word for one word at the term rate "
        "(`RestoreConfig.term_rate`, the first pass's prior rate of 0.12) instead of the document's own rate, in "
        "the search (one-word arcs whose original makes a term with the words around it, as written or as their "
        "originals) and in the edit's evidence: one or two sentences, or a few odd phrases in a long paper, would "
        "otherwise set a rate so low that the search passes these edits over and the edit model's confidence "
        "stays under 0.5 for them. With the evidence alone (the search at the document's rate) the paper rows "
        "gave 22.0% restored, 26.0% found, 35.6% / 38.9% of new variants. Spun news holds no listed phrase, so "
        "news restoration is unchanged (dev split and the real article measured the same); in clean news with a "
        "listed phrase put in, the words changed elsewhere rise from 0.029% to 0.053% (150 BBC documents of the "
        "dev split) and from 0.157% to 0.190% (153 WSJ articles). The carrier rows moved a "
        "little from earlier tables (18.0% -> 19.0% restored at the default bonus) because a held-out phrase that "
        "holds a listed phrase of the other rows now marks its text as holding one too.",
    ]
    notes += [
        "",
        "Since 2026-12-01 a document holding a listed phrase also rebuilds WordNet's collocations of two or three "
        "words at the term rate, one word for one word as the listed terms (`RestoreConfig.listed_collocations`, "
        "`lexicon.load_collocations`: 39,665 nouns and adjectives such as \"spinal cord\" or \"game theory\", none "
        "a synonym of one of its own words, with their plurals): a paper mill's new tortured phrases mangle its "
        "field's terms, listed or not. The paper rows with and without them show what that buys; 28 of the 192 "
        "held-out rows whose expected text no other row lists are such collocations. They do not join the "
        "language model's term bonus: there they also favoured phrase originals (\"regulation enforcement\" -> "
        "\"gun control law enforcement\"), for 28.7% restored and 35.5% found. Text without a listed phrase is "
        "restored as before (the dev split and the real article gave the same output to the last float). In "
        "clean news with a listed phrase put in before it (\"Earlier work relied on ... instead.\", 150 BBC dev "
        "documents cut to 450 words, 153 WSJ articles) the words changed after it rose from 0.065% to 0.110% "
        "(BBC), from 0.196% to 0.259% (WSJ) and from 0.123% to 0.156% (150 ABC science-news texts of 300 words); "
        "a paper that holds a listed phrase is already one to read closely.",
    ]
    return ("Unlisted tortured phrases in a sentence", intro,
            ["term bonus", "channel", "restored to the expected text", "phrase found (any edit inside)",
             "new variant of a listed term: restored / found (phrases)"], table, notes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--holdout", type=float, default=0.3)
    ap.add_argument("--rows", type=int, default=400)
    args = ap.parse_args()
    test, singular = rows(args.holdout)
    terms = singular | plural_terms(singular)  # as lexicon.load_terms ships them
    test = test[: args.rows]
    with tempfile.TemporaryDirectory() as tmp:
        lexicon = build_lexicon(Path(tmp) / "lexicon.npz", args.holdout)
    results = []
    bonus0 = RestoreConfig().term_bonus
    rate0 = RestoreConfig().term_rate
    settings = [(bonus, ChannelConfig(), "shipped", test, terms, rate0) for bonus in BONUSES]
    settings.append((bonus0, replace(ChannelConfig(), sharpness=1.0), "unsharpened", test, terms, rate0))
    settings.append((bonus0, PREVIOUS, "previous", test, terms, rate0))
    plurals = plural_pairs(test)
    settings.append((bonus0, ChannelConfig(), "plural", plurals, terms, rate0))
    settings.append((bonus0, ChannelConfig(), "plural, singular terms", plurals, singular, rate0))
    settings.append((bonus0, ChannelConfig(), "paper", test, terms, rate0))
    settings.append((bonus0, ChannelConfig(), "paper, no collocations", test, terms, rate0))
    settings.append((bonus0, ChannelConfig(), "paper", test, terms, 0.0))
    # the fingerprint list of the rows kept, and its phrases for the papers' earlier sentences
    kept = {k: v for k, v in load_fingerprints().items() if not held_out(k, args.holdout)}
    matcher = FingerprintMatcher(kept)
    listed = sorted(k for k, v in kept.items() if v.original and " " in k and k.replace(" ", "").isalpha())
    for bonus, channel, label, pairs, term_list, term_rate in settings:
        # the config adds no term list of its own: the held-out rows must stay unseen
        # (a text holding a listed phrase rebuilds WordNet's collocations at the term rate too, unless the
        # setting turns them off)
        restorer = Restorer(RestoreConfig(term_bonus=0.0, term_rate=term_rate, channel=channel,
                                          listed_collocations=label != "paper, no collocations"), lexicon,
                            TermBoosted(get_scorer("cmu+news"), term_list, bonus))
        exact = found = known = known_exact = known_found = 0
        for k, (tortured, expected) in enumerate(pairs):
            carrier = CARRIERS[k % len(CARRIERS)]
            text = carrier.format(tortured)
            start = carrier.index("{}")
            if label.startswith("paper"):
                before = PAPER_SENTENCE.format(listed[(k * 7919) % len(listed)])
                text, start = before + text, start + len(before)
            end = start + len(tortured)
            doc = tokenize(text)
            edits = [s for s in restorer(doc, listed=bool(matcher(doc))) if s.confidence >= 0.5]
            inside = [s for s in edits if s.start < end and start < s.end]
            hit = expected.lower() in api._splice(text, edits).lower()
            found += bool(inside)
            exact += hit
            if term_of(expected.lower()) in term_list:  # a new variant of a term other rows list
                known += 1
                known_exact += hit
                known_found += bool(inside)
        results.append({"term_bonus": bonus, "channel": label, "term_rate": term_rate, "phrases": len(pairs),
                        "restored_exactly": exact / len(pairs), "found": found / len(pairs),
                        "listed_term_phrases": known,
                        "listed_term_restored": known_exact / known if known else 0.0,
                        "listed_term_found": known_found / known if known else 0.0})
        print(results[-1], file=sys.stderr, flush=True)
    write_report("pps_context", "pps_context.py", results, *report(results, args.holdout))
    return 0


if __name__ == "__main__":
    sys.exit(main())

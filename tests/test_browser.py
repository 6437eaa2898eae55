"""Drive the real page in headless Debian Chromium with Playwright (marker ``browser``)."""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from unspin import api
from unspin.serve import ServeConfig, running

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SPUN = ("Officials mentioned that the regulation enforcement officers used counterfeit consciousness to quell violent unrest. "
        "The regulation enforcement chief said the situation was under control.")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium: apt-get install chromium"),
]


class FakeMatch:
    def to_dict(self) -> dict[str, Any]:
        return {"id": "reuters-2019-04-12", "score": 0.82, "passages": [
            {"query_start": 0, "query_end": 52, "source_start": 310, "source_end": 362,
             "source_text": "Officials said that the law enforcement officers came"}]}


class FakeIndex:
    def search(self, text: str, top: int) -> list[FakeMatch]:
        return [FakeMatch()]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running(ServeConfig(port=0)) as url:
        yield url


@pytest.fixture(scope="module")
def traced_server() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "unspin.trace", types.ModuleType("unspin.trace"))
        with running(ServeConfig(port=0, warm_up=False), index=FakeIndex()) as url:
            yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.goto(server + "/")
    yield p
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def check(page: Any, text: str = SPUN) -> None:
    page.fill("#input", text)
    page.click("#check")
    page.wait_for_selector("#result:not([hidden])")


def test_check_highlights_spans_with_suggestions(page: Any) -> None:
    check(page)
    report = api.check(SPUN)
    assert page.text_content("#verdict") == report.verdict
    assert f"{round(report.spun_probability * 100)}%" in page.text_content("#stats")
    assert "closest calls" not in page.text_content("#stats")  # spans reach the threshold
    marks = page.locator("#doc mark.sp")
    assert marks.count() == len(report.spans) > 0
    first = report.spans[0]
    assert marks.first.text_content() == first.text
    assert first.suggestion in marks.first.get_attribute("aria-label")
    assert marks.first.get_attribute("tabindex") == "0"
    # the highlighted document reads exactly as the input
    assert page.text_content("#doc") == SPUN
    # hover shows the suggested original
    marks.first.hover()
    assert first.suggestion in page.locator("#tip").text_content()
    assert page.locator("#tip").is_visible()


def test_a_text_with_nothing_over_the_threshold_names_its_closest_calls(page: Any) -> None:
    # a lone sentence: its edits stay under the threshold, so the summary names them (a
    # text with spans over the threshold does not: test_check_highlights_spans_with_suggestions)
    lone = "The regulation enforcement officers mentioned that the navy alliance got here 12 months in the past."
    wide = api.check(lone, min_confidence=0.2)
    close = sorted((s for s in wide.spans if s.confidence < 0.5 and s.changes), key=lambda s: -s.confidence)
    assert close and not api.check(lone).spans
    check(page, lone)
    stats = page.text_content("#stats")
    assert "0 suspicious phrases" in stats and "closest calls" in stats
    assert f"{close[0].text} → {close[0].suggestion} ({round(close[0].confidence * 100)}%)" in stats
    assert page.locator("#doc mark.sp").count() == 0
    # sixteen words: the summary points to the "suspect it" box
    assert "16 words hold little evidence" in stats and "I already suspect it was spun" in stats


def test_a_suspected_passage_is_restored_at_a_spinner_s_rate(page: Any) -> None:
    # ticked, the highlights and the restored text are restore's with assume_spun; the verdict stays check's
    lone = "The regulation enforcement officers mentioned that the navy alliance got here 12 months in the past."
    assumed = api.restore(lone, assume_spun=True)
    assert len(assumed.edits) >= 2
    page.check("#assume-spun")
    check(page, lone)
    assert page.text_content("#verdict") == api.check(lone).verdict
    assert page.locator("#doc mark.sp").count() == len(assumed.edits)
    assert "closest calls" not in page.text_content("#stats")
    assert "little evidence" not in page.text_content("#stats")  # ticked already
    page.click("#show-restored")
    assert page.text_content("#doc") == assumed.text


def test_substitutions_table_counts_each_distinct_rewrite(page: Any) -> None:
    import collections

    text = " ".join([SPUN] * 2)
    check(page, text)
    expected = collections.Counter((s.text.lower(), s.suggestion.lower()) for s in api.check(text).spans)
    assert expected and max(expected.values()) >= 2
    assert page.locator("#subs").is_visible()
    rows = page.locator("#subs-table tbody tr")
    got = [tuple(rows.nth(k).locator("td").nth(c).text_content() for c in range(3)) for k in range(rows.count())]
    assert {(a, b): int(n) for a, b, n in got} == dict(expected)
    counts = [int(n) for _a, _b, n in got]
    assert counts == sorted(counts, reverse=True)


def test_tooltip_says_why_a_phrase_was_flagged(page: Any) -> None:
    check(page)
    report = api.check(SPUN)
    marks = page.locator("#doc mark.sp")
    for k, s in enumerate(report.spans):
        marks.nth(k).hover()
        why = page.locator("#tip .tip-why")
        # the server's words for it, as `unspin check --explain` says them
        assert why.text_content() == s.reason()
        if s.source == "fingerprint":
            assert f"found in {dict(s.evidence)['papers']:,} papers" in why.text_content()
        else:
            assert "linked by" in why.text_content() and "times likelier with it" in why.text_content()


def test_keyboard_only(page: Any) -> None:
    page.focus("#input")
    page.keyboard.type("The regulation enforcement officers used counterfeit consciousness yesterday.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#doc mark.sp")
    suggestion = api.check("The regulation enforcement officers used counterfeit consciousness yesterday.").spans[0].suggestion
    page.focus("#show-spun")
    for _ in range(5):  # Tab onward to the first highlighted phrase
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('mark.sp')"):
            break
    assert page.evaluate("document.activeElement.matches('mark.sp')")
    assert page.locator("#tip").is_visible() and suggestion in page.text_content("#tip")
    page.keyboard.press("Escape")
    assert page.locator("#tip").is_hidden()
    page.keyboard.press("Enter")
    assert page.locator("#tip").is_visible()


def test_toggle_restored_and_copy(page: Any, server: str) -> None:
    check(page)
    restored = api.restore(SPUN)
    page.click("#show-restored")
    assert page.get_attribute("#show-restored", "aria-pressed") == "true"
    edits = page.locator("#doc ins.ed")
    assert edits.count() == len(restored.edits)
    assert page.text_content("#doc") == restored.text
    edits.first.hover()
    assert restored.edits[0].text in page.text_content("#tip")
    page.click("#copy")
    page.wait_for_selector("#copied:has-text('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == restored.text
    page.click("#show-spun")
    assert page.locator("#doc mark.sp").count() > 0


def test_empty_input_shows_a_readable_error(page: Any) -> None:
    page.click("#check")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "empty" in error.text_content()
    assert error.get_attribute("role") == "alert"
    assert page.locator("#result").is_hidden()


def test_open_txt_file(page: Any, tmp_path: Path) -> None:
    good = tmp_path / "article.txt"
    good.write_text(SPUN, encoding="utf-8")
    page.set_input_files("#file", str(good))
    page.wait_for_function("document.getElementById('input').value.length > 0")
    assert page.input_value("#input") == SPUN
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 au lait".encode("latin-1"))
    page.set_input_files("#file", str(bad))
    page.locator("#error").wait_for(state="visible")
    assert "not valid UTF-8" in page.text_content("#error")


def test_open_pdf_file(page: Any, tmp_path: Path, write_pdf) -> None:  # type: ignore[no-untyped-def]
    # an editor drops a manuscript PDF: the server reads the text of its pages into the box
    pdf = tmp_path / "paper.pdf"
    write_pdf(pdf, "The regu-\nlation enforcement officers\nmentioned it.")
    page.set_input_files("#file", str(pdf))
    for _ in range(100):  # the server answers asynchronously (the page's CSP forbids wait_for_function's eval)
        if page.input_value("#input"):
            break
        page.wait_for_timeout(50)
    assert page.input_value("#input").split() == "The regulation enforcement officers mentioned it.".split()
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    page.set_input_files("#file", str(bad))
    page.locator("#error").wait_for(state="visible")
    assert "not a readable PDF" in page.text_content("#error")


def test_phone_width(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#input", SPUN)
    page.tap("#check")
    page.wait_for_selector("#result:not([hidden])")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    check_box = page.locator("#check").bounding_box()
    assert check_box["width"] >= 44 and check_box["height"] >= 44  # a thumb-sized target
    mark = page.locator("#doc mark.sp").first
    mark.tap()
    tip = page.locator("#tip")
    assert tip.is_visible()
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    mark.tap()  # a second tap closes it
    assert tip.is_hidden()
    context.close()


@pytest.fixture()
def traced_page(browser: Any, traced_server: str) -> Iterator[Any]:
    """The page of a server with an index, after checking SPUN: its sources are shown."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(traced_server + "/")
    check(page)
    page.wait_for_selector("#sources:not([hidden])")
    yield page
    context.close()


def test_sources_side_by_side(traced_page: Any) -> None:
    page = traced_page
    source = page.locator("#source-list li.source").first
    assert "reuters-2019-04-12" in source.text_content()
    columns = source.locator(".passage > div")
    assert columns.count() == 2
    assert SPUN[:52] in columns.nth(0).text_content()
    assert "law enforcement officers came" in columns.nth(1).text_content()
    left, right = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"]  # side by side


def test_a_listed_phrase_without_a_usable_original_says_so(page: Any) -> None:
    from unspin.lexicon import load_fingerprints

    phrase = next(p for p, fp in sorted(load_fingerprints().items()) if fp.original is None and "(" not in p)
    text = f"The study found {phrase} in the data."
    check(page, text)
    mark = page.locator("#doc mark.sp.fp").first
    assert mark.text_content() == phrase
    assert "original unknown" in mark.get_attribute("aria-label")
    mark.hover()
    assert "no usable original" in page.text_content("#tip")


def test_compared_with_the_original_the_user_gives(page: Any) -> None:
    from unspin.compare import compare

    original = ("Officials said that the law enforcement officers used artificial intelligence to quell violent unrest. "
                "The law enforcement chief said the situation was under control.")
    check(page)
    assert page.locator("#compared").is_hidden()  # no original given: no comparison
    page.click("#original-box summary")
    page.fill("#original", original)
    page.click("#check")
    page.wait_for_selector("#compared:not([hidden])")
    c = compare(SPUN, original)
    stats = page.text_content("#compared-stats")
    assert f"{c.wer_before:.3f} → {c.wer_after:.3f}" in stats
    assert f"{len(c.substitutions)} substitutions by the spinner: {c.substitution_counts()['restored']} restored" in stats
    rows = page.locator("#compared-table tbody tr")
    harm = sum(1 for e in c.edits if e.verdict == "harm")
    assert rows.count() == len(c.substitutions) + harm
    first = rows.first.locator("td")
    assert first.nth(0).text_content() == c.substitutions[0].text
    assert first.nth(1).text_content() == c.substitutions[0].original
    page.click("#clear")
    assert page.locator("#compared").is_hidden()


def test_tooltip_names_the_alternatives(page: Any) -> None:
    text = ("Officials mentioned that the nation would assist the folks who face a lethal exterior force. "
            "The navy alliance mentioned it will assist the nation in opposition to the exterior threat. "
            "The folks of the nation mentioned they need help with the lethal attacks.")
    spans = api.check(text).spans
    k = next(i for i, s in enumerate(spans) if s.alternatives)
    check(page, text)
    page.locator("#doc mark.sp").nth(k).hover()
    assert f"or perhaps: {', '.join(spans[k].alternatives)}" in page.text_content("#tip")


def test_a_traced_passage_is_compared_with_its_source(traced_page: Any) -> None:
    from unspin.compare import compare_passages

    page = traced_page
    assert page.locator("#compared").is_hidden()
    page.click("#source-list .compare-passage")
    page.wait_for_selector("#compared:not([hidden])")
    assert page.text_content("#compared-title") == "Compared with the source passage"
    passage = FakeMatch().to_dict()["passages"][0]
    c = compare_passages(SPUN, [(passage["query_start"], passage["query_end"], passage["source_text"])],
                         api.restore(SPUN))  # the whole text restored, judged on the passage
    assert f"{len(c.substitutions)} substitution" in page.text_content("#compared-stats")
    assert page.locator("#compared-table tbody tr").count() == len(c.substitutions) + sum(
        1 for e in c.edits if e.verdict == "harm")

"""Regenerate docs/screenshot.png: the page checking examples/demo_spun.txt.

Serves the app in-process on a free loopback port and drives Debian's
Chromium (apt-get install chromium) with Playwright; never downloads a browser.

Usage: make screenshot   (or: python scripts/screenshot.py [OUT.png] [--width 1100])
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from unspin.serve import ServeConfig, running

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--text", default=str(ROOT / "examples" / "demo_spun.txt"))
    args = parser.parse_args()
    text = Path(args.text).read_text(encoding="utf-8").strip() + "\n"
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with running(ServeConfig(port=0)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, device_scale_factor=1,
                                color_scheme="light")
        page.goto(url + "/")
        page.fill("#input", text)
        page.click("#check")
        page.wait_for_selector("#result:not([hidden]) mark.sp")
        page.evaluate("document.getElementById('input').scrollTop = 0")
        # grow the viewport to the whole page first: a resize would close the tooltip
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": args.width, "height": height})
        # show one tooltip, as a reader hovering a phrase would see it
        marks = page.locator("mark.sp.c3")
        if not marks.count():
            marks = page.locator("mark.sp")
        marks.nth(min(2, marks.count() - 1)).hover()
        page.wait_for_selector("#tip:not([hidden])")
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

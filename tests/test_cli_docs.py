from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from unspin.cli import app

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[list[str]]:
    click_app = typer.main.get_command(app)
    out: list[list[str]] = []
    for name, cmd in click_app.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        if subs:
            out.extend([name, sub] for sub in subs)
        else:
            out.append([name])
    return out


def test_every_command_is_in_the_readme() -> None:
    for parts in _commands():
        assert f"unspin {' '.join(parts)}" in README, parts


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for parts in _commands():
        res = runner.invoke(app, [*parts, "--help"])
        assert res.exit_code == 0, parts
        assert "Example" in res.stdout, parts


def test_readme_before_and_after_matches_the_demo() -> None:
    import re

    import unspin

    root = Path(__file__).parents[1]
    after = README.split("`unspin restore examples/demo_spun.txt`:", 1)[1].split("\n\n", 2)[1]
    result = unspin.restore((root / "examples" / "demo_spun.txt").read_text(encoding="utf-8"))
    restored = result.text
    bold = re.findall(r"\*\*(.+?)\*\*", after)
    assert bold
    for word in bold:
        assert word in restored, word
    wrong = re.findall(r'"([^"]+)" -> "([^"]+)" for "', README)
    assert wrong
    edits = {(e.text, e.suggestion) for e in result.edits}
    for pair in wrong:
        assert pair in edits, pair

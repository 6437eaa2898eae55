"""Command-line interface: a thin mirror of :mod:`unspin.api`.

Every library error becomes one line on standard error and exit code 2.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from . import api
from .doc import Span
from .errors import InputError, UnspinError, missing_extra
from .readers import read_input

if TYPE_CHECKING:
    from .compare import Comparison

app = typer.Typer(
    name="unspin",
    help="Find machine-spun text, show which phrases were spun, restore the original wording.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
F = TypeVar("F", bound=Callable[..., Any])


def _errors_to_exit(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UnspinError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _colour(confidence: float) -> str:
    return "bold red" if confidence >= 0.8 else "red" if confidence >= 0.55 else "yellow"


FileArg = typer.Argument(..., help="Text file to read (a PDF's text is extracted), or - for standard input.")
NoFp = typer.Option(False, "--no-fingerprints", help="Do not use the list of known tortured phrases (neither its matches nor the term rate they set: the model alone decides).")
Scorer = typer.Option(
    api.DEFAULT_SCORER, "--scorer",
    help="Language model: cmu+news (default), cmu, cmu+web, or hf:NAME_OR_PATH to rescore with a neural LM.",
)
JsonOpt = typer.Option(False, "--json", help="Print JSON instead of the readable report.")
NoAdapt = typer.Option(False, "--no-adapt", help="Skip document-level adaptation (one pass).")


def _read(file: str) -> str:
    """The input's text (a PDF's extracted text), with a note on standard error where it was extracted."""
    notes: list[str] = []
    text = read_input(file, notes)
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    return text


def _language_note(text: str, words: int | None = None) -> None:
    """Warn on standard error (the output stays as it is) when the text is mostly not English."""
    if len(text) > 4 * api.CHUNK_CHARS:
        text = text[: 4 * api.CHUNK_CHARS]  # a sample is enough
    share = api.english_share(text)
    if api.not_english(share, words if words is not None else len(text.split())):
        typer.echo(f"note: only {share:.0%} of the words are English words unspin knows; it reads English "
                   "text, so this result says little.", err=True)


AssumeSpun = typer.Option(
    False, "--assume-spun",
    help="Take the text to be spun (a sentence or paragraph you already suspect): restore it at a spinner's rate "
         "instead of pulling a short text toward a clean one's. On a clean text it changes far more words.",
)

ExplainOpt = typer.Option(
    False, "--explain",
    help="Say why each span was flagged: the language model's gain, the channel, the thesauri linking the pair "
         "(with --json: an \"evidence\" object per span).",
)


@app.command()
@_errors_to_exit
def check(
    file: str = FileArg,
    as_json: bool = JsonOpt,
    no_fingerprints: bool = NoFp,
    scorer: str = Scorer,
    no_adapt: bool = NoAdapt,
    min_confidence: float = typer.Option(api.DEFAULT_MIN_CONFIDENCE, "--min-confidence", help="Hide spans below this confidence."),
    explain: bool = ExplainOpt,
) -> None:
    """Say whether a text was spun and highlight the spun phrases.

    Example: unspin check article.txt ; unspin check --json - < article.txt ; unspin check --explain manuscript.pdf
    """
    text = _read(file)
    # the readable report also looks below the threshold (the spans it shows, and so the
    # JSON, are the same): where nothing reaches it, it names the closest calls
    wide = api.check(text, fingerprints=not no_fingerprints, scorer=scorer, adapt=not no_adapt,
                     min_confidence=min(min_confidence, _CLOSE_CALL))
    report = replace(wide, spans=tuple(s for s in wide.spans if s.confidence >= min_confidence))
    _language_note(text, report.words)
    if as_json:
        _print_json(report.to_dict(explain))
        return
    con = _out()
    style = {"spun": "bold red", "clean": "bold green", "uncertain": "bold yellow"}[report.verdict]
    con.print(Text.assemble(("verdict: ", "bold"), (report.verdict, style),
                            f"   spun probability {report.spun_probability:.2f}   {report.words} words   "
                            f"{len(report.spans)} suspicious spans"))
    body = Text()
    pos = 0
    for s in report.spans:
        body.append(text[pos : s.start])
        body.append(s.text, style=_colour(s.confidence) + " underline")
        body.append(f" [{_shown_original(s)}]", style="cyan" if s.source == "model" else "magenta")
        pos = s.end
    body.append(text[pos:])
    con.print(body)
    con.print(Text("red = spun phrase, [cyan] = likely original (model), [magenta] = known tortured phrase",
                   style="dim"))
    if report.spans:
        con.print(_substitutions(report.spans))
    elif close := sorted((s for s in wide.spans if s.changes), key=lambda s: -s.confidence)[:5]:
        con.print(Text.assemble(
            f"No phrase reached confidence {min_confidence:.2f}; the closest calls: ",
            *[part for k, s in enumerate(close) for part in
              ((", " if k else ""), (s.text, "yellow"), " -> ", (s.suggestion, "cyan"), f" ({s.confidence:.2f})")],
            ". --min-confidence shows them in the text."))
    if not report.spans and report.words < _SHORT_TEXT and report.verdict != "spun":
        # below this the detector finds fewer than 4 in 5 spun texts (docs/experiments.md)
        con.print(Text(f"A text of {report.words} words holds little evidence either way. If you suspect it, "
                       "unspin restore --assume-spun restores it as a spun text.", style="dim"))
    if explain and report.spans:
        con.print(Text("why each span was flagged", style="bold"))
        for s in report.spans:
            others = f" (or: {', '.join(s.alternatives)})" if s.alternatives else ""
            con.print(Text.assemble((s.text, _colour(s.confidence)), " -> ",
                                    (_shown_original(s), "cyan" if s.source == "model" else "magenta"),
                                    (others, "cyan"), f" ({s.confidence:.2f}): {s.reason()}"))


_UNKNOWN = "original unknown"
# the lowest confidence the readable check report names as a close call
_CLOSE_CALL = 0.2
# a text shorter than this (words) that shows nothing gets a hint to restore it as spun
_SHORT_TEXT = 50


def _shown_original(span: Span) -> str:
    """A span's suggestion as the report shows it: a listed phrase whose list gives
    no usable original is flagged with its own text as the suggestion."""
    return span.suggestion if span.changes else _UNKNOWN


def _substitutions(spans: Sequence[Span], top: int = 15) -> Table:
    """The distinct substitutions of a report, most frequent first: a spinner rewrites a
    word the same way throughout, so the repeated ones are the surest."""
    groups: dict[tuple[str, str, str], list[float]] = {}
    for s in spans:
        groups.setdefault((s.text.lower(), s.suggestion.lower(), s.source), []).append(s.confidence)
    rows = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -sum(kv[1]) / len(kv[1]), kv[0]))
    more = f", {len(rows) - top} more" if len(rows) > top else ""
    table = Table(title=f"substitutions, most frequent first ({len(rows)} distinct{more})", title_justify="left")
    for name, justify in (("spun", "left"), ("likely original", "left"), ("times", "right"),
                          ("confidence", "right"), ("source", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for (seen, original, source), confs in rows[:top]:
        mean = sum(confs) / len(confs)
        table.add_row(Text(seen, style=_colour(mean)),
                      Text(_UNKNOWN if original == seen else original, style="cyan" if source == "model" else "magenta"),
                      str(len(confs)), f"{mean:.2f}", source)
    return table


@app.command()
@_errors_to_exit
def restore(
    file: str = FileArg,
    as_json: bool = JsonOpt,
    no_fingerprints: bool = NoFp,
    scorer: str = Scorer,
    no_adapt: bool = NoAdapt,
    min_confidence: float = typer.Option(api.DEFAULT_MIN_CONFIDENCE, "--min-confidence", help="Apply only edits at least this sure."),
    explain: bool = typer.Option(False, "--explain", help="With --json: an \"evidence\" object per edit (why it was made)."),
    assume_spun: bool = AssumeSpun,
) -> None:
    """Print the text with spun phrases replaced by their likely originals.

    Example: unspin restore article.txt > restored.txt ; unspin restore --json --explain article.txt ;
    echo "The regulation enforcement officers got here." | unspin restore --assume-spun -
    """
    text = _read(file)
    result = api.restore(
        text, fingerprints=not no_fingerprints, scorer=scorer, adapt=not no_adapt, min_confidence=min_confidence,
        assume_spun=assume_spun,
    )
    _language_note(text)
    if as_json:
        _print_json(result.to_dict(explain))
    else:
        sys.stdout.write(result.text)
        if not result.text.endswith("\n"):
            sys.stdout.write("\n")


@app.command()
@_errors_to_exit
def spin(
    file: str = FileArg,
    rate: float = typer.Option(0.15, "--rate", help="Share of content words to replace (0-1)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same output."),
    thesaurus: str = typer.Option("wordnet", "--thesaurus", help="Thesaurus to draw synonyms from: wordnet, mythes, moby, pps."),
    style: str = typer.Option("random", "--style", help="random (any synonym) or dictionary (one fixed common synonym per phrase, function words too)."),
    keep_articles: bool = typer.Option(False, "--keep-articles", help="Leave 'a'/'an' before a replaced word as it was (default: make it agree, as fluent spinners do)."),
    as_json: bool = typer.Option(False, "--json", help="Also print the gold alignment of every replaced span."),
) -> None:
    """Reference spinner: a TEST-DATA GENERATOR for evaluating unspin.

    It imitates commercial article spinners so detection and restoration can
    be measured against a known original. Evaluate with a thesaurus the
    restorer does not rely on.

    Example: unspin spin --rate 0.3 --seed 1 --thesaurus wordnet --style dictionary clean.txt
    """
    text = _read(file)
    result = api.spin(text, rate=rate, seed=seed, thesaurus=thesaurus, style=style, fix_articles=not keep_articles)
    if as_json:
        _print_json(result.to_dict())
    else:
        sys.stdout.write(result.text)
        if not result.text.endswith("\n"):
            sys.stdout.write("\n")


@app.command()
@_errors_to_exit
def compare(
    spun: str | None = typer.Argument(None, help="The spun text: a file, or - for standard input."),
    original: str | None = typer.Argument(None, help="The text it was spun from (a file)."),
    pairs: str | None = typer.Option(None, "--pairs", help="Instead of two files: a JSON Lines file of "
                                     "{\"spun\": ..., \"original\": ...} objects, measured together."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: the figures, every substitution and every edit."),
    no_fingerprints: bool = NoFp,
    scorer: str = Scorer,
    no_adapt: bool = NoAdapt,
    min_confidence: float = typer.Option(api.DEFAULT_MIN_CONFIDENCE, "--min-confidence",
                                         help="Apply only edits at least this sure (as restore does)."),
    assume_spun: bool = AssumeSpun,
) -> None:
    """Measure the restoration of a spun text whose original you have.

    Restores the spun text as 'unspin restore' does, then aligns it with the
    original: word error rate before and after, every substitution the
    spinner made (restored, partly, wrong or missed) and every edit (right,
    wrong, or harm: it changed words the spinner had left alone).

    Example: unspin compare spun.txt original.txt ; unspin compare --json --pairs pairs.jsonl
    """
    from .compare import compare_many, read_pairs

    if pairs is not None:
        if spun is not None or original is not None:
            raise InputError("Give either two files (SPUN ORIGINAL) or --pairs FILE, not both.")
        todo = read_pairs(_read(pairs), repr(pairs))
    elif spun is None or original is None:
        raise InputError("Give the spun text and its original: unspin compare SPUN ORIGINAL (or --pairs FILE.jsonl).")
    else:
        if original == "-":
            raise InputError("Only the spun text can come from standard input; give the original as a file.")
        todo = [(_read(spun), _read(original))]
    err = Console(stderr=True)
    with Progress(TextColumn("comparing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True, disable=len(todo) < 2 or not err.is_terminal) as bar:
        task = bar.add_task("compare", total=len(todo))
        result = compare_many(todo, progress=lambda done: bar.update(task, completed=done),
                              fingerprints=not no_fingerprints, scorer=scorer, adapt=not no_adapt,
                              min_confidence=min_confidence, assume_spun=assume_spun)
    if len(todo) == 1:
        _language_note(todo[0][0])
    if as_json:
        _print_json(result.to_dict())
        return
    _print_comparison(result, todo[0][0] if len(todo) == 1 else None)


_VERDICT_STYLE = {"restored": "green", "partly": "yellow", "wrong": "yellow", "missed": "bold red", "harm": "magenta"}


def _print_comparison(result: Comparison, spun: str | None) -> None:
    """The figures of a comparison; with the one ``spun`` text, also that text marked up."""
    con = _out()
    subs, edits = result.substitution_counts(), result.edit_counts()
    con.print(Text.assemble(
        ("compared: ", "bold"), f"{result.texts:,} text{'s' if result.texts != 1 else ''}, {result.words:,} words of "
        f"original, {subs['total']:,} substitutions by the spinner"))
    con.print(Text.assemble(("word error rate ", "bold"), f"{result.wer_before:.3f} -> {result.wer_after:.3f}   ",
                            (f"{result.errors_removed:.0%} of the spinner's errors removed", "bold")))
    con.print(Text.assemble(
        ("substitutions: ", "bold"), (f"{subs['restored']:,} restored", "green"), ", ",
        (f"{subs['partly']:,} partly", "yellow"), ", ", (f"{subs['wrong']:,} wrong", "yellow"), ", ",
        (f"{subs['missed']:,} missed", "bold red")))
    con.print(Text.assemble(
        ("unspin's edits: ", "bold"), (f"{edits['right']:,} right", "green"), ", ",
        (f"{edits['wrong']:,} wrong original", "yellow"),
        f" ({edits['wrong_alternative_right']:,} with the original among its alternatives), ",
        (f"{edits['harm']:,} changed words the spinner had left alone", "magenta")))
    if spun is not None:
        marks: list[tuple[int, int, str, str | None, str | None]] = [
            (s.start, s.end, s.verdict, s.suggestion, s.original) for s in result.substitutions]
        marks += [(e.edit.start, e.edit.end, "harm", e.edit.suggestion, None) for e in result.edits
                  if e.verdict == "harm"]
        body = Text()
        pos = 0
        for start, end, verdict, suggestion, orig in sorted(marks, key=lambda m: (m[0], m[1])):
            if start < pos:
                continue
            body.append(spun[pos:start])
            body.append(spun[start:end] or "^", style=_VERDICT_STYLE[verdict])  # ^: the spinner dropped words here
            orig = "-" if orig == "" else orig  # -: the spinner added these words
            if verdict == "harm":
                body.append(f" [{suggestion}]", style="magenta")
            elif verdict == "restored":
                body.append(f" [{orig}]", style="green")
            elif verdict == "missed":
                body.append(f" [{orig}]", style="dim")
            else:
                body.append(f" [{suggestion or '-'} | {orig}]", style="yellow")
            pos = max(pos, end)
        body.append(spun[pos:])
        con.print(body)
        con.print(Text("green = restored [original], yellow = partly or wrong [unspin's | original], "
                       "red = missed [original], magenta = changed though not spun [unspin's]; "
                       "[-] = words the spinner added, ^ = words it dropped", style="dim"))
    missed = Counter((s.text.lower(), s.original) for s in result.substitutions if s.verdict == "missed")
    if missed:
        table = Table(title="missed substitutions, most frequent first")
        for name, justify in (("spun", "left"), ("original", "left"), ("times", "right")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for (seen, orig), n in missed.most_common(10):
            table.add_row(Text(seen, style="red"), Text(orig, style="green"), f"{n:,}")
        con.print(table)


@app.command("eval")
@_errors_to_exit
def eval_(
    quick: bool = typer.Option(False, "--quick", help="Small public-domain fixtures only (under a minute)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    out: str = typer.Option("", "--out", help="Folder to write results.json into."),
    corpora: str = typer.Option("", "--corpora", help="Folder with bbc/, mrpc/ (default: ../shared/data/corpora)."),
    spinner_thesaurus: str = typer.Option("wordnet", "--spinner-thesaurus", help="Thesaurus the test spinner uses."),
    spinner_style: str = typer.Option("random", "--spinner-style", help="Test spinner style: random or dictionary."),
    restorer_thesauri: str = typer.Option("moby", "--restorer-thesauri", help="Thesauri the restorer may use (not the spinner's!)."),
    docs: int = typer.Option(60, "--docs", help="Spun documents per rate (and clean documents)."),
) -> None:
    """Measure detection and restoration on held-out text spun by the reference spinner.

    Example: unspin eval --quick ; unspin eval --docs 100 --out bench/out
    """
    from .evaluate import EvalConfig, run_evaluation

    con = Console(stderr=True)
    cfg = EvalConfig(
        quick=quick, corpora=corpora or None, spinner_thesaurus=spinner_thesaurus, spinner_style=spinner_style,
        restorer_thesauri=restorer_thesauri, docs_per_rate=docs, clean_docs=docs,
    )
    with con.status("evaluating...") as status:
        results = run_evaluation(cfg, progress=lambda m: status.update(f"evaluating: {m}"))
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        Path(out, "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if as_json:
        _print_json(results)
        return
    from rich.table import Table

    table = Table(title=f"{results['corpus']}: spun with {spinner_thesaurus}, restored with {restorer_thesauri}")
    for col in ("spin rate", "span P", "span R", "span F1", "doc AUC", "doc F1", "WER before", "WER after", "errors removed", "words/s"):
        table.add_column(col, justify="right")
    for rate, r in results["rates"].items():
        table.add_row(
            f"{float(rate):.0%}", f"{r['span']['precision']:.2f}", f"{r['span']['recall']:.2f}",
            f"{r['span']['f1']:.2f}", f"{r['document']['roc_auc']:.3f}", f"{r['document']['f1']:.2f}",
            f"{r['wer_before']:.3f}", f"{r['wer_after']:.3f}", f"{r['errors_removed']:.0%}",
            f"{r['words_per_second']:.0f}",
        )
    con = _out()
    con.print(table)
    c = results["clean"]
    con.print(f"clean text: {c['changed_word_share']:.2%} of words changed, "
              f"{c['flagged_spun_share']:.0%} of documents flagged spun")
    if "mrpc" in results:
        con.print(f"human paraphrases (MRPC): {results['mrpc']['flagged_spun_share']:.0%} flagged spun")
    if not results["corpora_found"]:
        con.print("corpora not found: measured on the small fixtures only", style="yellow")


@app.command()
@_errors_to_exit
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8080, "--port", help="Port to listen on."),
    index: str | None = typer.Option(None, "--index", help="Trace index to load; enables /api/trace."),
    max_bytes: int = typer.Option(2_000_000, "--max-bytes", help="Largest request body accepted (413 above)."),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds per request before a 503/504 answer."),
) -> None:
    """Serve the web page and the JSON API (check, restore, trace) over HTTP.

    Example: unspin serve --port 8080  then open http://127.0.0.1:8080/
    """
    try:
        from .serve import ServeConfig, run
    except ImportError as exc:  # optional extra: fastapi + uvicorn
        raise missing_extra("serve", exc.name or "fastapi") from exc
    run(ServeConfig(host=host, port=port, index=index, max_bytes=max_bytes, timeout=timeout))


@app.command()
@_errors_to_exit
def scan(
    inputs: Annotated[list[str], typer.Argument(
        help="Folders (walked recursively) and files: .txt .md .html .jsonl .parquet .warc .warc.gz .pdf")],
    out: Annotated[Path, typer.Option("--out", help="Output folder: numbered part files plus manifest.json.")],
    fmt: Annotated[str, typer.Option("--format", help="Output format: jsonl or parquet.")] = "jsonl",
    workers: Annotated[int, typer.Option("--workers", help="Scoring processes (default: all cores).")] = (
        os.cpu_count() or 1),
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or ray (needs unspin[ray]).")] = (
        "local"),
    min_probability: Annotated[float, typer.Option(
        "--min-probability",
        help="Write only records at least this likely spun (errors and documents with a known tortured phrase always).",
    )] = 0.0,
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL/Parquet field holding the text.")] = "text",
    id_field: Annotated[str | None, typer.Option("--id-field", help="JSONL/Parquet field holding the id.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Also write a self-contained HTML report.")] = None,
    ray_address: Annotated[str | None, typer.Option(
        "--ray-address", help="Ray cluster to join (default: start a local one).")] = None,
    part_size: Annotated[int, typer.Option("--part-size", help="Documents per output part.")] = 1000,
    prefilter: Annotated[bool, typer.Option(
        "--prefilter", help="Skip full scoring of documents a fast test finds clearly clean.")] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Start over instead of resuming the scan in --out.")] = False,
) -> None:
    """Scan a collection: one record per document, resumable after a crash.

    Running it again with the same --out resumes: finished parts are kept.

    Example: unspin scan corpus/ crawl.warc.gz --out results/ --report report.html
    """
    from .scan import (  # only here: checking a file need not load the scanner
        FLAGGED_FINGERPRINTS,
        ScanConfig,
        write_report,
    )
    from .scan import scan as run_scan

    config = ScanConfig(
        inputs=tuple(inputs), out=out, format=fmt, workers=workers, engine=engine,
        min_probability=min_probability, text_field=text_field, id_field=id_field, part_size=part_size,
        prefilter=prefilter, overwrite=overwrite, ray_address=ray_address,
    )
    err = Console(stderr=True)
    columns = (TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"), _RateColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("scan", total=None)
        summary = run_scan(config, progress=lambda done, total: bar.update(task, completed=done, total=total))
    if report is not None:
        write_report(summary, report)
    table = Table(title=f"unspin scan: {summary.out}", show_header=False)
    rate = summary.scanned_now / summary.seconds if summary.seconds else 0.0
    rows = [("documents", f"{summary.documents:,}"), ("scanned now", f"{summary.scanned_now:,} ({rate:.1f} docs/s)"),
            ("records written", f"{summary.written:,}"), ("errors", f"{summary.errors:,}"),
            ("prefiltered as clean", f"{summary.prefiltered:,}"),
            *((f"verdict {k}", f"{v:,}") for k, v in summary.verdicts.items()),
            ("with a known tortured phrase", f"{summary.fingerprinted:,}"),
            (f"with {FLAGGED_FINGERPRINTS} or more (the screener's flag)", f"{summary.fingerprinted_5:,}"),
            ("mostly not English words", f"{summary.not_english:,}")]
    if report is not None:
        rows.append(("report", str(report)))
    for k, v in rows:
        table.add_row(k, v)
    _out().print(table)
    if summary.substitutions:
        subs = Table(title="substitutions shared by documents judged spun (their top spans)", title_justify="left")
        for name, justify in (("spun", "left"), ("likely original", "left"), ("documents", "right")):
            subs.add_column(name, justify=justify)  # type: ignore[arg-type]
        for seen, original, n in summary.substitutions[:10]:
            subs.add_row(Text(seen, style="red"), Text(original, style="cyan"), f"{n:,}")
        _out().print(subs)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0.0:.1f}/s")


index_app = typer.Typer(
    help="Build and inspect trace indexes (one SQLite file of spin-robust sketches).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(index_app, name="index")
IndexArg = typer.Argument(..., help="The index file (SQLite), e.g. sources.db.")
SourcesArg = typer.Argument(..., help="Text files, directories of them, or .jsonl files.")


@index_app.command("build")
@_errors_to_exit
def index_build(
    index: str = IndexArg,
    sources: list[str] = SourcesArg,
    id_field: str = typer.Option("id", "--id-field", help="JSON Lines field holding the document id."),
    text_field: str = typer.Option("text", "--text-field", help="JSON Lines field holding the text."),
    batch_size: int = typer.Option(500, "--batch-size", help="Documents per transaction."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Add documents to an index (created if missing); an id added again replaces the old one.

    Unreadable sources (missing, binary, not UTF-8, bad JSON lines) are
    reported and skipped. Each batch is one transaction, so an interrupted
    build keeps every batch before it and nothing of the one it hit.

    Example: unspin index build sources.db articles/ more.jsonl
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from . import trace as tr
    from .readers import source_files

    files, _ = source_files(sources)
    total = sum(f.stat().st_size for f in files)
    err = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("indexing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%  {task.fields[docs]} docs"),
        TimeRemainingColumn(), console=err, transient=True, disable=quiet,
    ) as bar:
        task = bar.add_task("index", total=max(total, 1), docs=0)
        report = tr.build_index(
            index, sources, id_field=id_field, text_field=text_field, batch_size=batch_size,
            progress=lambda done, docs: bar.update(task, completed=done, docs=docs),
        )
    for problem in report.skipped:
        err.print(Text.assemble(("skipped ", "yellow"), str(problem)))
    _out().print(
        f"indexed {report.added} documents ({report.replaced} replaced) in {report.seconds:.1f} s"
        f" ({report.docs_per_second:.0f} docs/s); skipped {len(report.skipped)}"
    )


@index_app.command("info")
@_errors_to_exit
def index_info(index: str = IndexArg, as_json: bool = JsonOpt) -> None:
    """Print an index's document count, size and settings.

    Example: unspin index info sources.db
    """
    from .trace import TraceIndex

    with TraceIndex.open(index) as ti:
        info = ti.info()
    if as_json:
        _print_json(info)
        return
    con = _out()
    for key, value in info.items():
        con.print(Text.assemble((f"{key:>15}", "bold"), f"  {value}"))


@app.command("trace")
@_errors_to_exit
def trace_cmd(
    file: str = FileArg,
    index: str = typer.Option(..., "--index", help="Index built with: unspin index build."),
    top: int = typer.Option(5, "--top", help="How many likely sources to show."),
    as_json: bool = JsonOpt,
    compare: bool = typer.Option(False, "--compare", help="Also compare the text's passages with the best source's, "
                                 "as 'unspin compare' does: what the spinner changed there, and what 'unspin "
                                 "restore' of the whole text restores."),
) -> None:
    """Find the documents a (possibly spun) text was copied from, with aligned passages.

    Example: unspin trace suspect.txt --index sources.db --top 3 ; unspin trace suspect.txt --index sources.db --compare
    """
    from .trace import TraceIndex

    text = _read(file)
    with TraceIndex.open(index) as ti:
        result = ti.trace(text, top=top)
    comparison = None
    if compare and result.matches:
        from .compare import compare_passages

        passages = [(p.query_start, p.query_end, p.source_text) for p in result.matches[0].passages
                    if p.source_text and p.source_text.strip() and p.query_text.strip()]
        if passages:  # the whole text restored once, as `unspin restore` does, judged passage by passage
            comparison = compare_passages(text, passages)
    if as_json:
        out = result.to_dict()
        if compare:
            out["comparison"] = comparison.to_dict() if comparison is not None else None
        _print_json(out)
        if comparison is None and compare:
            typer.echo("note: no source passage could be read to compare with.", err=True)
        return
    con = _out()
    if not result.matches:
        con.print(Text("no likely source found", style="yellow"))
        return
    for rank, match in enumerate(result.matches, 1):
        style = "bold green" if match.score >= 0.3 else "green" if match.score >= 0.1 else "yellow"
        con.print(Text.assemble((f"{rank}. ", "bold"), (match.id, "bold cyan"), "  score ",
                                (f"{match.score:.3f}", style), f"  containment {match.containment:.3f}  ",
                                (f"{len(match.passages)} passages", "dim")))
        for p in match.passages[:3]:
            con.print(Text.assemble(("   query ", "dim"), f"[{p.query_start}:{p.query_end}] ",
                                    (_clip(p.query_text), "magenta")))
            source = _clip(p.source_text) if p.source_text is not None else "(source file not readable)"
            con.print(Text.assemble(("  source ", "dim"), f"[{p.source_start}:{p.source_end}] ", (source, "cyan")))
        if len(match.passages) > 3:
            con.print(Text(f"   ... {len(match.passages) - 3} more passages (see --json)", style="dim"))
    if compare:
        if comparison is None:
            con.print(Text("no source passage could be read to compare with", style="yellow"))
        else:
            con.print(Text(f"the text's passages against {result.matches[0].id}'s", style="bold"))
            _print_comparison(comparison, None)


def _clip(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def main() -> None:
    """Entry point of the ``unspin`` command."""
    app()


if __name__ == "__main__":
    main()

"""Web front end: a FastAPI app over :mod:`unspin.api`, started by ``unspin serve``.

The HTTP API mirrors the Python API one to one and returns the same span
objects as the CLI's ``--json``::

    POST /api/check    {"text", "fingerprints", "min_confidence", "explain"} -> Report.to_dict()
    POST /api/restore  {"text", "fingerprints", "min_confidence", "explain", "assume_spun"} -> Restoration.to_dict()
    POST /api/compare  {"spun", "original", "fingerprints", "min_confidence", "assume_spun", "start", "end"}
                       -> Comparison.to_dict()
    POST /api/trace    {"text", "top"} -> {"matches": [...]}   (needs --index)
    POST /api/text     {"name", "data": base64 bytes} -> {"text", "note"}  (a dropped PDF's text)
    GET  /api/health   -> {"status": "ok", ...}
    GET  /             the page (static files shipped in ``unspin/static``)

Every error is JSON ``{"error": "<one line that says what to do>"}``. Library
errors map to HTTP statuses in one table, :data:`ERROR_STATUS`. Request bodies
are bounded (413) and must be UTF-8 (400); CPU work runs in a bounded thread
pool with a per-request deadline (503 when no worker is free in time, 504 when
the work itself overruns). Nothing from a request is logged or written to
disk, and no endpoint takes a server path: the page is read into memory once.

Example:
    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app(ServeConfig(warm_up=False)))
    >>> client.get("/api/health").json()["status"]
    'ok'
"""

from __future__ import annotations

import base64
import binascii
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException

from . import __version__, api, readers
from .compare import compare as compare_texts
from .compare import compare_passages
from .errors import ConfigError, InputError, ResourceError, StoreError, UnspinError

__all__ = ["ERROR_STATUS", "ServeConfig", "TraceIndex", "create_app", "open_index", "run", "running"]

T = TypeVar("T")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The one table from library errors to HTTP statuses; the most specific class wins.
#: A StoreError is the server's own index failing (a request cannot name an index),
#: so it is a server error.
ERROR_STATUS: dict[type[UnspinError], int] = {
    InputError: 400,
    ConfigError: 422,
    StoreError: 500,
    ResourceError: 500,
    UnspinError: 500,
}

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_STATIC = ("index.html", "app.js", "style.css", "favicon.svg")
_MEDIA = {"html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
          "css": "text/css; charset=utf-8", "svg": "image/svg+xml"}
# Everything is served from this origin; the page loads nothing from elsewhere.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """Server settings; ``unspin serve`` flags map onto these one to one."""

    host: str = "127.0.0.1"
    port: int = 8080
    index: str | None = None  # trace index opened at start; None turns /api/trace off
    max_bytes: int = 2_000_000  # request body limit
    timeout: float = 30.0  # seconds per request, waiting for a worker included
    workers: int = 2  # concurrent CPU jobs (the scorer holds the GIL: more adds no speed)
    warm_up: bool = True  # load the lexicon and language model before taking requests

    def validate(self) -> ServeConfig:
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"--port must be between 0 and 65535, got {self.port}.")
        if self.max_bytes < 1:
            raise ConfigError(f"--max-bytes must be a positive number of bytes, got {self.max_bytes}.")
        if not self.timeout > 0:
            raise ConfigError(f"--timeout must be a positive number of seconds, got {self.timeout}.")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}.")
        return self


# ---------------------------------------------------------------- trace contract


class TraceIndex(Protocol):
    """What the server needs from an index opened by ``unspin.trace.open_index``.

    ``search`` returns the best matches, best first; each match has ``to_dict()``
    giving ``{"id", "score", "passages": [{"query_start", "query_end",
    "source_start", "source_end"}]}`` (a passage may add ``"source_text"``).
    """

    def search(self, text: str, top: int) -> Sequence[Any]: ...


def open_index(path: str) -> TraceIndex:
    """Open the trace index at ``path`` with the optional trace module."""
    try:
        from .trace import open_index as open_trace_index
    except ImportError as exc:
        raise ResourceError(
            "Tracing needs the unspin.trace module, which this install lacks. "
            "Install it with: pip install 'unspin[trace]'"
        ) from exc
    index: TraceIndex = open_trace_index(path)
    return index


# ---------------------------------------------------------------- request and response models


class CheckRequest(BaseModel):
    text: str = Field(description="The text to check, as a JSON string.")
    fingerprints: bool = Field(True, description="Also look for known tortured phrases.")
    min_confidence: float = Field(api.DEFAULT_MIN_CONFIDENCE, ge=0.0, le=1.0, description="Drop spans below this confidence.")
    explain: bool = Field(False, description="Give each span its evidence (why it was flagged).")


class RestoreRequest(CheckRequest):
    assume_spun: bool = Field(False, description="Take the text to be spun (a passage the user already suspects): "
                                                 "restore it at a spinner's rate instead of pulling a short text "
                                                 "toward a clean one's (unspin.restore's assume_spun).")


class TextRequest(BaseModel):
    name: str = Field("the file", max_length=300, description="The file's name, for messages.")
    data: str = Field(description="The file's bytes, base64-encoded: a PDF, or UTF-8 / UTF-16 text.")


class TextOut(BaseModel):
    text: str = Field(description="The file's text (a PDF's pages, line-end hyphenation joined).")
    note: str | None = Field(description="What was done to get it (for a PDF), or null.")


class TraceRequest(BaseModel):
    text: str = Field(description="The text whose sources to look up.")
    top: int = Field(5, ge=1, le=50, description="How many sources to return.")


class SpanOut(BaseModel):
    start: int = Field(description="Offset of the span in the input, in characters.")
    end: int
    text: str = Field(description="The spun phrase: input[start:end].")
    suggestion: str = Field(description="Its likely original (its own text for a listed phrase whose list "
                                        "gives no usable original: flagged, never edited).")
    confidence: float
    source: str = Field(description='"model" (noisy-channel restorer) or "fingerprint" (known phrase).')
    supported: bool = Field(description="The same substitution was seen elsewhere in the text.")
    evidence: dict[str, Any] | None = Field(
        None, description="With explain: lm_gain (log10), channel (log10), thesauri, spin_rate and (when it "
                          "applied) absent_original and listed_term for a model span; "
                          "list, papers and (when the restoration differs from it) listed_original for a "
                          "fingerprint.")
    reason: str | None = Field(None, description="With explain: the evidence in words, as `unspin check --explain` "
                                                 "and the web page say it.")
    alternatives: list[str] | None = Field(None, description="With explain: other likely originals of a model span, "
                                                             "best first (the sentence reads nearly as likely with "
                                                             "them); empty when none comes close.")


class CheckOut(BaseModel):
    spun_probability: float
    verdict: str = Field(description='"spun", "clean" or "uncertain".')
    words: int
    scorer: str
    spans: list[SpanOut]


class RestoreOut(BaseModel):
    text: str = Field(description="The input with every edit applied; all else unchanged.")
    scorer: str
    edits: list[SpanOut]


class CompareRequest(BaseModel):
    spun: str = Field(description="The spun text, as a JSON string.")
    original: str = Field(description="The text it was spun from.")
    fingerprints: bool = Field(True, description="Also restore known tortured phrases.")
    min_confidence: float = Field(api.DEFAULT_MIN_CONFIDENCE, ge=0.0, le=1.0,
                                  description="Apply only edits at least this sure.")
    assume_spun: bool = Field(False, description="Restore as /api/restore does with assume_spun.")
    start: int | None = Field(None, ge=0, description="With end: judge only spun[start:end] (a traced passage), "
                                                      "whose original is `original`, with the whole spun text "
                                                      "restored as /api/restore restores it.")
    end: int | None = Field(None, ge=0)


class CountsOut(BaseModel):
    total: int
    restored: int | None = None
    partly: int | None = None
    wrong: int
    missed: int | None = None
    right: int | None = None
    harm: int | None = None
    wrong_alternative_right: int | None = Field(None, description="Edits: wrong ones whose alternatives hold the "
                                                                  "original.")


class SubstitutionOut(BaseModel):
    start: int = Field(description="Offset of the spinner's words in the spun text (end = start where it dropped "
                                   "words).")
    end: int
    text: str = Field(description="The spun words: spun[start:end].")
    original: str = Field(description="The original's words there (empty where the spinner added words).")
    suggestion: str | None = Field(description="What unspin wrote over them, or null.")
    verdict: str = Field(description='"restored", "partly", "wrong" or "missed".')


class JudgedOut(SpanOut):
    verdict: str = Field(description='"right", "wrong" (not the original) or "harm" (changed words the spinner '
                                     'had left alone).')
    alternative_right: bool = Field(description="A wrong edit one of whose alternatives is the original's.")


class CompareOut(BaseModel):
    texts: int
    words: int = Field(description="Words of the original.")
    wer_before: float = Field(description="Word error rate of the spun text against the original (case ignored).")
    wer_after: float = Field(description="... of the restored text.")
    errors_removed: float = Field(description="Share of the spinner's word errors the restoration removed.")
    substitutions: CountsOut
    edits: CountsOut
    substitution_list: list[SubstitutionOut]
    edit_list: list[JudgedOut]
    restored_text: str


class PassageOut(BaseModel):
    query_start: int
    query_end: int
    source_start: int
    source_end: int
    source_text: str | None = None


class MatchOut(BaseModel):
    id: str
    score: float
    passages: list[PassageOut]


class TraceOut(BaseModel):
    matches: list[MatchOut]


class HealthOut(BaseModel):
    status: str
    version: str
    index_loaded: bool
    max_bytes: int
    timeout: float
    min_confidence: float = Field(description="The default confidence threshold of check and restore.")


class ErrorOut(BaseModel):
    error: str = Field(description="One line that says what went wrong and what to do.")


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in [
        (400, "Bad input: empty text, body not UTF-8 or not JSON."),
        (413, "The request body is larger than the server's limit."),
        (415, "The request body is not JSON."),
        (422, "The JSON does not match the schema."),
        (500, "A shipped resource or the index failed."),
        (503, "Every worker stayed busy until the deadline; retry later."),
        (504, "The text took longer than the per-request deadline."),
    ]
}


# ---------------------------------------------------------------- body guard


class _BodyGuard:
    """ASGI middleware: refuse bodies over ``max_bytes`` (413), not JSON (415) or not UTF-8 (400).

    The body is read here in full (it is bounded) and handed on unchanged, so
    the routes never see an oversized or undecodable request.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        async def refuse(status: int, message: str) -> None:
            await JSONResponse({"error": message}, status_code=status)(scope, receive, send)

        too_large = (f"The request body is larger than {self.max_bytes:,} bytes. "
                     "Send a shorter text, or start the server with a larger --max-bytes.")
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await refuse(413, too_large)
            return
        kind = headers.get(b"content-type", b"application/json").split(b";")[0].strip().lower()
        if kind != b"application/json":
            await refuse(415, f"The request body is {kind.decode('latin-1')!r}; send JSON with "
                              "Content-Type: application/json.")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await refuse(413, too_large)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            await refuse(400, f"The request body is not valid UTF-8 (byte {exc.start}). "
                              "Send the text as UTF-8 JSON.")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


# ---------------------------------------------------------------- worker pool


class _Deadline(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Workers:
    """Runs CPU work in threads, at most ``size`` at once, each within ``timeout``.

    A job holds its slot until its thread really ends: Python cannot stop a
    thread, so work that overruns its deadline is abandoned (504) but keeps
    its slot, and later jobs wait for a slot until their own deadline (503).
    At most ``queue`` jobs wait; more are refused at once (503).
    """

    def __init__(self, size: int, timeout: float, queue: int = 64) -> None:
        self.size = size
        self.timeout = timeout
        self.queue = queue
        self._slots = threading.BoundedSemaphore(size)
        self._threads = anyio.CapacityLimiter(size + queue)
        self._pending = 0  # jobs waiting for a slot or running, abandoned ones included
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        return self._pending

    async def run(self, fn: Callable[[], T]) -> T:
        if self._pending >= self.size + self.queue:
            raise _Deadline(503, "The server is busy with earlier texts. Retry in a few seconds.")
        deadline = time.monotonic() + self.timeout
        started = threading.Event()

        def job() -> T:
            try:
                if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                    raise TimeoutError
                started.set()
                try:
                    return fn()
                finally:
                    self._slots.release()
            finally:
                with self._lock:
                    self._pending -= 1

        with self._lock:
            self._pending += 1
        try:
            with anyio.fail_after(self.timeout):
                return await anyio.to_thread.run_sync(job, limiter=self._threads, abandon_on_cancel=True)
        except TimeoutError:
            if started.is_set():
                raise _Deadline(
                    504, f"The text took longer than {self.timeout:g} s. "
                         "Send a shorter text, or start the server with a larger --timeout."
                ) from None
            raise _Deadline(
                503, f"No worker was free within {self.timeout:g} s. Retry in a few seconds."
            ) from None


# ---------------------------------------------------------------- the app


def _status_of(exc: UnspinError) -> int:
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": " ".join(message.split())}, status_code=status, headers=headers)


def _unicode_text(text: str) -> str:
    # JSON "\ud800" escapes decode to lone surrogates, which cannot be encoded back
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"The text has an unpaired surrogate escape at character {exc.start}. Send valid Unicode text."
        ) from None
    return text


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "The request body is not valid JSON. Send a JSON object such as {\"text\": \"...\"}."
    parts = []
    for e in errors[:3]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return 422, "Invalid request: " + "; ".join(parts) + more + "."


def _static_files() -> dict[str, bytes]:
    root = resources.files("unspin") / "static"
    try:
        return {name: (root / name).read_bytes() for name in _STATIC}
    except OSError as exc:
        raise ResourceError("The web page files are missing from unspin/static. Reinstall unspin.") from exc


def create_app(config: ServeConfig = ServeConfig(), index: TraceIndex | None = None) -> FastAPI:
    """Build the app; ``index`` is an open trace index (see :func:`open_index`) or None."""
    config.validate()
    static = _static_files()
    workers = _Workers(config.workers, config.timeout)

    async def lifespan(_app: FastAPI) -> Any:
        if config.warm_up:  # load the lexicon and language model once, before any request
            await anyio.to_thread.run_sync(lambda: api.check("The law enforcement officers came here."))
            await anyio.to_thread.run_sync(api._preload)  # the compiled decoder too
        yield

    app = FastAPI(
        title="unspin",
        version=__version__,
        description="Find machine-spun text, show which phrases were spun, restore the original wording.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the schema is at /openapi.json
        redoc_url=None,
    )
    app.state.workers = workers
    app.state.index = index

    @app.exception_handler(UnspinError)
    async def unspin_error(_request: Request, exc: UnspinError) -> JSONResponse:
        return _error(_status_of(exc), str(exc))

    @app.exception_handler(_Deadline)
    async def deadline(_request: Request, exc: _Deadline) -> JSONResponse:
        return _error(exc.status, str(exc), {"Retry-After": "5"} if exc.status == 503 else None)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(*_validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(Exception)
    async def crash(_request: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"Internal error ({type(exc).__name__}). Please report it with the text that caused it.")

    async def mirror(fn: Callable[..., api.Report | api.Restoration], req: CheckRequest,
                     **options: Any) -> dict[str, Any]:
        text = _unicode_text(req.text)
        result = await workers.run(lambda: fn(text, fingerprints=req.fingerprints,
                                              min_confidence=req.min_confidence, **options))
        return result.to_dict(req.explain)

    @app.post("/api/check", response_model=CheckOut, response_model_exclude_unset=True, responses=_ERRORS, tags=["api"])
    async def check(req: CheckRequest) -> dict[str, Any]:
        """Decide whether the text was spun and which phrases were (``unspin.check``)."""
        return await mirror(api.check, req)

    @app.post("/api/restore", response_model=RestoreOut, response_model_exclude_unset=True, responses=_ERRORS, tags=["api"])
    async def restore(req: RestoreRequest) -> dict[str, Any]:
        """Replace spun phrases by their likely originals (``unspin.restore``)."""
        return await mirror(api.restore, req, assume_spun=req.assume_spun)

    @app.post("/api/compare", response_model=CompareOut, response_model_exclude_unset=True, responses=_ERRORS,
              tags=["api"])
    async def compare(req: CompareRequest) -> dict[str, Any]:
        """Restore the spun text and measure the restoration against its known original (``unspin.compare``)."""
        spun, original = _unicode_text(req.spun), _unicode_text(req.original)
        if (req.start is None) != (req.end is None):
            raise InputError("Give both start and end (a passage of the spun text), or neither.")
        options: dict[str, Any] = {"fingerprints": req.fingerprints, "min_confidence": req.min_confidence,
                                   "assume_spun": req.assume_spun}
        if req.start is not None and req.end is not None:  # a passage, judged with the whole text restored
            passages = [(req.start, req.end, original)]
            result = await workers.run(lambda: compare_passages(spun, passages, **options))
        else:
            result = await workers.run(lambda: compare_texts(spun, original, **options))
        return result.to_dict()

    @app.post("/api/text", response_model=TextOut, responses=_ERRORS, tags=["api"])
    async def file_text(req: TextRequest) -> dict[str, Any]:
        """The text of a file the page was given: a PDF's pages, or UTF-8 / UTF-16 text
        (``unspin.readers.file_text``; a PDF needs the extra ``unspin[scan]``)."""
        try:
            data = base64.b64decode(req.data, validate=True)
        except (binascii.Error, ValueError):
            raise InputError("The file's data is not valid base64.") from None
        name = repr(req.name)
        notes: list[str] = []
        text = await workers.run(lambda: readers.file_text(data, name, notes))
        return {"text": text, "note": notes[0] if notes else None}

    @app.post("/api/trace", response_model=TraceOut, tags=["api"],
              responses={**_ERRORS, 501: {"model": ErrorOut, "description": "No index is loaded."}})
    async def trace(req: TraceRequest) -> dict[str, Any]:
        """Find the indexed sources the text was spun from (needs ``unspin serve --index``)."""
        text = _unicode_text(req.text)
        if not text.strip():
            raise InputError("The input is empty: give some text to trace.")
        loaded: TraceIndex | None = app.state.index
        if loaded is None:
            raise HTTPException(501, "Tracing is off: this server has no index. "
                                     "Start it with: unspin serve --index INDEX")
        matches = await workers.run(lambda: loaded.search(text, req.top))
        try:
            out = TraceOut(matches=[MatchOut.model_validate(m.to_dict()) for m in matches])
        except (AttributeError, ValidationError) as exc:
            raise ResourceError(
                f"The trace index returned matches in an unexpected form ({type(exc).__name__}). "
                "Upgrade unspin so the server and unspin.trace agree."
            ) from exc
        return out.model_dump()

    @app.get("/api/health", response_model=HealthOut, tags=["api"])
    async def health() -> dict[str, Any]:
        """Liveness and settings: is an index loaded, the body limit, the deadline."""
        return {"status": "ok", "version": __version__, "index_loaded": app.state.index is not None,
                "max_bytes": config.max_bytes, "timeout": config.timeout,
                "min_confidence": api.DEFAULT_MIN_CONFIDENCE}

    def page(name: str) -> Response:
        return Response(static[name], media_type=_MEDIA[name.rsplit(".", 1)[1]], headers=_PAGE_HEADERS)

    @app.get("/", include_in_schema=False)
    async def index_page() -> Response:
        return page("index.html")

    @app.get("/static/{name}", include_in_schema=False)
    async def static_file(name: str) -> Response:
        if name not in static or name == "index.html":
            raise HTTPException(404, f"No static file {name!r}.")
        return page(name)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return page("favicon.svg")

    app.add_middleware(_BodyGuard, max_bytes=config.max_bytes)
    return app


@contextmanager
def running(config: ServeConfig = ServeConfig(port=0), index: TraceIndex | None = None) -> Iterator[str]:
    """Serve in a background thread of this process; yields the base URL.

    For tests, scripts and benchmarks. ``port=0`` picks a free port.

    Example:
        >>> with running(ServeConfig(port=0, warm_up=False)) as url:
        ...     url.startswith("http://127.0.0.1:")
        True
    """
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET6 if ":" in config.host else socket.AF_INET)
    sock.bind((config.host, config.port))
    server = uvicorn.Server(uvicorn.Config(create_app(config, index), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise ResourceError("The server thread stopped before it started; see the log above.")
            time.sleep(0.02)
        host, port = sock.getsockname()[:2]
        yield f"http://{f'[{host}]' if ':' in host else host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def run(config: ServeConfig) -> None:
    """Open the index (if any), then serve until interrupted."""
    import uvicorn

    config.validate()
    index = open_index(config.index) if config.index else None
    app = create_app(config, index)
    if config.host not in _LOOPBACK:
        print(f"warning: listening on {config.host}: anyone who can reach this machine can use the server.",
              file=sys.stderr)
    print(f"unspin: serving on http://{config.host}:{config.port}/  (Ctrl+C to stop)", file=sys.stderr)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", access_log=False)

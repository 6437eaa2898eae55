from __future__ import annotations

import base64
import json
import sys
import time
import types
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from unspin import api
from unspin.cli import app as cli_app
from unspin.errors import ConfigError, InputError, ResourceError, StoreError, UnspinError
from unspin.serve import (
    ERROR_STATUS,
    ServeConfig,
    _Deadline,
    _Workers,
    create_app,
    open_index,
    running,
)

SPUN = "Officials mentioned that the regulation enforcement officers used counterfeit consciousness to quell violent unrest."


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServeConfig(warm_up=False))) as c:
        yield c


def post_raw(client: TestClient, path: str, body: bytes, **headers: str) -> httpx.Response:
    return client.post(path, content=body, headers={"content-type": "application/json", **headers})


def assert_error(res: httpx.Response, status: int, *words: str) -> str:
    assert res.status_code == status, res.text
    data = res.json()
    assert set(data) == {"error"}
    message: str = data["error"]
    assert message and "\n" not in message and "Traceback" not in message
    for w in words:
        assert w in message
    return message


# ---------------------------------------------------------------- the endpoints


def test_health(client: TestClient) -> None:
    data = client.get("/api/health").json()
    assert data == {"status": "ok", "version": data["version"], "index_loaded": False,
                    "max_bytes": 2_000_000, "timeout": 30.0, "min_confidence": api.DEFAULT_MIN_CONFIDENCE}


def test_check_mirrors_the_python_api(client: TestClient) -> None:
    res = client.post("/api/check", json={"text": SPUN})
    assert res.status_code == 200
    data = res.json()
    assert data == api.check(SPUN).to_dict()
    assert data["words"] == 14 and data["verdict"] in {"spun", "clean", "uncertain"}
    assert data["spans"], "the demo sentence has at least one spun span"
    for s in data["spans"]:
        assert SPUN[s["start"] : s["end"]] == s["text"]
        assert set(s) == {"start", "end", "text", "suggestion", "confidence", "source", "supported"}


def test_check_passes_options(client: TestClient) -> None:
    data = client.post("/api/check", json={"text": SPUN, "fingerprints": False, "min_confidence": 0.99}).json()
    assert data == api.check(SPUN, fingerprints=False, min_confidence=0.99).to_dict()


def test_restore_and_compare_pass_assume_spun(client: TestClient) -> None:
    lone = "The regulation enforcement officers mentioned that the navy alliance got here 12 months in the past."
    original = "The law enforcement officers said that the military alliance came a year ago."
    for assumed in (False, True):
        data = client.post("/api/restore", json={"text": lone, "assume_spun": assumed}).json()
        assert data == api.restore(lone, assume_spun=assumed).to_dict()
        compared = client.post("/api/compare", json={"spun": lone, "original": original, "assume_spun": assumed}).json()
        assert compared["restored_text"] == data["text"]
        assert (len(data["edits"]) >= 2) is assumed


def test_restore_mirrors_the_python_api(client: TestClient) -> None:
    data = client.post("/api/restore", json={"text": SPUN}).json()
    assert data == api.restore(SPUN).to_dict()
    assert "law enforcement" in data["text"]


def test_compare_mirrors_the_python_api(client: TestClient) -> None:
    from unspin.compare import compare

    original = "Officials said that the law enforcement officers used artificial intelligence to quell violent unrest."
    res = client.post("/api/compare", json={"spun": SPUN, "original": original})
    assert res.status_code == 200, res.text
    assert res.json() == json.loads(json.dumps(compare(SPUN, original).to_dict()))
    assert res.json()["substitutions"]["total"] == 3
    assert_error(client.post("/api/compare", json={"spun": SPUN, "original": " "}), 400, "original is empty")
    assert_error(client.post("/api/compare", json={"spun": SPUN}), 422, "original")
    assert_error(client.post("/api/compare", json={"spun": "  ", "original": original}), 400, "empty")


def test_compare_a_passage_with_the_whole_text_restored(client: TestClient) -> None:
    from unspin.compare import compare_passages

    text = "The navy alliance moved in. " + SPUN
    at = text.index(SPUN)
    original = "Officials said that the law enforcement officers used artificial intelligence to quell violent unrest."
    res = client.post("/api/compare", json={"spun": text, "original": original, "start": at, "end": len(text)})
    assert res.status_code == 200, res.text
    expected = compare_passages(text, [(at, len(text), original)], api.restore(text))
    assert res.json() == json.loads(json.dumps(expected.to_dict()))
    for body, words in (({"start": at}, ["both start and end"]), ({"start": 5, "end": 5000}, ["not inside"]),
                        ({"start": 9, "end": 3}, ["not inside"])):
        assert_error(client.post("/api/compare", json={"spun": text, "original": original, **body}), 400, *words)
    assert_error(client.post("/api/compare", json={"spun": text, "original": " ", "start": 0, "end": 5}), 400,
                 "original is empty")


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/api/check", "/api/restore", "/api/compare", "/api/trace", "/api/text",
                                    "/api/health"}
    check_in = schema["components"]["schemas"]["CheckRequest"]["properties"]
    assert set(check_in) == {"text", "fingerprints", "min_confidence", "explain"}
    restore_in = schema["components"]["schemas"]["RestoreRequest"]["properties"]
    assert set(restore_in) == {*check_in, "assume_spun"}
    assert "413" in schema["paths"]["/api/check"]["post"]["responses"]


def test_explain_gives_each_span_its_evidence_and_only_then(client: TestClient) -> None:
    plain = client.post("/api/check", json={"text": SPUN}).json()
    assert plain["spans"] and all("evidence" not in s for s in plain["spans"])
    res = client.post("/api/restore", json={"text": SPUN, "explain": True})
    assert res.status_code == 200
    assert res.json() == api.restore(SPUN).to_dict(explain=True)
    assert all(s["evidence"] for s in res.json()["edits"])


def test_text_of_a_dropped_pdf_or_utf16_file(client: TestClient, tmp_path: Path, write_pdf) -> None:  # type: ignore[no-untyped-def]
    write_pdf(tmp_path / "p.pdf", "The regu-\nlation enforcement officers\nmentioned it.")
    res = client.post("/api/text", json={"name": "paper.pdf", "data": base64.b64encode((tmp_path / "p.pdf").read_bytes()).decode()})
    assert res.status_code == 200, res.text
    data = res.json()
    assert data["text"].split() == "The regulation enforcement officers mentioned it.".split()
    assert "a PDF of 1 page" in data["note"] and "paper.pdf" in data["note"]
    res = client.post("/api/text", json={"data": base64.b64encode("café".encode("utf-16")).decode()})
    assert res.json() == {"text": "café", "note": None}


@pytest.mark.parametrize("data, words", [
    ("not base64!", ["base64"]),
    (base64.b64encode(b"%PDF-1.4 junk").decode(), ["not a readable PDF", "x.pdf"]),
    (base64.b64encode(b"\x00\x01binary").decode(), ["binary"]),
])
def test_text_of_a_bad_file_is_a_one_line_4xx(client: TestClient, data: str, words: list[str]) -> None:
    res = client.post("/api/text", json={"name": "x.pdf", "data": data})
    assert 400 <= res.status_code < 500
    assert_error(res, res.status_code, *words)


def test_page_and_static_files_are_local(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for path in ["/", "/static/app.js", "/static/style.css", "/static/favicon.svg"]:
        res = client.get(path)
        assert res.status_code == 200
        assert "://" not in res.text.replace("http://www.w3.org/2000/svg", ""), f"{path} loads from elsewhere"


@pytest.mark.parametrize("path", ["/static/index.html", "/static/../serve.py", "/static/..%2Fserve.py",
                                  "/static/%2Fetc%2Fpasswd", "/docs", "/redoc"])
def test_no_server_paths_or_cdn_pages(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("text", ["", "   \n\t "])
@pytest.mark.parametrize("path", ["/api/check", "/api/restore", "/api/trace"])
def test_empty_text_is_400(client: TestClient, path: str, text: str) -> None:
    assert_error(client.post(path, json={"text": text}), 400, "empty")


def test_bad_utf8_is_400(client: TestClient) -> None:
    assert_error(post_raw(client, "/api/check", b'{"text": "caf\xe9"}'), 400, "not valid UTF-8", "byte 13")


def test_lone_surrogate_escape_is_400(client: TestClient) -> None:
    assert_error(post_raw(client, "/api/check", b'{"text": "a \\ud800 b"}'), 400, "surrogate")


def test_malformed_json_is_400(client: TestClient) -> None:
    assert_error(post_raw(client, "/api/check", b'{"text": '), 400, "not valid JSON")


def test_not_json_is_415(client: TestClient) -> None:
    res = client.post("/api/check", content=b"text=hi", headers={"content-type": "application/x-www-form-urlencoded"})
    assert_error(res, 415, "application/json")


@pytest.mark.parametrize(
    "body, words",
    [
        ({}, ["text", "Field required"]),
        ({"text": 3}, ["text", "string"]),
        ({"text": "hi", "min_confidence": 1.5}, ["min_confidence"]),
        ({"text": "hi", "fingerprints": "maybe"}, ["fingerprints"]),
        (["hi"], ["body"]),
    ],
)
def test_schema_errors_are_422(client: TestClient, body: Any, words: list[str]) -> None:
    assert_error(client.post("/api/check", json=body), 422, "Invalid request", *words)


def test_trace_schema_error_is_422(client: TestClient) -> None:
    assert_error(client.post("/api/trace", json={"text": "hi", "top": 0}), 422, "top")


def test_body_over_limit_is_413(client: TestClient) -> None:
    body = json.dumps({"text": "word " * 400_001}).encode()
    assert len(body) > 2_000_000
    assert_error(post_raw(client, "/api/check", body), 413, "2,000,000 bytes", "--max-bytes")


def test_streamed_body_over_limit_is_413() -> None:
    small = TestClient(create_app(ServeConfig(warm_up=False, max_bytes=1000)))

    def chunks() -> Iterator[bytes]:  # no Content-Length: the guard must count
        yield b'{"text": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    assert_error(small.post("/api/check", content=chunks(), headers={"content-type": "application/json"}),
                 413, "1,000 bytes")
    assert small.post("/api/check", json={"text": "x" * 900}).status_code != 413


# ---------------------------------------------------------------- the error table


@pytest.mark.parametrize(
    "error, status",
    [(InputError, 400), (ConfigError, 422), (StoreError, 500), (ResourceError, 500), (UnspinError, 500)],
)
def test_error_table(monkeypatch: pytest.MonkeyPatch, client: TestClient, error: type[UnspinError],
                     status: int) -> None:
    assert ERROR_STATUS[error] == status

    def boom(*_a: Any, **_k: Any) -> None:
        raise error("Something is wrong. Do this next.")

    monkeypatch.setattr(api, "check", boom)
    assert_error(client.post("/api/check", json={"text": SPUN}), status, "Do this next.")


def test_error_subclass_uses_its_parent_row(monkeypatch: pytest.MonkeyPatch, client: TestClient) -> None:
    class NotText(InputError):
        pass

    def boom(*_a: Any, **_k: Any) -> None:
        raise NotText("That is a picture, not text.")

    monkeypatch.setattr(api, "restore", boom)
    assert_error(client.post("/api/restore", json={"text": SPUN}), 400, "picture")


def test_unexpected_crash_is_a_json_500(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api, "check", boom)
    c = TestClient(create_app(ServeConfig(warm_up=False)), raise_server_exceptions=False)
    message = assert_error(c.post("/api/check", json={"text": SPUN}), 500, "Internal error")
    assert "secret" not in message


# ---------------------------------------------------------------- time limits and load


def test_slow_request_is_504(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*_a: Any, **_k: Any) -> None:
        time.sleep(0.5)

    monkeypatch.setattr(api, "check", slow)
    c = TestClient(create_app(ServeConfig(warm_up=False, timeout=0.1)))
    assert_error(c.post("/api/check", json={"text": SPUN}), 504, "longer than 0.1 s", "--timeout")


def test_no_free_worker_is_503() -> None:
    workers = _Workers(size=1, timeout=0.2)

    async def scenario() -> list[int]:
        statuses: list[int] = []

        async def one(delay: float) -> None:
            try:
                await workers.run(lambda: time.sleep(delay))
                statuses.append(200)
            except _Deadline as exc:
                statuses.append(exc.status)

        async with anyio.create_task_group() as tg:
            tg.start_soon(one, 0.5)  # takes the only worker and overruns: 504
            await anyio.sleep(0.05)
            tg.start_soon(one, 0.0)  # waits for the worker until its deadline: 503
        return statuses

    assert sorted(anyio.run(scenario)) == [503, 504]
    time.sleep(0.4)  # let the abandoned job finish
    assert workers.pending == 0


def test_concurrent_requests_agree_with_sequential() -> None:
    texts = [SPUN, "The regulation enforcement officers got here yesterday.", SPUN.upper()]
    expected = {t: api.check(t).to_dict() for t in texts}
    with running(ServeConfig(port=0, warm_up=False)) as url, httpx.Client(base_url=url, timeout=60) as http:
        def one(i: int) -> tuple[str, httpx.Response]:
            text = texts[i % len(texts)]
            return text, http.post("/api/check", json={"text": text})

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(24)))
    for text, res in results:
        assert res.status_code == 200
        assert res.json() == expected[text]


def test_request_text_is_not_logged(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
                                    client: TestClient) -> None:
    marker = "zqxjv-private-marker"
    client.post("/api/check", json={"text": f"{SPUN} {marker}"})
    client.post("/api/check", content=f'{{"text": "{marker}'.encode(), headers={"content-type": "application/json"})
    out, err = capfd.readouterr()
    assert marker not in out + err + caplog.text


# ---------------------------------------------------------------- trace


@dataclass(frozen=True)
class FakeMatch:
    id: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": self.score,
                "passages": [{"query_start": 0, "query_end": 9, "source_start": 100, "source_end": 109}]}


class FakeIndex:
    def search(self, text: str, top: int) -> list[FakeMatch]:
        return [FakeMatch(f"doc-{i}", 1.0 - i / 10) for i in range(top)]


@pytest.fixture()
def fake_trace(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("unspin.trace")
    module.open_index = lambda path: FakeIndex()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "unspin.trace", module)
    return module


def test_trace_without_index_is_501(client: TestClient) -> None:
    assert_error(client.post("/api/trace", json={"text": SPUN, "top": 3}), 501, "--index")


def test_opening_an_index_without_the_trace_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "unspin.trace", None)  # import fails
    with pytest.raises(ResourceError, match=r"unspin\.trace"):
        open_index("some.db")


def test_trace_with_an_index(fake_trace: types.ModuleType) -> None:
    c = TestClient(create_app(ServeConfig(warm_up=False), index=open_index("some.db")))
    assert c.get("/api/health").json()["index_loaded"] is True
    res = c.post("/api/trace", json={"text": SPUN, "top": 2})
    assert res.status_code == 200
    assert res.json() == {"matches": [
        {"id": f"doc-{i}", "score": 1.0 - i / 10, "passages": [
            {"query_start": 0, "query_end": 9, "source_start": 100, "source_end": 109, "source_text": None}]}
        for i in range(2)
    ]}


def test_trace_result_in_a_foreign_form_is_500(fake_trace: types.ModuleType) -> None:
    class Odd:
        def search(self, text: str, top: int) -> list[str]:
            return ["not a match"]

    c = TestClient(create_app(ServeConfig(warm_up=False), index=Odd()))
    assert_error(c.post("/api/trace", json={"text": SPUN}), 500, "unexpected form")


# ---------------------------------------------------------------- CLI


def test_serve_help_has_example() -> None:
    res = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert res.exit_code == 0
    assert "Example:" in res.stdout and "--max-bytes" in res.stdout and "--index" in res.stdout


@pytest.mark.parametrize(
    "args, message",
    [(["--port", "70000"], "--port"), (["--max-bytes", "0"], "--max-bytes"), (["--timeout", "0"], "--timeout")],
)
def test_serve_bad_options_exit_2(args: list[str], message: str) -> None:
    res = CliRunner().invoke(cli_app, ["serve", *args])
    assert res.exit_code == 2
    assert res.stderr.startswith("error:") and message in res.stderr

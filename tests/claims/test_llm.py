"""The chat-model backend against a real HTTP server on 127.0.0.1 speaking the chat-completions wire format."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from basewatch.claims.extractor import Document
from basewatch.claims.llm import ChatEndpoint, ChatExtractor, LLMBackendError
from basewatch.watchlist.load import default_watchlist

TEXT = ("Title line\n\nRussian cargo planes flew from Hmeimim to Benghazi on Monday, flight data showed. "
        "The Kremlin denied any withdrawal.")


class _Handler(BaseHTTPRequestHandler):
    answer: ClassVar[dict[str, Any]] = {}
    status: ClassVar[int] = 200
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        request = json.loads(self.rfile.read(length))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **request})
        body = json.dumps(self.answer).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def completion(content: str) -> dict[str, Any]:
    """A chat.completion object as OpenAI-compatible servers (llama.cpp, vLLM, Ollama) return it."""
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1736900000, "model": "local",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.requests = []
    _Handler.status = 200
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def extractor(url: str) -> ChatExtractor:
    return ChatExtractor(ChatEndpoint(url, "local", api_key="k"), default_watchlist().sites)


def test_claims_are_anchored_in_the_text(server: str) -> None:
    claims_json = {"claims": [
        {"evidence": "Russian cargo planes flew from Hmeimim to Benghazi on Monday, flight data showed.",
         "event": "transport", "source": "flight data", "source_kind": "tracking", "certainty": "asserted",
         "actors": ["Russia"]},
        {"evidence": "The Kremlin denied any withdrawal.", "event": "withdrawal", "source": "Kremlin",
         "source_kind": "official", "certainty": "denied"},
        {"evidence": "A sentence the report does not contain.", "event": "strike", "source": "x",
         "source_kind": "media", "certainty": "asserted"},
        {"evidence": "The Kremlin denied any withdrawal.", "event": "retreat", "source": "Kremlin",
         "source_kind": "official", "certainty": "denied"},
    ]}
    _Handler.answer = completion(json.dumps(claims_json))
    claims = extractor(server).extract(Document(TEXT, dt.date(2025, 1, 15), body_start=12))
    assert [(TEXT[c.start:c.end], c.event, c.certainty, c.source_kind) for c in claims] == [
        ("Russian cargo planes flew from Hmeimim to Benghazi on Monday, flight data showed.", "transport",
         "asserted", "tracking"),
        ("The Kremlin denied any withdrawal.", "withdrawal", "denied", "official"),
    ]
    assert [p.site_id for p in claims[0].places] == ["khmeimim", "benghazi-port"]
    assert claims[0].date is not None and claims[0].date.start == dt.date(2025, 1, 13)
    assert claims[1].reliability == "C"  # Kremlin in the package table
    [request] = _Handler.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k"
    assert request["model"] == "local" and request["messages"][1]["content"] == TEXT[12:]


def test_server_error_is_a_clear_error(server: str) -> None:
    _Handler.status = 500
    _Handler.answer = {"error": "boom"}
    with pytest.raises(LLMBackendError, match="HTTP 500"):
        extractor(server).extract(Document(TEXT))


def test_answer_that_is_not_claims_is_refused(server: str) -> None:
    _Handler.answer = completion("I think there are two claims.")
    with pytest.raises(LLMBackendError, match="not JSON"):
        extractor(server).extract(Document(TEXT))


def test_unreachable_endpoint() -> None:
    bad = ChatExtractor(ChatEndpoint("http://127.0.0.1:9/v1", "m", timeout_s=2), default_watchlist().sites)
    with pytest.raises(LLMBackendError, match="cannot reach"):
        bad.extract(Document(TEXT))


def test_cli_extract_with_llm_url(server: str, tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("The Kremlin denied any withdrawal.\n", encoding="utf-8")
    _Handler.answer = completion(json.dumps({"claims": [
        {"evidence": "The Kremlin denied any withdrawal.", "event": "withdrawal", "source": "Kremlin",
         "source_kind": "official", "certainty": "denied"}]}))
    out = subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", str(tmp_path / "none.duckdb"), "claims", "extract", str(report),
         "--llm-url", server, "--llm-model", "m"],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    [line] = out.stdout.splitlines()
    assert json.loads(line)["certainty"] == "denied" and _Handler.requests[0]["model"] == "m"

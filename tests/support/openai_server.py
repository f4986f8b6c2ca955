"""A small OpenAI-compatible server on 127.0.0.1 for tests and benchmarks: a real HTTP server on
a real socket, answering ``POST /v1/chat/completions`` (plain or streamed) and ``GET /v1/models``
with whatever its ``answer`` function says.

It stands in for a model server where what the model writes is the thing under control (a
stub reply, a stand-in for a strong model); whyrec's ``openai`` backend talks to it exactly as
to vLLM or a hosted API.

    with OpenAIServer(lambda request: "We picked it.") as server:
        backend = OpenAIBackend(base_url=server.url, model=server.model)
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

#: a chat request's body (``model``, ``messages``, ``max_tokens``, ``stop``…) -> the reply text
Answer = Callable[[dict[str, Any]], str]


def estimate_tokens(text: str) -> int:
    """About four characters a token, as whyrec's own prompt budget counts English."""
    return max(1, math.ceil(len(text) / 4))


def cut(text: str, max_tokens: int | None, stop: list[str]) -> tuple[str, str]:
    """The reply as a server sends it: cut at the first stop string, then at ``max_tokens``
    (on a word boundary); and the finish reason (``stop`` or ``length``)."""
    for marker in stop:
        if marker and marker in text:
            text = text[:text.index(marker)]
    if max_tokens is None or estimate_tokens(text) <= max_tokens:
        return text, "stop"
    kept = text[:max_tokens * 4]
    if " " in kept:
        kept = kept[:kept.rindex(" ")]
    return kept, "length"


class OpenAIServer:
    """The server, started on a free port; every request body is kept in :attr:`requests`.

    ``honour_limits`` cuts replies at the request's ``stop`` strings and ``max_tokens`` as a real
    server does (``finish_reason: "length"``); :attr:`cut_replies` counts the replies cut short.
    :attr:`replies` holds each text as sent, in the order of :attr:`requests`.
    """

    def __init__(self, answer: Answer, *, model: str = "stub", honour_limits: bool = True,
                 ) -> None:
        self.answer = answer
        self.model = model
        self.honour_limits = honour_limits
        self.requests: list[dict[str, Any]] = []
        self.replies: list[str] = []
        self.cut_replies = 0
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The API root to give the ``openai`` backend as ``base_url``."""
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def reply(self, body: dict[str, Any]) -> tuple[str, str]:
        """The text and finish reason for one chat request (both recorded)."""
        with self._lock:
            self.requests.append(body)
            index = len(self.requests) - 1
            self.replies.append("")
        text, finish = self.answer(body), "stop"
        if self.honour_limits:
            stop = body.get("stop") or []
            text, finish = cut(text, body.get("max_tokens"), [stop] if isinstance(stop, str)
                               else list(stop))
        with self._lock:
            self.replies[index] = text
            self.cut_replies += finish == "length"
        return text, finish

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _handler(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the openai client expects
        disable_nagle_algorithm = True  # headers and body in separate writes: no 40 ms stall

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            self._json(200, {"object": "list", "data": [
                {"id": server.model, "object": "model", "created": 0, "owned_by": "test"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            text, finish = server.reply(body)
            if body.get("stream"):
                self._stream(text, finish)
                return
            prompt_tokens = sum(estimate_tokens(str(m.get("content", "")))
                                for m in body.get("messages", []))
            completion_tokens = estimate_tokens(text)
            self._json(200, {
                "id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion",
                "created": 0, "model": server.model,
                "choices": [{"index": 0, "finish_reason": finish,
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens}})

        def _stream(self, text: str, finish: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            pieces = [w + " " for w in text.split(" ")]
            pieces[-1] = pieces[-1][:-1]
            for number, piece in enumerate([*pieces, None]):
                chunk = {"id": "chatcmpl-stream", "object": "chat.completion.chunk",
                         "created": 0, "model": server.model,
                         "choices": [{"index": 0, "delta": {} if piece is None else (
                             {"role": "assistant", "content": piece} if number == 0
                             else {"content": piece}),
                             "finish_reason": finish if piece is None else None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass  # quiet: tests and benchmarks print their own output

    return Handler

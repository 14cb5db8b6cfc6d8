"""A scripted HTTP server on 127.0.0.1: replays `Reply`s in order and records every request.

The OpenAI and Ollama servers subclass it and speak their real wire formats, so tests drive
the real client classes (ChatOpenAI, ChatOllama) over real HTTP. A script item is a `Reply`, or
a function of the request body returning one (for a model that reacts to what it is sent).
When the script runs out, `fallback` answers (by default an HTTP 500 saying so, so a test that
under-scripts fails loudly).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class ToolCall:
    name: str
    # A dict is sent as JSON; a str is sent verbatim (to script malformed arguments).
    arguments: dict[str, Any] | str = field(default_factory=dict)


@dataclass
class Reply:
    """One scripted answer to a chat request."""

    text: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # error message body for a non-200 status
    delay: float = 0.0  # seconds before answering (a slow or hung server)
    drop: bool = False  # close the connection without answering
    kill: bool = False  # answer nothing and shut the whole server down

    @classmethod
    def say(cls, text: str, **kw: Any) -> Reply:
        return cls(text=text, **kw)

    @classmethod
    def call(cls, name: str, arguments: dict[str, Any] | str | None = None, **kw: Any) -> Reply:
        return cls(tool_calls=[ToolCall(name, {} if arguments is None else arguments)], **kw)

    @classmethod
    def fail(cls, status: int, error: str = "scripted failure", **kw: Any) -> Reply:
        return cls(status=status, error=error, **kw)


Responder = Callable[[dict[str, Any]], Reply]
ScriptItem = Reply | Responder


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None


def parse_body(raw: bytes, content_type: str) -> dict[str, Any] | None:
    """JSON, or a multipart form as {field: text} with each file as {filename, size, data}."""
    if not raw:
        return None
    if not content_type.startswith("multipart/form-data"):
        parsed: dict[str, Any] = json.loads(raw)
        return parsed
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        fields[str(name)] = (
            {"filename": filename, "size": len(data), "data": data} if filename else data.decode()
        )
    return fields


class ScriptedServer:
    """Start with `start()` (or as a context manager); `url` is the base URL."""

    def __init__(
        self,
        script: Iterable[ScriptItem] = (),
        *,
        models: Iterable[str] = ("test-model",),
        api_key: str | None = None,
        fallback: Responder | None = None,
    ) -> None:
        self.script: deque[ScriptItem] = deque(script)
        self.models = list(models)
        self.api_key = api_key
        self.fallback = fallback or (lambda body: Reply.fail(500, "script exhausted"))
        self.requests: list[Recorded] = []
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> ScriptedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server._dispatch(self, "GET")

            def do_POST(self) -> None:
                server._dispatch(self, "POST")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down and close the socket: later connections are refused."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.body is not None and self.is_chat(r.path)]

    def push(self, *items: ScriptItem) -> None:
        self.script.extend(items)

    # -- protocol hooks (subclasses) ---------------------------------------------------------
    def is_chat(self, path: str) -> bool:
        raise NotImplementedError

    def route(
        self, method: str, path: str, headers: dict[str, str], body: dict[str, Any] | None
    ) -> tuple[int, dict[str, str], Any] | None:
        """Non-chat endpoints: (status, headers, JSON body), or None for 404."""
        raise NotImplementedError

    def write_reply(
        self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: Reply
    ) -> None:
        raise NotImplementedError

    def error_body(self, reply: Reply) -> Any:
        raise NotImplementedError

    def check_chat(self, headers: dict[str, str], body: dict[str, Any]) -> Reply | None:
        """A protocol-level rejection (bad key, unknown model) before the script is consulted."""
        return None

    # -- plumbing ----------------------------------------------------------------------------
    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        body = parse_body(raw, headers.get("content-type", ""))
        path = handler.path.split("?")[0]
        self.requests.append(Recorded(method, path, headers, body))
        if not self.is_chat(path):
            routed = self.route(method, path, headers, body)
            status, extra, payload = routed if routed else (404, {}, {"error": "not found"})
            self.send_json(handler, status, payload, extra)
            return
        body = body or {}
        reply = self.check_chat(headers, body) or self._next(body)
        if reply.delay and self._stopping.wait(reply.delay):
            return
        if reply.kill:
            threading.Thread(target=self.stop, daemon=True).start()
            handler.close_connection = True
            return
        if reply.drop:
            handler.close_connection = True
            return
        if reply.status != 200:
            self.send_json(handler, reply.status, self.error_body(reply), reply.headers)
            return
        self.write_reply(handler, body, reply)

    def _next(self, body: dict[str, Any]) -> Reply:
        item = self.script.popleft() if self.script else self.fallback
        return item if isinstance(item, Reply) else item(body)

    @staticmethod
    def send_json(
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def start_stream(handler: BaseHTTPRequestHandler, content_type: str) -> None:
        # No length: the body ends when the connection closes, as SSE / NDJSON servers do.
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True

    @staticmethod
    def pieces(text: str) -> list[str]:
        """Split text into token-like pieces (words with their trailing space)."""
        words = text.split(" ")
        return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]

    @staticmethod
    def now() -> int:
        return int(time.time())

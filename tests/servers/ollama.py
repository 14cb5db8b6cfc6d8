"""A scripted Ollama server: /api/chat (NDJSON streaming and single JSON, tool calls),
/api/tags and /api/show (capabilities), with Ollama's own error shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.servers.base import Reply, ScriptedServer


class OllamaServer(ScriptedServer):
    def __init__(self, *args: Any, tools: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tools = tools  # whether /api/show reports the "tools" capability

    def is_chat(self, path: str) -> bool:
        return path.rstrip("/") == "/api/chat"

    def route(
        self, method: str, path: str, headers: dict[str, str], body: dict[str, Any] | None
    ) -> tuple[int, dict[str, str], Any] | None:
        if path == "/api/tags":
            models = [
                {
                    "name": m,
                    "model": m,
                    "modified_at": self._stamp(),
                    "size": 1,
                    "digest": "0" * 64,
                    "details": {"family": "scripted"},
                }
                for m in self.models
            ]
            return 200, {}, {"models": models}
        if path == "/api/show" and method == "POST":
            name = (body or {}).get("model") or (body or {}).get("name")
            if name not in self.models:
                return 404, {}, {"error": f"model '{name}' not found"}
            capabilities = ["completion", "tools"] if self.tools else ["completion"]
            return 200, {}, {"capabilities": capabilities, "details": {"family": "scripted"}}
        if path == "/api/version":
            return 200, {}, {"version": "0.0.0-scripted"}
        return None

    def check_chat(self, headers: dict[str, str], body: dict[str, Any]) -> Reply | None:
        if body.get("model") not in self.models:
            return Reply(status=404, error=f"model '{body.get('model')}' not found")
        return None

    def error_body(self, reply: Reply) -> Any:
        return {"error": reply.error or "error"}

    @staticmethod
    def _stamp() -> str:
        return datetime.now(UTC).isoformat()

    def _message(self, reply: Reply, content: str) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if reply.tool_calls:
            # Ollama sends arguments as an object; a scripted str is sent as-is to be malformed.
            message["tool_calls"] = [
                {"function": {"name": c.name, "arguments": c.arguments}} for c in reply.tool_calls
            ]
        return message

    def _final(self, body: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
        return {
            "model": body.get("model"),
            "created_at": self._stamp(),
            "message": message,
            "done": True,
            "done_reason": "stop",
            "total_duration": 1_000_000,
            "load_duration": 1000,
            "prompt_eval_count": 10,
            "prompt_eval_duration": 1000,
            "eval_count": 5,
            "eval_duration": 1000,
        }

    def write_reply(
        self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: Reply
    ) -> None:
        if body.get("stream", True) is False:
            self.send_json(handler, 200, self._final(body, self._message(reply, reply.text or "")))
            return
        self.start_stream(handler, "application/x-ndjson")

        def line(payload: dict[str, Any]) -> None:
            handler.wfile.write((json.dumps(payload) + "\n").encode())
            handler.wfile.flush()

        for piece in self.pieces(reply.text) if reply.text else []:
            line(
                {
                    "model": body.get("model"),
                    "created_at": self._stamp(),
                    "message": {"role": "assistant", "content": piece},
                    "done": False,
                }
            )
        if reply.tool_calls:
            # Ollama streams a tool call whole, in one chunk of its own.
            line(
                {
                    "model": body.get("model"),
                    "created_at": self._stamp(),
                    "message": self._message(reply, ""),
                    "done": False,
                }
            )
        line(self._final(body, {"role": "assistant", "content": ""}))

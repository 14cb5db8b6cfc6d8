"""A scripted OpenAI-compatible server: /v1/chat/completions (JSON and SSE streaming, tool_calls),
/v1/models and /v1/audio/transcriptions, with optional API-key checking and unknown-model errors
like the real API."""

from __future__ import annotations

import json
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.servers.base import Reply, ScriptedServer


class OpenAIServer(ScriptedServer):
    # llama-cpp-python's server answers HTTP 500 to an assistant turn that calls tools with
    # `content: null`; set this to behave the same.
    rejects_null_content = False
    # llama-server lists its model by file path and answers to any model name; set this to
    # behave the same.
    serves_any_model = False

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def is_chat(self, path: str) -> bool:
        return path.rstrip("/").endswith("/chat/completions")

    # POST /v1/audio/transcriptions answers with this text, unless a scripted reply (status,
    # headers, JSON body) waits in `transcriptions`.
    transcript = "A KV cache stores the keys and values of earlier tokens."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transcriptions: deque[tuple[int, dict[str, str], Any]] = deque()

    def route(
        self, method: str, path: str, headers: dict[str, str], body: dict[str, Any] | None
    ) -> tuple[int, dict[str, str], Any] | None:
        if path.rstrip("/").endswith("/audio/transcriptions") and method == "POST":
            if not self._key_ok(headers):
                return 401, {}, self._error("Incorrect API key provided.", "invalid_api_key")
            if self.transcriptions:
                return self.transcriptions.popleft()
            return 200, {}, {"text": self.transcript}
        if path.rstrip("/").endswith("/models") and method == "GET":
            if not self._key_ok(headers):
                return 401, {}, self._error("Incorrect API key provided.", "invalid_api_key")
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "scripted"}
                for m in self.models
            ]
            return 200, {}, {"object": "list", "data": data}
        return None

    def check_chat(self, headers: dict[str, str], body: dict[str, Any]) -> Reply | None:
        if not self._key_ok(headers):
            return Reply(status=401, error="Incorrect API key provided.")
        if not self.serves_any_model and body.get("model") not in self.models:
            return Reply(status=404, error=f"The model `{body.get('model')}` does not exist")
        if self.rejects_null_content and any(
            m.get("role") == "assistant" and m.get("content") is None
            for m in body.get("messages", [])
        ):
            return Reply(status=500, error="Expected 'content' to be a string")
        return None

    def _key_ok(self, headers: dict[str, str]) -> bool:
        return self.api_key is None or headers.get("authorization") == f"Bearer {self.api_key}"

    @staticmethod
    def _error(message: str, code: str | None = None) -> dict[str, Any]:
        return {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": code,
            }
        }

    def error_body(self, reply: Reply) -> Any:
        return self._error(reply.error or "error")

    def write_reply(
        self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: Reply
    ) -> None:
        if body.get("stream"):
            self._stream(handler, body, reply)
        else:
            self.send_json(handler, 200, self._completion(body, reply))

    def _calls(self, reply: Reply) -> list[dict[str, Any]]:
        return [
            {
                "id": f"call_{i}",
                "type": "function",
                "function": {
                    "name": c.name,
                    "arguments": c.arguments
                    if isinstance(c.arguments, str)
                    else json.dumps(c.arguments),
                },
            }
            for i, c in enumerate(reply.tool_calls)
        ]

    def _completion(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if reply.tool_calls:
            message["tool_calls"] = self._calls(reply)
        return {
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": self.now(),
            "model": body.get("model"),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }

    def _stream(self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: Reply) -> None:
        self.start_stream(handler, "text/event-stream")

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> None:
            event = {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": self.now(),
                "model": body.get("model"),
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
                **extra,
            }
            handler.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            handler.wfile.flush()

        chunk({"role": "assistant", "content": "" if reply.text is not None else None})
        for piece in self.pieces(reply.text or "") if reply.text else []:
            chunk({"content": piece})
        for index, call in enumerate(self._calls(reply)):
            arguments = call["function"]["arguments"]
            head = {
                "index": index,
                "id": call["id"],
                "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""},
            }
            chunk({"tool_calls": [head]})
            # Arguments arrive in fragments, as real servers send them.
            for start in range(0, len(arguments), 8):
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": index,
                                "function": {"arguments": arguments[start : start + 8]},
                            }
                        ]
                    }
                )
        chunk({}, "tool_calls" if reply.tool_calls else "stop")
        if (body.get("stream_options") or {}).get("include_usage"):
            event = {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": self.now(),
                "model": body.get("model"),
                "choices": [],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
            handler.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()

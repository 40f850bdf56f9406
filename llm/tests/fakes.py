"""Replies in each provider's wire format, for the root conftest's `fake_http_server`."""

from __future__ import annotations

import json
from typing import Any

from conftest import FakeResponse

RECEIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["name"]}}},
}


def openai_reply(
    content: str | dict[str, Any], *, prompt_tokens: int = 120, completion_tokens: int = 40
) -> Any:
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_760_000_000,
        "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def gemini_reply(
    content: str | dict[str, Any], *, prompt_tokens: int = 120, completion_tokens: int = 40
) -> Any:
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}],
        "usageMetadata": {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": completion_tokens,
            "totalTokenCount": prompt_tokens + completion_tokens,
        },
    }


def reply(protocol: str, content: str | dict[str, Any], **kwargs: Any) -> FakeResponse:
    build = openai_reply if protocol == "openai" else gemini_reply
    return FakeResponse(body=build(content, **kwargs))


def error(status: int, *, retry_after: str | None = None) -> FakeResponse:
    # Both SDKs read this shape (Gemini's status names; OpenAI's SDK only needs the HTTP status).
    body = {"error": {"code": status, "message": "scripted failure", "status": "UNAVAILABLE"}}
    return FakeResponse(status=status, body=body, headers={"Retry-After": retry_after} if retry_after else {})

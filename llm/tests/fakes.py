"""Replies in each provider's wire format, for the root conftest's `fake_http_server`."""

from __future__ import annotations

from typing import Any

from conftest import FakeResponse, gemini_reply, openai_reply

RECEIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["name"]}}},
}


def reply(protocol: str, content: str | dict[str, Any], **kwargs: Any) -> FakeResponse:
    build = openai_reply if protocol == "openai" else gemini_reply
    return FakeResponse(body=build(content, **kwargs))


def error(status: int, *, retry_after: str | None = None) -> FakeResponse:
    # Both SDKs read this shape (Gemini's status names; OpenAI's SDK only needs the HTTP status).
    body = {"error": {"code": status, "message": "scripted failure", "status": "UNAVAILABLE"}}
    return FakeResponse(status=status, body=body, headers={"Retry-After": retry_after} if retry_after else {})

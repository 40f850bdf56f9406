"""The provider boundary: a request goes in, a response comes out, both plain frozen values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class LLMRequest:
    """One chat turn asking for a JSON object.

    `prompt_version` is part of the cache key: bump it whenever the caller changes its prompt or schema so old
    answers stop being served. `json_schema` (a JSON Schema subset, see llm/schema.py) is checked on every reply.
    """

    system: str
    user: str
    temperature: float = 0.0
    prompt_version: str = "1"
    json_schema: Mapping[str, Any] | None = field(default=None, compare=False)
    max_output_tokens: int = 2048
    purpose: str = ""


@dataclass(frozen=True)
class LLMResponse:
    text: str
    data: Any
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0
    cached: bool = False


class LLMProvider(Protocol):
    """One module per provider under llm/providers/. Implementations raise only LLMError subclasses."""

    name: str
    model: str
    # False for the offline provider: nothing leaves the server, callers use their own rules.
    is_remote: bool

    def complete(self, request: LLMRequest) -> LLMResponse: ...

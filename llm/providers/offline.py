"""The offline provider: nothing leaves the server. Callers see `is_remote = False` and use their own rules
(the offline receipt parser, the curated category taxonomy); `complete` exists only to satisfy the interface."""

from __future__ import annotations

from llm.errors import LLMUnavailable
from llm.types import LLMRequest, LLMResponse


class OfflineProvider:
    name = "offline"
    model = "rules"
    is_remote = False

    @classmethod
    def from_settings(cls) -> OfflineProvider:
        return cls()

    def complete(self, request: LLMRequest) -> LLMResponse:
        raise LLMUnavailable("the offline provider sends nothing; use the local rules")

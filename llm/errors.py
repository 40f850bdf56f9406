"""Our own error family: provider SDK exceptions are translated into these at the edge (llm/providers/)."""


class LLMError(Exception):
    """Any failure to get a usable answer from a language model."""

    outcome = "error"
    retryable = False


class LLMTimeout(LLMError):
    outcome = "timeout"
    retryable = True


class LLMRateLimited(LLMError):
    """The provider answered 429. `retry_after` is its hint in seconds, when it gave one."""

    outcome = "rate_limited"
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LLMUnavailable(LLMError):
    """Connection refused, 5xx, or a provider that sends nothing (offline)."""

    outcome = "unavailable"
    retryable = True


class LLMBadResponse(LLMError):
    """The provider answered, but not with JSON matching the requested schema. Asking again rarely helps."""

    outcome = "bad_response"


class LLMRequestRejected(LLMError):
    """4xx other than 429: wrong key, unknown model, request too large. Retrying cannot help."""

    outcome = "rejected"

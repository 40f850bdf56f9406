"""The one way the rest of Grapefruit talks to a language model: `llm_complete`.

Order of checks: the provider is remote, the household has not opted out, the prompt is redacted, the cache is
asked, then the monthly budget and the member's rate limit are checked before anything leaves the server. Every
way of not getting an answer ends in an LLMOutcome without a response, so the caller uses its offline rules;
`notice` says why in words a member can be shown ("nothing is lost": the offline result still stands).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from grapefruit.redaction import redact_receipt_text
from llm.cache import cache_key, cache_lookup, cache_store
from llm.errors import LLMError
from llm.limits import month_usage, rate_limited
from llm.models import LLMCallLog
from llm.pricing import estimate_cost
from llm.providers import get_provider
from llm.retry import call_with_retries
from llm.schema import parse_json_reply
from llm.types import LLMProvider, LLMRequest, LLMResponse

RETRY_BASE_DELAY = 0.5


@dataclass(frozen=True)
class LLMOutcome:
    """`response` is None whenever the caller must fall back; `reason` is a stable code, `notice` human words."""

    response: LLMResponse | None
    reason: str
    notice: str = ""

    @property
    def ok(self) -> bool:
        return self.response is not None


def llm_complete(*, request: LLMRequest, household: Any = None, actor: Any = None) -> LLMOutcome:
    provider = get_provider()
    if not provider.is_remote:
        return LLMOutcome(None, "offline")
    if household is not None and household.llm_opt_out:
        return _refused(LLMOutcome(None, "opt_out"), request, household=household, actor=actor)
    redacted = redact_receipt_text(request.user)
    sent = replace(request, user=redacted.text)
    key = cache_key(sent, model=provider.model)
    cached = _cached_response(key, sent)
    if cached is not None:
        return LLMOutcome(cached, "cache")
    if household is not None and month_usage(household).exceeded:
        budget = LLMOutcome(
            None,
            "budget",
            "Your household's monthly LLM budget is used up, so this was read on "
            "this server only. An owner can see the usage under “What left the server”.",
        )
        return _refused(budget, request, household=household, actor=actor)
    if rate_limited(actor):
        limit = LLMOutcome(
            None,
            "rate_limit",
            f"Too many LLM requests in a short time (limit "
            f"{settings.LLM_RATE_LIMIT}), so this was read on this server only.",
        )
        return _refused(limit, request, household=household, actor=actor)
    return _call_remote(provider, sent, key=key, redactions=redacted.counts, household=household, actor=actor)


def _refused(outcome: LLMOutcome, request: LLMRequest, *, household: Any, actor: Any) -> LLMOutcome:
    """A request that was not sent (opt-out, budget, rate limit) is audited: the household sees why."""
    audit_record(
        actor=actor,
        household=household,
        action="llm.refuse",
        details={"reason": outcome.reason, "purpose": request.purpose[:40]},
        outcome=AuditEvent.Outcome.REFUSED,
    )
    return outcome


def _call_remote(
    provider: LLMProvider,
    sent: LLMRequest,
    *,
    key: str,
    redactions: dict[str, int],
    household: Any,
    actor: Any,
) -> LLMOutcome:
    attempts = 0

    def attempt() -> LLMResponse:
        nonlocal attempts
        attempts += 1
        return provider.complete(sent)

    started = time.monotonic()
    try:
        response: LLMResponse | None = call_with_retries(
            attempt, max_retries=settings.LLM_MAX_RETRIES, base_delay=RETRY_BASE_DELAY
        )
        error: LLMError | None = None
    except LLMError as exc:
        response, error = None, exc
    latency_ms = round((time.monotonic() - started) * 1000)
    prompt = f"[system]\n{sent.system}\n\n[user]\n{sent.user}"
    with transaction.atomic():
        log = LLMCallLog.objects.create(
            household=household,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            purpose=sent.purpose[:40],
            provider=provider.name,
            model=provider.model,
            prompt_sent=prompt,
            redactions=redactions,
            input_tokens=response.input_tokens if response else 0,
            output_tokens=response.output_tokens if response else 0,
            cost_estimate=_cost(provider.model, response, sent),
            latency_ms=latency_ms,
            attempts=attempts,
            outcome=error.outcome if error else LLMCallLog.Outcome.OK,
            error=str(error)[:200] if error else "",
        )
        audit_record(
            actor=actor,
            household=household,
            action="llm.call",
            target=log,
            details={"provider": provider.name, "outcome": log.outcome, "purpose": log.purpose},
        )
        if response is not None:
            cache_store(key, prompt=prompt, request=sent, response=response)
    if response is None:
        return LLMOutcome(
            None,
            f"error:{log.outcome}",
            f"The LLM could not help this time "
            f"({LLMCallLog.Outcome(log.outcome).label.lower()}), so this was read on this server only.",
        )
    return LLMOutcome(response, "ok")


def _cost(model: str, response: LLMResponse | None, sent: LLMRequest) -> Any:
    if response is not None:
        return estimate_cost(model, input_tokens=response.input_tokens, output_tokens=response.output_tokens)
    # A failed call may still be billed for its input: count it at roughly four characters per token.
    return estimate_cost(model, input_tokens=(len(sent.system) + len(sent.user)) // 4, output_tokens=0)


def _cached_response(key: str, sent: LLMRequest) -> LLMResponse | None:
    entry = cache_lookup(key)
    if entry is None:
        return None
    try:
        data = parse_json_reply(entry.response, sent.json_schema)
    except LLMError:
        return None  # stored under an older schema with the same prompt version: ask again, the store replaces it
    return LLMResponse(
        text=entry.response,
        data=data,
        provider=entry.provider,
        model=entry.model,
        input_tokens=entry.input_tokens,
        output_tokens=entry.output_tokens,
        latency_ms=0,
        cached=True,
    )

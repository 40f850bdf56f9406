"""The two limits on remote calls: a per-member rate limit and a per-household monthly budget."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django_ratelimit.core import get_usage

from llm.models import LLMCallLog

# Views that trigger LLM work may share these counters: @ratelimit(group=RATELIMIT_GROUP, key="user", ...).
RATELIMIT_GROUP = "llm"


def rate_limited(actor: Any) -> bool:
    """Count one LLM-backed action for `actor` and say whether it goes over LLM_RATE_LIMIT.

    Background work has no request, so the counter is keyed the way django-ratelimit's "user" key is (the
    user's primary key): a view decorated with the same group and rate shares it.
    """
    if actor is None or not getattr(actor, "pk", None):
        return False
    usage = get_usage(
        None,
        group=RATELIMIT_GROUP,
        key=lambda group, request: str(actor.pk),
        rate=settings.LLM_RATE_LIMIT,
        increment=True,
    )
    return bool(usage and usage["should_limit"])


@dataclass(frozen=True)
class MonthUsage:
    calls: int
    cost: Decimal
    call_budget: int
    cost_budget: Decimal

    @property
    def exceeded(self) -> bool:
        return self.calls >= self.call_budget or self.cost >= self.cost_budget


def month_usage(household: Any) -> MonthUsage:
    """Calls and estimated cost of `household` since the start of this calendar month (local time)."""
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    totals = LLMCallLog.objects.filter(household=household, created_at__gte=start).aggregate(
        calls=Count("id"), cost=Sum("cost_estimate")
    )
    return MonthUsage(
        calls=totals["calls"],
        cost=totals["cost"] or Decimal(0),
        call_budget=settings.LLM_MONTHLY_CALL_BUDGET,
        cost_budget=settings.LLM_MONTHLY_COST_BUDGET,
    )

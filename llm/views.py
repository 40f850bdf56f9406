from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from grapefruit.dates import Moments
from grapefruit.pages import render_page
from llm.limits import month_usage
from llm.models import LLMCallLog
from llm.providers import remote_provider_configured
from llm.selectors import SentCall, sent_calls, sent_calls_for_household

OUTCOMES = dict(LLMCallLog.Outcome.choices)


class CallRow(NamedTuple):
    """A call as the page shows it: its parts already text, or numbers."""

    when: str
    when_iso: str
    who: str
    purpose: str
    outcome: str
    attempts: int
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost: str  # dollars, to five places
    latency_ms: int
    removed: str  # " (1 card removed)", or empty
    prompt: str


def call_log(request: HttpRequest) -> HttpResponse:
    """ "What left the server": every request sent to an LLM for this household, as redacted and sent."""
    if not request.membership.is_owner:  # type: ignore[attr-defined]
        raise PermissionDenied("Only the household owner can see what was sent to an LLM.")
    household = request.household  # type: ignore[attr-defined]
    page = Paginator(sent_calls_for_household(household=household), 25).get_page(request.GET.get("page"))
    context = {
        "household": household,
        "page": page,
        "calls": _rows(sent_calls(page.object_list)),
        "usage": month_usage(household),
        "remote": remote_provider_configured(),
        "opted_out": household.llm_opt_out,
    }
    return render_page(request, "llm/call_log.html", context, title="What left the server")


def _rows(calls: Iterable[SentCall]) -> list[CallRow]:
    moments = Moments(timezone.now())
    return [
        CallRow(
            moments.label(call.created_at),
            call.created_at.isoformat(),
            call.actor_username or "system",
            call.purpose or "—",
            OUTCOMES.get(call.outcome, call.outcome),
            call.attempts,
            call.provider,
            call.model,
            call.input_tokens,
            call.output_tokens,
            "%.5f" % call.cost_estimate,  # noqa: UP031 (as the page always showed it: through a float)
            call.latency_ms,
            _removed(call.redactions),
            call.prompt_sent,
        )
        for call in calls
    ]


def _removed(redactions: dict[str, int]) -> str:
    if not redactions:
        return ""
    return " (" + ", ".join(f"{count} {kind}" for kind, count in redactions.items()) + " removed)"

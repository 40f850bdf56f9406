from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from grapefruit.pages import render_page
from llm.limits import month_usage
from llm.providers import remote_provider_configured
from llm.selectors import llm_calls_for_household


def call_log(request: HttpRequest) -> HttpResponse:
    """ "What left the server": every request sent to an LLM for this household, as redacted and sent."""
    if not request.membership.is_owner:  # type: ignore[attr-defined]
        raise PermissionDenied("Only the household owner can see what was sent to an LLM.")
    household = request.household  # type: ignore[attr-defined]
    calls = llm_calls_for_household(household=household)
    page = Paginator(calls, 25).get_page(request.GET.get("page"))
    context = {
        "household": household,
        "page": page,
        "usage": month_usage(household),
        "remote": remote_provider_configured(),
        "opted_out": household.llm_opt_out,
    }
    return render_page(request, "llm/call_log.html", context, title="What left the server")

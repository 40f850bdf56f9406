from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.selectors import audit_events_for_household


def audit_log(request: HttpRequest) -> HttpResponse:
    prefix = request.GET.get("action", "").strip()[:64]
    events = audit_events_for_household(household=request.household, action_prefix=prefix)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "action": prefix})

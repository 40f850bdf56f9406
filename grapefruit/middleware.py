"""Attach the signed-in member's household to every request, the root of all household scoping."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grapefruit.models import Membership

# Paths a signed-in user without a household may still reach (staff accounts made with createsuperuser).
_OPEN_PREFIXES = ("/admin/", "/accounts/", "/health", "/static/", "/invite/")


class HouseholdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.household = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            membership = Membership.objects.select_related("household").filter(user=request.user).first()
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.household = membership.household  # type: ignore[attr-defined]
            elif not request.path.startswith(_OPEN_PREFIXES):
                return render(request, "grapefruit/no_household.html", status=403)
        return self.get_response(request)

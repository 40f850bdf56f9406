"""Request middleware: the household of the signed-in member (the root of all household scoping), and the
loopback health check."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from grapefruit.models import Membership
from grapefruit.views import health_view

LOOPBACK_ADDRESSES = frozenset({"127.0.0.1", "::1"})

# Paths a signed-in user without a household may still reach (staff accounts made with createsuperuser).
_OPEN_PREFIXES = ("/admin/", "/accounts/", "/health", "/static/", "/invite/")


class HouseholdMiddleware:
    """Sets request.household and request.membership, and shows dates in the household's time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.household = None  # type: ignore[attr-defined]
        # Threads serve many households: every request sets the zone, or resets it to TIME_ZONE.
        timezone.deactivate()
        if request.user.is_authenticated:
            membership = Membership.objects.select_related("household").filter(user=request.user).first()
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.household = membership.household  # type: ignore[attr-defined]
                timezone.activate(membership.household.zone)
            elif not request.path.startswith(_OPEN_PREFIXES):
                return render(request, "grapefruit/no_household.html", status=403)
        return self.get_response(request)


class LoopbackHealthMiddleware:
    """Answer /health from the machine itself before the host check and the HTTPS redirect.

    The container health check asks http://127.0.0.1:8000/health: under production ALLOWED_HOSTS the host
    check would answer 400 (always unhealthy), and the HTTPS redirect a 301 (which `curl -f` takes as healthy,
    checking nothing). Requests from elsewhere go through every check as usual.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/health" and request.META.get("REMOTE_ADDR") in LOOPBACK_ADDRESSES:
            return health_view(request)
        return self.get_response(request)

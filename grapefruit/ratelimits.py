"""Rate limits for every request, in tiers, counted by django-ratelimit in the shared cache (Redis, or the database
cache when embedded), and the client address they count by.

Every request that reaches a view counts against the page tier: per member when signed in, per client address
otherwise. htmx polling (a GET with `HX-Request`, sent every few seconds while a receipt is read) counts against a
tier of its own instead, so a member watching a slow receipt does not use up their pages; a client faking the
header only moves to the polling tier, which is limited too. Some views also count against a stricter tier of their
own (sign-in, sign-up, password reset, invitations, uploads, LLM-backed actions). `/health` is exempt, and static
files never reach Django's views (WhiteNoise answers them first).

Behind a reverse proxy every request comes from the proxy's address; TRUSTED_PROXY_COUNT says how many proxies
append to X-Forwarded-For, and the client is the address the outermost of them saw. Anything a client writes
further left in that header is ignored, so it cannot pick its own bucket.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django_ratelimit.core import get_usage

ALL_METHODS: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tier:
    """A counter: its group name, the setting holding its rate ("N/period"), what it counts by, and for which
    HTTP methods (all when empty)."""

    group: str
    rate_setting: str
    key: str = "user_or_ip"
    methods: tuple[str, ...] = ALL_METHODS

    @property
    def rate(self) -> str:
        return getattr(settings, self.rate_setting)


PAGE = Tier("page", "PAGE_RATE_LIMIT")
POLL = Tier("poll", "POLL_RATE_LIMIT")
LOGIN = Tier("login", "LOGIN_RATE_LIMIT", key="ip", methods=("POST",))
SIGNUP = Tier("signup", "SIGNUP_RATE_LIMIT", key="ip", methods=("POST",))
PASSWORD_RESET = Tier("password-reset", "PASSWORD_RESET_RATE_LIMIT", key="ip", methods=("POST",))
# Opening an invitation link tells whether its token is valid, so every method counts.
INVITATION = Tier("invitation", "INVITATION_RATE_LIMIT", key="ip")
UPLOAD = Tier("upload", "UPLOAD_RATE_LIMIT", key="user", methods=("POST",))
# Views whose only purpose is asking a language model answer 429 past the limit. Where the model only improves an
# action the member needs anyway (reading a receipt, choosing a shelf), llm_complete counts each call against the
# same rate in its own counter and the action goes ahead with the offline rules.
LLM_ACTION = Tier("llm-action", "LLM_RATE_LIMIT", key="user", methods=("POST",))

# Stricter tiers by URL name. The admin's login form shares the sign-in counter.
STRICT_TIERS: dict[str, Tier] = {
    "login": LOGIN,
    "admin:login": LOGIN,
    "signup": SIGNUP,
    "password_reset": PASSWORD_RESET,
    "invitation_accept": INVITATION,
    "receipts:upload": UPLOAD,
    "orders:estimate_prices": LLM_ACTION,
}
EXEMPT_VIEWS = frozenset({"health"})


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the one the outermost saw."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded:
        return remote
    # Each trusted proxy appends the address it was reached from; entries further left are the client's word.
    candidate = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def tiers_for(request: HttpRequest) -> list[Tier]:
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        view_name = ""  # unknown paths count as pages too: probing for URLs costs the same as browsing
    if view_name in EXEMPT_VIEWS:
        return []
    polling = request.method == "GET" and request.headers.get("HX-Request") == "true"
    tiers = [POLL if polling else PAGE]
    if view_name in STRICT_TIERS:
        tiers.append(STRICT_TIERS[view_name])
    return tiers


def seconds_until_allowed(request: HttpRequest) -> int | None:
    """Count this request in each of its tiers; None when it may go ahead, else the seconds until it may."""
    waits = []
    for tier in tiers_for(request):
        if tier.methods and request.method not in tier.methods:
            continue
        if tier.key == "user" and not request.user.is_authenticated:
            continue  # the view will send the visitor to the sign-in page, which has its own limits
        usage = get_usage(request, group=tier.group, key=tier.key, rate=tier.rate, increment=True)
        if usage and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def too_many_requests(request: HttpRequest, wait_seconds: int | None = None) -> HttpResponse:
    """The friendly 429 page; nothing the member entered was saved, and the page says so."""
    response = render(request, "429.html", {"wait_minutes": -(-(wait_seconds or 60) // 60)}, status=429)
    if wait_seconds:
        response["Retry-After"] = str(wait_seconds)
    return response


class RateLimitMiddleware:
    """Counts every request in its tiers before the view runs (after authentication, so members count as
    themselves) and answers 429 when any tier is over its rate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wait = seconds_until_allowed(request)
        if wait is not None:
            return too_many_requests(request, wait)
        return self.get_response(request)

"""A strict Content Security Policy on every response: scripts, styles, fonts and images from this site only, no
inline code of any kind, no plugins, no framing, forms posting only here.

A policy that never varies needs no per-request nonce, so a few lines here do what django-csp would with a
dependency. It holds because the templates have no inline `<script>`, `<style>`, `style=` or `on*=`: CSS lives in
static/css, JS in static/js, and htmx is told not to inject its indicator style or evaluate code (base.html's
htmx-config). grapefruit/tests/test_csp.py renders every page and fails on inline code.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Pico CSS draws its form icons as data: SVG images.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response

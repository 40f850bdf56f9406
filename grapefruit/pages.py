"""Member pages whose content is a Jinja2 template, shown inside the site layout (templates/base.html).

The content is rendered first, then handed to the layout (base.html), which places it; the page's context goes to
the layout too, so the test client's `response.context` shows it as for any other page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.utils.safestring import mark_safe


def render_page(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any],
    *,
    title: str,
    status: int = 200,
    styles: tuple[str, ...] = (),
) -> HttpResponse:
    """Render `template_name` (Jinja2, under templates/jinja2/) as the content of a page called `title`.

    `styles` are static paths of the page's own stylesheets (CSP: no inline styles)."""
    # Django's Jinja2 backend adds `csrf_token`, `csrf_input` and `request` to the dict it is given: a copy, so
    # they stay out of the layout's context. There Jinja2's `csrf_token`, a lazy string, masked the token anew at
    # each of its three reads (about 30 µs each); the layout's own is masked once.
    content_context = dict(context)
    # Jinja2 escaped every value while rendering: the result is HTML, safe to place in the layout as it is.
    content = mark_safe(engines["jinja2"].get_template(template_name).render(content_context, request))  # noqa: S308
    layout = {**context, "page_title": title, "page_content": content, "page_styles": styles}
    return render(request, "base.html", layout, status=status)

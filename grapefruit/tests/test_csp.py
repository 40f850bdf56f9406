"""The Content Security Policy and the pages it has to hold for: no page may carry inline code or styles."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from grapefruit.csp import POLICY
from grapefruit.tests.site import household_ids, populate, routes


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP blocks: inline <script> and <style>, style= and on*= attributes, javascript:."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_sees_every_kind_of_inline_code():
    html = (
        '<script>x()</script><style>p{}</style><p style="color:red" onclick="x()">'
        '<a href="javascript:x()">x</a><script src="/static/a.js"></script>'
    )
    assert inline_code(html) == [
        "inline <script>",
        "<style> block",
        "<p style=...>",
        "<p onclick=...>",
        "<a href=javascript:...>",
    ]


@pytest.fixture
def own_site(client, membership):
    populate(membership)
    client.force_login(membership.user)
    return client, sorted(set().union(*household_ids(membership.household).values()))


def _rendered_pages(client, ids):
    """Every GET page a member can open, with their own objects' ids filled in."""
    for route in routes():
        if route.str_params or route.public:
            continue
        candidates = [{param: pk for param in route.int_params} for pk in ids] if route.int_params else [{}]
        for kwargs in candidates:
            response = client.get(route.url(**kwargs))
            if response.status_code == 200:
                yield route.name, response
                break


def test_every_page_has_the_policy_and_no_inline_code(own_site, client):
    client, ids = own_site
    pages = dict(_rendered_pages(client, ids))

    assert {"inventory:item_detail", "receipts:detail", "orders:order_detail", "audit:log"} <= set(pages)
    for name, response in pages.items():
        assert response["Content-Security-Policy"] == POLICY, name
        if response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], name


def test_public_and_error_pages_have_no_inline_code(client, db):
    for route in routes():
        if route.public:
            kwargs = {param: "not-a-token" for param in route.str_params}
            response = client.get(route.url(**kwargs))
            assert inline_code(response.content.decode()) == [], route.name
    request = RequestFactory().get("/")
    for template in ("403.html", "404.html", "429.html", "500.html"):
        assert inline_code(render_to_string(template, request=request)) == [], template


def test_the_policy_allows_nothing_inline_and_no_framing():
    directives = dict(part.split(" ", 1) for part in POLICY.split("; "))

    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in POLICY

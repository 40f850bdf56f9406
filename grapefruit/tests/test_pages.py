"""Member pages with Jinja2 content inside the Django layout (grapefruit.pages.render_page)."""

import re

import pytest
from django.test import RequestFactory

from grapefruit.pages import render_page
from receipts.models import Receipt

pytestmark = pytest.mark.django_db


def test_render_page_leaves_the_views_context_as_it_was(user, household):
    request = RequestFactory().get("/audit/")
    request.user, request.household = user, household
    context = {"receipt": Receipt(pk=7, status=Receipt.Status.NEEDS_REVIEW), "status_badge": "badge-warn"}
    given = dict(context)

    response = render_page(request, "receipts/_status.html", context, title="Receipt #7")

    assert 'data-testid="receipt-status">Needs review' in response.content.decode()
    assert context == given


def test_the_layout_masks_its_csrf_token_once(member_client):
    """The page's htmx header and the log-out form carry the same masked token: the layout reads it once, not the
    content's lazy token that masked it anew at each read."""
    page = member_client.get("/audit/").content.decode()
    header = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    logout = re.search(
        r'action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="(\w+)"', page
    )
    assert logout is not None
    assert header == logout.group(1)

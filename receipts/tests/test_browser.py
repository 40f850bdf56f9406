"""The main receipt journey in headless Chromium, with a real worker behind the page."""

from decimal import Decimal

import pytest

from receipts.models import Receipt
from receipts.tests.documents import fixture_text
from receipts.tests.helpers import make_item

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_member_uploads_text_corrects_a_match_applies_and_sees_inventory_change(
    celery_worker, logged_in_page, user, household
):
    fusilli = make_item(user=user, household=household, name="Fusilli pasta", quantity="2")
    page = logged_in_page
    page.goto("/receipts/")
    page.get_by_test_id("upload-link").click()
    page.fill("textarea[name=text]", fixture_text("corner_shop_1.txt"))
    page.get_by_role("button", name="Upload").click()

    # The status polls by itself and the page turns into the review form once the worker is done.
    page.get_by_test_id("review-form").wait_for(timeout=60_000)
    receipt = Receipt.objects.get(household=household)
    assert receipt.status == Receipt.Status.NEEDS_REVIEW
    first_line = page.locator("[data-testid=line][data-line='1']")
    assert "EXC FUS 85SELPP" in first_line.inner_text()
    first_line.locator("select[name$='-action']").select_option("add_existing")
    first_line.locator("input[name$='-item']").fill("Fusilli pasta")
    # The receipt is from March 2025: the page asks when its items were bought.
    assert "more than a week ago" in page.get_by_test_id("bought-on").inner_text()
    page.get_by_label("On the date printed on the receipt").check()
    page.get_by_test_id("apply").click()

    page.get_by_text("The receipt was added to your inventory.").wait_for()
    assert page.get_by_test_id("receipt-status").first.inner_text() == "Added to inventory"
    fusilli.refresh_from_db()
    assert fusilli.quantity == Decimal(3)
    page.goto("/")
    assert "Fusilli pasta" in page.content()

"""The shopping loop in headless Chromium: running low into the cart in one click, an order approved and
delivered by the (simulated) demo vendor through a real worker; and the cart ticked off on a 390 px phone."""

from decimal import Decimal

import pytest

from conftest import wait_for
from grapefruit.tests.factories import TEST_PASSWORD
from inventory.models import Item
from orders import services
from orders.tests.helpers import low_item, paid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.worker
def test_running_low_to_delivered_in_chromium(logged_in_page, household, settings, celery_worker):
    settings.ORDERS_DEMO_DELIVERY_SECONDS = 0
    milk = low_item(household=household, name="Whole milk", quantity="1", unit="l")
    paid(item=milk, total="2.00", quantity="2", packs="2", store="Corner Grocer")
    low_item(household=household, name="Eggs", quantity="2")
    page = logged_in_page

    page.goto("/orders/")
    assert page.locator("[data-testid=low-row]").count() == 2
    page.click("[data-testid=add-low]")
    assert page.locator("[data-testid=cart-line]").count() == 2
    assert "Corner Grocer" in page.inner_text("[data-testid=store-totals]")
    page.select_option("[data-testid=vendor]", "demo")
    page.click("[data-testid=create-order]")
    assert page.locator("[data-testid=simulation]").is_visible()
    for action in ("submit", "approve", "place"):
        page.click(f"[data-testid=order-{action}]")
    assert page.inner_text("[data-testid=order-status]") == "Placed"

    def delivered() -> bool:
        page.reload()
        return page.inner_text("[data-testid=order-status]") == "Delivered"

    wait_for(delivered, timeout=60, interval=0.5)
    milk.refresh_from_db()
    assert milk.quantity > Decimal(1)
    page.goto(f"/items/{milk.pk}/")
    assert "Delivered" in page.content()


def test_the_cart_is_ticked_off_on_a_phone(chromium, live_server, user, household):
    eggs = Item.objects.create(household=household, name="Eggs", quantity=Decimal(2))
    jam = Item.objects.create(
        household=household, name="Strawberry jam with a rather long name", quantity=Decimal(0)
    )
    for item in (eggs, jam):
        services.cart_add(actor=user, household=household, item=item, quantity=Decimal(6))
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.goto("/orders/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        first = page.locator("[data-testid=cart-line]").first
        box = first.locator("[data-testid=tick]").bounding_box()
        assert box["width"] >= 40 and box["height"] >= 40  # a thumb-sized target
        first.locator("[data-testid=tick]").click()
        assert "is-ticked" in page.locator("[data-testid=cart-line]").first.get_attribute("class")
        page.click("[data-testid=bought]")
        assert page.locator("[data-testid=cart-line]").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    eggs.refresh_from_db()
    assert eggs.quantity == Decimal(8)

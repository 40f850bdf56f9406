"""Every member page fits a phone (390x844) and a laptop (1280x900) in real Chromium, with realistic data.

The pages come from the URL configuration itself, so a page added later is visited too: a URL whose arguments
this test cannot fill fails it with the URL's name, to be added to EXAMPLE_IDS. On each page: nothing wider than
the window (no sideways scrolling), every navigation link inside the window (on a phone, in the opened menu),
and every visible button inside the window's width.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from grapefruit.models import Membership
from grapefruit.tests.factories import TEST_PASSWORD
from inventory import services as inventory
from inventory.models import Item
from orders import seeding
from orders.services import cart_add, order_create_from_cart
from receipts import services as receipts
from receipts.models import Receipt
from receipts.tests.helpers import processed_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(390, 844), (1280, 900)]
# Not member pages: the admin, sign-in and password-reset pages, health, and downloads or fragments.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PREFIXES = ("accounts/", "invite/", "health", "static/")
LONG_NAME = "Extra virgin olive oil from Sicily, cold pressed, unfiltered, in the big tin"

# The page's visible buttons (and links styled as buttons) that stick out of the window, sideways.
OUTSIDE_BUTTONS = """() => [...document.querySelectorAll('main button, main [role=button], main input[type=submit]')]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.left < 0 || box.right > window.innerWidth + 0.5)
  .map(([el, box]) => `${el.textContent.trim() || el.getAttribute('aria-label')} (${box.left}-${box.right})`)"""
OUTSIDE_NAV = """() => [...document.querySelectorAll('header a[data-nav]')]
  .filter(el => el.getClientRects().length)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.left < 0 || box.right > window.innerWidth + 0.5 || box.top < 0
    || box.bottom > window.innerHeight)
  .map(([el, box]) => el.textContent.trim())"""
VISIBLE_NAV = "() => [...document.querySelectorAll('header a[data-nav]')].filter(el => el.getClientRects().length).length"


@dataclass(frozen=True)
class Household:
    user: Any
    ids: dict[str, int]


def realistic_household() -> Household:
    """The demo household (six weeks of history, prices from three stores), plus what a busy one accumulates:
    many more items, long names, receipts in every state, a cart and an order."""
    household = seeding.demo_household_create()
    user = Membership.objects.get(household=household).user
    user.set_password(TEST_PASSWORD)
    user.save(update_fields=["password"])
    for number in range(60):
        inventory.item_create(
            actor=user,
            household=household,
            name=f"Pantry item number {number}",
            unit="g",
            quantity=Decimal(number),
        )
    long_item = inventory.item_create(
        actor=user, household=household, name=LONG_NAME, unit="ml", quantity=750
    )
    review = processed_fixture(user=user, household=household, name="parser_us_supermarket.txt")
    applied = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    receipts.receipt_apply(actor=user, receipt=applied, bought_on=receipts.BoughtOn.RECEIPT_DATE)
    failed = processed_fixture(user=user, household=household, name="corner_shop_2.txt")
    Receipt.objects.filter(pk=failed.pk).update(
        status=Receipt.Status.FAILED, failure_reason="No text was found."
    )
    for item in Item.objects.filter(household=household)[:6]:
        cart_add(actor=user, household=household, item=item, quantity=None)
    cart_add(actor=user, household=household, item=long_item, quantity=Decimal(2))
    order = order_create_from_cart(
        actor=user, household=household, vendor_key="shopping_list", today=date.today()
    )
    membership = Membership.objects.get(user=user)
    return Household(
        user=user,
        ids={
            "item_id": long_item.pk,
            "receipts:pk": review.pk,
            "order_id": order.pk,
            "membership_id": membership.pk,
            "applied": applied.pk,
            "failed": failed.pk,
        },
    )


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}".lstrip(":")
            yield prefix + str(entry.pattern), (name, entry)


def member_pages(ids: dict[str, int], client: Client) -> tuple[list[str], list[str]]:
    """Every page a member can open: GET answers 200 with the site layout. Returns (urls, problems).

    An argument without an example id is tried with 0: a POST-only URL still answers 405 and is skipped; a page
    answers 404, which is reported, so a new page gets an example id here."""
    urls, problems = [], []
    for route, (name, pattern) in _patterns(get_resolver()):
        app = name.split(":")[0]
        if app in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PREFIXES):
            continue
        converters = pattern.pattern.converters
        kwargs = {kwarg: ids.get(f"{app}:{kwarg}", ids.get(kwarg, 0)) for kwarg in converters}
        response = client.get(reverse(name, kwargs=kwargs))
        if response.status_code == 404 and 0 in kwargs.values():
            problems.append(
                f"{name}: no example id for {sorted(converters)} (add one to the test's household)"
            )
        elif (
            response.status_code == 200
            and response["Content-Type"].startswith("text/html")
            and (b"<html" in response.content[:200])
        ):
            urls.append(reverse(name, kwargs=kwargs))
    return urls, problems


def test_every_member_page_fits_a_phone_and_a_laptop(chromium, live_server):
    household = realistic_household()
    client = Client()
    client.force_login(household.user)
    urls, problems = member_pages(household.ids, client)
    urls += [reverse("receipts:detail", args=[household.ids[state]]) for state in ("applied", "failed")]
    urls += ["/?sort=name", "/?low=1", "/accounts/password_change/"]
    assert len(urls) >= 15, urls
    for width, height in SIZES:
        context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", household.user.username)
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/")
        for url in urls:
            page.goto(url)
            where = f"{width}px {url}"
            if page.evaluate("document.documentElement.scrollWidth") > width:
                problems.append(f"{where}: the page scrolls sideways")
            problems += [
                f"{where}: button outside the window: {text}" for text in page.evaluate(OUTSIDE_BUTTONS)
            ]
            if not page.evaluate(VISIBLE_NAV):
                page.click("[data-testid=menu]")  # a phone: the navigation is in the menu
            problems += [
                f"{where}: navigation link outside the window: {text}" for text in page.evaluate(OUTSIDE_NAV)
            ]
            if page.evaluate(VISIBLE_NAV) < 6:
                problems.append(f"{where}: not every navigation link can be reached")
        context.close()
    assert not problems, "\n".join(problems)

"""The cart, orders and preferences pages through the test client: scoping, bounded queries, the loop over HTTP."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from conftest import openai_response
from grapefruit.tests.factories import MembershipFactory
from inventory.models import StockEvent
from inventory.tests.factories import ItemFactory
from orders import services
from orders.models import CartLine, CatalogPrice, Order, Preferences
from orders.tests.factories import CatalogPriceFactory
from orders.tests.helpers import low_item, order_from_cart, paid

pytestmark = pytest.mark.django_db

CART = reverse("orders:cart")
ESTIMATE = reverse("orders:estimate_prices")


def test_cart_shows_prices_paid_catalogue_and_labelled_estimates(member_client, household):
    milk = low_item(household=household, name="Whole milk")
    paid(item=milk, total="3.48", store="Corner Grocer")
    CatalogPriceFactory(
        item=low_item(household=household, name="Butter"), price=Decimal("2.20"), source="estimate"
    )
    CatalogPriceFactory(item=low_item(household=household, name="Flour"), price=Decimal("1.10"))
    low_item(household=household, name="Jam")
    low_item(household=household, name="Plenty of rice", quantity="50", days_left=60)

    page = member_client.get(CART).content.decode()

    assert "Whole milk" in page and "3.48 USD/pcs" in page and "at Corner Grocer" in page
    assert "Butter" in page and 'title="Estimated by an LLM: not a price you paid">≈ estimate' in page
    assert "Flour" in page and "catalogue" in page
    assert "Jam" in page and "no price yet" in page
    low_table = page[page.index('data-testid="low-table"') : page.index("</table>")]
    assert "Plenty of rice" not in low_table and "Jam" in low_table


def test_a_price_rise_against_the_90_day_median_is_noted(member_client, household):
    coffee = low_item(household=household, name="Coffee")
    for days_ago, total in ((60, "8.00"), (40, "8.00"), (20, "8.20"), (1, "9.60")):
        paid(item=coffee, total=total, days_ago=days_ago)
    page = member_client.get(CART).content.decode()
    assert 'data-testid="price-rise"' in page and "price up +20%" in page


def test_the_estimate_button_appears_only_with_a_provider_and_without_opt_out(
    llm_server, member_client, household, settings
):
    low_item(household=household, name="Jam")
    assert "Estimate prices" in member_client.get(CART).content.decode()
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    assert "Estimate prices" not in member_client.get(CART).content.decode()
    page = member_client.post(ESTIMATE, follow=True).content.decode()
    assert "not available for your household" in page
    assert llm_server.requests == []
    household.llm_opt_out = False
    household.save(update_fields=["llm_opt_out"])
    settings.LLM_PROVIDER = "offline"
    assert "Estimate prices" not in member_client.get(CART).content.decode()


def test_estimate_prices_records_and_shows_labelled_estimates(llm_server, member_client, household):
    low_item(household=household, name="Butter")
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))
    page = member_client.post(ESTIMATE, follow=True).content.decode()
    assert "Estimated 1 price." in page and "2.20 USD/pcs" in page and "≈ estimate" in page
    assert CatalogPrice.objects.get().source == "estimate"


def test_loading_the_cart_never_asks_the_llm(llm_server, member_client, household):
    low_item(household=household, name="Butter")
    member_client.get(CART)
    assert llm_server.requests == []


def test_cart_page_runs_a_fixed_number_of_queries(
    member_client, user, household, django_assert_max_num_queries
):
    for number in range(30):
        item = low_item(household=household, name=f"Low item {number}")
        paid(item=item, total="2.00", store=f"Store {number % 3}")
        CatalogPriceFactory(item=item)
        if number % 2:
            services.cart_add(actor=user, household=household, item=item, quantity=Decimal(1))
    # The first view chooses the prices (one query) and stores the choices: the insert, the foreign keys' check
    # (two statements) and, since the test runs in a transaction, a savepoint and its release.
    with django_assert_max_num_queries(10):
        first = member_client.get(CART).content.decode()
    # Session, user and household, then the cart: its settings, and its rows with their stored prices, in one
    # round trip.
    with django_assert_max_num_queries(4):
        page = member_client.get(CART).content.decode()
    masked_tokens = re.compile("[A-Za-z0-9]{64}")  # CSRF tokens, masked anew on each page
    assert masked_tokens.sub("", page) == masked_tokens.sub("", first)
    assert page.count('data-testid="cart-line"') == 15
    assert page.count('data-testid="low-row"') == 15


def test_the_loop_over_http_from_running_low_to_delivered(member_client, household, settings):
    settings.ORDERS_DEMO_DELIVERY_SECONDS = 3600  # the worker is not needed: the member reports delivery
    milk = low_item(household=household, name="Milk", quantity="1")
    member_client.post(reverse("orders:cart_add_low"))
    line = CartLine.objects.get()
    member_client.post(reverse("orders:cart_line_update", args=[line.pk]), {"quantity": "2"})

    response = member_client.post(reverse("orders:order_create"), {"vendor": "demo"})
    order = Order.objects.get()
    assert response.url == reverse("orders:order_detail", args=[order.pk])
    page = member_client.get(response.url).content.decode()
    assert 'data-testid="simulation"' in page and "nothing is bought" in page
    for action in ("submit", "approve", "place", "deliver"):
        member_client.post(reverse(f"orders:order_{action}", args=[order.pk]))
    order.refresh_from_db()
    milk.refresh_from_db()
    assert (order.status, milk.quantity) == ("delivered", Decimal(3))
    page = member_client.post(reverse("orders:order_deliver", args=[order.pk]), follow=True).content.decode()
    assert "already delivered" in page
    assert StockEvent.objects.filter(item=milk, kind="delivery").count() == 1


def test_a_refused_action_is_a_message_not_an_error(member_client, user, household):
    order = order_from_cart(user=user, household=household, items=[ItemFactory(household=household)])
    page = member_client.post(reverse("orders:order_deliver", args=[order.pk]), follow=True).content.decode()
    assert "draft; it cannot be marked delivered" in page


def test_ticking_off_and_buying_through_the_cart_page(member_client, user, household):
    eggs = ItemFactory(household=household, name="Eggs", quantity=Decimal(1))
    line = services.cart_add(actor=user, household=household, item=eggs, quantity=Decimal(6))
    response = member_client.post(reverse("orders:cart_line_tick", args=[line.pk]), {"ticked": "1"})
    assert response.url == f"{CART}#line-{line.pk}"
    assert "I bought these (1 ticked)" in member_client.get(CART).content.decode()
    member_client.post(reverse("orders:cart_bought"))
    member_client.post(reverse("orders:cart_bought"))
    eggs.refresh_from_db()
    assert eggs.quantity == Decimal(7)


def test_add_to_cart_from_the_item_page_comes_back_to_it(member_client, household):
    item = low_item(household=household, name="Tea")
    detail = reverse("inventory:item_detail", args=[item.pk])
    assert 'data-testid="add-to-cart"' in member_client.get(detail).content.decode()
    response = member_client.post(reverse("orders:cart_add"), {"item": item.pk, "next": detail})
    assert response.url == detail
    assert CartLine.objects.get().item == item


def test_another_households_cart_and_orders_answer_404(member_client, household, other_membership):
    other = other_membership.household
    theirs = ItemFactory(household=other, name="Secret stash")
    line = services.cart_add(actor=other_membership.user, household=other, item=theirs, quantity=Decimal(1))
    order = order_from_cart(user=other_membership.user, household=other, items=[ItemFactory(household=other)])
    for url in (
        reverse("orders:cart_line_tick", args=[line.pk]),
        reverse("orders:cart_line_remove", args=[line.pk]),
        reverse("orders:cart_line_update", args=[line.pk]),
        reverse("orders:order_cancel", args=[order.pk]),
    ):
        assert member_client.post(url, {"quantity": "1", "ticked": "1"}).status_code == 404
    for url in (
        reverse("orders:order_detail", args=[order.pk]),
        reverse("orders:shopping_list", args=[order.pk]),
        reverse("orders:shopping_list_csv", args=[order.pk]),
    ):
        assert member_client.get(url).status_code == 404
    member_client.post(reverse("orders:cart_add"), {"item": theirs.pk})
    assert not CartLine.objects.filter(household=household).exists()
    assert "Secret stash" not in member_client.get(CART).content.decode()


def test_the_shopping_list_groups_by_store_and_its_csv_is_spreadsheet_safe(member_client, user, household):
    tea = ItemFactory(household=household, name="Tea")
    formula = ItemFactory(household=household, name="=HYPERLINK(1)")
    paid(item=tea, total="3.00", store="Bio Shop")
    order = order_from_cart(user=user, household=household, items=[tea, formula], vendor="shopping_list")
    Preferences.objects.filter(household=household).update(approval_required=False)
    member_client.post(reverse("orders:order_place", args=[order.pk]))

    page = member_client.get(reverse("orders:shopping_list", args=[order.pk])).content.decode()
    assert page.index("Bio Shop") < page.index("Any store")
    csv = member_client.get(reverse("orders:shopping_list_csv", args=[order.pk])).content.decode()
    assert csv.splitlines()[1] == "Bio Shop,Tea,2,pcs,,,6.00,USD"
    assert "'=HYPERLINK(1)" in csv


def test_order_list_runs_a_fixed_number_of_queries(
    member_client, user, household, django_assert_max_num_queries
):
    for _ in range(12):
        order_from_cart(user=user, household=household, items=[ItemFactory(household=household)])
    with django_assert_max_num_queries(6):
        page = member_client.get(reverse("orders:order_list")).content.decode()
    assert page.count('data-testid="order-row"') == 12


def test_the_owner_edits_preferences_and_a_member_cannot(member_client, client, household):
    response = member_client.post(
        reverse("orders:preferences"),
        {"auto_reorder": "on", "cover_days": "4", "approval_required": "on", "monthly_budget": "150", "currency": "eur",
         "allowed_vendors": ["demo"], "allowed_stores": "Corner Grocer\n\n  Bio   Shop "},
    )  # fmt: skip
    assert response.status_code == 302
    preferences = Preferences.objects.get(household=household)
    assert (preferences.auto_reorder, preferences.cover_days, preferences.currency) == (True, 4, "EUR")
    assert preferences.allowed_stores == ["Corner Grocer", "Bio Shop"]
    event = AuditEvent.objects.get(action="order_preferences.update")
    assert "Corner" not in str(event.details) and event.details["auto_reorder"] is True

    member = MembershipFactory(household=household, role="member").user
    client.force_login(member)
    assert (
        client.post(reverse("orders:preferences"), {"cover_days": "9", "currency": "USD"}).status_code == 403
    )
    assert (
        client.post(
            reverse("orders:brand_rule_add"), {"brand": "X", "rank": "avoid", "category": "dairy"}
        ).status_code
        == 403
    )


def test_bad_preferences_are_refused_with_the_form_and_nothing_saved(member_client, household):
    response = member_client.post(reverse("orders:preferences"), {"cover_days": "0", "currency": "dollars"})
    assert response.status_code == 400
    assert not Preferences.objects.filter(household=household).exists()


def test_brand_rules_are_added_and_removed_by_the_owner(member_client, household):
    tea = ItemFactory(household=household, name="Tea")
    member_client.post(
        reverse("orders:brand_rule_add"), {"brand": "Leafy", "rank": "preferred", "item": tea.pk}
    )
    member_client.post(reverse("orders:brand_rule_add"), {"brand": "Leafy", "rank": "avoid", "item": tea.pk})
    page = member_client.get(reverse("orders:preferences")).content.decode()
    assert page.count("Leafy") == 1
    rule = household.brand_rules.get()
    member_client.post(reverse("orders:brand_rule_delete", args=[rule.pk]))
    assert not household.brand_rules.exists()

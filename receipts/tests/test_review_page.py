"""The review page: typed item names, each line's unit and action selected, and an applied receipt read as a record,
without review badges."""

import re

import pytest
from django.urls import reverse

from receipts import services
from receipts.models import Receipt
from receipts.tests.helpers import make_item, processed_fixture, review_post

pytestmark = pytest.mark.django_db


def test_review_suggests_the_households_item_names_from_one_shared_list(member_client, user, household):
    make_item(user=user, household=household, name="Fusilli pasta")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    page = member_client.get(reverse("receipts:detail", args=[receipt.pk])).content.decode()
    names_url = reverse("inventory:item_names")
    assert page.count(f'<datalist id="household-items" hx-get="{names_url}"') == 1
    assert page.count('list="household-items"') == receipt.lines.count()

    names = member_client.get(names_url)
    assert '<option value="Fusilli pasta">' in names.content.decode()
    again = member_client.get(names_url, headers={"If-None-Match": names["ETag"]})
    assert again.status_code == 304


def test_adding_to_an_item_that_does_not_exist_says_how_to_create_it(member_client, user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    page = member_client.get(reverse("receipts:detail", args=[receipt.pk]))
    data = review_post(page.context, line1={"action": "add_existing", "item": "Spaghetti"})
    data["apply"] = "1"
    response = member_client.post(reverse("receipts:review", args=[receipt.pk]), data)
    assert response.status_code == 400
    assert "No item is called “Spaghetti”. Choose “New item” to create it." in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.NEEDS_REVIEW


def test_an_applied_receipt_shows_where_each_line_went_without_review_badges(member_client, user, household):
    make_item(user=user, household=household, name="Whole milk", unit="l")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    receipt.lines.filter(position=2).update(total_price="9.99")  # the lines no longer add up to the total
    services.receipt_apply(actor=user, receipt=receipt, bought_on=services.BoughtOn.RECEIPT_DATE)

    page = member_client.get(reverse("receipts:detail", args=[receipt.pk])).content.decode()

    assert "Added to your inventory today" in page
    assert "1 gal to Whole milk" in page
    assert "differs" not in page
    assert "No match" not in page
    assert 'data-testid="review-form"' not in page


def _selected(page: str, name: str) -> list[str]:
    """The values selected in the <select name=...> of `page`."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)" selected>', select.group(1))


def test_review_selects_each_lines_unit_and_action_and_keeps_a_refused_submissions(
    member_client, user, household, django_assert_max_num_queries
):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    url = reverse("receipts:detail", args=[receipt.pk])
    # Session, user, household, the receipt, its lines with their items' names: whatever the number of lines.
    with django_assert_max_num_queries(5):
        response = member_client.get(url)
    page = response.content.decode()
    lines = list(receipt.lines.order_by("position"))
    for index, line in enumerate(lines):
        assert _selected(page, f"lines-{index}-unit") == [line.unit]
        assert _selected(page, f"lines-{index}-action") == [line.action]

    data = review_post(response.context, line1={"unit": "kg", "quantity": "-1"}, line2={"action": "ignore"})
    refused = member_client.post(reverse("receipts:review", args=[receipt.pk]), data).content.decode()
    assert _selected(refused, "lines-0-unit") == ["kg"]
    assert _selected(refused, "lines-1-action") == ["ignore"]
    assert 'role="alert"' in refused

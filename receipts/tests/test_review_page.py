"""The review page: typed item names, and an applied receipt read as a record, without review badges."""

import pytest
from django.urls import reverse

from receipts import services
from receipts.models import Receipt
from receipts.tests.helpers import make_item, processed_fixture

pytestmark = pytest.mark.django_db


def _post(page_context, **changes) -> dict[str, str]:
    formset = page_context["formset"]
    data = {f"lines-{key}": str(value) for key, value in formset.management_form.initial.items()}
    for index, form in enumerate(formset.forms):
        for field, value in {**form.initial, **changes.get(f"line{index + 1}", {})}.items():
            data[f"lines-{index}-{field}"] = "" if value is None else str(value)
    return data


def test_review_suggests_every_item_name_once_for_all_lines(member_client, user, household):
    make_item(user=user, household=household, name="Fusilli pasta")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    page = member_client.get(reverse("receipts:detail", args=[receipt.pk])).content.decode()
    assert page.count('<datalist id="household-items">') == 1
    assert page.count('<option value="Fusilli pasta">') == 1
    assert page.count('list="household-items"') == receipt.lines.count()


def test_adding_to_an_item_that_does_not_exist_says_how_to_create_it(member_client, user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    page = member_client.get(reverse("receipts:detail", args=[receipt.pk]))
    data = _post(page.context, line1={"action": "add_existing", "item": "Spaghetti"})
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
    services.receipt_apply(actor=user, receipt=receipt)

    page = member_client.get(reverse("receipts:detail", args=[receipt.pk])).content.decode()

    assert "Added to your inventory today" in page
    assert "1 gal to Whole milk" in page
    assert "differs" not in page
    assert "No match" not in page
    assert 'data-testid="review-form"' not in page

"""Page numbers from links: malformed ones read as the first page, absurd ones as a page past the end."""

from decimal import Decimal

import pytest

from grapefruit.pagination import MAX_PAGE_NUMBER, page_number
from inventory.services import item_create


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1), ("", 1), ("0", 1), ("-3", 1), ("2.5", 1), ("junk", 1), ("²", 1), ("7", 7), (7, 7),
     ("9" * 40, MAX_PAGE_NUMBER)],
)  # fmt: skip
def test_page_numbers_are_read_leniently_and_bounded(raw, expected):
    assert page_number(raw) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["item", "/audit/"])
def test_a_page_number_too_large_for_the_database_shows_the_last_page(member_client, user, household, path):
    rice = item_create(actor=user, household=household, name="Rice", unit="kg", quantity=Decimal(3))
    url = f"/items/{rice.pk}/" if path == "item" else path

    response = member_client.get(url, {"page": "9" * 30})

    assert response.status_code == 200
    assert "Rice" in response.content.decode()

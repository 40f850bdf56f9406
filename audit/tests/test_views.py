"""The household's audit page and CSV: sentences, filters, pagination, scoping, a fixed number of queries."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from grapefruit.tests.factories import MembershipFactory
from inventory import services as inventory


@pytest.fixture
def ana(user):
    user.first_name = "Ana"
    user.save(update_fields=["first_name"])
    return user


@pytest.fixture
def milk(ana, household):
    return inventory.item_create(
        actor=ana, household=household, name="Whole milk", unit="l", quantity=Decimal(2)
    )


def _sentences(client, **params):
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 200
    return [row.sentence for row in response.context["rows"]]


def test_actions_read_as_sentences_with_names_and_amounts(member_client, ana, milk):
    inventory.stock_consume(actor=ana, item=milk, amount=Decimal("0.5"))
    with pytest.raises(inventory.StockError):
        inventory.stock_consume(actor=ana, item=milk, amount=Decimal(9))

    sentences = _sentences(member_client)

    assert sentences[:3] == [
        "Ana tried to use Whole milk, but it was refused: check the amount",
        "Ana used 0.5 l of Whole milk",
        "Ana added Whole milk to the inventory",
    ]


def test_the_page_shows_only_the_households_events_and_never_another_households_names(
    member_client, ana, household, milk, other_membership
):
    stranger_item = inventory.item_create(
        actor=other_membership.user, household=other_membership.household, name="Secret sauce", unit="pcs"
    )
    audit_record(actor=ana, household=household, action="cart.add", details={"item": stranger_item.pk})

    page = member_client.get(reverse("audit:log")).content.decode()

    assert "Secret sauce" not in page
    assert "Ana put an item in the cart" in page
    assert AuditEvent.objects.filter(household=other_membership.household).exists()
    assert len(_sentences(member_client)) == AuditEvent.objects.filter(household=household).count()


def test_filters_by_area_member_and_dates(member_client, ana, household, milk):
    bob = MembershipFactory(household=household).user
    inventory.stock_consume(actor=bob, item=milk, amount=Decimal(1))
    old = audit_record(actor=ana, household=household, action="receipt.upload")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()

    receipts = member_client.get(reverse("audit:log"), {"action": "receipt"}).context["rows"]
    assert [row.event.action for row in receipts] == ["receipt.upload"]
    assert _sentences(member_client, member=bob.pk) == [f"{bob.username} used 1 l of Whole milk"]
    assert len(_sentences(member_client, until=today - timedelta(days=5))) == 1
    assert (
        len(_sentences(member_client, since=today))
        == AuditEvent.objects.filter(household=household).count() - 1
    )
    response = member_client.get(reverse("audit:log"), {"since": today, "until": today - timedelta(days=1)})
    assert "The start date is after the end date." in response.content.decode()


def test_pages_of_fifty_keep_the_filters(member_client, ana, household):
    for _ in range(55):
        audit_record(actor=ana, household=household, action="receipt.retry")

    first = member_client.get(reverse("audit:log"), {"action": "receipt"})
    second = member_client.get(reverse("audit:log"), {"action": "receipt", "page": 2})

    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 5
    assert 'action=receipt&amp;page=2" rel="next">Older' in first.content.decode()
    assert "Newer" not in first.content.decode()
    assert 'action=receipt&amp;page=1" rel="prev">Newer' in second.content.decode()
    assert "Older" not in second.content.decode()


def test_a_page_past_the_end_shows_the_last_one(member_client, ana, household):
    for _ in range(55):
        audit_record(actor=ana, household=household, action="receipt.retry")
    stale = member_client.get(reverse("audit:log"), {"action": "receipt", "page": 9})
    assert len(stale.context["rows"]) == 5
    assert stale.context["log"].number == 2


def test_one_page_of_events_has_no_page_links(member_client, ana, household):
    audit_record(actor=ana, household=household, action="receipt.retry")
    page = member_client.get(reverse("audit:log")).content.decode()
    assert 'aria-label="Pages"' not in page


def test_the_page_costs_a_fixed_number_of_queries(
    member_client, ana, household, milk, django_assert_max_num_queries
):
    for _ in range(20):
        inventory.stock_consume(actor=ana, item=milk, amount=Decimal("0.01"))
        audit_record(actor=ana, household=household, action="cart.add", details={"item": milk.pk})

    with django_assert_max_num_queries(14):
        member_client.get(reverse("audit:log"))


def test_csv_has_the_filtered_events_of_the_household_in_words_and_no_formulas(
    member_client, ana, household, milk, other_household
):
    ana.first_name = "=HYPERLINK(1)"
    ana.save(update_fields=["first_name"])
    audit_record(actor=None, household=other_household, action="receipt.upload")
    inventory.stock_consume(actor=ana, item=milk, amount=Decimal("0.5"))

    response = member_client.get(reverse("audit:export"), {"action": "inventory"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == ["time", "member", "what happened", "action", "outcome"]
    assert [row[1:] for row in rows[1:]] == [
        ["'=HYPERLINK(1)", "'=HYPERLINK(1) used 0.5 l of Whole milk", "inventory.stock_consume", "ok"],
        ["'=HYPERLINK(1)", "'=HYPERLINK(1) added Whole milk to the inventory", "inventory.item_create", "ok"],
    ]


def test_times_read_in_the_sites_date_style_in_the_households_zone(member_client, ana, household, milk):
    household.time_zone = "Asia/Kathmandu"  # UTC+05:45: no other zone shows these minutes
    household.save(update_fields=["time_zone"])
    event = AuditEvent.objects.filter(household=household).latest("id")
    AuditEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=1))
    event.refresh_from_db()

    page = member_client.get(reverse("audit:log")).content.decode()

    local = timezone.localtime(event.created_at, household.zone)
    assert f">yesterday {local:%H:%M}</time>" in page
    assert f'datetime="{local.isoformat(timespec="minutes")}"' in page

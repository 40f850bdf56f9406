"""Reads of the audit log: pages of the events the filters select, the same on PostgreSQL and through the ORM."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import AuditFilters, audit_log_page
from audit.services import audit_record
from grapefruit.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SIZE = 3


@pytest.fixture
def log(user, household, other_household):
    """Eight events of two members over three days, one per day of the other member's, and a stranger's."""
    bob = MembershipFactory(household=household).user
    now = timezone.now()
    for number, (actor, action, days_ago) in enumerate(
        [
            (user, "receipt.upload", 0), (user, "receipt.retry", 0), (bob, "inventory.stock_add", 0),
            (user, "inventory.item_create", 1), (bob, "order_preferences.update", 1), (user, "order.create", 2),
            (None, "receipt.ocr", 2), (user, "cart.add", 2),
        ]
    ):  # fmt: skip
        event = audit_record(actor=actor, household=household, action=action, details={"count": number})
        # The first three share a moment: the order falls back to the id, as Meta.ordering says.
        at = now - timedelta(days=days_ago, minutes=number if number > 2 else 0)
        AuditEvent.objects.filter(pk=event.pk).update(created_at=at)
    audit_record(actor=None, household=other_household, action="receipt.upload", details={"count": 99})
    return bob


def _filters(user, bob):
    today = timezone.localdate()
    return [
        AuditFilters(),
        AuditFilters(action="receipt"),
        AuditFilters(action="order"),  # a prefix: order.create and order_preferences.update
        AuditFilters(action="inventory.item_create"),
        AuditFilters(action="%"),  # LIKE wildcards are matched as themselves
        AuditFilters(action="r_ceipt"),
        AuditFilters(actor_id=bob.pk),
        AuditFilters(actor_id=user.pk, since=today - timedelta(days=1)),
        AuditFilters(until=today - timedelta(days=1)),
        AuditFilters(action="receipt", since=today - timedelta(days=2), until=today - timedelta(days=2)),
    ]


def test_pages_of_the_log_are_the_same_on_postgresql_and_through_the_orm(user, household, log, monkeypatch):
    """Embedded mode runs on SQLite, where the page is read through the ORM: the same events, pages and links."""
    cases = [(filters, number) for filters in _filters(user, log) for number in (None, "2", "3", "9", "x")]
    on_postgresql = [
        audit_log_page(household=household, filters=f, raw_number=n, size=SIZE) for f, n in cases
    ]
    assert connection.vendor == "postgresql"

    monkeypatch.setattr(connection, "vendor", "sqlite")
    through_the_orm = [
        audit_log_page(household=household, filters=f, raw_number=n, size=SIZE) for f, n in cases
    ]

    assert through_the_orm == on_postgresql
    first = on_postgresql[0]
    assert [entry.action for entry in first.object_list] == [
        "inventory.stock_add",
        "receipt.retry",
        "receipt.upload",
    ]
    assert (first.number, first.has_older) == (1, True)
    assert {entry.details["count"] for page in on_postgresql for entry in page.object_list} == set(range(8))


def test_a_page_past_the_end_is_the_last_page(user, household, log):
    page = audit_log_page(household=household, filters=None, raw_number="9", size=SIZE)
    assert (page.number, page.has_older, len(page.object_list)) == (3, False, 2)
    assert [entry.action for entry in page.object_list] == ["receipt.ocr", "cart.add"]

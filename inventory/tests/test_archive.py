"""Archiving keeps an item's history out of sight; deleting removes it for good. Both are audited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from inventory.models import Item, StockEvent
from inventory.selectors import low_stock_q
from inventory.services import item_archive, item_create, item_delete, item_restore, stock_add, stock_consume

pytestmark = pytest.mark.django_db


def make(user, household, name="Test item", quantity="2"):
    return item_create(actor=user, household=household, name=name, unit="pcs", quantity=Decimal(quantity))


def actions(household):
    return list(AuditEvent.objects.filter(household=household).values_list("action", flat=True))


def test_archived_item_leaves_the_lists_and_low_stock_but_keeps_its_journal(member_client, user, household):
    item = make(user, household, quantity="1")
    stock_consume(actor=user, item=item, amount=Decimal(1))
    make(user, household, name="Rice", quantity="0")
    item_archive(actor=user, item=item)

    page = member_client.get("/")
    assert [row.name for row in page.context["rows"]] == ["Rice"]
    assert page.context["low_count"] == 1  # Rice is out; the archived item no longer counts
    assert page.context["archived_count"] == 1
    archived = member_client.get("/", {"archived": "1"})
    assert [row.name for row in archived.context["rows"]] == ["Test item"]
    assert item.events.count() == 2
    assert "inventory.item_archive" in actions(household)


def test_restoring_brings_it_back_and_buying_an_archived_item_restores_it(user, household):
    item = make(user, household)
    item_archive(actor=user, item=item)
    item_restore(actor=user, item=item)
    item.refresh_from_db()
    assert item.archived_at is None

    item_archive(actor=user, item=item)
    stock_add(actor=user, item=item, amount=Decimal(6))
    item.refresh_from_db()
    assert item.archived_at is None
    assert actions(household).count("inventory.item_restore") == 2


def test_a_new_item_with_an_archived_items_name_says_so(user, household):
    item_archive(actor=user, item=make(user, household))
    with pytest.raises(ValidationError, match="archived item has this name"):
        make(user, household)


def test_delete_removes_the_item_and_its_journal_and_is_audited(user, household):
    item = make(user, household)
    stock_consume(actor=user, item=item, amount=Decimal(1))
    item_delete(actor=user, item=item)
    assert not Item.objects.filter(pk=item.pk).exists()
    assert not StockEvent.objects.filter(item_id=item.pk).exists()
    record = AuditEvent.objects.get(household=household, action="inventory.item_delete")
    assert (record.target_id, record.details) == (str(item.pk), {"events": 2})


def test_archive_restore_and_delete_through_the_pages(member_client, user, household):
    item = make(user, household)
    member_client.post(reverse("inventory:item_archive", args=[item.pk]))
    item.refresh_from_db()
    assert item.archived_at is not None
    page = member_client.get(reverse("inventory:item_detail", args=[item.pk])).content.decode()
    assert "Restore it" in page
    member_client.post(reverse("inventory:item_restore", args=[item.pk]), {"next": "/?archived=1"})
    item.refresh_from_db()
    assert item.archived_at is None
    response = member_client.post(reverse("inventory:item_delete", args=[item.pk]))
    assert response.url == reverse("inventory:dashboard")
    assert not Item.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("name", ["item_archive", "item_restore", "item_delete"])
def test_another_households_item_cannot_be_archived_or_deleted(member_client, other_household, name):
    theirs = make(None, other_household)
    assert member_client.post(reverse(f"inventory:{name}", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.archived_at is None


def test_delete_is_post_only_so_a_link_cannot_delete(member_client, user, household):
    item = make(user, household)
    assert member_client.get(reverse("inventory:item_delete", args=[item.pk])).status_code == 405
    assert Item.objects.filter(pk=item.pk).exists()


def test_archived_items_are_never_low_even_when_out_or_due(user, household):
    item = make(user, household, quantity="0")
    Item.objects.filter(pk=item.pk).update(predicted_runout=timezone.localdate() - timedelta(days=1))
    today = timezone.localdate()
    assert Item.objects.filter(low_stock_q(household=household, today=today)).count() == 1
    item_archive(actor=user, item=item)
    assert Item.objects.filter(low_stock_q(household=household, today=today)).count() == 0

"""A receipt's purchase date: old receipts ask before they change stock, and stock is recorded as bought then."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from inventory.models import Item, StockEvent
from receipts import services
from receipts.models import Receipt
from receipts.tests.helpers import process, processed_fixture, upload_text

pytestmark = pytest.mark.django_db


def corner_shop(when: date, *, milk: str = "3.29") -> str:
    return (
        f"CORNER GROCER\n12 HIGH STREET\nSPRINGFIELD IL 62701\n\n{when:%m/%d/%Y} 10:15\n\n"
        f"WHOLE MILK 1GAL          {milk}\n\nTOTAL                   {milk}\nVISA                    {milk}\n"
    )


def receipt_of(user, household, when: date, **prices: str) -> Receipt:
    return process(upload_text(user=user, household=household, text=corner_shop(when, **prices)))


def at_local(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def test_a_receipt_dated_more_than_a_week_ago_asks_before_it_changes_stock(user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    assert services.purchase_date_needs_confirmation(receipt)
    with pytest.raises(services.ReceiptError, match=r"dated 2 Mar 2025, \d+ days ago"):
        services.receipt_apply(actor=user, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.NEEDS_REVIEW
    assert not StockEvent.objects.exists()


def test_stock_from_an_old_receipt_is_recorded_at_its_printed_date_and_time(user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    services.receipt_apply(actor=user, receipt=receipt, bought_on=services.BoughtOn.RECEIPT_DATE)
    moments = set(StockEvent.objects.values_list("at", flat=True))
    assert moments == {at_local(date(2025, 3, 2), time(10, 15))}
    audit = AuditEvent.objects.get(action="receipt.apply")
    assert audit.details["bought_on"] == "2025-03-02"


def test_a_member_can_say_an_old_receipts_items_were_bought_today(user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    before = timezone.now()
    services.receipt_apply(actor=user, receipt=receipt, bought_on=services.BoughtOn.TODAY)
    assert all(moment >= before for moment in StockEvent.objects.values_list("at", flat=True))


def test_a_receipt_from_this_week_needs_no_question_and_uses_its_date(user, household):
    three_days_ago = timezone.localdate() - timedelta(days=3)
    receipt = receipt_of(user, household, three_days_ago)
    assert not services.purchase_date_needs_confirmation(receipt)
    services.receipt_apply(actor=user, receipt=receipt)
    assert StockEvent.objects.get().at == at_local(three_days_ago, time(10, 15))


def test_a_date_read_in_the_future_is_recorded_as_now(user, household):
    receipt = receipt_of(user, household, timezone.localdate() + timedelta(days=30))
    services.receipt_apply(actor=user, receipt=receipt)
    assert StockEvent.objects.get().at <= timezone.now()


def test_the_forecaster_learns_from_purchase_dates_not_from_when_receipts_were_applied(user, household):
    today = timezone.localdate()
    older = receipt_of(user, household, today - timedelta(days=30))
    services.receipt_apply(actor=user, receipt=older, bought_on=services.BoughtOn.RECEIPT_DATE)
    newer = receipt_of(user, household, today - timedelta(days=16), milk="3.49")
    services.receipt_apply(actor=user, receipt=newer, bought_on=services.BoughtOn.RECEIPT_DATE)
    milk = Item.objects.get(household=household)
    assert milk.quantity == 2
    # One gallon lasted the 14 days between the two purchases; applied on one day they would look simultaneous.
    assert milk.rate_per_day == (Decimal(1) / 14).quantize(Decimal("0.0001"))
    assert "bought about every 2 weeks" in milk.forecast_reason
    # The prediction is made as of today: at that rate both gallons bought are used up by now.
    assert milk.predicted_runout == today

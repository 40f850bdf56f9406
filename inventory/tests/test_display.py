"""The inventory's words: run-outs in the past said as past, one sentence per journal entry."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from inventory.display import event_sentence, prediction_sentence, runout_phrase
from inventory.models import Item, StockEvent

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("quantity", "runout", "phrase"),
    [
        ("0", TODAY - timedelta(days=1), "out of stock"),
        ("0.88", TODAY - timedelta(days=2), "was due 2 days ago"),
        ("2", TODAY, "today"),
        ("2", TODAY + timedelta(days=3), "in 3 days"),
        ("2", None, ""),
    ],
)
def test_runout_phrase_says_past_run_outs_as_past(quantity, runout, phrase):
    assert runout_phrase(quantity=Decimal(quantity), runout=runout, today=TODAY) == phrase


def test_an_item_at_zero_is_out_of_stock_not_expected_to_run_out_yesterday():
    item = Item(quantity=Decimal(0), unit="lb", predicted_runout=TODAY - timedelta(days=1))
    assert prediction_sentence(item, today=TODAY) == "Out of stock."


def test_a_prediction_in_the_past_asks_for_a_count():
    item = Item(quantity=Decimal("0.5"), unit="lb", predicted_runout=TODAY - timedelta(days=2))
    assert prediction_sentence(item, today=TODAY) == (
        "It was expected to run out 2 days ago (Thu 26 Nov). If some is left, correct the count below."
    )


def test_a_prediction_ahead_names_the_day_once():
    near = Item(
        quantity=Decimal(2), unit="l", predicted_runout=TODAY + timedelta(days=3), forecast_reason="r"
    )
    far = Item(
        quantity=Decimal(2), unit="l", predicted_runout=TODAY + timedelta(days=10), forecast_reason="r"
    )
    assert prediction_sentence(near, today=TODAY) == "Expected to run out in 3 days (Tue 1 Dec): r."
    assert prediction_sentence(far, today=TODAY) == "Expected to run out Tue 8 Dec: r."


@pytest.mark.parametrize(
    ("kind", "delta", "after", "sentence"),
    [
        (StockEvent.Kind.CONSUME, "-0.2", "1", "Used 0.2 l"),
        (StockEvent.Kind.SPOIL, "-1", "0", "Threw away 1 l"),
        (StockEvent.Kind.PURCHASE, "4", "5", "Bought 4 l"),
        (StockEvent.Kind.RECEIPT, "3.785", "4", "Added 3.79 l from a receipt"),
        (StockEvent.Kind.ADJUST, "-0.5", "2.5", "Corrected to 2.5 l"),
    ],
)
def test_event_sentences_carry_the_unit_and_no_sign(kind, delta, after, sentence):
    event = StockEvent(kind=kind, delta=Decimal(delta), quantity_after=Decimal(after))
    assert event_sentence(event, "l") == sentence

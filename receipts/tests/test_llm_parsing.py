"""Receipt reading with an LLM over the offline parse, against a local OpenAI-compatible server."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import openai_response
from llm.models import LLMCallLog
from receipts.llm_parsing import is_enabled, refine_with_llm
from receipts.parsing import ParsedLine, ParsedReceipt
from receipts.parsing.reconcile import reconcile

pytestmark = pytest.mark.django_db

TEXT = """\
FRESHWAY MARKET
2450 Fairview Ave N
02/14/2025 18:42
BANANAS 2.31 LB @ 0.59/LB      1.36
GV WHL MILK                    3.48
EGGS 12CT                      4.97
APPLES 2 @ 1.49                2.98
SUBTOTAL                      12.79
TOTAL                         12.79
VISA 4111 1111 1111 1111      12.79
"""


def _line(name, quantity, unit_price, total, unit="each"):
    return ParsedLine(
        name=name,
        quantity=Decimal(quantity),
        unit=unit,
        unit_price=Decimal(unit_price),
        total_price=Decimal(total),
    )


def _offline(apples_unit_price="1.94", **fields):
    """An offline parse as the parser would give it: reconciled, with the apples line misread."""
    items = (
        _line("BANANAS", "2.31", "0.59", "1.36", unit="lb"),
        _line("GV WHL MILK", "1", "3.48", "3.48"),
        _line("EGGS 12CT", "1", "4.97", "4.97"),
        _line("APPLES", "2", apples_unit_price, "2.98"),
    )
    receipt = ParsedReceipt(
        merchant="FRESHWAY MARKET",
        merchant_address="2450 Fairview Ave N",
        date=date(2025, 2, 14),
        time="18:42",
        currency="USD",
        subtotal=Decimal("12.79"),
        total=Decimal("12.79"),
        items=items,
    )
    return reconcile(ParsedReceipt(**{**receipt.__dict__, **fields}))


def _openai(server, *contents):
    server.respond(*[openai_response(c) for c in contents])


def _sent_user_prompt(server, index=0):
    return server.requests[index].json()["messages"][1]["content"]


def test_offline_provider_leaves_the_offline_parse_alone(settings, fake_http_server):
    settings.LLM_PROVIDER = "offline"
    offline = _offline(apples_unit_price="1.00")

    assert not is_enabled()
    assert refine_with_llm(TEXT, offline) is offline
    assert fake_http_server.requests == []


def test_fully_reconciled_parse_sends_nothing(llm_server):
    offline = _offline(apples_unit_price="1.49")
    assert is_enabled() and not offline.warnings

    assert refine_with_llm(TEXT, offline) == offline
    assert llm_server.requests == []


def test_only_the_lines_that_failed_reconciliation_are_sent_for_a_second_look(llm_server):
    offline = _offline()
    assert [line.name for line in offline.items if line.flags] == ["APPLES"]
    _openai(
        llm_server,
        {
            "lines": [
                {
                    "index": 4,
                    "name": "APPLES",
                    "quantity": 2,
                    "unit": "each",
                    "unit_price": 1.49,
                    "total_price": 2.98,
                }
            ]
        },
    )

    refined = refine_with_llm(TEXT, offline)

    assert len(llm_server.requests) == 1
    sent = _sent_user_prompt(llm_server)
    assert "APPLES 2 @ 1.49" in sent
    assert "BANANAS" not in sent and "MILK" not in sent and "EGGS" not in sent
    apples = refined.items[3]
    assert (apples.unit_price, apples.flags) == (Decimal("1.49"), ())
    assert refined.warnings == ()
    assert refined.items[:3] == offline.items[:3]


def test_second_look_correction_that_still_does_not_add_up_is_ignored(llm_server):
    offline = _offline()
    _openai(
        llm_server,
        {
            "lines": [
                {"index": 4, "name": "APPLES", "quantity": 3, "unit_price": 1.49, "total_price": 2.98},
                {"index": 1, "name": "FREE TV", "total_price": 0},
            ]
        },
    )

    refined = refine_with_llm(TEXT, offline)

    assert refined.items == offline.items
    assert refined.warnings == offline.warnings


def test_full_reading_when_the_offline_parse_is_poor(llm_server):
    offline = reconcile(
        ParsedReceipt(
            merchant="FRESHWAY",
            merchant_address="2450 Fairview Ave N",
            items=(_line("BANANAS", "1", "1.36", "1.36"),),
        )
    )
    _openai(
        llm_server,
        {
            "merchant": "Freshway Market",
            "date": "2025-02-14",
            "time": "18:42",
            "currency": "usd",
            "subtotal": 12.79,
            "tax": None,
            "total": 12.79,
            "items": [
                {"name": "Bananas", "quantity": 2.31, "unit": "LB", "unit_price": 0.59, "total_price": 1.36},
                {"name": "Whole milk", "quantity": 1, "unit_price": 3.48, "total_price": 3.48},
                {"name": "Eggs 12 ct", "quantity": 1, "unit_price": 4.97, "total_price": 4.97},
                {"name": "Apples", "quantity": 2, "unit": "ea", "unit_price": 1.49, "total_price": 2.98},
            ],
        },
    )

    refined = refine_with_llm(TEXT, offline)

    assert "BANANAS 2.31 LB @ 0.59/LB" in _sent_user_prompt(llm_server)
    assert (refined.merchant, refined.date, refined.time, refined.currency) == (
        "Freshway Market",
        date(2025, 2, 14),
        "18:42",
        "USD",
    )
    assert refined.merchant_address == "2450 Fairview Ave N"
    assert refined.total == Decimal("12.79")
    assert [(line.name, line.quantity, line.unit) for line in refined.items][:2] == [
        ("Bananas", Decimal("2.310"), "lb"),
        ("Whole milk", Decimal("1.000"), "each"),
    ]
    assert refined.warnings == ()


def test_invalid_reply_falls_back_to_the_offline_parse_with_a_notice(llm_server):
    offline = reconcile(ParsedReceipt(merchant="FRESHWAY", items=()))
    _openai(llm_server, '{"merchant": "Freshway", "items": [{"name": ')

    refined = refine_with_llm(TEXT, offline)

    assert refined.items == offline.items and refined.merchant == "FRESHWAY"
    assert refined.warnings[:-1] == offline.warnings
    assert "could not help this time" in refined.warnings[-1]


def test_full_reading_that_adds_up_worse_is_not_used(llm_server):
    offline = _offline(apples_unit_price="1.49", total=Decimal("99.00"))  # one receipt-level problem
    assert len(offline.warnings) == 1
    reply = {"subtotal": 12.79, "tax": 5.0, "total": 20.0, "items": [{"name": "Thing", "total_price": 1.00}]}
    _openai(llm_server, reply)  # two problems: the lines miss the subtotal, subtotal + tax miss the total

    refined = refine_with_llm(TEXT, offline)

    assert refined.items == offline.items
    assert "not used" in refined.warnings[-1]


def test_card_number_never_reaches_the_server(llm_server):
    offline = reconcile(ParsedReceipt(items=()))
    _openai(llm_server, {"items": []})

    refine_with_llm(TEXT, offline)

    assert "4111" not in llm_server.requests[0].body.decode()


def test_same_receipt_twice_is_answered_from_the_cache(llm_server):
    offline = _offline()
    _openai(
        llm_server,
        {"lines": [{"index": 4, "name": "APPLES", "quantity": 2, "unit_price": 1.49, "total_price": 2.98}]},
    )

    first = refine_with_llm(TEXT, offline)
    second = refine_with_llm(TEXT, offline)

    assert first == second and len(llm_server.requests) == 1


def test_spent_budget_keeps_the_offline_parse_and_tells_the_member(llm_server, household, settings):
    settings.LLM_MONTHLY_CALL_BUDGET = 0
    offline = _offline()

    refined = refine_with_llm(TEXT, offline, household=household)

    assert refined.items == offline.items
    assert "budget is used up" in refined.warnings[-1]
    assert llm_server.requests == [] and not LLMCallLog.objects.exists()


def test_parse_receipt_command_sends_one_redacted_request_then_answers_from_the_cache(llm_server, tmp_path):
    receipt = tmp_path / "receipt.txt"
    receipt.write_text(
        "FRESHWAY MARKET\n02/14/2025 18:42\nBANANAS 2.31 LB @ 0.59/LB      1.36\nGV WHL MILK    3.48\n"
        "VISA 4111 1111 1111 1111\nMember 111847206339\n(651) 555-0139\n"
    )
    _openai(
        llm_server,
        {
            "merchant": "Freshway Market",
            "date": "2025-02-14",
            "time": "18:42",
            "currency": "USD",
            "subtotal": 4.84,
            "tax": 0,
            "total": 4.84,
            "items": [
                {"name": "Bananas", "quantity": 2.31, "unit": "lb", "unit_price": 0.59, "total_price": 1.36},
                {
                    "name": "Whole milk",
                    "quantity": 1,
                    "unit": "each",
                    "unit_price": 3.48,
                    "total_price": 3.48,
                },
            ],
        },
    )

    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("parse_receipt", "--json", str(receipt), stdout=out)
        outputs.append(json.loads(out.getvalue()))

    assert len(llm_server.requests) == 1
    sent = llm_server.requests[0].body.decode()
    assert "BANANAS" in sent
    assert not any(secret in sent for secret in ("4111", "111847206339", "555-0139"))
    first, second = outputs
    assert first == second
    assert first["path"] == str(receipt)
    result = first["result"]
    assert (result["merchant"], result["date"], result["total"]) == ("Freshway Market", "2025-02-14", 4.84)
    assert [item["name"] for item in result["items"]] == ["Bananas", "Whole milk"]
    assert LLMCallLog.objects.count() == 1


UNRECONCILED_RECEIPT = "CORNER SHOP\n2026-11-20\nMILK 3.49\nBREAD 2.99\nTOTAL 9.99\n"


def test_uploaded_receipt_of_an_opted_out_household_never_reaches_the_llm(llm_server, household, user):
    from receipts.tests.helpers import process, upload_text

    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    _openai(llm_server, "not json")

    receipt = process(upload_text(user=user, household=household, text=UNRECONCILED_RECEIPT))

    assert receipt.lines.count() == 2
    assert llm_server.requests == []


def test_uploaded_receipt_that_does_not_add_up_is_sent_once_on_behalf_of_its_household(
    llm_server, household, user
):
    from receipts.tests.helpers import process, upload_text

    _openai(llm_server, "not json")

    receipt = process(upload_text(user=user, household=household, text=UNRECONCILED_RECEIPT))

    assert receipt.lines.count() == 2
    assert len(llm_server.requests) == 1
    assert LLMCallLog.objects.get().household == household

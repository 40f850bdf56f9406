"""The offline receipt parser on receipts written for these tests (receipts/tests/fixtures/parser_*.txt)."""

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from receipts.parsing import NOT_A_RECEIPT, ParsedReceipt, clean_line, parse_receipt_text, to_decimal

FIXTURES = Path(__file__).parent / "fixtures"


def parse_fixture(name: str) -> ParsedReceipt:
    return parse_receipt_text((FIXTURES / name).read_text(encoding="utf-8"))


def item(receipt: ParsedReceipt, name: str):
    return next(line for line in receipt.items if line.name == name)


@pytest.fixture(scope="module")
def us_receipt() -> ParsedReceipt:
    return parse_fixture("parser_us_supermarket.txt")


def test_us_receipt_lists_purchased_items_only(us_receipt):
    assert [line.name for line in us_receipt.items] == [
        "ORG WHOLE MILK 1/2 GAL",
        "BANANAS",
        "GREEK YOGURT 5.3OZ",
        "COFFEE BEANS 12OZ",
        "GRAPES RED",
        "PAPER TOWELS 6RL",
        "DISH SOAP 16OZ",
    ]


def test_weighed_item_below_its_name_takes_weight_unit_and_rate(us_receipt):
    bananas = item(us_receipt, "BANANAS")
    assert (bananas.quantity, bananas.unit, bananas.unit_price, bananas.total_price) == (
        Decimal("2.40"),
        "lb",
        Decimal("0.65"),
        Decimal("1.56"),
    )


def test_weight_line_printed_above_its_item_attaches_to_the_item_it_explains(us_receipt):
    grapes = item(us_receipt, "GRAPES RED")
    assert (grapes.quantity, grapes.unit, grapes.unit_price) == (Decimal("1.20"), "lb", Decimal("3.99"))
    coffee = item(us_receipt, "COFFEE BEANS 12OZ")
    assert coffee.quantity == 1


def test_count_line_under_an_item_sets_quantity_and_unit_price(us_receipt):
    yogurt = item(us_receipt, "GREEK YOGURT 5.3OZ")
    assert (yogurt.quantity, yogurt.unit, yogurt.unit_price) == (Decimal(3), "each", Decimal("1.50"))


def test_pack_size_in_a_name_is_not_a_quantity(us_receipt):
    towels = item(us_receipt, "PAPER TOWELS 6RL")
    assert (towels.quantity, towels.unit) == (Decimal(1), "each")


def test_savings_line_under_an_item_is_its_discount(us_receipt):
    coffee = item(us_receipt, "COFFEE BEANS 12OZ")
    assert (coffee.unit_price, coffee.discount, coffee.total_price) == (
        Decimal("9.99"),
        Decimal("-2.00"),
        Decimal("7.99"),
    )


def test_voided_item_is_dropped(us_receipt):
    assert all("CHIPS" not in line.name for line in us_receipt.items)


def test_return_is_a_negative_line_with_a_positive_unit_price(us_receipt):
    soap = item(us_receipt, "DISH SOAP 16OZ")
    assert soap.is_return
    assert (soap.quantity, soap.unit_price, soap.total_price) == (
        Decimal(-1),
        Decimal("2.99"),
        Decimal("-2.99"),
    )


def test_deposits_and_bag_fees_are_charges_not_items(us_receipt):
    assert us_receipt.charges == (("BOTTLE DEPOSIT", Decimal("0.30")), ("PAPER BAG FEE", Decimal("0.10")))


def test_header_fields_of_a_us_receipt(us_receipt):
    assert us_receipt.merchant == "FRESHWAY MARKET"
    assert us_receipt.merchant_address == "401 Orchard Lane Dayton, OH 45402"
    assert us_receipt.date == date(2025, 3, 4)  # month first on a US receipt
    assert us_receipt.time == "14:07"
    assert us_receipt.currency == "USD"
    assert (us_receipt.subtotal, us_receipt.tax, us_receipt.total) == (
        Decimal("27.93"),
        Decimal("0.54"),
        Decimal("28.47"),
    )
    assert us_receipt.payments == ("VISA 28.47",)


def test_consistent_receipt_reconciles_without_warnings(us_receipt):
    assert us_receipt.warnings == ()
    assert all(line.flags == () for line in us_receipt.items)


def test_noisy_ocr_numbers_and_keywords_are_repaired():
    receipt = parse_fixture("parser_noisy_ocr.txt")
    assert [(line.name, line.total_price) for line in receipt.items] == [
        ("WHOLE MILK GAL", Decimal("3.19")),
        ("SOURDOUGH LOAF", Decimal("4.49")),
        ("APPLES HONEYCRISP", Decimal("4.49")),
        ("PEANUT BUTTER 16OZ", Decimal("5.49")),
        ("OAT MILK 64OZ", Decimal("2.99")),
        ("CHEDDAR BLOCK 8OZ", Decimal("2.99")),
    ]
    assert (receipt.subtotal, receipt.tax, receipt.total) == (
        Decimal("23.64"),
        Decimal("0.41"),
        Decimal("24.05"),
    )
    assert receipt.date == date(2025, 2, 7)
    assert receipt.warnings == ()


@pytest.mark.parametrize(
    ("printed", "cleaned"),
    [
        ("TOTAL   $ 6O.O1", "TOTAL   $ 60.01"),
        ("SCOTT BATH TISSUE 12RL     l2.99 T", "SCOTT BATH TISSUE 12RL     12.99 T"),
        ("COCA COLA 12PK    $9 .9 9 T", "COCA COLA 12PK    $9.99 T"),
        ("SUMME               2 5, 3 4", "SUMME               25,34"),
        ("S U B T O T A L       47.7 2", "SUBTOTAL       47.72"),
        ("T0TAL INCLUDES GST", "TOTAL INCLUDES GST"),
        ("Co1a 1,5l            0,85 2", "Cola 1,5l            0,85 2"),
        ("14/03/20185:57:07PM", "14/03/2018 5:57:07PM"),
        ("TOTAL 7-00", "TOTAL 7.00"),
        ("CHANGE 0:00", "CHANGE 0.00"),
        ("GRAND TOTAL 10 00", "GRAND TOTAL 10.00"),
        ("TIME:15:14:00", "TIME:15:14:00"),
        ("S.H.H.MOTOR\uff08SUNGAI RENGIT\uff09SDN.BHD.", "S.H.H.MOTOR(SUNGAI RENGIT)SDN.BHD."),
    ],
)
def test_clean_line_undoes_common_ocr_damage(printed, cleaned):
    assert clean_line(printed) == cleaned


def test_european_receipt_with_comma_decimals_deposits_and_bottle_return():
    receipt = parse_fixture("parser_european.txt")
    assert [(line.name, line.total_price) for line in receipt.items] == [
        ("Vollmilch 3,5% 1L", Decimal("1.19")),
        ("Bananen", Decimal("1.43")),
        ("Joghurt Natur 500g", Decimal("1.78")),
        ("Mineralwasser 1,5l", Decimal("0.39")),
        ("Käse Gouda 400g", Decimal("2.99")),
    ]
    bananas = item(receipt, "Bananen")
    assert (bananas.quantity, bananas.unit, bananas.unit_price) == (Decimal("0.845"), "kg", Decimal("1.69"))
    assert receipt.charges == (("Pfand 0,25 EUR", Decimal("0.25")), ("Leergut", Decimal("-0.75")))
    assert (receipt.total, receipt.currency, receipt.date) == (Decimal("7.28"), "EUR", date(2025, 2, 21))
    assert receipt.warnings == ()


def test_quantity_price_and_amount_columns():
    receipt = parse_fixture("parser_columns.txt")
    assert [
        (line.name, line.quantity, line.unit, line.unit_price, line.total_price) for line in receipt.items
    ] == [
        ("VOLLE MELK", Decimal(1), "each", Decimal("1.25"), Decimal("1.25")),
        ("APPELS ELSTAR", Decimal(3), "each", Decimal("0.60"), Decimal("1.80")),
        ("ROGGEBROOD", Decimal(2), "each", Decimal("2.35"), Decimal("4.70")),
        ("KIPDIJEN", Decimal("0.512"), "kg", Decimal("9.99"), Decimal("5.11")),
    ]
    assert receipt.date == date(2025, 3, 14)  # day first outside the US
    assert receipt.warnings == ()


def test_two_printed_lines_run_together_by_ocr_are_split():
    receipt = parse_receipt_text(
        "SHOP\nMILK GAL 3.12 F EGGS LARGE 18CT     5.48 F\nKETTLE CHIPS 2.75   Member Price  -0.75\n"
        "TOTAL 7.60\n"
    )
    assert [(line.name, line.total_price) for line in receipt.items] == [
        ("MILK GAL", Decimal("3.12")),
        ("EGGS LARGE 18CT", Decimal("5.48")),
        ("KETTLE CHIPS", Decimal("2.00")),
    ]


def test_quantity_prefix_with_at_price_and_multibuy():
    receipt = parse_receipt_text(
        "MARKET STALL\n2 x HOUMOUS 200G  @ £1.85        3.70\n   2 FOR £3                -0.70\n"
        "4        cucumbers  4 for $5      5.00\n3        kale bunch @ 2.50        7.50\nTOTAL 15.50\n"
    )
    houmous, cucumbers, kale = receipt.items
    assert (houmous.quantity, houmous.unit_price, houmous.total_price) == (
        Decimal(2),
        Decimal("1.85"),
        Decimal("3.00"),
    )
    assert (cucumbers.name, cucumbers.quantity, cucumbers.unit_price) == (
        "cucumbers",
        Decimal(4),
        Decimal("1.25"),
    )
    assert (kale.name, kale.unit, kale.quantity) == ("kale", "bunch", Decimal(3))


def test_quantity_column_and_bracketed_coupon():
    receipt = parse_receipt_text(
        "SHOP\nMILK 2L   2   1.99   3.98\nBREAD   2.50\n  COUPON   (0.50)\nTOTAL 5.98\n"
    )
    assert [(line.name, line.quantity, line.unit_price, line.total_price) for line in receipt.items] == [
        ("MILK 2L", Decimal(2), Decimal("1.99"), Decimal("3.98")),
        ("BREAD", Decimal(1), Decimal("2.50"), Decimal("2.00")),
    ]
    assert receipt.warnings == ()


def test_total_read_from_a_block_of_labels_followed_by_a_block_of_amounts():
    text = "SHOP SDN BHD\nDATE: 03/01/2018\nITEM A\n1\n16.98\nSUB-TOTAL (EX)\nTOTAL TAX\nROUNDING\nTOTAL\nCASH\nCHANGE\n"
    text += "16.98\n1.02\n0.00\n18.00\n20.00\n2.00\n"
    receipt = parse_receipt_text(text)
    assert receipt.total == Decimal("18.00")
    assert receipt.merchant == "SHOP SDN BHD"


def test_rounded_total_after_a_rounding_adjustment():
    text = "SHOP\n03/01/2018 12:02\nTOTAL AMT.......... RM\n60.31\nROUNDING ADJ......\n-0.01\nRM\n60.30\nCASH\n70.30\nCHANGE\n10.00\n"
    assert parse_receipt_text(text).total == Decimal("60.30")


def test_restaurant_total_after_the_tip_is_what_was_charged():
    text = "TRATTORIA\n1 Pasta 10.00\nSubtotal 10.00\nTax 0.90\nTotal 10.90\n+ Tip: 2.00\n= Total: 12.90\n"
    assert parse_receipt_text(text).total == Decimal("12.90")


def test_unavailable_items_in_a_delivery_email_are_not_items():
    text = (
        "Your order from QFC has been delivered\n\nDelivered items\n  1    Whole Milk, 1 Gal      $3.89\n"
        "  2    Large Eggs, 12 Ct      $5.49 each   $10.98\n\nUnavailable items (not charged)\n"
        "  1    Baby Carrots, 1 lb     $1.29\n\nOrder Summary\n  Item(s) Subtotal:  $14.87\n  Total: $14.87\n"
    )
    receipt = parse_receipt_text(text)
    assert receipt.merchant == "QFC"
    assert [(line.name, line.quantity, line.total_price) for line in receipt.items] == [
        ("Whole Milk, 1 Gal", Decimal(1), Decimal("3.89")),
        ("Large Eggs, 12 Ct", Decimal(2), Decimal("10.98")),
    ]


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Date: 25/12/2018 8:13:39 PM", date(2018, 12, 25)),
        ("15 Feb 2025  16:12", date(2025, 2, 15)),
        ("Monday, February 24, 2025", date(2025, 2, 24)),
        ("2025.03.21  18:12", date(2025, 3, 21)),
        ("22-Feb-2025 17:31", date(2025, 2, 22)),
        ("HC03-7 - 15", None),
    ],
)
def test_dates_in_many_formats(printed, expected):
    assert parse_receipt_text(f"SHOP\n{printed}\nTOTAL 1.00\n").date == expected


def test_expiry_dates_in_a_coupon_are_not_the_purchase_date():
    text = "SHOP\nMILK 1.00\nTOTAL 1.00\n$3 OFF\nExpires 03/10/2025\n$\nFEBRUARY 24, 2025  11:05 AM\n"
    receipt = parse_receipt_text(text)
    assert (receipt.date, receipt.time) == (date(2025, 2, 24), "11:05")


def test_money_stays_decimal_and_json_uses_numbers(us_receipt):
    assert isinstance(us_receipt.total, Decimal)
    data = us_receipt.to_json()
    assert data["total"] == 28.47
    assert data["date"] == "2025-03-04"
    assert data["items"][1] == {
        "name": "BANANAS",
        "quantity": 2.4,
        "unit": "lb",
        "unit_price": 0.65,
        "total_price": 1.56,
    }
    assert set(data) == {
        "merchant",
        "merchant_address",
        "date",
        "time",
        "currency",
        "subtotal",
        "tax",
        "total",
        "items",
        "warnings",
        "is_receipt",
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [("2,49", "2.49"), ("1,234.56", "1234.56"), ("1.234,56", "1234.56"), (".59", "0.59"), ("abc", None)],
)
def test_to_decimal_reads_both_decimal_separators(text, value):
    assert to_decimal(text) == (Decimal(value) if value else None)


def test_damaged_text_never_makes_the_parser_fail():
    rng = random.Random(7)
    source = (FIXTURES / "parser_us_supermarket.txt").read_text(encoding="utf-8")
    alphabet = "0123456789.,-$£@x/ :%()*OolI\nABCXYZabc"
    for _ in range(200):
        text = list(source)
        for _ in range(rng.randint(1, 40)):
            text.insert(rng.randrange(len(text) + 1), rng.choice(alphabet))
            del text[rng.randrange(len(text))]
        assert isinstance(parse_receipt_text("".join(text)).to_json(), dict)


def test_empty_text_is_not_a_receipt():
    receipt = parse_receipt_text("")
    assert (receipt.items, receipt.is_receipt) == ((), False)
    assert receipt.warnings == (NOT_A_RECEIPT,)

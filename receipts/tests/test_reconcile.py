"""Reconciliation flags the lines and fields that do not add up, and keeps the receipt."""

from decimal import Decimal

from receipts.parsing import ParsedLine, ParsedReceipt, parse_receipt_text
from receipts.parsing.reconcile import LINE_ARITHMETIC, reconcile


def line(name: str, quantity: str, unit_price: str, total: str, discount: str = "0") -> ParsedLine:
    return ParsedLine(
        name=name,
        quantity=Decimal(quantity),
        unit_price=Decimal(unit_price),
        total_price=Decimal(total),
        discount=Decimal(discount),
    )


def test_line_whose_quantity_times_unit_price_is_its_total_is_not_flagged():
    checked = reconcile(ParsedReceipt(items=(line("APPLES", "3", "1.50", "4.50"),), total=Decimal("4.50")))
    assert checked.items[0].flags == ()
    assert checked.warnings == ()


def test_weighed_line_rounded_half_up_to_the_cent_is_not_flagged():
    checked = reconcile(ParsedReceipt(items=(line("GRAPES", "1.20", "3.99", "4.79"),), total=Decimal("4.79")))
    assert checked.items[0].flags == ()


def test_discounted_line_counts_its_discount():
    checked = reconcile(
        ParsedReceipt(items=(line("COFFEE", "1", "9.99", "7.99", "-2.00"),), total=Decimal("7.99"))
    )
    assert checked.items[0].flags == ()


def test_line_whose_arithmetic_disagrees_is_flagged_and_kept():
    items = (line("MILK", "1", "3.49", "3.49"), line("CHEESE", "2", "4.00", "5.00"))
    checked = reconcile(ParsedReceipt(items=items, subtotal=Decimal("8.49"), total=Decimal("8.49")))
    assert [item.flags for item in checked.items] == [(), (LINE_ARITHMETIC,)]
    assert checked.warnings == ("quantity x unit price does not match the line total for: CHEESE",)


def test_lines_that_do_not_add_up_to_the_subtotal_give_a_warning():
    items = (line("MILK", "1", "3.49", "3.49"), line("BREAD", "1", "2.00", "2.00"))
    checked = reconcile(ParsedReceipt(items=items, subtotal=Decimal("6.49"), total=Decimal("6.49")))
    assert checked.warnings == ("line items add up to 5.49, the subtotal printed is 6.49",)


def test_deposits_and_fees_among_the_items_count_towards_the_subtotal():
    items = (line("WATER 24PK", "1", "4.99", "4.99"),)
    receipt = ParsedReceipt(
        items=items,
        charges=(("BOTTLE DEPOSIT", Decimal("1.20")),),
        subtotal=Decimal("6.19"),
        total=Decimal("6.19"),
    )
    assert reconcile(receipt).warnings == ()


def test_subtotal_plus_tax_that_is_not_the_total_gives_a_warning():
    receipt = ParsedReceipt(
        items=(line("MILK", "1", "3.49", "3.49"),),
        subtotal=Decimal("3.49"),
        tax=Decimal("0.20"),
        total=Decimal("4.69"),
    )
    assert reconcile(receipt).warnings == ("subtotal 3.49 plus tax 0.20 is not the total 4.69",)


def test_fees_and_tips_after_the_subtotal_close_the_total():
    receipt = ParsedReceipt(
        items=(line("MILK", "1", "3.49", "3.49"),),
        subtotal=Decimal("3.49"),
        tax=Decimal("0.20"),
        adjustments=(("Service fee", Decimal("1.00")), ("Driver tip", Decimal("2.00"))),
        total=Decimal("6.69"),
    )
    assert reconcile(receipt).warnings == ()


def test_tax_included_in_prices_is_not_added_again():
    receipt = ParsedReceipt(
        items=(line("MILK", "1", "1.65", "1.65"),),
        subtotal=Decimal("1.65"),
        tax=Decimal("0.27"),
        total=Decimal("1.65"),
    )
    assert reconcile(receipt).warnings == ()


def test_receipt_that_does_not_add_up_is_parsed_with_warnings_not_rejected():
    text = "SHOP\nMILK 3.49\nBREAD 2.00\n2 @ 1.50\nSUBTOTAL 9.99\nTOTAL 9.99\n"
    receipt = parse_receipt_text(text)
    assert [item.name for item in receipt.items] == ["MILK", "BREAD"]
    assert receipt.total == Decimal("9.99")
    assert receipt.warnings == ("line items add up to 5.49, the subtotal printed is 9.99",)


def test_a_receipt_without_items_or_total_says_so():
    assert reconcile(ParsedReceipt()).warnings == ("no line items found", "no total found")

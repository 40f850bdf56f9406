"""Shortcuts the receipt tests share: run the pipeline stages in-process, make inventory items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from inventory import services as inventory
from receipts import services
from receipts.models import Receipt, ReceiptLine
from receipts.tests.documents import fixture_text


def upload_text(*, user: Any, household: Any, text: str, filename: str = "receipt.txt") -> Receipt:
    (receipt,) = services.receipt_upload(
        actor=user, household=household, uploads=[services.Upload(filename, text.encode())]
    )
    return receipt


def process(receipt: Receipt) -> Receipt:
    """Run OCR and parsing in this process, as the worker would, and return the fresh row."""
    services.receipt_process_ocr(receipt_id=receipt.pk)
    services.receipt_parse(receipt_id=receipt.pk)
    return Receipt.objects.get(pk=receipt.pk)


def processed_fixture(*, user: Any, household: Any, name: str) -> Receipt:
    return process(upload_text(user=user, household=household, text=fixture_text(name), filename=name))


def make_item(*, user: Any, household: Any, name: str, unit: str = "pcs", quantity: str = "0") -> Any:
    return inventory.item_create(
        actor=user, household=household, name=name, unit=unit, quantity=Decimal(quantity)
    )


def line_named(receipt: Receipt, printed_name: str) -> ReceiptLine:
    # Line names are encrypted: the database cannot filter on them.
    (line,) = [line for line in receipt.lines.all() if line.printed_name == printed_name]
    return line


def line_edit(line: ReceiptLine, **changes: Any) -> services.LineEdit:
    """The review page's version of a line: as it is, with `changes` made by the member."""
    fields = {
        "line_id": line.pk, "name": line.name, "quantity": line.quantity, "unit": line.unit,
        "total_price": line.total_price, "action": line.action, "item_id": line.item_id,
        "new_item_name": line.new_item_name,
    }  # fmt: skip
    return services.LineEdit(**{**fields, **changes})


def review_post(page_context: Any, **changes: dict[str, Any]) -> dict[str, str]:
    """The review form as the browser posts it, from a review page's context, with some lines changed:
    line1={"action": "add_existing", "item": "Fusilli pasta"} changes the first line."""
    review = page_context["review"]
    data = {"lines-TOTAL_FORMS": str(len(review)), "lines-INITIAL_FORMS": str(len(review))}
    for number, line in enumerate(review, start=1):
        for field, value in {**line.values, **changes.get(f"line{number}", {})}.items():
            data[f"{line.prefix}-{field}"] = str(value)
    return data

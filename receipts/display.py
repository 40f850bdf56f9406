"""What the receipt pages show, as plain strings: the templates only place them (docs/BENCHMARKS.md says why)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from grapefruit.dates import Moments, day_label
from grapefruit.urlbuilders import id_url
from inventory.units import UNIT_CODE_CHOICES, format_amount, format_quantity
from receipts.forms import LINES_PREFIX, LineForm
from receipts.models import Receipt, ReceiptLine
from receipts.parsing.reconcile import LINE_ARITHMETIC
from receipts.selectors import LineRow

# Line flags in words; a flag without a sentence here is shown as its code with spaces.
FLAG_SENTENCES = {LINE_ARITHMETIC: "quantity × price is not the line total"}
STATUS_BADGES = {
    Receipt.Status.FAILED: "badge-low",
    Receipt.Status.NOT_A_RECEIPT: "badge-low",
    Receipt.Status.APPLIED: "badge-ok",
    Receipt.Status.NEEDS_REVIEW: "badge-warn",
}


def status_badge(status: str) -> str:
    """The badge class for a receipt's status, for the inbox and the status fragment alike."""
    return STATUS_BADGES.get(status, "")


def flag_sentence(flag: str) -> str:
    return FLAG_SENTENCES.get(flag, flag.replace("_", " "))


def _option_sets(choices: Sequence[tuple[str, str]]) -> dict[str, SafeString]:
    """A select's options as HTML for each value that can be selected, written once per process: 40 selects
    of 9 options cost the review page more than the rest of its table."""
    return {
        current: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, SafeString(" selected") if value == current else "", label) for value, label in choices),
        )
        for current in ["", *(value for value, _ in choices)]  # "": none selected (a value no choice has)
    }


UNIT_OPTIONS = _option_sets(UNIT_CODE_CHOICES)
ACTION_OPTIONS = _option_sets(ReceiptLine.Action.choices)
SOURCE_LABELS = dict(ReceiptLine.Source.choices)
UNSURE_BELOW = Decimal("0.7")


class ReviewLine(NamedTuple):
    """A line under review: what the receipt printed, and the values and errors of its fields."""

    prefix: str  # "lines-3": the field names are "lines-3-name", ...
    position: int
    printed_name: str
    flags: list[str]
    is_return: bool
    confidence: int  # percent
    unsure: bool
    source: str
    values: dict[str, str]
    unit_options: SafeString
    action_options: SafeString
    errors: dict[str, list[str]]  # empty when the line has none; else every field's, an empty list for most


def review_lines(
    lines: Sequence[LineRow], line_forms: Sequence[forms.Form] | None = None
) -> list[ReviewLine]:
    """The lines with their stored values, or, after a refused submission, with what was submitted and why it
    was refused. Values are written by the template directly: Django's widgets cost more than 40 lines may."""
    rows = []
    for index, line in enumerate(lines):
        values = _submitted(line_forms[index]) if line_forms else _stored(line)
        rows.append(
            ReviewLine(
                prefix=f"{LINES_PREFIX}-{index}",
                position=line.position,
                printed_name=line.printed_name,
                flags=[flag_sentence(flag) for flag in line.flags],
                is_return=line.is_return,
                confidence=round(line.confidence * 100),
                unsure=line.confidence < UNSURE_BELOW,
                source=SOURCE_LABELS.get(line.match_source, line.match_source),
                values=values,
                unit_options=UNIT_OPTIONS.get(values["unit"], UNIT_OPTIONS[""]),
                action_options=ACTION_OPTIONS.get(values["action"], ACTION_OPTIONS[""]),
                errors=_errors(line_forms[index]) if line_forms else {},
            )
        )
    return rows


def _errors(form: forms.Form) -> dict[str, list[str]]:
    """Every field's errors, an empty list for a field without (the template reads each field's), or an empty
    dict when the line has none."""
    if not form.errors:
        return {}
    return {name: list(form.errors.get(name, [])) for name in LineForm.base_fields}


def _stored(line: LineRow) -> dict[str, str]:
    adding = line.action == ReceiptLine.Action.ADD_EXISTING and line.item_name is not None
    return {
        "line_id": str(line.pk),
        "name": line.name,
        "quantity": format_amount(line.quantity),
        "unit": line.unit,
        "total_price": "" if line.total_price is None else str(line.total_price),
        "action": line.action,
        "item": line.item_name if adding else line.new_item_name,  # type: ignore[dict-item]
    }


def _submitted(form: forms.Form) -> dict[str, str]:
    return {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}


@dataclass(frozen=True)
class AppliedLine:
    """A line of a receipt already added to stock: what went where, no review badges."""

    printed_name: str
    outcome: str  # "6 pcs to Bananas", "ignored"
    price: str


def applied_lines(lines: Iterable[ReceiptLine]) -> list[AppliedLine]:
    """`lines` with their items (an item deleted since leaves the line without one)."""
    rows = []
    for line in lines:
        if line.action == ReceiptLine.Action.IGNORE:
            outcome = "ignored"
        elif line.item is None:
            outcome = f"{format_quantity(line.quantity, line.unit)} to an item since deleted"
        else:
            outcome = f"{format_quantity(line.quantity, line.unit)} to {line.item.name}"
        price = "" if line.total_price is None else f"{line.total_price}"
        rows.append(AppliedLine(printed_name=line.printed_name, outcome=outcome, price=price))
    return rows


@dataclass(frozen=True)
class InboxRow:
    url: str
    number: int
    uploaded: str
    uploaded_iso: str
    uploader: str
    store: str
    bought: str
    lines: int
    status: str
    badge: str
    duplicate: bool


def inbox_rows(receipts: Iterable[Receipt], *, today: date, now: datetime) -> list[InboxRow]:
    detail_url = id_url("receipts:detail", "pk")
    moments = Moments(now)
    return [
        InboxRow(
            url=detail_url(receipt.pk),
            number=receipt.pk,
            uploaded=moments.label(receipt.created_at),
            uploaded_iso=receipt.created_at.isoformat(),
            uploader=receipt.uploaded_by.username if receipt.uploaded_by else "",
            store=receipt.merchant,
            bought=day_label(receipt.purchase_date, today=today) if receipt.purchase_date else "",
            lines=receipt.line_count,  # type: ignore[attr-defined]
            status=receipt.get_status_display(),
            badge=status_badge(receipt.status),
            duplicate=bool(receipt.duplicate_of_id) and receipt.status == Receipt.Status.NEEDS_REVIEW,
        )
        for receipt in receipts
    ]

"""What the receipt pages show, as plain strings: the templates only place them (docs/BENCHMARKS.md says why)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django import forms

from grapefruit.dates import day_label, moment_label
from grapefruit.urlbuilders import id_url
from inventory.units import format_quantity
from receipts.models import Receipt, ReceiptLine
from receipts.reconcile import LINE_ARITHMETIC

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


@dataclass(frozen=True)
class ReviewLine:
    """A line under review, with its form (fields rendered by the template)."""

    position: int
    printed_name: str
    flags: list[str]
    is_return: bool
    confidence: int  # percent
    unsure: bool
    source: str
    form: forms.Form


def review_lines(lines: Iterable[ReceiptLine], line_forms: Iterable[forms.Form]) -> list[ReviewLine]:
    return [
        ReviewLine(
            position=line.position,
            printed_name=line.printed_name,
            flags=[flag_sentence(flag) for flag in line.flags],
            is_return=line.is_return,
            confidence=round(line.confidence * 100),
            unsure=line.confidence < Decimal("0.7"),
            source=line.get_match_source_display(),
            form=form,
        )
        for line, form in zip(lines, line_forms, strict=True)
    ]


@dataclass(frozen=True)
class AppliedLine:
    """A line of a receipt already added to stock: what went where, no review badges."""

    printed_name: str
    outcome: str  # "6 pcs to Bananas", "ignored"
    price: str


def applied_lines(lines: Iterable[ReceiptLine], item_names: Mapping[int, str]) -> list[AppliedLine]:
    rows = []
    for line in lines:
        if line.action == ReceiptLine.Action.IGNORE or line.item_id is None:
            outcome = "ignored"
        else:
            name = item_names.get(line.item_id, "an item since deleted")
            outcome = f"{format_quantity(line.quantity, line.unit)} to {name}"
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
    return [
        InboxRow(
            url=detail_url(receipt.pk),
            number=receipt.pk,
            uploaded=moment_label(receipt.created_at, now=now),
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

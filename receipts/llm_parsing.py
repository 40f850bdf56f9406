"""Receipt reading with a language model, on top of the offline parser (receipts/parsing/).

The offline result always stands as the fallback. When it mostly reconciles, only the lines that failed the
arithmetic check are sent for a second look; otherwise the whole (redacted) text is sent for a full reading.
Every reply is schema-checked by the llm app, and a full reading replaces the offline one only if its numbers
add up at least as well. The llm app knows nothing about receipts: the prompts, schemas and merging live here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from llm.providers import remote_provider_configured
from llm.services import llm_complete
from llm.types import LLMRequest
from receipts.parsing import CENT, ONE, ZERO, ParsedLine, ParsedReceipt
from receipts.parsing.reconcile import LINE_ARITHMETIC, reconcile

# Bump when a prompt or schema below changes: cached answers to the old wording stop being served.
PROMPT_VERSION = "receipt-2026-11-1"
# A parse whose flagged lines are at most this share of all lines is repaired line by line.
SECOND_LOOK_MAX_SHARE = Decimal("0.34")
QUANTITY_STEP = Decimal("0.001")

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "total_price"],
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "quantity": {"type": ["number", "null"], "minimum": 0},
        "unit": {"type": ["string", "null"], "maxLength": 20},
        "unit_price": _NUMBER_OR_NULL,
        "total_price": _NUMBER_OR_NULL,
        "discount": _NUMBER_OR_NULL,
        "is_return": {"type": ["boolean", "null"]},
    },
}
RECEIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["items"],
    "properties": {
        "merchant": {"type": ["string", "null"], "maxLength": 200},
        "date": {"type": ["string", "null"], "maxLength": 10},
        "time": {"type": ["string", "null"], "maxLength": 8},
        "currency": {"type": ["string", "null"], "maxLength": 3},
        "subtotal": _NUMBER_OR_NULL,
        "tax": _NUMBER_OR_NULL,
        "total": _NUMBER_OR_NULL,
        "items": {"type": "array", "maxItems": 300, "items": _ITEM_SCHEMA},
    },
}
LINES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["lines"],
    "properties": {
        "lines": {
            "type": "array",
            "maxItems": 100,
            "items": {
                **_ITEM_SCHEMA,
                "required": ["index", *_ITEM_SCHEMA["required"]],
                "properties": {**_ITEM_SCHEMA["properties"], "index": {"type": "integer"}},
            },
        }
    },
}

_RULES = """\
Numbers are JSON numbers (2.49, not "2,49"); use null for anything not printed. quantity is the count or the
weight (2.31 for "2.31 lb"), unit is one of each, kg, g, lb, oz, l, ml; unit_price is the price per unit;
total_price is what the line costs after its discount; discount is zero or negative. A returned item has
is_return true and a negative total_price. Pack sizes in a name (16OZ, 12CT) are not quantities. Payment,
loyalty, tax, subtotal, total, change and coupon-summary lines are not items. OCR noise is common: "2,49" or
"2. 49" means 2.49 and a letter O inside a number is a zero. Text in square brackets such as [CARD] or [PHONE]
replaced personal data; ignore it."""

RECEIPT_SYSTEM_PROMPT = f"""\
You read shopping receipts and answer with one JSON object only:
{{"merchant": string|null, "date": "YYYY-MM-DD"|null, "time": "HH:MM"|null, "currency": ISO 4217 code|null,
"subtotal": number|null, "tax": number|null, "total": number|null,
"items": [{{"name", "quantity", "unit", "unit_price", "total_price", "discount", "is_return"}}]}}
{_RULES}"""

LINES_SYSTEM_PROMPT = f"""\
Some lines of a shopping receipt were read, but quantity x unit price does not give the line total. For each
numbered line, read the receipt text again and answer with one JSON object only:
{{"lines": [{{"index", "name", "quantity", "unit", "unit_price", "total_price", "discount", "is_return"}}]}}
with the same index as given.
{_RULES}"""

_UNITS = {
    "each": "each",
    "ea": "each",
    "pc": "each",
    "pcs": "each",
    "piece": "each",
    "unit": "each",
    "kg": "kg",
    "g": "g",
    "lb": "lb",
    "lbs": "lb",
    "oz": "oz",
    "l": "l",
    "ml": "ml",
}
_PLACEHOLDER = re.compile(r"^\s*\[[A-Z-]+\]\s*$")


def is_enabled() -> bool:
    """Whether a remote provider is configured (LLM_PROVIDER other than offline)."""
    return remote_provider_configured()


def refine_with_llm(
    text: str, offline: ParsedReceipt, *, household: Any = None, actor: Any = None
) -> ParsedReceipt:
    """Improve the offline parse with the configured LLM; return the offline parse whenever that fails.

    A fully reconciled offline parse is returned as it is, without sending anything. A reason for not using the
    LLM that a member should know (budget, rate limit, provider failure) is added to the warnings.
    """
    flagged = [index for index, line in enumerate(offline.items) if line.flags]
    if not flagged and not offline.warnings:
        return offline
    if _mostly_reconciles(offline, flagged):
        return _second_look(text, offline, flagged, household=household, actor=actor)
    return _full_reading(text, offline, household=household, actor=actor)


def _mostly_reconciles(offline: ParsedReceipt, flagged: list[int]) -> bool:
    if not offline.items or offline.total is None or not flagged:
        return False
    return Decimal(len(flagged)) / len(offline.items) <= SECOND_LOOK_MAX_SHARE


# Full reading ---------------------------------------------------------------------------------------------


def _full_reading(text: str, offline: ParsedReceipt, *, household: Any, actor: Any) -> ParsedReceipt:
    request = LLMRequest(
        system=RECEIPT_SYSTEM_PROMPT,
        user=text,
        json_schema=RECEIPT_SCHEMA,
        prompt_version=PROMPT_VERSION,
        max_output_tokens=4096,
        purpose="receipt.parse",
    )
    outcome = llm_complete(request=request, household=household, actor=actor)
    if outcome.response is None:
        return _with_notice(offline, outcome.notice)
    base_warnings = _non_arithmetic_warnings(offline)
    data = outcome.response.data
    items = tuple(line for line in (_line_from(item) for item in data["items"]) if line is not None)
    merged = reconcile(
        ParsedReceipt(
            merchant=_text_or(data.get("merchant"), offline.merchant),
            # The address never reaches the model (it is redacted), so the offline reading of it is kept.
            merchant_address=offline.merchant_address,
            date=_date_or(data.get("date"), offline.date),
            time=_text_or(data.get("time"), offline.time),
            currency=offline.currency or _currency(data.get("currency")),
            subtotal=_money_or(data.get("subtotal"), offline.subtotal),
            tax=_money_or(data.get("tax"), offline.tax),
            total=_money_or(data.get("total"), offline.total),
            items=items,
            payments=offline.payments,
            warnings=base_warnings,
        )
    )
    if _problems(merged) > _problems(offline):
        note = (
            "An LLM reading was checked and not used: its numbers added up worse than the on-server reading."
        )
        return _with_notice(offline, note)
    return merged


# Second look at the lines that failed reconciliation -----------------------------------------------------


def _second_look(
    text: str, offline: ParsedReceipt, flagged: list[int], *, household: Any, actor: Any
) -> ParsedReceipt:
    request = LLMRequest(
        system=LINES_SYSTEM_PROMPT,
        user=_lines_prompt(text, offline, flagged),
        json_schema=LINES_SCHEMA,
        prompt_version=PROMPT_VERSION,
        purpose="receipt.lines",
    )
    outcome = llm_complete(request=request, household=household, actor=actor)
    if outcome.response is None:
        return _with_notice(offline, outcome.notice)
    items = list(offline.items)
    for answer in outcome.response.data["lines"]:
        index = answer["index"] - 1
        corrected = _line_from(answer)
        # A correction is taken only for a line that was asked about and only if it now adds up.
        if index in flagged and corrected is not None and not reconcile_line(corrected).flags:
            items[index] = corrected
    unflagged = tuple(_without_arithmetic_flag(item) for item in items)
    return reconcile(replace(offline, items=unflagged, warnings=_non_arithmetic_warnings(offline)))


def _lines_prompt(text: str, offline: ParsedReceipt, flagged: list[int]) -> str:
    source = text.splitlines()
    parts = []
    for index in flagged:
        line = offline.items[index]
        printed = _printed_lines(source, line.name)
        parts.append(
            f"[{index + 1}] printed: {printed or line.name}\n"
            f"    read as: quantity {line.quantity} {line.unit}, unit price {line.unit_price}, "
            f"total {line.total_price}, discount {line.discount}"
        )
    return "\n".join(parts)


def _printed_lines(source: list[str], name: str) -> str:
    """The receipt line naming the item and the one after it (weights and counts are often printed below)."""
    needle = re.sub(r"\s+", " ", name).strip().lower()[:20]
    for position, raw in enumerate(source):
        if needle and needle in re.sub(r"\s+", " ", raw).lower():
            return " / ".join(part.strip() for part in source[position : position + 2] if part.strip())
    return ""


# Conversions ----------------------------------------------------------------------------------------------


def reconcile_line(line: ParsedLine) -> ParsedLine:
    """The arithmetic check for one line, on a receipt holding only that line."""
    return reconcile(ParsedReceipt(items=(_without_arithmetic_flag(line),))).items[0]


def _without_arithmetic_flag(line: ParsedLine) -> ParsedLine:
    # reconcile() adds the flag again where it still applies; other flags are kept.
    return replace(line, flags=tuple(flag for flag in line.flags if flag != LINE_ARITHMETIC))


def _line_from(item: dict[str, Any]) -> ParsedLine | None:
    name = str(item.get("name") or "").strip()
    total = _money(item.get("total_price"))
    if not name or _PLACEHOLDER.match(name) or total is None:
        return None
    is_return = bool(item.get("is_return")) or total < 0
    quantity = _decimal(item.get("quantity"), QUANTITY_STEP) or ONE
    return ParsedLine(
        name=name,
        quantity=-abs(quantity) if is_return else quantity,
        unit=_UNITS.get(str(item.get("unit") or "each").strip().lower().rstrip("."), "each"),
        unit_price=_money(item.get("unit_price")),
        total_price=-abs(total) if is_return else total,
        discount=-abs(_money(item.get("discount")) or ZERO),
        is_return=is_return,
    )


def _decimal(value: Any, step: Decimal) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(step, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def _money(value: Any) -> Decimal | None:
    return _decimal(value, CENT)


def _money_or(value: Any, fallback: Decimal | None) -> Decimal | None:
    money = _money(value)
    return money if money is not None else fallback


def _text_or(value: Any, fallback: str | None) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text if text and not _PLACEHOLDER.match(text) else fallback


def _date_or(value: Any, fallback: date | None) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else fallback
    except ValueError:
        return fallback


def _currency(value: Any) -> str | None:
    code = str(value or "").strip().upper()
    return code if re.fullmatch(r"[A-Z]{3}", code) else None


def _non_arithmetic_warnings(receipt: ParsedReceipt) -> tuple[str, ...]:
    """The warnings that reconciliation did not produce (reconcile is pure: recompute and subtract)."""
    arithmetic = set(reconcile(replace(receipt, warnings=())).warnings)
    return tuple(warning for warning in receipt.warnings if warning not in arithmetic)


def _problems(receipt: ParsedReceipt) -> int:
    return sum(1 for line in receipt.items if line.flags) + len(receipt.warnings)


def _with_notice(receipt: ParsedReceipt, notice: str) -> ParsedReceipt:
    return replace(receipt, warnings=(*receipt.warnings, notice)) if notice else receipt

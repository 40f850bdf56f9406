"""LLM price estimates, the last resort after prices paid and the catalogue, always labelled as estimates.

An estimate is stored as a catalogue row with source "estimate" and shown with its label wherever it appears;
the reorder job never orders on one. The llm app knows nothing about prices: the prompt and schema live here,
and the llm cache answers a repeated question without a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from grapefruit.models import Household
from inventory.models import Item
from llm.providers import remote_provider_configured
from llm.services import llm_complete
from llm.types import LLMRequest
from orders import selectors
from orders.models import MAX_PRICE, CatalogPrice
from orders.services import catalog_price_record

# Bump when the prompt or schema changes: cached answers to the old wording stop being served.
PROMPT_VERSION = "price-2026-11-1"
# One press of "Estimate prices" asks about at most this many items (the rate limit usually stops it sooner).
MAX_ESTIMATES_PER_RUN = 25
CENT = Decimal("0.01")

ESTIMATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["amount", "currency"],
    "additionalProperties": False,
    "properties": {
        "amount": {"type": "number", "minimum": 0},
        "currency": {"type": "string", "maxLength": 3},
    },
}

SYSTEM_PROMPT = """\
You estimate ordinary supermarket shelf prices of groceries and household goods. You are given an item name,
the unit it is counted in and a currency. Answer with one JSON object only: {"amount": number, "currency":
ISO 4217 code}, the usual price of one unit of the item in that currency (for "pcs", one piece or pack as it is
usually sold; a pack size in the name is the pack). Give your best single estimate, never a range."""

_UNUSED = "so it has no price yet."
_FALLBACK_MESSAGES = {
    "offline": "No LLM is configured on this server, so prices come only from receipts and what members enter.",
    "opt_out": "Your household does not send data to an LLM, so prices were not estimated.",
    "budget": "Your household's monthly LLM budget is used up, so prices were not estimated.",
    "rate_limit": "Too many LLM requests in a short time, so prices were not estimated. Try again later.",
}
_STOP_REASONS = {"offline", "opt_out", "budget", "rate_limit"}


@dataclass(frozen=True)
class Estimate:
    """`amount` is None when there is no estimate; `message` then says why, for the member."""

    amount: Decimal | None
    currency: str
    message: str = ""


@dataclass(frozen=True)
class EstimateRun:
    recorded: int
    messages: tuple[str, ...]


def estimates_available(*, household: Household) -> bool:
    """Whether to offer estimates at all: a remote provider is configured and the household did not opt out."""
    return remote_provider_configured() and not household.llm_opt_out


def estimate_missing_prices(*, household: Household, actor: Any, today: date) -> EstimateRun:
    """Estimate and record a catalogue price for each cart line and running-low item that has no price of any
    kind; say why any was left without. Runs outside any transaction: it may wait on a provider."""
    cart = selectors.cart_get(household=household, today=today)
    missing = [row.item.pk for row in [*cart.rows, *cart.suggestions] if row.pricing.quote.unit_price is None]
    items = Item.objects.filter(household=household).in_bulk(missing[:MAX_ESTIMATES_PER_RUN])
    recorded, messages = 0, []
    for item in (items[pk] for pk in missing[:MAX_ESTIMATES_PER_RUN] if pk in items):
        estimate, reason = estimate_price(household=household, actor=actor, item=item, currency=cart.currency)
        if estimate.amount is not None:
            catalog_price_record(
                actor=actor,
                household=household,
                item=item,
                price=estimate.amount,
                currency=estimate.currency,
                source=CatalogPrice.Source.ESTIMATE,
            )
            recorded += 1
        elif estimate.message and estimate.message not in messages:
            messages.append(estimate.message)
        if _stops_the_run(reason):
            break
    return EstimateRun(recorded=recorded, messages=tuple(messages))


def _stops_the_run(reason: str) -> bool:
    """A refusal or a provider failure holds for every item alike: asking about the next one would only
    repeat it (and wait out another timeout). A bad answer about one item says nothing about the next."""
    return reason in _STOP_REASONS or (reason.startswith("error:") and reason != "error:bad_response")


def estimate_price(*, household: Household, actor: Any, item: Item, currency: str) -> tuple[Estimate, str]:
    """Ask the LLM for one item's usual price per unit; the reason code says how it went."""
    request = LLMRequest(
        system=SYSTEM_PROMPT,
        user=f"Item: {item.name}\nUnit: {item.unit}\nCurrency: {currency}",
        json_schema=ESTIMATE_SCHEMA,
        prompt_version=PROMPT_VERSION,
        max_output_tokens=60,
        purpose="orders.price_estimate",
    )
    outcome = llm_complete(request=request, household=household, actor=actor)
    if outcome.response is None:
        return Estimate(None, currency, _fallback_message(outcome.reason, item)), outcome.reason
    amount, answered_currency = _amount(outcome.response.data["amount"]), outcome.response.data["currency"]
    if amount is None or not re.fullmatch(r"[A-Z]{3}", answered_currency.strip().upper()):
        return Estimate(
            None, currency, f"The LLM's estimate for {item.name} could not be used, {_UNUSED}"
        ), "unusable"
    return Estimate(amount, answered_currency.strip().upper()), outcome.reason


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None
    # Zero is no price at all, and a grocery line above MAX_PRICE is a confused answer.
    return amount if Decimal(0) < amount <= MAX_PRICE else None


def _fallback_message(reason: str, item: Item) -> str:
    if reason.startswith("error:"):
        return f"The LLM could not estimate a price for {item.name} this time, {_UNUSED}"
    return _FALLBACK_MESSAGES.get(reason, "")

"""Prices for the cart: the catalog when the household has seen one, else an LLM estimate, labelled as such.

An estimate is never presented as a known price: `PriceQuote.is_estimate` travels with it and the stored row has
source "estimate". The llm app knows nothing about prices: the prompt and schema live here, and the llm cache
answers a repeated question without a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from grapefruit.models import Household
from inventory.models import Item
from llm.services import llm_complete
from llm.types import LLMRequest
from orders import selectors
from orders.models import MAX_PRICE, CatalogPrice
from orders.services import catalog_price_record

# Bump when the prompt or schema changes: cached answers to the old wording stop being served.
PROMPT_VERSION = "price-2026-11-1"
# Used until the household has a known price whose currency tells where it shops.
DEFAULT_CURRENCY = "USD"
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
class PriceQuote:
    """`amount` is None when there is no price; `source` is a CatalogPrice source, "llm" or ""."""

    amount: Decimal | None
    currency: str
    is_estimate: bool
    source: str
    message: str = ""


@dataclass(frozen=True)
class EstimateRun:
    recorded: int
    messages: tuple[str, ...]


def price_for_item(*, household: Household, actor: Any, item: Item) -> PriceQuote:
    """The latest known price, else an LLM estimate (outside any transaction: it may wait on a provider)."""
    return _quote(household=household, actor=actor, item=item)[0]


def estimate_missing_prices(*, household: Household, actor: Any, today: date) -> EstimateRun:
    """Estimate and record a price for each low-stock item that has none; say why any was left without."""
    recorded, messages = 0, []
    rows = selectors.cart_rows(household=household, today=today)
    for item in [row.item for row in rows if row.price is None][:MAX_ESTIMATES_PER_RUN]:
        quote, reason = _quote(household=household, actor=actor, item=item)
        if quote.amount is not None and quote.is_estimate:
            catalog_price_record(
                actor=actor,
                household=household,
                item=item,
                price=quote.amount,
                currency=quote.currency,
                source=CatalogPrice.Source.ESTIMATE,
            )
            recorded += 1
        elif quote.message and quote.message not in messages:
            messages.append(quote.message)
        if _stops_the_run(reason):
            break
    return EstimateRun(recorded=recorded, messages=tuple(messages))


def _stops_the_run(reason: str) -> bool:
    """A refusal or a provider failure holds for every item alike: asking about the next one would only
    repeat it (and wait out another timeout). A bad answer about one item says nothing about the next."""
    return reason in _STOP_REASONS or (reason.startswith("error:") and reason != "error:bad_response")


def _quote(*, household: Household, actor: Any, item: Item) -> tuple[PriceQuote, str]:
    known = selectors.latest_known_price(household=household, item=item)
    if known is not None:
        return PriceQuote(known.price, known.currency, False, known.source), "catalog"
    currency = selectors.household_currency(household=household) or DEFAULT_CURRENCY
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
        return PriceQuote(None, currency, False, "", _fallback_message(outcome.reason, item)), outcome.reason
    amount, answered_currency = _amount(outcome.response.data["amount"]), outcome.response.data["currency"]
    if amount is None or not re.fullmatch(r"[A-Z]{3}", answered_currency.strip().upper()):
        message = f"The LLM's estimate for {item.name} could not be used, {_UNUSED}"
        return PriceQuote(None, currency, False, "", message), "unusable"
    return PriceQuote(amount, answered_currency.strip().upper(), True, "llm"), outcome.reason


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

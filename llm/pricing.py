"""Cost estimates for the monthly budget. Approximate list prices in USD per million tokens (input, output);
an unknown model is priced like the dearest known one so a budget errs on the side of stopping early."""

from __future__ import annotations

from decimal import Decimal

PRICES_PER_MILLION: dict[str, tuple[Decimal, Decimal]] = {
    "asi1-mini": (Decimal("1.00"), Decimal("1.00")),
    "gemini-2.5-flash-lite": (Decimal("0.10"), Decimal("0.40")),
    "gemini-2.5-flash": (Decimal("0.30"), Decimal("2.50")),
    "gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
}
UNKNOWN_MODEL = (Decimal("1.25"), Decimal("10.00"))


def estimate_cost(model: str, *, input_tokens: int, output_tokens: int) -> Decimal:
    # Longest prefix first, so "gemini-2.5-flash-lite" is not priced as "gemini-2.5-flash".
    match = next(
        (name for name in sorted(PRICES_PER_MILLION, key=len, reverse=True) if model.startswith(name)), ""
    )
    price_in, price_out = PRICES_PER_MILLION.get(match, UNKNOWN_MODEL)
    cost = (price_in * input_tokens + price_out * output_tokens) / Decimal(1_000_000)
    return cost.quantize(Decimal("0.000001"))

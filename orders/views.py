"""Cart page: the low-stock list with prices. Thin: a scoped selector to read, one call to act, then redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from orders import pricing, selectors


def cart(request: HttpRequest) -> HttpResponse:
    """Reads stored prices only: loading the page never asks an LLM."""
    household = request.household  # type: ignore[attr-defined]
    rows = selectors.cart_rows(household=household, today=timezone.localdate())
    context = {
        "rows": rows,
        "without_price": sum(1 for row in rows if row.price is None),
        "max_rows": selectors.CART_MAX_ROWS,
    }
    return render(request, "orders/cart.html", context)


@require_POST
def estimate_prices(request: HttpRequest) -> HttpResponse:
    # Rate-limited per member and budgeted per household by llm_complete itself.
    run = pricing.estimate_missing_prices(
        household=request.household,  # type: ignore[attr-defined]
        actor=request.user,
        today=timezone.localdate(),
    )
    if run.recorded:
        noun = "price" if run.recorded == 1 else "prices"
        messages.success(request, f"Estimated {run.recorded} {noun}. Estimates are marked “≈ estimate”.")
    for message in run.messages:
        messages.warning(request, message)
    if not run.recorded and not run.messages:
        messages.info(request, "Every low-stock item already has a price.")
    return redirect("orders:cart")

"""What the cart page shows, as plain strings: quantities and dates in the site's style, prices with their labels,
URLs built once per page. The template only places them (docs/BENCHMARKS.md says why)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from markupsafe import Markup, escape

from grapefruit.money import format_money
from grapefruit.urlbuilders import cached_reverse, id_url
from inventory.display import runout_phrase
from inventory.units import format_amount, format_quantity
from orders.brands import BrandChoice
from orders.pricing import PriceSource
from orders.selectors import CartRow
from orders.selectors.prices import ChosenPrice

# The cart page lists this many running-low items; "Add everything running low" adds them all.
SUGGESTIONS_SHOWN = 50
# The sections of Cart & Orders: every orders page shows them as its own navigation.
SECTIONS = (
    ("cart", "orders:cart", "Cart"),
    ("orders", "orders:order_list", "Orders"),
    ("preferences", "orders:preferences", "Shopping preferences"),
)


def orders_nav(current: str) -> SafeString:
    """The links to the sections, the current one marked (for Django templates and Jinja2 alike)."""
    links = format_html_join(
        "\n",
        '<a href="{}"{}>{}</a>',
        (
            (cached_reverse(view), SafeString(' aria-current="page"') if key == current else "", label)
            for key, view, label in SECTIONS
        ),
    )
    return format_html('<nav class="orders-nav no-print" aria-label="Cart and orders">{}</nav>', links)


# The price of a line or suggestion, built here rather than by a template macro: called 80 times a page, the macro
# cost a quarter of the cart's rendering (bench/OPTIMISATIONS.md). Every value is escaped; the markup is constant.
# Joined as plain strings and marked safe once: adding Markup to Markup escapes and copies at every step.
_ESTIMATE_BADGE = (
    ' <span class="badge badge-warn" title="Estimated by an LLM: not a price you paid">≈ estimate</span>'
)
_CATALOGUE_BADGE = ' <span class="badge" title="From the price catalogue">catalogue</span>'
_NO_PRICE = '<span class="muted">no price yet</span>'
_RISE_BADGE = (
    ' <span class="badge badge-rise" data-testid="price-rise" title="Per unit, against the median of the last 90 days">'
    "price up {}</span>"
)


def percent_up(ratio: Decimal | None) -> str:
    """A price ratio as a rise: 1.2 is "+20%"; empty when there is no rise."""
    return "" if ratio is None else f"+{round((ratio - 1) * 100)}%"


def price_html(pricing: ChosenPrice, unit: str) -> Markup:
    """ "3.48 USD/pcs at Corner Grocer", labelled when it comes from the catalogue or is an estimate, with a note
    when the price has risen; "no price yet" when none is known."""
    quote = pricing.quote
    if quote.unit_price is None:
        html = _NO_PRICE
    else:
        html = str(escape(f"{format_money(quote.unit_price, quote.currency)}/{unit}"))
        if quote.is_estimate:
            html += _ESTIMATE_BADGE
        elif quote.source == PriceSource.CATALOG:
            html += _CATALOGUE_BADGE
        if quote.store:
            html += f" at {escape(quote.store)}"
    if pricing.rise is not None:
        html += _RISE_BADGE.format(escape(percent_up(pricing.rise)))
    return Markup(html)  # noqa: S704 (constant markup and escaped values)


def brand_text(brand: BrandChoice) -> str:
    parts = [f"brand {brand.brand}"] if brand.brand else []
    if brand.avoid:
        parts.append(f"not {', '.join(brand.avoid)}")
    return " · ".join(parts)


@dataclass(frozen=True)
class LineRow:
    line_id: int
    ticked: bool
    item_url: str
    name: str
    price: Markup
    brand: str
    quantity: str  # exact, for the quantity input
    unit: str
    total: str  # "6.96 USD", or ""
    tick_url: str
    update_url: str
    remove_url: str


@dataclass(frozen=True)
class SuggestionRow:
    item_url: str
    name: str
    on_order: bool
    stock: str
    runout: str
    suggested: str
    price: Markup


def cart_line_rows(rows: Iterable[CartRow]) -> list[LineRow]:
    item_url = id_url("inventory:item_detail", "item_id")
    tick_url = id_url("orders:cart_line_tick", "line_id")
    update_url = id_url("orders:cart_line_update", "line_id")
    remove_url = id_url("orders:cart_line_remove", "line_id")
    result = []
    for row in rows:
        assert row.line_id is not None
        total = row.total
        result.append(
            LineRow(
                line_id=row.line_id,
                ticked=row.ticked,
                item_url=item_url(row.item.pk),
                name=row.item.name,
                price=price_html(row.pricing, row.item.unit),
                brand=brand_text(row.brand),
                quantity=format_amount(row.quantity),
                unit=row.item.unit,
                total="" if total is None else format_money(total, row.pricing.quote.currency),
                tick_url=tick_url(row.line_id),
                update_url=update_url(row.line_id),
                remove_url=remove_url(row.line_id),
            )
        )
    return result


def suggestion_rows(rows: Iterable[CartRow], *, today: date) -> list[SuggestionRow]:
    item_url = id_url("inventory:item_detail", "item_id")
    return [
        SuggestionRow(
            item_url=item_url(row.item.pk),
            name=row.item.name,
            on_order=row.on_order,
            stock=format_quantity(row.item.quantity, row.item.unit),
            runout=runout_phrase(quantity=row.item.quantity, runout=row.item.predicted_runout, today=today),
            suggested=format_quantity(row.quantity, row.item.unit),
            price=price_html(row.pricing, row.item.unit),
        )
        for row in rows
    ]

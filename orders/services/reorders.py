"""The scheduled reorder job: for households with auto-reorder on, order what may run out within their days of
cover, within their budget, brand ladder and allowed vendors and stores.

Safe to run twice, or twice at the same time: each household's preferences row is claimed with
`select_for_update(skip_locked=True)` (a concurrent run skips the households this one holds, and a member's
order waits for it), items already on an open order are skipped, and the database refuses a second open order
line for an item. It never approves: orders wait for a member, or go straight to the vendor when the household
turned approval off. The work is a fixed number of queries whatever the number of items.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from audit.services import AuditEntry, audit_record_many
from grapefruit.bulk import insert_rows, reserve_ids
from inventory import forecast
from inventory import selectors as inventory_selectors
from inventory.models import Item
from orders import actions, notifications, pricing, selectors
from orders.actions import SkipReason
from orders.brands import choose_brand
from orders.models import CartLine, Order, OrderLine, Preferences
from orders.services.lifecycle import PLACE_TASK, allowed_vendors
from orders.vendors import configured_vendors

_ITEM_LABEL = Item._meta.label
_ORDER_LABEL = Order._meta.label
_PREFERENCES_LABEL = Preferences._meta.label
_ITEM_FIELDS = (
    "id",
    "household_id",
    "unit",
    "category",
    "quantity",
    "minimum",
    "rate_per_day",
    "predicted_runout",
)


@dataclass(frozen=True)
class Candidate:
    """An item as the job sees it (no names: nothing is decrypted that the job does not need)."""

    id: int
    household_id: int
    unit: str
    category: str
    quantity: Decimal
    minimum: Decimal | None
    rate_per_day: Decimal | None
    predicted_runout: date | None


@dataclass
class ReorderResult:
    households: int = 0
    orders: int = 0
    lines: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    emails: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "households": self.households,
            "orders": self.orders,
            "lines": self.lines,
            "skipped": dict(sorted(self.skipped.items())),
            "emails": self.emails,
        }


@dataclass(frozen=True, slots=True)
class _Line:
    item_id: int
    quantity: Decimal
    unit: str
    brand: str
    avoid_brands: tuple[str, ...]
    store: str
    unit_price: Decimal | None
    price: Decimal
    price_source: str


@dataclass
class _Plan:
    """What the job decided for one household."""

    preferences: Preferences
    vendor: str
    lines: list[_Line] = field(default_factory=list)
    skips: list[tuple[int, str]] = field(default_factory=list)
    budget_skipped: int = 0


def reorders_run(*, today: date | None = None) -> ReorderResult:
    today = today or timezone.localdate()
    result = ReorderResult()
    with transaction.atomic():
        claimed = _claim_households()
        result.households = len(claimed)
        if not claimed:
            return result
        plans = _plan(claimed, today)
        orders = _save(plans, result)
        approvals, budget_stops, to_place = _follow_ups(plans, orders)
        transaction.on_commit(lambda: _after_commit(result, approvals, budget_stops, to_place))
    return result


def _claim_households() -> dict[int, Preferences]:
    rows = (
        Preferences.objects.select_for_update(skip_locked=True)
        .filter(auto_reorder=True)
        .order_by("household_id")
    )
    return {preferences.household_id: preferences for preferences in rows}


# --- deciding --------------------------------------------------------------------------------------------------


def _plan(claimed: dict[int, Preferences], today: date) -> dict[int, _Plan]:
    # The candidates as a subquery: thousands of ids as query parameters cost more than the queries themselves.
    auto_items = Item.objects.filter(household__order_preferences__auto_reorder=True)
    errors = inventory_selectors.forecast_errors(item_ids=auto_items.values("id"))
    candidates = _candidates(auto_items, claimed, errors, today)
    due = _due_items(claimed, today, candidates, errors)
    # Households with auto-reorder on, as a subquery: a superset of the claimed ones, filtered in Python.
    household_ids = Preferences.objects.filter(auto_reorder=True).values("household_id")
    item_ids = candidates.values("id")
    taken = set(
        OrderLine.objects.filter(is_open=True, item_id__in=item_ids).values_list("item_id", flat=True)
    ) | set(CartLine.objects.filter(item_id__in=item_ids).values_list("item_id", flat=True))
    store_prices: dict[int, list[pricing.StorePrice]] = {}
    for row in inventory_selectors.latest_prices_by_store(household_ids=household_ids, item_ids=item_ids):
        store_prices.setdefault(row.item_id, []).append(row)
    catalog = selectors.catalog_latest(household_ids=household_ids, item_ids=item_ids)
    since = today - timedelta(days=pricing.PRICE_WINDOW_DAYS)
    shopping = inventory_selectors.shopping_days(household_ids=household_ids, since=since)
    per_item_rules, per_category_rules = selectors.brand_rules(household_ids=household_ids)
    spent = selectors.month_spent(household_ids=household_ids, today=today)
    vendors = configured_vendors()
    plans = {
        household_id: _Plan(preferences, next(iter(allowed_vendors(preferences, vendors)), ""))
        for household_id, preferences in claimed.items()
    }
    budget_left = {
        household_id: plan.preferences.monthly_budget - spent.get(household_id, Decimal(0))
        for household_id, plan in plans.items()
        if plan.preferences.monthly_budget is not None
    }
    for item in due:
        plan = plans[item.household_id]
        reason = _skip_reason(item, plan, taken, budget_left)
        quote = pricing.choose_price(
            store_prices=store_prices.get(item.id, []),
            catalog=catalog.get(item.id),
            today=today,
            allowed_stores=plan.preferences.allowed_stores,
            currency=plan.preferences.currency,
        )
        if reason is None and (quote.unit_price is None or quote.is_estimate):
            reason = SkipReason.NO_PRICE
        if reason is not None:
            plan.skips.append((item.id, reason))
            plan.budget_skipped += reason == SkipReason.BUDGET
            continue
        quantity = _quantity(
            item, plan.preferences, store_prices.get(item.id, []), shopping.get(item.household_id)
        )
        price = quote.total(quantity) or Decimal(0)
        if item.household_id in budget_left:
            if price > budget_left[item.household_id]:
                plan.skips.append((item.id, SkipReason.BUDGET))
                plan.budget_skipped += 1
                budget_left[item.household_id] = Decimal(-1)  # stop here: nothing after this is ordered
                continue
            budget_left[item.household_id] -= price
        brand = choose_brand(
            item_rules=per_item_rules.get(item.id, []),
            category_rules=per_category_rules.get((item.household_id, item.category), []),
        )
        plan.lines.append(
            _Line(
                item.id,
                quantity,
                item.unit,
                brand.brand,
                brand.avoid,
                quote.store,
                quote.unit_price,
                price,
                quote.source.value,
            )
        )
    return plans


def _quantity(
    item: Candidate,
    preferences: Preferences,
    store_prices: list[pricing.StorePrice],
    shopping: inventory_selectors.ShoppingDays | None,
) -> Decimal:
    """What the cart would suggest (use until the next shopping trip, whole packs), and at least the cover."""
    interval = pricing.shopping_interval_days(
        preference=preferences.shopping_interval_days,
        days=shopping.days if shopping else 0,
        first=shopping.first if shopping else None,
        last=shopping.last if shopping else None,
    )
    return pricing.suggested_quantity(
        rate_per_day=item.rate_per_day,
        in_stock=item.quantity,
        minimum=item.minimum,
        days=max(interval, preferences.cover_days),
        pack_size=pricing.last_pack_size(store_prices),
        counted_in_pieces=item.unit == "pcs",
    )


def _skip_reason(
    item: Candidate, plan: _Plan, taken: set[int], budget_left: dict[int, Decimal]
) -> SkipReason | None:
    if item.id in taken:
        return SkipReason.ALREADY_ORDERED
    if not plan.vendor:
        return SkipReason.NO_VENDOR
    if budget_left.get(item.household_id, Decimal(0)) < 0:
        return SkipReason.BUDGET
    return None


def _candidates(
    auto_items: QuerySet[Item], claimed: dict[int, Preferences], errors: dict[int, Any], today: date
) -> QuerySet[Item]:
    """Items of households with auto-reorder on that are out, below their minimum, or predicted to run out within
    the widest window any caution could bring into the cover: twice the cover (an untested forecast is brought
    forward by half its days left) or the cover plus the largest past error. A superset of the claimed
    households' items (a concurrent run's are filtered out in Python), so it can be a subquery."""
    cover = max(preferences.cover_days for preferences in claimed.values())
    largest_error = max((float(error.mean_abs_error_days) for error in errors.values()), default=0.0)
    widest = max(2 * cover, cover + math.ceil(min(largest_error, forecast.MAX_CAUTION_DAYS)))
    return auto_items.filter(
        Q(quantity__lte=0)
        | Q(minimum__isnull=False, quantity__lt=F("minimum"))
        | Q(predicted_runout__isnull=False, predicted_runout__lte=today + timedelta(days=widest))
    )


def _due_items(
    claimed: dict[int, Preferences], today: date, candidates: QuerySet[Item], errors: dict[int, Any]
) -> list[Candidate]:
    """The candidates that may run out within their household's days of cover, most urgent first, judged by
    the cautious run-out."""
    due: list[tuple[date, int, Candidate]] = []
    for item in (Candidate(*row) for row in candidates.values_list(*_ITEM_FIELDS)):
        if item.household_id not in claimed:
            continue
        cover_until = today + timedelta(days=claimed[item.household_id].cover_days)
        runout = _cautious_runout(item, today, errors.get(item.id))
        below_minimum = item.minimum is not None and item.quantity < item.minimum
        if item.quantity <= 0 or below_minimum or (runout is not None and runout <= cover_until):
            due.append((runout or today, item.id, item))
    return [item for _, _, item in sorted(due, key=lambda entry: (entry[0], entry[1]))]


def _cautious_runout(item: Candidate, today: date, accuracy: Any) -> date | None:
    if item.predicted_runout is None:
        return None
    return forecast.cautious_runout(
        runout=item.predicted_runout,
        today=today,
        checked=accuracy.resolved if accuracy else 0,
        mean_abs_error_days=float(accuracy.mean_abs_error_days) if accuracy else None,
    )


# --- writing ---------------------------------------------------------------------------------------------------


_ORDER_FIELDS = (
    "id", "household_id", "status", "origin", "vendor", "currency", "expected_total", "created_by_id",
    "approved_by_id", "vendor_order_id", "tracking_number", "created_at", "submitted_at", "approved_at",
    "placed_at", "delivered_at", "cancelled_at",
)  # fmt: skip
_LINE_FIELDS = (
    "order_id", "item_id", "quantity", "unit", "brand", "avoid_brands", "store", "expected_unit_price",
    "expected_price", "price_source", "is_open",
)  # fmt: skip


@dataclass(frozen=True)
class _NewOrder:
    id: int
    household_id: int
    status: str
    expected_total: Decimal
    currency: str
    lines: int


def _save(plans: dict[int, _Plan], result: ReorderResult) -> dict[int, _NewOrder]:
    """Orders and their lines in two COPYs, and every decision in the audit log (thousands of rows: the ORM's
    per-row cost would dominate the job)."""
    now = timezone.now()
    with_lines = [(household_id, plan) for household_id, plan in plans.items() if plan.lines]
    ids = reserve_ids(Order, len(with_lines))
    orders = {
        household_id: _NewOrder(
            order_id,
            household_id,
            Order.Status.PENDING_APPROVAL if plan.preferences.approval_required else Order.Status.DRAFT,
            sum((line.price for line in plan.lines), Decimal(0)),
            plan.preferences.currency,
            len(plan.lines),
        )
        for order_id, (household_id, plan) in zip(ids, with_lines, strict=True)
    }
    insert_rows(
        Order,
        _ORDER_FIELDS,
        (
            (order.id, order.household_id, order.status, Order.Origin.REORDER, plans[order.household_id].vendor,
             order.currency, order.expected_total, None, None, "", "", now,
             now if order.status == Order.Status.PENDING_APPROVAL else None, None, None, None, None)
            for order in orders.values()
        ),
    )  # fmt: skip
    insert_rows(
        OrderLine,
        _LINE_FIELDS,
        (
            (orders[household_id].id, line.item_id, line.quantity, line.unit, line.brand, list(line.avoid_brands),
             line.store, line.unit_price, line.price, line.price_source, True)
            for household_id, plan in with_lines
            for line in plan.lines
        ),
    )  # fmt: skip
    audit_record_many(_decisions(plans, orders, result))
    result.orders = len(orders)
    result.lines = sum(order.lines for order in orders.values())
    return orders


def _decisions(
    plans: dict[int, _Plan], orders: dict[int, _NewOrder], result: ReorderResult
) -> list[AuditEntry]:
    entries = []
    for household_id, plan in plans.items():
        order = orders.get(household_id)
        if order is not None:
            # The decision to order each item is recorded with the order it went into: one event, every item.
            details = {
                "origin": Order.Origin.REORDER.value,
                "vendor": plan.vendor,
                "lines": order.lines,
                "total": str(order.expected_total),
                "items": {str(line.item_id): [str(line.quantity), line.price_source] for line in plan.lines},
            }
            entries.append(
                AuditEntry(household_id, actions.ORDER_CREATE, _ORDER_LABEL, str(order.id), details)
            )
        for item_id, reason in plan.skips:
            entries.append(
                AuditEntry(
                    household_id, actions.REORDER_SKIP, _ITEM_LABEL, str(item_id), {"reason": str(reason)}
                )
            )
            result.skipped[str(reason)] += 1
        if plan.budget_skipped:
            budget = {"budget": str(plan.preferences.monthly_budget), "skipped": plan.budget_skipped}
            entries.append(
                AuditEntry(
                    household_id,
                    actions.REORDER_BUDGET_STOP,
                    _PREFERENCES_LABEL,
                    str(plan.preferences.pk),
                    budget,
                )
            )
    return entries


def _follow_ups(
    plans: dict[int, _Plan], orders: dict[int, _NewOrder]
) -> tuple[list[notifications.ApprovalRequest], list[notifications.BudgetStop], list[int]]:
    approvals = [
        notifications.ApprovalRequest(
            household_id, order.id, order.lines, order.expected_total, order.currency
        )
        for household_id, order in orders.items()
        if order.status == Order.Status.PENDING_APPROVAL
    ]
    budget_stops = [
        notifications.BudgetStop(
            household_id,
            plan.budget_skipped,
            plan.preferences.monthly_budget or Decimal(0),
            plan.preferences.currency,
        )
        for household_id, plan in plans.items()
        if plan.budget_skipped
    ]
    to_place = [order.id for order in orders.values() if order.status == Order.Status.DRAFT]
    return approvals, budget_stops, to_place


def _after_commit(
    result: ReorderResult,
    approvals: Sequence[notifications.ApprovalRequest],
    budget_stops: Sequence[notifications.BudgetStop],
    to_place: Sequence[int],
) -> None:
    result.emails = notifications.send_all(approvals=approvals, budget_stops=budget_stops)
    for order_id in to_place:
        # Households that turned approval off: their vendor gets the order from a worker, as a member's click would.
        current_app.send_task(PLACE_TASK, args=(order_id,))

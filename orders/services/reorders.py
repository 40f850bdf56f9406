"""The scheduled reorder job: for households with auto-reorder on, order what may run out within their days of
cover, within their budget, brand ladder and allowed vendors and stores.

Safe to run twice, or twice at the same time: each household's preferences row is claimed with
`select_for_update(skip_locked=True)` (a concurrent run skips the households this one holds, and a member's
order waits for it), items already on an open order are skipped, and the database refuses a second open order
line for an item. It never approves: orders wait for a member, or go straight to the vendor when the household
turned approval off. The work is a fixed number of queries whatever the number of items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import AuditEntry, audit_record_many
from inventory import forecast
from inventory import selectors as inventory_selectors
from inventory.models import Item
from orders import actions, notifications, pricing, selectors
from orders.actions import SkipReason
from orders.brands import choose_brand
from orders.models import CartLine, Order, OrderLine, Preferences
from orders.services.lifecycle import PLACE_TASK, allowed_vendors

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


@dataclass
class _Plan:
    """What the job decided for one household."""

    preferences: Preferences
    vendor: str
    lines: list[OrderLine] = field(default_factory=list)
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
    due = _due_items(claimed, today)
    household_ids = list(claimed)
    item_ids = [item.id for item in due]
    taken = set(
        OrderLine.objects.filter(is_open=True, item_id__in=item_ids).values_list("item_id", flat=True)
    ) | set(CartLine.objects.filter(item_id__in=item_ids).values_list("item_id", flat=True))
    store_prices: dict[int, list[pricing.StorePrice]] = {}
    for row in inventory_selectors.latest_prices_by_store(household_ids=household_ids, item_ids=item_ids):
        store_prices.setdefault(row.item_id, []).append(selectors.store_price(row))
    catalog = selectors.catalog_latest(household_ids=household_ids, item_ids=item_ids)
    since = today - timedelta(days=pricing.PRICE_WINDOW_DAYS)
    shopping = inventory_selectors.shopping_days(household_ids=household_ids, since=since)
    per_item_rules, per_category_rules = selectors.brand_rules(household_ids=household_ids)
    spent = selectors.month_spent(household_ids=household_ids, today=today)
    plans = {
        household_id: _Plan(preferences, next(iter(allowed_vendors(preferences)), ""))
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
        days = shopping.get(item.household_id)
        interval = pricing.shopping_interval_days(
            preference=plan.preferences.shopping_interval_days,
            days=days.days if days else 0,
            first=days.first if days else None,
            last=days.last if days else None,
        )
        quantity = pricing.suggested_quantity(
            rate_per_day=item.rate_per_day,
            in_stock=item.quantity,
            minimum=item.minimum,
            days=max(interval, plan.preferences.cover_days),
            pack_size=pricing.last_pack_size(store_prices.get(item.id, [])),
            counted_in_pieces=item.unit == "pcs",
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
            OrderLine(
                item_id=item.id,
                quantity=quantity,
                unit=item.unit,
                brand=brand.brand,
                avoid_brands=list(brand.avoid),
                store=quote.store,
                expected_unit_price=quote.unit_price,
                expected_price=price,
                price_source=quote.source.value,
            )
        )
    return plans


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


def _due_items(claimed: dict[int, Preferences], today: date) -> list[Candidate]:
    """Items of the claimed households that may run out within their days of cover, most urgent first.

    SQL narrows to items that are out, below their minimum, or predicted to run out within the widest window
    any caution could bring into the cover; the cautious estimate is then made per item."""
    widest = 2 * max(preferences.cover_days for preferences in claimed.values()) + forecast.MAX_CAUTION_DAYS
    rows = (
        Item.objects.filter(household_id__in=list(claimed))
        .filter(
            Q(quantity__lte=0)
            | Q(minimum__isnull=False, quantity__lt=F("minimum"))
            | Q(predicted_runout__isnull=False, predicted_runout__lte=today + timedelta(days=widest))
        )
        .values_list(*_ITEM_FIELDS)
    )
    candidates = [Candidate(*row) for row in rows]
    errors = inventory_selectors.forecast_errors(item_ids=[c.id for c in candidates if c.predicted_runout])
    due: list[tuple[date, int, Candidate]] = []
    for item in candidates:
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


def _save(plans: dict[int, _Plan], result: ReorderResult) -> dict[int, Order]:
    """Orders and their lines in bulk, and every decision in the audit log."""
    now = timezone.now()
    with_lines = {household_id: plan for household_id, plan in plans.items() if plan.lines}
    orders = {
        household_id: Order(
            household_id=household_id,
            status=Order.Status.PENDING_APPROVAL
            if plan.preferences.approval_required
            else Order.Status.DRAFT,
            origin=Order.Origin.REORDER,
            vendor=plan.vendor,
            currency=plan.preferences.currency,
            expected_total=sum((line.expected_price or Decimal(0) for line in plan.lines), Decimal(0)),
            created_at=now,
            submitted_at=now if plan.preferences.approval_required else None,
        )
        for household_id, plan in with_lines.items()
    }
    Order.objects.bulk_create(orders.values(), batch_size=2000)
    lines = []
    for household_id, plan in with_lines.items():
        for line in plan.lines:
            line.order = orders[household_id]
            lines.append(line)
    OrderLine.objects.bulk_create(lines, batch_size=5000)
    audit_record_many(_decisions(plans, orders, result))
    result.orders, result.lines = len(orders), len(lines)
    return orders


def _decisions(plans: dict[int, _Plan], orders: dict[int, Order], result: ReorderResult) -> list[AuditEntry]:
    entries = []
    for household_id, plan in plans.items():
        order = orders.get(household_id)
        if order is not None:
            details = {"origin": order.origin, "vendor": order.vendor, "lines": len(plan.lines)}
            entries.append(
                AuditEntry(
                    household_id, actions.ORDER_CREATE, order, {**details, "total": str(order.expected_total)}
                )
            )
        for line in plan.lines:
            entries.append(
                AuditEntry(
                    household_id,
                    actions.REORDER_ORDER,
                    Item(pk=line.item_id),
                    {
                        "order": line.order.pk,
                        "quantity": str(line.quantity),
                        "price_source": line.price_source,
                    },
                )
            )
        for item_id, reason in plan.skips:
            entries.append(
                AuditEntry(household_id, actions.REORDER_SKIP, Item(pk=item_id), {"reason": str(reason)})
            )
            result.skipped[str(reason)] += 1
        if plan.budget_skipped:
            budget = {"budget": str(plan.preferences.monthly_budget), "skipped": plan.budget_skipped}
            entries.append(AuditEntry(household_id, actions.REORDER_BUDGET_STOP, plan.preferences, budget))
    return entries


def _follow_ups(
    plans: dict[int, _Plan], orders: dict[int, Order]
) -> tuple[list[notifications.ApprovalRequest], list[notifications.BudgetStop], list[int]]:
    approvals = [
        notifications.ApprovalRequest(
            household_id, order.pk, len(plans[household_id].lines), order.expected_total, order.currency
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
    to_place = [order.pk for order in orders.values() if order.status == Order.Status.DRAFT]
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

"""Cart, orders and preferences pages. Thin: a scoped selector to read, a form, one service, then redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from grapefruit.pages import render_page
from orders import estimates, selectors, services
from orders.display import SUGGESTIONS_SHOWN, cart_line_rows, orders_nav, suggestion_rows
from orders.errors import OrderError
from orders.forms import BrandRuleForm, CartAddForm, OrderFromCartForm, PreferencesForm, QuantityForm
from orders.models import Order
from orders.vendors import configured_vendors, vendor_label
from orders.vendors.shopping_list import as_csv, by_store

ORDER_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "submit": (services.order_submit, "Sent to the household for approval."),
    "approve": (services.order_approve, "Approved."),
    "place": (services.order_place, "Placed."),
    "deliver": (services.order_deliver, "Marked as delivered; the stock is updated."),
    "cancel": (services.order_cancel, "Cancelled."),
}


# --- cart ------------------------------------------------------------------------------------------------------


def cart(request: HttpRequest) -> HttpResponse:
    """Reads stored prices only: loading the page never asks an LLM. Stores the price choices it had to make
    (orders.PriceChoice), so the next load reads them."""
    household = request.household  # type: ignore[attr-defined]
    today = timezone.localdate()
    cart = selectors.cart_get(household=household, today=today, suggestion_limit=SUGGESTIONS_SHOWN)
    services.price_choices_remember(choices=cart.choices_to_store)
    context = {
        "cart": cart,
        "lines": cart_line_rows(cart.rows),
        "suggestions": suggestion_rows(cart.suggestions, today=today),
        "orders_nav": orders_nav("cart"),
        "can_estimate": estimates.estimates_available(household=household),
        "vendors": configured_vendors(),
    }
    return render_page(request, "orders/cart.html", context, title="Cart", styles=("css/orders.css",))


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    form = CartAddForm(request.POST, household=household)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect("orders:cart")
    item = form.cleaned_data["item"]
    try:
        services.cart_add(
            actor=request.user, household=household, item=item, quantity=form.cleaned_data["quantity"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{item.name} is in the cart.")
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("orders:cart")


@require_POST
def cart_add_low(request: HttpRequest) -> HttpResponse:
    added = services.cart_add_low(
        actor=request.user,
        household=request.household,  # type: ignore[attr-defined]
        today=timezone.localdate(),
    )
    if added:
        messages.success(request, f"Added {added} running-low item{'s' if added != 1 else ''} to the cart.")
    else:
        messages.info(request, "Nothing running low is missing from the cart or an open order.")
    return redirect("orders:cart")


@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.cart_line_get(household=request.household, line_id=line_id)  # type: ignore[attr-defined]
    form = QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{line.item.name}: enter a quantity above zero.")
        return redirect("orders:cart")
    services.cart_update(actor=request.user, line=line, quantity=form.cleaned_data["quantity"])
    messages.success(request, f"Changed {line.item.name}.")
    return redirect("orders:cart")


@require_POST
def cart_line_tick(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.cart_line_get(household=request.household, line_id=line_id)  # type: ignore[attr-defined]
    services.cart_tick(actor=request.user, line=line, ticked=request.POST.get("ticked") == "1")
    return redirect(f"{reverse('orders:cart')}#line-{line.pk}")


@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.cart_line_get(household=request.household, line_id=line_id)  # type: ignore[attr-defined]
    services.cart_remove(actor=request.user, line=line)
    messages.success(request, f"Took {line.item.name} out of the cart.")
    return redirect("orders:cart")


@require_POST
def cart_bought(request: HttpRequest) -> HttpResponse:
    try:
        count = services.cart_bought(actor=request.user, household=request.household)  # type: ignore[attr-defined]
    except OrderError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Added {count} line{'s' if count != 1 else ''} to stock. When you upload this trip's receipt, "
            "these purchases are recognised and not counted again.",
        )
    return redirect("orders:cart")


@require_POST
def order_create(request: HttpRequest) -> HttpResponse:
    form = OrderFromCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a vendor.")
        return redirect("orders:cart")
    try:
        order = services.order_create_from_cart(
            actor=request.user,
            household=request.household,  # type: ignore[attr-defined]
            vendor_key=form.cleaned_data["vendor"],
            today=timezone.localdate(),
        )
    except OrderError as error:
        messages.error(request, str(error))
        return redirect("orders:cart")
    messages.success(request, f"Order #{order.pk} created from the cart.")
    return redirect("orders:order_detail", order_id=order.pk)


@require_POST
def estimate_prices(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    if not estimates.estimates_available(household=household):
        messages.error(request, "Price estimates are not available for your household.")
        return redirect("orders:cart")
    # Rate-limited per member and budgeted per household by llm_complete itself.
    run = estimates.estimate_missing_prices(
        household=household, actor=request.user, today=timezone.localdate()
    )
    if run.recorded:
        noun = "price" if run.recorded == 1 else "prices"
        messages.success(request, f"Estimated {run.recorded} {noun}. Estimates are marked “≈ estimate”.")
    for message in run.messages:
        messages.warning(request, message)
    if not run.recorded and not run.messages:
        messages.info(request, "Every line already has a price.")
    return redirect("orders:cart")


# --- orders ----------------------------------------------------------------------------------------------------


def order_list(request: HttpRequest) -> HttpResponse:
    page = selectors.order_page(household=request.household, page_number=request.GET.get("page"))  # type: ignore[attr-defined]
    labels = {key: vendor.label for key, vendor in configured_vendors().items()}
    return render(request, "orders/order_list.html", {"page": page, "vendor_labels": labels})


def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    order = selectors.order_get(household=household, order_id=order_id)
    vendor = configured_vendors().get(order.vendor)
    context = {
        "order": order,
        "lines": selectors.order_lines(order=order),
        "vendor": vendor,
        "vendor_label": vendor_label(order.vendor),
        "next_actions": _next_actions(order, household),
    }
    return render(request, "orders/order_detail.html", context)


def _next_actions(order: Order, household: Any) -> list[str]:
    preferences = selectors.preferences_get(household=household)
    if order.status == Order.Status.DRAFT:
        return ["submit", "cancel"] if preferences.approval_required else ["place", "cancel"]
    return {
        Order.Status.PENDING_APPROVAL: ["approve", "cancel"],
        Order.Status.APPROVED: ["place", "cancel"],
        Order.Status.PLACED: ["deliver", "cancel"],
    }.get(order.status, [])


@require_POST
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    order = selectors.order_get(household=request.household, order_id=order_id)  # type: ignore[attr-defined]
    service, done = ORDER_ACTIONS[action]
    try:
        outcome = service(actor=request.user, order=order)
    except OrderError as error:
        messages.error(request, str(error))
    else:
        if outcome is False:
            messages.info(request, "This order was already delivered; the stock was not changed again.")
        else:
            messages.success(request, done)
    return redirect("orders:order_detail", order_id=order.pk)


def _shopping_groups(request: HttpRequest, order_id: int) -> tuple[Order, Any]:
    order = selectors.order_get(household=request.household, order_id=order_id)  # type: ignore[attr-defined]
    vendor_order = selectors.vendor_order(order=order, lines=selectors.order_lines(order=order))
    return order, by_store(vendor_order.lines)


def shopping_list(request: HttpRequest, order_id: int) -> HttpResponse:
    order, groups = _shopping_groups(request, order_id)
    return render(request, "orders/shopping_list.html", {"order": order, "groups": groups})


def shopping_list_csv(request: HttpRequest, order_id: int) -> HttpResponse:
    order, groups = _shopping_groups(request, order_id)
    response = HttpResponse(as_csv(groups, currency=order.currency), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="shopping-list-{order.pk}.csv"'
    return response


# --- preferences -----------------------------------------------------------------------------------------------


def preferences(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    is_owner = request.membership.is_owner  # type: ignore[attr-defined]
    current = selectors.preferences_get(household=household)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Only the household owner can change its shopping preferences.")
        if form.is_valid():
            try:
                services.preferences_update(actor=request.user, household=household, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, "Shopping preferences saved.")
                return redirect("orders:preferences")
    context = {
        "form": form,
        "is_owner": is_owner,
        "rules": selectors.brand_rule_list(household=household),
        "rule_form": BrandRuleForm(household=household),
    }
    return render(request, "orders/preferences.html", context, status=400 if form.errors else 200)


@require_POST
def brand_rule_add(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    form = BrandRuleForm(request.POST, household=household)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("orders:preferences")
    try:
        services.brand_rule_add(actor=request.user, household=household, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Added to the brand ladder.")
    return redirect("orders:preferences")


@require_POST
def brand_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.brand_rule_get(household=request.household, rule_id=rule_id)  # type: ignore[attr-defined]
    services.brand_rule_delete(actor=request.user, rule=rule)
    messages.success(request, "Removed from the brand ladder.")
    return redirect("orders:preferences")

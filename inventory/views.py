"""Inventory pages. Thin: a scoped selector, a form, one service, then redirect or render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from inventory import selectors, services
from inventory.categories import Category
from inventory.categorising import suggest_category
from inventory.chart import stock_chart
from inventory.forecast import is_low_stock
from inventory.forms import (
    BulkAddForm,
    ConsumeForm,
    CorrectForm,
    ItemEditForm,
    ItemForm,
    ItemStockForm,
    StockAddForm,
)
from inventory.models import Item
from inventory.units import format_amount

PAGE_SIZE = 100
CHART_DAYS = 60


def dashboard(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    today = timezone.localdate()
    filters = {
        "search": request.GET.get("q", "").strip()[:100],
        "category": request.GET.get("category", "") if request.GET.get("category") in Category.values else "",
        "low_only": request.GET.get("low") == "1",
        "sort": request.GET.get("sort", "runout") if request.GET.get("sort") in selectors.SORTS else "runout",
    }
    result = selectors.dashboard_page(
        household=household, today=today, page_number=request.GET.get("page"), page_size=PAGE_SIZE, **filters
    )
    filtered = any(filters[key] for key in ("search", "category", "low_only"))
    context = {
        "page": result.page,
        "rows": result.rows,
        "filters": filters,
        "categories": Category.choices,
        "accuracy": selectors.forecast_accuracy(household=household),
        "low_count": result.low_count,
        "has_items": result.page.paginator.count > 0 or filtered,
        "query_string": _without_page(request),
    }
    return render(request, "inventory/dashboard.html", context)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    item = selectors.item_get(household=household, item_id=item_id)
    now = timezone.now()
    return render(request, "inventory/item_detail.html", _detail_context(item, household, now))


def _detail_context(item: Item, household: Any, now: Any, **forms_: forms.Form) -> dict[str, Any]:
    levels = selectors.stock_levels(item=item, since=now - timedelta(days=CHART_DAYS))
    return {
        "item": item,
        "journal": selectors.item_journal(item=item),
        "undoable": selectors.item_last_undoable(item=item),
        "accuracy": selectors.forecast_accuracy(household=household, item=item),
        "chart": stock_chart(levels, now=now),
        "consume_form": forms_.get("consume_form")
        or ConsumeForm(item=item, initial={"amount": item.usual_use}),
        "add_form": forms_.get("add_form") or StockAddForm(item=item),
        "correct_form": forms_.get("correct_form")
        or CorrectForm(item=item, initial={"quantity": item.quantity}),
        "low": is_low_stock(
            quantity=item.quantity,
            minimum=item.minimum,
            runout=item.predicted_runout,
            today=timezone.localdate(),
            threshold_days=household.low_stock_days,
        ),
    }


def item_create(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "quantity": form.cleaned_data["quantity"] or 0}
        suggestion = None
        if not data["category"]:
            # Asked before the service: a slow provider must not hold the item's transaction open.
            suggestion = suggest_category(household=household, actor=request.user, name=data["name"])
            data["category"] = suggestion.category
        ok, item = _call(form, services.item_create, actor=request.user, household=household, **data)
        if ok:
            messages.success(request, f"Added {item.name} to {item.get_category_display()}.")
            if suggestion and suggestion.message:
                messages.info(request, suggestion.message)
            return redirect("inventory:item_detail", item_id=item.pk)
    return render(request, "inventory/item_form.html", {"form": form, "creating": True})


def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    item = selectors.item_get(household=household, item_id=item_id)
    initial = {field: getattr(item, field) for field in ItemEditForm.base_fields}
    form = ItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = _call(form, services.item_update, actor=request.user, item=item, **form.cleaned_data)
        if ok:
            messages.success(request, "Saved.")
            return redirect("inventory:item_detail", item_id=item.pk)
    return render(request, "inventory/item_form.html", {"form": form, "item": item, "creating": False})


def item_bulk_create(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    form = BulkAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        drafts = form.cleaned_data["lines"]
        ok, items = _call(
            form, services.items_bulk_create, actor=request.user, household=household, drafts=drafts
        )
        if ok:
            messages.success(request, f"Added {len(items)} items.")
            return redirect("inventory:dashboard")
    return render(request, "inventory/bulk_add.html", {"form": form})


@require_POST
def item_consume(request: HttpRequest, item_id: int) -> HttpResponse:
    return _stock_change(
        request, item_id, ConsumeForm, "consume_form", services.stock_consume, "Recorded use of"
    )


@require_POST
def item_add_stock(request: HttpRequest, item_id: int) -> HttpResponse:
    return _stock_change(request, item_id, StockAddForm, "add_form", services.stock_add, "Added stock to")


@require_POST
def item_correct(request: HttpRequest, item_id: int) -> HttpResponse:
    return _stock_change(request, item_id, CorrectForm, "correct_form", services.stock_correct, "Corrected")


@require_POST
def item_undo(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_get(household=request.household, item_id=item_id)  # type: ignore[attr-defined]
    try:
        event = services.stock_undo_last(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Undid “{event.get_kind_display()} {format_amount(abs(event.delta))}”.")
    return redirect("inventory:item_detail", item_id=item.pk)


def _stock_change(
    request: HttpRequest,
    item_id: int,
    form_class: type[ItemStockForm],
    form_name: str,
    service: Callable[..., Any],
    verb: str,
) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    item = selectors.item_get(household=household, item_id=item_id)
    form = form_class(request.POST, item=item)
    if form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
        ok, _ = _call(form, service, actor=request.user, item=item, **data)
        if ok:
            messages.success(request, f"{verb} {item.name}.")
            return redirect(_next_url(request, item))
    item.refresh_from_db()
    context = _detail_context(item, household, timezone.now(), **{form_name: form})
    return render(request, "inventory/item_detail.html", context, status=400)


def _next_url(request: HttpRequest, item: Item) -> str:
    """Quick buttons on the dashboard come back to it; anything else goes to the item page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("inventory:item_detail", kwargs={"item_id": item.pk})


def _call(form: forms.Form, service: Callable[..., Any], **kwargs: Any) -> tuple[bool, Any]:
    """Run a service; a ValidationError becomes form errors and (False, None), and nothing was written."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return False, None

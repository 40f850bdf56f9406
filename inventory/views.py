"""Inventory pages. Thin: a scoped selector, a form, one service, then redirect or render."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from grapefruit.dates import months_before
from grapefruit.pages import render_page
from inventory import selectors, services
from inventory.categories import Category
from inventory.categorising import suggest_category
from inventory.display import event_sentence, item_page_display, item_rows, spending_display
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
from inventory.units import format_amount, format_quantity

PAGE_SIZE = 50
SPENDING_MONTHS = 12
CHART_DAYS = 60


def dashboard(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    today = timezone.localdate()
    filters = {
        "search": request.GET.get("q", "").strip()[:100],
        "category": request.GET.get("category", "") if request.GET.get("category") in Category.values else "",
        "low_only": request.GET.get("low") == "1",
        "archived": request.GET.get("archived") == "1",
        "sort": request.GET.get("sort", "runout") if request.GET.get("sort") in selectors.SORTS else "runout",
    }
    result = selectors.dashboard_page(
        household=household, today=today, page_number=request.GET.get("page"), page_size=PAGE_SIZE, **filters
    )
    filtered = any(filters[key] for key in ("search", "category", "low_only", "archived"))
    context = {
        "page": result.page,
        "rows": item_rows(result.items, today=today, low_stock_days=household.low_stock_days),
        "filters": filters,
        "categories": Category.choices,
        "accuracy": result.accuracy,
        "low_count": result.low_count,
        "archived_count": result.archived_count,
        "has_items": result.page.paginator.count > 0 or filtered,
        "query_string": _without_page(request),
        "next_url": request.get_full_path(),
    }
    return render_page(request, "inventory/dashboard.html", context, title="Inventory")


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def spending(request: HttpRequest) -> HttpResponse:
    """What the household paid, by month and by store, over the last twelve months (this one included)."""
    today = timezone.localdate()
    since = months_before(today, SPENDING_MONTHS - 1)
    result = selectors.household_spending(household=request.household, since=since, today=today)  # type: ignore[attr-defined]
    context = {"spending": spending_display(result) if result else None}
    return render_page(request, "inventory/spending.html", context, title="Spending")


def item_names(request: HttpRequest) -> HttpResponse:
    """The household's item names as <option>s, loaded into the name suggestions (<datalist>) of forms that
    pick an item by name; an unchanged list answers 304, so a page that needs it costs no extra rendering."""
    names = selectors.active_item_names(household=request.household)  # type: ignore[attr-defined]
    etag = '"' + hashlib.sha256("\n".join(names).encode()).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    response = render(request, "inventory/item_names.html", {"names": names})
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item_page = selectors.item_page_get(household=request.household, item_id=item_id)  # type: ignore[attr-defined]
    return _render_detail(request, item_page, journal_page=request.GET.get("page"))


def _render_detail(
    request: HttpRequest,
    item_page: selectors.ItemPage,
    *,
    journal_page: str | None = None,
    status: int = 200,
    **forms_: forms.Form,
) -> HttpResponse:
    item = item_page.item
    now = timezone.now()
    history = selectors.item_history(
        item=item, page_number=journal_page, since=now - timedelta(days=CHART_DAYS)
    )
    consume_form = forms_.get("consume_form") or ConsumeForm(
        item=item, initial={"amount": format_amount(item.usual_use)}
    )
    context = {
        **item_page_display(item_page, history=history, now=now),
        "consume_form": consume_form,
        # Asked for more than is left: offer the rest in one click instead of a silent clamp.
        "use_up": format_quantity(item.quantity, item.unit)
        if consume_form.errors.get("amount") and item.quantity > 0
        else "",
        "add_form": forms_.get("add_form") or StockAddForm(item=item),
        "correct_form": forms_.get("correct_form")
        or CorrectForm(item=item, initial={"quantity": format_amount(item.quantity)}),
    }
    return render_page(request, "inventory/item_detail.html", context, title=item.name, status=status)


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
        messages.success(request, f"Undid “{event_sentence(event, item.unit)}”.")
    return redirect("inventory:item_detail", item_id=item.pk)


@require_POST
def item_archive(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_get(household=request.household, item_id=item_id)  # type: ignore[attr-defined]
    services.item_archive(actor=request.user, item=item)
    messages.success(request, f"Archived {item.name}: it left the lists and keeps its history.")
    return redirect("inventory:item_detail", item_id=item.pk)


@require_POST
def item_restore(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_get(household=request.household, item_id=item_id)  # type: ignore[attr-defined]
    services.item_restore(actor=request.user, item=item)
    messages.success(request, f"Restored {item.name} to the inventory.")
    return redirect(_next_url(request, item))


@require_POST
def item_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_get(household=request.household, item_id=item_id)  # type: ignore[attr-defined]
    services.item_delete(actor=request.user, item=item)
    messages.success(request, f"Deleted {item.name} and its journal.")
    return redirect("inventory:dashboard")


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
    item_page = selectors.item_page_get(household=household, item_id=item_id)
    return _render_detail(request, item_page, status=400, **{form_name: form})


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

"""Receipt pages: inbox, upload, status (polled by htmx), review and apply, retry, delete. Thin: selector, form,
service."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from grapefruit.pages import render_page
from receipts import selectors, services
from receipts.display import applied_lines, inbox_rows, review_lines, status_badge
from receipts.forms import LINES_PREFIX, ApplyForm, LineFormSet, UploadForm
from receipts.models import Receipt

INBOX_PAGE_SIZE = 25


def _receipt(request: HttpRequest, pk: int) -> Receipt:
    return selectors.receipt_get(household=request.household, pk=pk)


def inbox(request: HttpRequest) -> HttpResponse:
    receipts = selectors.receipts_for(household=request.household)
    page = Paginator(receipts, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": inbox_rows(page.object_list, today=timezone.localdate(), now=timezone.now()),
        "polling": any(receipt.in_progress for receipt in page.object_list),
    }
    return render_page(request, "receipts/inbox.html", context, title="Receipts")


def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            receipts = services.receipt_upload(
                actor=request.user, household=request.household, uploads=form.uploads()
            )
        except services.ReceiptError as error:
            form.add_error(None, str(error))
        else:
            if len(receipts) == 1:
                return redirect("receipts:detail", pk=receipts[0].pk)
            messages.success(request, f"{len(receipts)} receipts uploaded. They are being read now.")
            return redirect("receipts:inbox")
    return render(request, "receipts/upload.html", {"form": form}, status=400 if form.errors else 200)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt(request, pk)
    if receipt.status == Receipt.Status.NEEDS_REVIEW:
        return _render_review(request, receipt)
    context = {
        "receipt": receipt,
        "status_badge": status_badge(receipt.status),
        "review": None,
        "applied": None,
    }
    if receipt.status == Receipt.Status.APPLIED:
        context["applied"] = applied_lines(selectors.receipt_lines(receipt=receipt))
    return render_page(request, "receipts/detail.html", context, title=f"Receipt #{receipt.pk}")


def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment htmx polls while a worker moves the receipt along."""
    receipt = _receipt(request, pk)
    context = {"receipt": receipt, "status_badge": status_badge(receipt.status)}
    response = render(request, "receipts/_status.html", context)
    if not receipt.in_progress and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the review form appears once the worker is done
    return response


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt(request, pk)
    formset = LineFormSet(request.POST, household=request.household)
    apply_form = ApplyForm(request.POST)
    if formset.is_valid() and apply_form.is_valid():
        try:
            services.receipt_lines_update(
                actor=request.user, receipt=receipt, edits=[form.edit() for form in formset]
            )
            if "apply" in request.POST:
                services.receipt_apply(
                    actor=request.user,
                    receipt=receipt,
                    allow_duplicate=apply_form.cleaned_data["apply_duplicate"],
                    bought_on=apply_form.cleaned_data["bought_on"],
                )
                messages.success(request, "The receipt was added to your inventory.")
            else:
                messages.success(request, "Your corrections were saved.")
            return redirect("receipts:detail", pk=receipt.pk)
        except services.ReceiptError as error:
            apply_form.add_error(None, str(error))
    return _render_review(request, receipt, formset, apply_form, status=400)


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt(request, pk)
    try:
        services.receipt_retry(actor=request.user, receipt=receipt)
    except services.ReceiptError as error:
        messages.error(request, str(error))
    return redirect("receipts:detail", pk=receipt.pk)


@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt(request, pk)
    try:
        services.receipt_delete(actor=request.user, receipt=receipt)
    except services.ReceiptError as error:
        messages.error(request, str(error))
        return redirect("receipts:detail", pk=receipt.pk)
    messages.success(request, f"Deleted receipt #{pk}.")
    return redirect("receipts:inbox")


def _render_review(
    request: HttpRequest,
    receipt: Receipt,
    formset: LineFormSet | None = None,
    apply_form: ApplyForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    lines = selectors.receipt_line_rows(receipt=receipt)
    context = {
        "receipt": receipt,
        "status_badge": status_badge(receipt.status),
        "review": review_lines(lines, formset.forms if formset else None),
        "applied": None,
        "formset_errors": formset.non_form_errors() if formset else [],
        "lines_prefix": LINES_PREFIX,
        "apply_form": apply_form or ApplyForm(),
        "totals": selectors.receipt_totals(receipt=receipt, lines=lines),
        "ask_bought_on": services.purchase_date_needs_confirmation(receipt),
    }
    return render_page(
        request, "receipts/detail.html", context, title=f"Receipt #{receipt.pk}", status=status
    )

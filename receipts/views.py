"""Receipt pages: inbox, upload, status (polled by htmx), review and apply, retry. Thin: selector, form, service."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from receipts import selectors, services
from receipts.forms import ApplyForm, LineFormSet, UploadForm, line_initial
from receipts.models import Receipt

INBOX_PAGE_SIZE = 25


def _receipt(request: HttpRequest, pk: int) -> Receipt:
    # Another household's receipt id is a 404, exactly like an id that does not exist.
    return get_object_or_404(selectors.receipts_for(household=request.household), pk=pk)


def inbox(request: HttpRequest) -> HttpResponse:
    receipts = selectors.receipts_for(household=request.household)
    page = Paginator(receipts, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    polling = any(receipt.in_progress for receipt in page.object_list)
    return render(request, "receipts/inbox.html", {"page": page, "polling": polling})


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
    context = {"receipt": receipt}
    if receipt.status in (Receipt.Status.NEEDS_REVIEW, Receipt.Status.APPLIED):
        context.update(_review_context(request, receipt))
    return render(request, "receipts/detail.html", context)


def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment htmx polls while a worker moves the receipt along."""
    receipt = _receipt(request, pk)
    response = render(request, "receipts/_status.html", {"receipt": receipt})
    if not receipt.in_progress and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the review form appears once the worker is done
    return response


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt(request, pk)
    item_choices = _item_choices(request)
    formset = LineFormSet(request.POST, item_choices=item_choices, prefix="lines")
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
    context = {"receipt": receipt, **_review_context(request, receipt, formset, apply_form)}
    return render(request, "receipts/detail.html", context, status=400)


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt(request, pk)
    try:
        services.receipt_retry(actor=request.user, receipt=receipt)
    except services.ReceiptError as error:
        messages.error(request, str(error))
    return redirect("receipts:detail", pk=receipt.pk)


def _item_choices(request: HttpRequest) -> list[tuple[int, str]]:
    items = selectors.household_items(household=request.household).only("pk", "name", "unit")
    # Names are encrypted, so they are sorted here rather than by the database.
    return sorted(((item.pk, f"{item.name} ({item.unit})") for item in items), key=lambda c: c[1].lower())


def _review_context(
    request: HttpRequest,
    receipt: Receipt,
    formset: LineFormSet | None = None,
    apply_form: ApplyForm | None = None,
) -> dict[str, object]:
    lines = list(selectors.receipt_lines(receipt=receipt))
    if formset is None:
        formset = LineFormSet(
            initial=[line_initial(line) for line in lines],
            item_choices=_item_choices(request),
            prefix="lines",
        )
    return {
        "rows": list(zip(lines, formset.forms, strict=False)),
        "formset": formset,
        "apply_form": apply_form or ApplyForm(),
        "totals": selectors.receipt_totals(receipt=receipt, lines=lines),
        "editable": receipt.status == Receipt.Status.NEEDS_REVIEW,
        "ask_bought_on": services.purchase_date_needs_confirmation(receipt),
    }

"""Forms for uploading receipts and reviewing their lines. They validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from inventory.selectors import item_ids_by_name
from inventory.units import UNIT_CHOICES
from receipts.models import ReceiptLine
from receipts.services import PASTED_TEXT_NAME, BoughtOn, LineEdit, Upload

MAX_PASTED_TEXT = 100_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list of UploadedFile."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.heic,.heif,.pdf,.txt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_clean(part, initial) for part in data]
        return [single_clean(data, initial)] if data else []


class UploadForm(forms.Form):
    files = MultipleFileField(
        required=False,
        label="Photos, scans or PDFs",
        help_text="JPEG, PNG, WebP, HEIC, TIFF or PDF. You can pick several at once.",
    )
    text = forms.CharField(
        required=False,
        label="…or paste the receipt text",
        max_length=MAX_PASTED_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        limit = settings.OCR_MAX_UPLOAD_BYTES
        for upload in files:
            # Checked before reading the file into memory; the bytes themselves are checked by the service.
            if upload.size > limit:
                raise forms.ValidationError(
                    f"{upload.name}: the file is larger than the {limit // (1024 * 1024)} MB limit."
                )
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("text", "").strip():
            raise forms.ValidationError("Choose at least one file or paste the receipt text.")
        return cleaned

    def uploads(self) -> list[Upload]:
        uploads = [Upload(filename=f.name, data=f.read()) for f in self.cleaned_data["files"]]
        text = self.cleaned_data["text"].strip()
        if text:
            uploads.append(Upload(filename=PASTED_TEXT_NAME, data=text.encode("utf-8")))
        return uploads


# The review form's field names start with this (lines-0-name, lines-TOTAL_FORMS, ...).
LINES_PREFIX = "lines"


class LineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=200)
    quantity = forms.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit = forms.ChoiceField(choices=UNIT_CHOICES)
    total_price = forms.DecimalField(max_digits=12, decimal_places=2, required=False)
    action = forms.ChoiceField(choices=ReceiptLine.Action.choices)
    # The existing item's name to add to, or the new item's name: typed, with the household's names suggested.
    item = forms.CharField(max_length=200, required=False, label="Item")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text = " ".join(cleaned.get("item", "").split())
        cleaned["item"] = text
        if cleaned.get("action") == ReceiptLine.Action.ADD_EXISTING and not text:
            self.add_error("item", "Choose the item to add this line to.")
        if cleaned.get("action") == ReceiptLine.Action.CREATE_NEW and not text:
            cleaned["item"] = cleaned.get("name", "").strip()
        return cleaned

    def adds_to_existing(self) -> bool:
        return self.cleaned_data.get("action") == ReceiptLine.Action.ADD_EXISTING and bool(
            self.cleaned_data["item"]
        )

    def edit(self) -> LineEdit:
        data = self.cleaned_data
        return LineEdit(
            line_id=data["line_id"],
            name=data["name"].strip(),
            quantity=data["quantity"],
            unit=data["unit"],
            total_price=data["total_price"],
            action=data["action"],
            item_id=data.get("item_id"),
            new_item_name=data["item"] if data["action"] == ReceiptLine.Action.CREATE_NEW else "",
        )


class BaseLineFormSet(forms.BaseFormSet):
    """The review's lines; the item names typed for "Add to item" are looked up together, in one query."""

    def __init__(self, *args: Any, household: Any, **kwargs: Any) -> None:
        self.household = household
        super().__init__(*args, prefix=LINES_PREFIX, **kwargs)

    def clean(self) -> None:
        adding = [form for form in self.forms if form.is_valid() and form.adds_to_existing()]
        ids = item_ids_by_name(household=self.household, names={form.cleaned_data["item"] for form in adding})
        for form in adding:
            name = form.cleaned_data["item"]
            if name in ids:
                form.cleaned_data["item_id"] = ids[name]
            else:
                form.add_error("item", f"No item is called “{name}”. Choose “New item” to create it.")


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=False)


class ApplyForm(forms.Form):
    apply_duplicate = forms.BooleanField(
        required=False, label="I checked: this is a different purchase, apply it anyway"
    )
    # Asked only for a receipt dated well in the past (receipts.services.purchase_date_needs_confirmation).
    bought_on = forms.TypedChoiceField(
        choices=[
            (BoughtOn.RECEIPT_DATE.value, "On the date printed on the receipt"),
            (BoughtOn.TODAY.value, "Today"),
        ],
        coerce=BoughtOn,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="When were these bought?",
    )

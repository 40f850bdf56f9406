"""Forms for uploading receipts and reviewing their lines. They validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

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


class LineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=200)
    quantity = forms.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit = forms.ChoiceField(choices=UNIT_CHOICES)
    total_price = forms.DecimalField(max_digits=12, decimal_places=2, required=False)
    action = forms.ChoiceField(choices=ReceiptLine.Action.choices)
    item = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Match")
    new_item_name = forms.CharField(max_length=200, required=False, label="New item name")

    def __init__(self, *args: Any, item_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—"), *item_choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == ReceiptLine.Action.ADD_EXISTING and not cleaned.get("item"):
            self.add_error("item", "Choose the item to add this line to.")
        if action == ReceiptLine.Action.CREATE_NEW and not cleaned.get("new_item_name", "").strip():
            cleaned["new_item_name"] = cleaned.get("name", "")
        return cleaned

    def edit(self) -> LineEdit:
        data = self.cleaned_data
        return LineEdit(
            line_id=data["line_id"],
            name=data["name"].strip(),
            quantity=data["quantity"],
            unit=data["unit"],
            total_price=data["total_price"],
            action=data["action"],
            item_id=data["item"] if data["action"] == ReceiptLine.Action.ADD_EXISTING else None,
            new_item_name=data["new_item_name"].strip(),
        )


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, item_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        self.item_choices = item_choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "item_choices": self.item_choices}


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=False)


def line_initial(line: ReceiptLine) -> dict[str, Any]:
    return {
        "line_id": line.pk,
        "name": line.name,
        "quantity": line.quantity,
        "unit": line.unit,
        "total_price": line.total_price,
        "action": line.action,
        "item": line.item_id,
        "new_item_name": line.new_item_name,
    }


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

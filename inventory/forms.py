"""Input forms. They check shape and range; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from inventory.categories import Category
from inventory.models import MAX_QUANTITY, NAME_MAX_LENGTH, Item
from inventory.services import ItemDraft
from inventory.units import UNIT_CHOICES, UnitError, parse_unit, unit_choices_convertible_to

BULK_MAX_LINES = 200


def _quantity_field(
    *, label: str, required: bool = True, minimum: Decimal = Decimal(0)
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=MAX_QUANTITY,
        max_digits=10,
        decimal_places=3,
    )


class ItemForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH)
    quantity = _quantity_field(label="How much is there now", required=False)
    unit = forms.ChoiceField(choices=UNIT_CHOICES, initial="pcs")
    category = forms.ChoiceField(choices=[("", "Guess from the name"), *Category.choices], required=False)
    location = forms.CharField(max_length=60, required=False)
    best_before = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    minimum = _quantity_field(label="Low below", required=False)


class ItemEditForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH)
    category = forms.ChoiceField(choices=Category.choices)
    location = forms.CharField(max_length=60, required=False)
    best_before = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    minimum = _quantity_field(label="Low below", required=False)


class ItemStockForm(forms.Form):
    """A stock change on one item; the item shapes the choices offered."""

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item


class AmountForm(ItemStockForm):
    """An amount in the item's unit or another unit of the same kind (2 lb of something kept in kg)."""

    amount = _quantity_field(label="Amount", minimum=Decimal("0.001"))
    unit = forms.ChoiceField(choices=UNIT_CHOICES, required=False)

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        # Preselect the item's own unit: a default of "pieces" on a litre item would be refused on submit.
        self.fields["unit"].choices = unit_choices_convertible_to(item.unit)
        self.fields["unit"].initial = item.unit


class StockAddForm(AmountForm):
    ran_out = forms.BooleanField(required=False, label="It had run out before this")


class ConsumeForm(AmountForm):
    spoiled = forms.BooleanField(required=False, label="Thrown away (spoiled), not used")


class CorrectForm(ItemStockForm):
    quantity = _quantity_field(label="Counted amount")


class BulkAddForm(forms.Form):
    lines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "Milk, 2, l\nEggs, 12\nRice, 1, kg"}),
        help_text="One item a line: name, then optionally quantity and unit, separated by commas.",
    )

    def clean_lines(self) -> list[ItemDraft]:
        lines = [line.strip() for line in self.cleaned_data["lines"].splitlines() if line.strip()]
        if len(lines) > BULK_MAX_LINES:
            raise ValidationError(f"At most {BULK_MAX_LINES} lines at a time.")
        drafts: list[ItemDraft] = []
        errors: list[str] = []
        for number, line in enumerate(lines, start=1):
            try:
                drafts.append(parse_bulk_line(line))
            except ValidationError as error:
                errors.append(f"Line {number}: {' '.join(error.messages)}")
        if errors:
            raise ValidationError(errors)
        names = [" ".join(draft.name.casefold().split()) for draft in drafts]
        if len(set(names)) != len(names):
            raise ValidationError("The same name appears on two lines.")
        return drafts


def parse_bulk_line(line: str) -> ItemDraft:
    parts = [part.strip() for part in line.split(",")]
    if len(parts) > 3 or not parts[0]:
        raise ValidationError("write it as: name, quantity, unit")
    name = parts[0]
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"the name is longer than {NAME_MAX_LENGTH} characters")
    quantity = Decimal(0)
    if len(parts) > 1 and parts[1]:
        try:
            quantity = Decimal(parts[1])
        except InvalidOperation:
            raise ValidationError(f"{parts[1]!r} is not a number") from None
        if not quantity.is_finite() or quantity < 0 or quantity > MAX_QUANTITY:
            raise ValidationError(f"the quantity must be between 0 and {MAX_QUANTITY}")
    unit = "pcs"
    if len(parts) > 2 and parts[2]:
        try:
            unit = parse_unit(parts[2]).code
        except UnitError as error:
            raise ValidationError(str(error)) from None
    return ItemDraft(name=name, unit=unit, quantity=quantity)

"""Forms of the cart, orders and preferences pages. They parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from inventory.categories import Category
from inventory.models import MAX_QUANTITY, Item
from inventory.selectors import item_by_name
from orders.models import BrandRule, Preferences
from orders.services.preferences import PREFERENCE_FIELDS
from orders.vendors import configured_vendors


class QuantityForm(forms.Form):
    quantity = forms.DecimalField(min_value=Decimal("0.001"), max_value=MAX_QUANTITY, decimal_places=3)


class CartAddForm(forms.Form):
    """Add an item by its id (an item page's button) or by its name (typed on the cart page); the quantity is
    optional, the suggestion fills it in."""

    item = forms.ModelChoiceField(queryset=Item.objects.none(), required=False)
    item_name = forms.CharField(max_length=200, required=False)
    quantity = forms.DecimalField(
        min_value=Decimal("0.001"), max_value=MAX_QUANTITY, decimal_places=3, required=False
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, household: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        # Another household's item id is "not one of the choices": the same answer as a missing one.
        self.fields["item"].queryset = Item.objects.filter(household=household)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name = " ".join(cleaned.get("item_name", "").split())
        if cleaned.get("item") is None and name:
            cleaned["item"] = item_by_name(household=self.household, name=name)
            if cleaned["item"] is None:
                self.add_error("item_name", f"No item is called “{name}”.")
        elif cleaned.get("item") is None and not self.has_error("item"):
            self.add_error("item", "Choose one of your items.")
        return cleaned


def vendor_choices() -> list[tuple[str, str]]:
    return [(key, vendor.label) for key, vendor in configured_vendors().items()]


class OrderFromCartForm(forms.Form):
    vendor = forms.ChoiceField(choices=vendor_choices)


class PreferencesForm(forms.ModelForm):
    allowed_vendors = forms.MultipleChoiceField(
        choices=vendor_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every vendor is allowed.",
    )
    allowed_stores = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One store per line. Empty: every store. Only prices from these stores are used.",
    )

    class Meta:
        model = Preferences
        fields = PREFERENCE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["allowed_stores"] = "\n".join(self.instance.allowed_stores or [])

    def clean_allowed_stores(self) -> list[str]:
        return [
            " ".join(line.split())
            for line in self.cleaned_data["allowed_stores"].splitlines()
            if line.strip()
        ]

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class BrandRuleForm(forms.Form):
    brand = forms.CharField(max_length=100)
    rank = forms.ChoiceField(choices=BrandRule.Rank.choices)
    item = forms.ModelChoiceField(
        queryset=Item.objects.none(), required=False, empty_label="— a whole category —"
    )
    category = forms.ChoiceField(choices=[("", "—"), *Category.choices], required=False)

    def __init__(self, *args: Any, household: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(household=household)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("item") and not data.get("category"):
            raise forms.ValidationError("Choose an item or a category.")
        return data

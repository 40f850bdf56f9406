from __future__ import annotations

from typing import Any

from django import forms

from audit.selectors import AuditFilters, Person
from audit.wording import person_name


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, label="What")
    member = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Who")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any, *, areas: list[str], actors: list[Person]) -> None:
        super().__init__(data)
        self.fields["action"].choices = [
            ("", "Everything"),
            *((area, area.replace("_", " ")) for area in areas),
        ]
        self.fields["member"].choices = [
            ("", "Everyone"),
            *((actor.pk, person_name(actor.first_name, actor.last_name, actor.username)) for actor in actors),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def filters(self) -> AuditFilters:
        """The filters to apply: none when the form is invalid (the page shows why)."""
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            action=data["action"], actor_id=data["member"], since=data["since"], until=data["until"]
        )

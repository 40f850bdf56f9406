from django import forms
from django.contrib.auth.forms import UserCreationForm

from grapefruit.models import Household, User


class AccountForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Used for password resets.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class SignupForm(AccountForm):
    household_name = forms.CharField(max_length=100, label="Household name", initial="Our home")


class HouseholdSettingsForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["name", "time_zone", "low_stock_days", "llm_opt_out"]
        widgets = {"time_zone": forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"})}

"""The household's time zone: chosen in Preferences, used for every date and time the members see."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from inventory.services import item_create, stock_consume

pytestmark = pytest.mark.django_db


def settings_form(**changes) -> dict[str, str]:
    return {"name": "Home", "time_zone": "UTC", "low_stock_days": "3", **changes}


def test_owner_sets_the_time_zone_and_times_are_shown_in_it(member_client, user, household):
    milk = item_create(actor=user, household=household, name="Milk", unit="l", quantity=Decimal(2))
    now = datetime.now(UTC)
    stock_consume(actor=user, item=milk, amount=Decimal("0.5"), at=now)

    response = member_client.post(reverse("household_settings"), settings_form(time_zone="Asia/Kathmandu"))

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.time_zone == "Asia/Kathmandu"
    assert AuditEvent.objects.filter(household=household, action="household.update_settings").exists()
    journal = member_client.get(reverse("inventory:item_detail", args=[milk.pk])).context["journal_rows"]
    local = now.astimezone(household.zone)  # UTC+05:45: no other zone shows these minutes
    assert journal[0].when.endswith(f"{local:%H:%M}")


def test_an_unknown_time_zone_is_a_form_error_and_saves_nothing(member_client, household):
    response = member_client.post(reverse("household_settings"), settings_form(time_zone="Mars/Olympus"))
    assert response.status_code == 200
    assert "is not a time zone" in response.content.decode()
    household.refresh_from_db()
    assert household.time_zone == "UTC"


def test_preferences_suggest_every_time_zone(member_client):
    page = member_client.get(reverse("household_settings")).content.decode()
    assert '<option value="Europe/Paris">' in page
    assert 'list="time-zones"' in page


def test_preferences_lead_to_the_shopping_preferences(member_client):
    """Auto-reorder, budget and brands live on the orders app's page; the household's Preferences point there."""
    page = member_client.get(reverse("household_settings")).content.decode()
    assert f'href="{reverse("orders:preferences")}"' in page

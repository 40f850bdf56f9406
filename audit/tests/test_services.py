"""The audit API: events inside the action's transaction, refusals after its rollback, encrypted details."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_prune, audit_record, records_refusals
from audit.tasks import audit_prune_task
from grapefruit.models import Household


class QuotaError(Exception):
    """A domain refusal of the kind apps define."""


@records_refusals("household.rename", target="household", errors=(QuotaError,))
@transaction.atomic
def household_rename(*, actor, household, name, refuse=None):
    household.name = name
    household.save(update_fields=["name"])
    audit_record(actor=actor, household=household, action="household.rename", target=household)
    if refuse is not None:
        raise refuse
    return household


def test_a_done_action_writes_one_event_with_its_target(user, household):
    household_rename(actor=user, household=household, name="Flat 2")

    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor, event.household) == (
        "household.rename",
        "ok",
        user,
        household,
    )
    assert (event.target_type, event.target_id) == ("grapefruit.Household", str(household.pk))


@pytest.mark.parametrize(
    ("error", "details"),
    [
        (ValidationError({"name": "too long"}), {"reason": "invalid", "fields": ["name"]}),
        (ValidationError("no"), {"reason": "invalid"}),
        (PermissionDenied("owners only"), {"reason": "permission"}),
        (QuotaError("Flat 2 is taken"), {"reason": "refused"}),
    ],
)
def test_a_refused_action_rolls_back_and_leaves_exactly_one_refused_event(user, household, error, details):
    with pytest.raises(type(error)):
        household_rename(actor=user, household=household, name="Flat 2", refuse=error)

    household.refresh_from_db()
    event = AuditEvent.objects.get()
    assert household.name != "Flat 2"
    assert (event.action, event.outcome, event.details) == ("household.rename", "refused", details)
    assert event.target_id == str(household.pk) and event.actor == user


def test_an_unexpected_error_is_not_recorded_as_a_refusal(user, household):
    with pytest.raises(RuntimeError):
        household_rename(actor=user, household=household, name="Flat 2", refuse=RuntimeError("bug"))

    assert not AuditEvent.objects.exists()


def test_a_change_rolled_back_by_its_caller_leaves_no_event(user, household):
    with pytest.raises(RuntimeError), transaction.atomic():
        household_rename(actor=user, household=household, name="Flat 2")
        raise RuntimeError("the caller gives up after the service succeeded")

    assert not AuditEvent.objects.exists()
    assert Household.objects.get(pk=household.pk).name != "Flat 2"


def test_details_are_encrypted_in_the_database(user, household):
    event = audit_record(actor=user, household=household, action="x.y", details={"kind": "photo", "count": 3})

    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM audit_auditevent WHERE id = %s", [event.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("$gf1$") and "photo" not in stored
    assert AuditEvent.objects.get(pk=event.pk).details == {"kind": "photo", "count": 3}


def test_prune_deletes_only_events_past_the_retention_and_can_run_twice(household):
    old = audit_record(actor=None, household=household, action="x.old")
    recent = audit_record(actor=None, household=household, action="x.recent")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert audit_prune(older_than_days=30) == 1
    assert audit_prune(older_than_days=30) == 0
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_daily_task_prunes_with_the_configured_retention(household, settings):
    settings.AUDIT_RETENTION_DAYS = 7
    event = audit_record(actor=None, household=household, action="x.old")
    AuditEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=8))

    assert audit_prune_task.apply().get() == 1
    assert not AuditEvent.objects.exists()

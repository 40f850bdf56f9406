"""Audit events that Django rather than one of our services knows about: sign-in, sign-out and failed sign-in
(Django's auth signals), password changes and resets (our subclasses of its views), and changes made in the
admin (the LogEntry row the admin writes for each, in the same transaction as the change).

Each records the client address masked as in the logs (203.0.x.x): enough to tell one intruder from another,
not enough to locate a member.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import audit_record
from grapefruit.models import Household, Membership, User
from grapefruit.ratelimits import client_ip
from grapefruit.redaction import mask_ip

ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def household_of(user: Any) -> Household | None:
    if user is None or not getattr(user, "pk", None):
        return None
    membership = Membership.objects.select_related("household").filter(user_id=user.pk).first()
    return membership.household if membership else None


def request_details(request: HttpRequest | None) -> dict[str, Any]:
    return {"ip": mask_ip(client_ip(request))} if request is not None else {}


def account_event_record(
    *, action: str, user: Any, request: HttpRequest | None, outcome: str = AuditEvent.Outcome.OK
) -> AuditEvent:
    """An event about a member's own account (sign-in, password), in their household's log."""
    return audit_record(
        actor=user,
        household=household_of(user),
        action=action,
        target=user if getattr(user, "pk", None) else None,
        details=request_details(request),
        outcome=outcome,
    )


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    account_event_record(action="auth.login", user=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        account_event_record(action="auth.logout", user=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    """A wrong password for a member shows in their household's log; an unknown name only in the admin's."""
    user = User.objects.filter(username=credentials.get("username") or "").first()
    audit_record(
        actor=None,
        household=household_of(user),
        action="auth.login",
        target=user,
        details={**request_details(request), "known_user": user is not None},
        outcome=AuditEvent.Outcome.FAILED,
    )


@receiver(post_save, sender=LogEntry)
def _admin_changed(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created or instance.action_flag not in ADMIN_ACTIONS:
        return
    edited = _edited_object(instance)
    audit_record(
        actor=instance.user,
        household=_household_of_object(edited),
        action=ADMIN_ACTIONS[instance.action_flag],
        target=edited,
        details={
            "model": instance.content_type.model if instance.content_type else "",
            "fields": _fields(instance),
        },
    )


def _edited_object(entry: LogEntry) -> models.Model | None:
    try:
        return entry.get_edited_object()
    except (AttributeError, models.ObjectDoesNotExist):
        return None


def _household_of_object(obj: models.Model | None) -> Household | None:
    if isinstance(obj, Household):
        return obj
    if isinstance(obj, User):
        return household_of(obj)
    return getattr(obj, "household", None)


def _fields(entry: LogEntry) -> list[str]:
    """The names of the changed fields the admin listed (never their values)."""
    try:
        messages = json.loads(entry.change_message or "[]")
    except ValueError:
        return []
    return sorted({name for part in messages for name in part.get("changed", {}).get("fields", [])})

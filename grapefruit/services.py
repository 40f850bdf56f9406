"""Writes on the core models: sign-up, invitations, household settings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, records_refusals
from grapefruit.models import Household, Invitation, Membership, User


class InvitationInvalid(Exception):
    """The link was already used, has expired, or never existed."""


@transaction.atomic
def household_create_with_owner(*, username: str, email: str, password: str, household_name: str) -> User:
    user = User(username=username, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    household = Household(name=household_name)
    household.full_clean()
    household.save()
    Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
    audit_record(actor=user, household=household, action="household.create", target=household)
    return user


def require_owner(actor: User, household: Household) -> None:
    if not Membership.objects.filter(
        user_id=actor.pk, household=household, role=Membership.Role.OWNER
    ).exists():
        raise PermissionDenied("Only the household owner can do this.")


@records_refusals("invitation.create", target="household")
@transaction.atomic
def invitation_create(*, household: Household, actor: User) -> tuple[Invitation, str]:
    """Returns the invitation and its token; the token exists only in the link shown to the owner."""
    require_owner(actor, household)
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        household=household,
        token_hash=token_hash,
        created_by=actor,
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    audit_record(actor=actor, household=household, action="invitation.create", target=invitation)
    return invitation, token


def invitation_lookup(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("household").filter(token_hash=Invitation.hash_token(token)).first()
    )
    if invitation is None or invitation.status != "open":
        raise InvitationInvalid(
            "This invitation link is no longer valid. Ask the household owner for a new one."
        )
    return invitation


@records_refusals("invitation.accept", errors=(InvitationInvalid,))
@transaction.atomic
def invitation_accept(*, token: str, username: str, email: str, password: str) -> User:
    """Create the account and its membership; the row lock makes a link usable exactly once, even when two
    people open it at the same moment."""
    invitation = invitation_lookup(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "open":
        raise InvitationInvalid(
            "This invitation link is no longer valid. Ask the household owner for a new one."
        )
    user = User(username=username, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, household=invitation.household, role=Membership.Role.MEMBER)
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    audit_record(actor=user, household=invitation.household, action="invitation.accept", target=invitation)
    return user


@records_refusals("household.update_settings", target="household")
@transaction.atomic
def household_update_settings(
    *,
    household: Household,
    actor: User,
    name: str,
    low_stock_days: int,
    llm_opt_out: bool,
    time_zone: str | None = None,
) -> Household:
    """Change the household's settings; without a time zone, the household keeps its own."""
    require_owner(actor, household)
    household.name = name
    household.time_zone = time_zone or household.time_zone
    household.low_stock_days = low_stock_days
    household.llm_opt_out = llm_opt_out
    household.full_clean()
    household.save(update_fields=["name", "time_zone", "low_stock_days", "llm_opt_out"])
    audit_record(
        actor=actor,
        household=household,
        action="household.update_settings",
        target=household,
        details={"low_stock_days": low_stock_days, "llm_opt_out": llm_opt_out},
    )
    return household


@records_refusals("membership.remove", target="membership")
@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    require_owner(actor, membership.household)
    if membership.is_owner:
        raise ValidationError("The owner cannot be removed from the household.")
    household = membership.household
    user = membership.user
    membership.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, household=household, action="membership.remove", target=user)

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from grapefruit.models import Household, Invitation, Membership


def household_members(*, household: Household) -> QuerySet[Membership]:
    return Membership.objects.filter(household=household).select_related("user")


def household_membership_get(*, household: Household, membership_id: int) -> Membership:
    return get_object_or_404(household_members(household=household), pk=membership_id)


def household_open_invitations(*, household: Household) -> list[Invitation]:
    return [i for i in Invitation.objects.filter(household=household)[:20] if i.status == "open"]

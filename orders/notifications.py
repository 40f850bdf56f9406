"""E-mails to household members. They name counts, totals and links, never items or stores (mail servers keep
copies). Sent after the transaction commits, all through one connection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from grapefruit.models import Membership


@dataclass(frozen=True)
class ApprovalRequest:
    household_id: int
    order_id: int
    lines: int
    expected_total: Decimal
    currency: str


@dataclass(frozen=True)
class BudgetStop:
    household_id: int
    skipped: int
    budget: Decimal
    currency: str


def member_addresses(household_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per household, the e-mail addresses of its active members (one query)."""
    addresses: dict[int, list[str]] = {}
    rows = Membership.objects.filter(household_id__in=list(household_ids), user__is_active=True).exclude(
        user__email=""
    )
    for household_id, email in rows.values_list("household_id", "user__email"):
        addresses.setdefault(household_id, []).append(email)
    return addresses


def _link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if settings.SITE_URL else path


def approval_message(request: ApprovalRequest, to: Sequence[str]) -> EmailMessage:
    return EmailMessage(
        subject=f"Grapefruit: order #{request.order_id} waits for your approval",
        body=(
            f"An order of {request.lines} line{'s' if request.lines != 1 else ''} "
            f"(about {request.expected_total} {request.currency}) waits for a member's approval.\n\n"
            f"Review it: {_link(reverse('orders:order_detail', args=[request.order_id]))}\n"
        ),
        to=list(to),
    )


def budget_message(stop: BudgetStop, to: Sequence[str]) -> EmailMessage:
    return EmailMessage(
        subject="Grapefruit: automatic reorders stopped at your monthly budget",
        body=(
            f"This month's orders reached your budget of {stop.budget} {stop.currency}, so "
            f"{stop.skipped} item{'s' if stop.skipped != 1 else ''} running low "
            f"{'were' if stop.skipped != 1 else 'was'} not ordered.\n\n"
            f"See the cart: {_link(reverse('orders:cart'))}\n"
        ),
        to=list(to),
    )


def send_all(*, approvals: Sequence[ApprovalRequest] = (), budget_stops: Sequence[BudgetStop] = ()) -> int:
    """One e-mail per order waiting for approval, one per household stopped at its budget. Returns the count."""
    addresses = member_addresses({n.household_id for n in [*approvals, *budget_stops]})
    messages = [
        approval_message(a, addresses[a.household_id]) for a in approvals if addresses.get(a.household_id)
    ]
    messages += [
        budget_message(b, addresses[b.household_id]) for b in budget_stops if addresses.get(b.household_id)
    ]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0

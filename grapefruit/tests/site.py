"""The whole site for the cross-cutting page tests: every URL pattern, read from the resolver (so a new URL is
tested without editing the tests), and a household holding one of everything those URLs can point at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from grapefruit import services as core
from grapefruit.models import Household, Membership
from grapefruit.tests.factories import MembershipFactory
from inventory import services as inventory
from orders import services as orders
from receipts.tests.documents import fixture_text
from receipts.tests.helpers import process, upload_text

# Staff-only pages; the admin has its own permission checks and is not household-scoped.
EXCLUDED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:url_name"
    int_params: tuple[str, ...]
    str_params: tuple[str, ...]
    view: Any

    @property
    def public(self) -> bool:
        """Reachable signed out (login_not_required): sign-in, sign-up, password reset, invitations, health."""
        return getattr(self.view, "login_required", True) is False

    def url(self, **kwargs: Any) -> str:
        return reverse(self.name, kwargs=kwargs or None)


def routes() -> list[Route]:
    return sorted(_walk(get_resolver().url_patterns, namespace=""), key=lambda route: route.name)


def _walk(patterns: list[Any], namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace not in EXCLUDED_NAMESPACES:
                yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            ints = tuple(name for name, conv in converters.items() if type(conv).__name__ == "IntConverter")
            strs = tuple(name for name in converters if name not in ints)
            yield Route(f"{namespace}{entry.name}", ints, strs, entry.callback)


def populate(membership: Membership) -> Membership:
    """One of everything a URL can name, in `membership`'s household, made through the services."""
    user, household = membership.user, membership.household
    membership.role = Membership.Role.OWNER
    membership.save(update_fields=["role"])
    item = inventory.item_create(
        actor=user, household=household, name="Oat milk", unit="l", quantity=Decimal(2)
    )
    inventory.stock_consume(actor=user, item=item, amount=Decimal("0.5"))
    process(upload_text(user=user, household=household, text=fixture_text("corner_shop_1.txt")))
    orders.cart_add(actor=user, household=household, item=item, quantity=Decimal(1))
    orders.order_create_from_cart(
        actor=user, household=household, vendor_key="demo", today=timezone.localdate()
    )
    orders.cart_add(actor=user, household=household, item=item, quantity=Decimal(1))
    orders.brand_rule_add(actor=user, household=household, brand="Oatly", rank="preferred", item=item)
    core.invitation_create(household=household, actor=user)
    MembershipFactory(household=household)
    return membership


def household_ids(household: Household) -> dict[str, set[int]]:
    """The primary keys of every row that belongs to `household`, by model label (found through the foreign
    keys: a household field, or a parent that has one)."""
    found: dict[str, set[int]] = {}
    for model in apps.get_models():
        path = _path_to_household(model)
        if path is not None:
            found[model._meta.label] = set(
                model._base_manager.filter(**{path: household.pk}).values_list("pk", flat=True)
            )
    return found


def _path_to_household(model: type[models.Model], depth: int = 0) -> str | None:
    if model is Household:
        return "pk"
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is Household:
            return field.name
    if depth < 1:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is not model:
                inner = _path_to_household(field.related_model, depth + 1)
                if inner is not None and inner != "pk":
                    return f"{field.name}__{inner}"
    return None

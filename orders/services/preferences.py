"""The household's shopping preferences and brand ladder. Owners only; every change is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import audit_record, records_refusals
from grapefruit.encryption import blind_index
from grapefruit.models import Household, Membership
from inventory.models import Item
from orders import actions
from orders.models import BRAND_PURPOSE, BrandRule, Preferences
from orders.services.lifecycle import preferences_claim
from orders.vendors import configured_vendors

PREFERENCE_FIELDS = (
    "auto_reorder",
    "cover_days",
    "approval_required",
    "monthly_budget",
    "currency",
    "shopping_interval_days",
    "allowed_vendors",
    "allowed_stores",
)


def _require_owner(actor: Any, household: Household) -> None:
    owner = Membership.objects.filter(
        user_id=getattr(actor, "pk", None), household=household, role=Membership.Role.OWNER
    )
    if not owner.exists():
        raise PermissionDenied("Only the household owner can change its shopping preferences.")


@records_refusals(actions.PREFERENCES_UPDATE)
@transaction.atomic
def preferences_update(*, actor: Any, household: Household, **changes: Any) -> Preferences:
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"preferences_update cannot change {', '.join(sorted(unknown))}")
    _require_owner(actor, household)
    preferences = preferences_claim(household)
    unknown_vendors = set(changes.get("allowed_vendors", [])) - set(configured_vendors())
    if unknown_vendors:
        raise ValidationError({"allowed_vendors": "Choose vendors configured on this server."})
    if "allowed_stores" in changes:
        changes["allowed_stores"] = [
            " ".join(store.split()) for store in changes["allowed_stores"] if store.strip()
        ]
    changed = [name for name, value in changes.items() if getattr(preferences, name) != value]
    for name in changed:
        setattr(preferences, name, changes[name])
    preferences.full_clean(exclude=["household"])
    preferences.save(update_fields=[*changed, "updated_at"])
    # Which settings changed and the new flags; store names stay out of the log.
    details: dict[str, Any] = {"fields": sorted(changed)}
    details |= {
        name: getattr(preferences, name) for name in ("auto_reorder", "approval_required") if name in changed
    }
    audit_record(
        actor=actor,
        household=household,
        action=actions.PREFERENCES_UPDATE,
        target=preferences,
        details=details,
    )
    return preferences


@records_refusals(actions.BRAND_RULE_ADD)
@transaction.atomic
def brand_rule_add(
    *, actor: Any, household: Household, brand: str, rank: str, item: Item | None = None, category: str = ""
) -> BrandRule:
    """Add a rung to the ladder of one item, or of a category when no item is given."""
    _require_owner(actor, household)
    if item is not None and item.household_id != household.pk:
        raise ValidationError({"item": "This item belongs to another household."})
    brand = " ".join(brand.split())
    rule = BrandRule(
        household=household, item=item, category="" if item else category, brand=brand, rank=rank
    )
    rule.full_clean(exclude=["household", "item", "brand_index"], validate_constraints=False)
    duplicate = BrandRule.objects.filter(
        household=household,
        item=item,
        category=rule.category,
        brand_index=blind_index(brand, purpose=BRAND_PURPOSE),
    )
    if duplicate.exists():
        raise ValidationError({"brand": "This brand is already on that ladder."})
    if item is None and not category:
        raise ValidationError({"category": "Choose an item or a category."})
    rule.save()
    audit_record(
        actor=actor,
        household=household,
        action=actions.BRAND_RULE_ADD,
        target=rule,
        details={"rank": rank, "item": item.pk if item else None, "category": rule.category},
    )
    return rule


@records_refusals(actions.BRAND_RULE_DELETE, target="rule")
@transaction.atomic
def brand_rule_delete(*, actor: Any, rule: BrandRule) -> None:
    _require_owner(actor, rule.household)
    audit_record(
        actor=actor,
        household=rule.household,
        action=actions.BRAND_RULE_DELETE,
        target=rule,
        details={"rank": rule.rank},
    )
    rule.delete()

"""Every audited action writes exactly one event, success or refusal, and a rolled-back change writes none."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEvent
from grapefruit import services as core
from grapefruit.models import Household, Membership
from grapefruit.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from inventory import services as inventory
from llm.services import llm_complete
from llm.types import LLMRequest
from orders import services as orders
from orders.errors import OrderError
from orders.tests.helpers import order_from_cart


@pytest.fixture
def owner(membership):
    membership.role = Membership.Role.OWNER
    membership.save(update_fields=["role"])
    return membership


def only_event(**filters):
    events = list(AuditEvent.objects.filter(**filters))
    assert len(events) == 1, [(e.action, e.outcome) for e in AuditEvent.objects.all()]
    return events[0]


# --- signing in and out, passwords (Django's signals and views) ---------------------------------------------


def test_sign_in_is_recorded_once_with_the_masked_address(client, user, household):
    client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )

    event = only_event(action="auth.login")
    assert (event.outcome, event.actor, event.household) == ("ok", user, household)
    assert event.details == {"ip": "203.0.x.x"}


def test_a_wrong_password_is_recorded_in_the_members_household_and_an_unknown_name_only_for_the_admin(
    client, user, household
):
    client.post(reverse("login"), {"username": user.username, "password": "wrong-password"})
    client.post(reverse("login"), {"username": "nobody-here", "password": "wrong-password"})

    known, unknown = AuditEvent.objects.filter(action="auth.login").order_by("id")
    assert (known.outcome, known.household, known.actor, known.target_id) == (
        "failed",
        household,
        None,
        str(user.pk),
    )
    assert (unknown.outcome, unknown.household, unknown.details["known_user"]) == ("failed", None, False)


def test_sign_out_is_recorded(member_client, user):
    member_client.post(reverse("logout"))

    assert only_event(action="auth.logout").actor == user


def test_password_change_is_recorded_and_a_wrong_current_password_is_refused(member_client, user):
    url = reverse("password_change")
    new = {"new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9"}
    member_client.post(url, {"old_password": "wrong", **new})
    member_client.post(url, {"old_password": TEST_PASSWORD, **new})

    outcomes = AuditEvent.objects.filter(action="auth.password_change").order_by("id")
    assert [event.outcome for event in outcomes] == ["refused", "ok"]


def test_password_reset_request_and_reset_are_recorded(client, user, household):
    client.post(reverse("password_reset"), {"email": user.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    form_url = client.get(link.strip()).url
    client.post(
        form_url, {"new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9"}
    )

    assert only_event(action="auth.password_reset_request").household == household
    assert only_event(action="auth.password_reset").actor == user


# --- services: done, refused, rolled back ---------------------------------------------------------------------


def test_stock_use_done_refused_and_rolled_back(user, household):
    item = inventory.item_create(actor=user, household=household, name="Rice", unit="kg", quantity=Decimal(1))

    inventory.stock_consume(actor=user, item=item, amount=Decimal("0.5"))
    with pytest.raises(inventory.StockError):
        inventory.stock_consume(actor=user, item=item, amount=Decimal(5))
    with pytest.raises(RuntimeError), transaction.atomic():
        inventory.stock_consume(actor=user, item=item, amount=Decimal("0.1"))
        raise RuntimeError("the caller rolls back")

    events = AuditEvent.objects.filter(action="inventory.stock_consume").order_by("id")
    assert [(e.outcome, e.details.get("reason")) for e in events] == [("ok", None), ("refused", "invalid")]


def test_household_settings_by_a_member_who_is_not_the_owner_are_refused_once(owner, household):
    member = MembershipFactory(household=household, role=Membership.Role.MEMBER)

    with pytest.raises(core.PermissionDenied):
        core.household_update_settings(
            household=household, actor=member.user, name="Ours", low_stock_days=3, llm_opt_out=False
        )
    core.household_update_settings(
        household=household, actor=owner.user, name="Ours", low_stock_days=3, llm_opt_out=False
    )

    events = AuditEvent.objects.filter(action="household.update_settings").order_by("id")
    assert [(e.outcome, e.actor) for e in events] == [("refused", member.user), ("ok", owner.user)]
    assert Household.objects.get(pk=household.pk).name == "Ours"


def test_removing_a_member_names_them_and_removing_the_owner_is_refused(owner, household):
    member = MembershipFactory(household=household, role=Membership.Role.MEMBER)

    core.membership_remove(membership=member, actor=owner.user)
    with pytest.raises(core.ValidationError):
        core.membership_remove(membership=owner, actor=owner.user)

    done, refused = AuditEvent.objects.filter(action="membership.remove").order_by("id")
    assert (done.outcome, done.target_type, done.target_id) == ("ok", "grapefruit.User", str(member.user.pk))
    assert refused.outcome == "refused"


def test_an_invalid_invitation_is_refused_once(db):
    with pytest.raises(core.InvitationInvalid):
        core.invitation_accept(
            token="no-such-token", username="x", email="x@example.org", password="pw-long-1234"
        )

    assert only_event(action="invitation.accept").outcome == "refused"


def test_an_order_transition_done_and_refused(user, household):
    item = inventory.item_create(actor=user, household=household, name="Tea", unit="pcs", quantity=Decimal(1))
    order = order_from_cart(user=user, household=household, items=[item])

    orders.order_submit(actor=user, order=order)
    with pytest.raises(OrderError):
        orders.order_submit(actor=user, order=order)

    events = AuditEvent.objects.filter(action="order.submit").order_by("id")
    assert [e.outcome for e in events] == ["ok", "refused"]


# --- the LLM, the admin, the key ring -------------------------------------------------------------------------


def test_an_llm_request_refused_by_the_households_opt_out_is_recorded(llm_server, user, household):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    outcome = llm_complete(
        request=LLMRequest(system="s", user="u", purpose="test"), household=household, actor=user
    )

    event = only_event(action="llm.refuse")
    assert outcome.reason == "opt_out" and not llm_server.requests
    assert (event.outcome, event.details) == ("refused", {"reason": "opt_out", "purpose": "test"})


def test_admin_changes_and_deletions_are_recorded_with_the_household(client, household):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    change = reverse("admin:grapefruit_household_change", args=[household.pk])
    data = {
        "name": "Renamed",
        "time_zone": household.time_zone,
        "initial-time_zone": household.time_zone,  # the admin form sends it: the field's default is computed
        "low_stock_days": 4,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    client.post(change, data)
    item = inventory.item_create(actor=None, household=household, name="Salt", unit="g")
    client.post(reverse("admin:inventory_item_delete", args=[item.pk]), {"post": "yes"})

    changed = only_event(action="admin.change")
    deleted = only_event(action="admin.delete")
    assert (changed.actor, changed.household, changed.details["fields"]) == (
        staff,
        household,
        ["Low stock days", "Name"],
    )
    assert (deleted.household, deleted.target_type, deleted.target_id) == (
        household,
        "inventory.Item",
        str(item.pk),
    )


def test_key_rotation_and_encrypting_legacy_data_are_recorded(db):
    call_command("rotate_encryption_key", "--no-progress")
    call_command("encrypt_existing_data", "--no-progress")

    assert only_event(action="encryption.rotate").details["key_id"] == "t1"
    assert only_event(action="encryption.encrypt_existing").household is None

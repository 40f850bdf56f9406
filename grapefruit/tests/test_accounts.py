from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grapefruit.models import Household, Invitation, Membership, User
from grapefruit.services import InvitationInvalid, invitation_accept, invitation_create
from grapefruit.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _signup_data(**overrides):
    data = {
        "username": "alice",
        "email": "alice@example.test",
        "password1": "a-long-and-unusual-passphrase",
        "password2": "a-long-and-unusual-passphrase",
        "household_name": "Alice's flat",
    }
    return {**data, **overrides}


def test_signup_creates_household_with_the_new_user_as_owner(client):
    response = client.post(reverse("signup"), _signup_data())

    assert response.status_code == 302
    membership = Membership.objects.get(user__username="alice")
    assert membership.role == Membership.Role.OWNER
    assert membership.household.name == "Alice's flat"
    assert client.get(reverse("household_settings")).status_code == 200


def test_signup_with_mismatched_passwords_creates_nothing(client):
    response = client.post(reverse("signup"), _signup_data(password2="something-else-entirely"))

    assert response.status_code == 200
    assert not User.objects.exists()
    assert not Household.objects.exists()


def test_pages_require_login_except_login_signup_and_health(client):
    assert client.get(reverse("household_settings")).status_code == 302
    assert client.get(reverse("audit:log")).status_code == 302
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("signup")).status_code == 200


def test_login_and_logout(client, user, password):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("household_settings")).status_code == 200

    client.post(reverse("logout"))
    assert client.get(reverse("household_settings")).status_code == 302


def test_password_reset_sends_an_email_with_a_link(client, user):
    client.post(reverse("password_reset"), {"email": user.email})

    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_invitation_link_works_exactly_once(client, user, household):
    _invitation, token = invitation_create(household=household, actor=user)
    url = reverse("invitation_accept", args=[token])
    data = {
        k: v
        for k, v in _signup_data(username="bob", email="bob@example.test").items()
        if k != "household_name"
    }

    assert client.post(url, data).status_code == 302
    bob = Membership.objects.get(user__username="bob")
    assert bob.household == household
    assert bob.role == Membership.Role.MEMBER

    client.logout()
    second = client.post(url, {**data, "username": "carol", "email": "carol@example.test"})
    assert second.status_code == 404
    assert not User.objects.filter(username="carol").exists()


def test_expired_invitation_is_refused(user, household):
    invitation, token = invitation_create(household=household, actor=user)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(InvitationInvalid):
        invitation_accept(
            token=token, username="dave", email="d@example.test", password="x-long-passphrase-1"
        )
    assert not User.objects.filter(username="dave").exists()


def test_only_the_owner_can_invite(client, household):
    member = MembershipFactory(household=household, role=Membership.Role.MEMBER)
    client.force_login(member.user)

    assert client.post(reverse("invitation_create")).status_code == 403
    assert not Invitation.objects.exists()


def test_invite_page_shows_the_link_once_and_stores_only_its_hash(member_client):
    member_client.post(reverse("invitation_create"))
    page = member_client.get(reverse("household_settings")).content.decode()
    invitation = Invitation.objects.get()

    link = page.split('data-testid="invite-url">')[1].split("<")[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert Invitation.hash_token(token) == invitation.token_hash
    assert token not in invitation.token_hash
    assert "invite-url" not in member_client.get(reverse("household_settings")).content.decode()


def test_owner_cannot_remove_a_member_of_another_household(member_client, other_membership):
    url = reverse("membership_remove", args=[other_membership.pk])

    assert member_client.post(url).status_code == 404
    assert Membership.objects.filter(pk=other_membership.pk).exists()


def test_signed_in_user_without_household_sees_an_explanation(client, django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.test", "root-pass-phrase-1")
    client.force_login(staff)

    response = client.get(reverse("household_settings"))
    assert response.status_code == 403
    assert b"not in a household" in response.content
    assert client.get("/admin/").status_code == 200

"""Rate limits at the rates they ship with, counted on Redis: every tier, the exemptions and the client address."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from grapefruit.ratelimits import STRICT_TIERS, client_ip
from grapefruit.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.usefixtures("shipped_rate_limits"), pytest.mark.django_db]


def _statuses(send, times):
    return [send().status_code for _ in range(times)]


def test_the_101st_page_request_of_a_member_gets_the_429_page_and_other_members_go_on(client, user):
    client.force_login(user)
    page = reverse("household_settings")

    assert set(_statuses(lambda: client.get(page), 100)) == {200}
    refused = client.get(page)

    assert refused.status_code == 429
    assert b"Too many requests" in refused.content
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    client.force_login(MembershipFactory().user)
    assert client.get(page).status_code == 200


def test_polling_has_its_own_allowance_and_health_is_exempt(client, user):
    client.force_login(user)
    page = reverse("household_settings")
    assert set(_statuses(lambda: client.get(page), 100)) == {200}

    assert client.get(page).status_code == 429
    assert client.get(page, headers={"HX-Request": "true"}).status_code == 200
    assert client.get(reverse("health")).status_code in (200, 503)


def test_signed_out_visitors_are_counted_by_address(client):
    login_page = reverse("login")
    assert set(_statuses(lambda: client.get(login_page), 100)) == {200}

    assert client.get(login_page).status_code == 429
    assert client.get(login_page, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_11th_llm_backed_action_gets_429(member_client):
    estimate = reverse("orders:estimate_prices")

    assert set(_statuses(lambda: member_client.post(estimate), 10)) == {302}
    assert member_client.post(estimate).status_code == 429


def test_the_11th_sign_in_attempt_from_one_address_gets_429_on_either_login_form(client, user):
    wrong = {"username": user.username, "password": "not-the-password"}
    site, admin = reverse("login"), reverse("admin:login")

    assert set(_statuses(lambda: client.post(site, wrong), 5)) == {200}
    assert set(_statuses(lambda: client.post(admin, wrong), 5)) == {200}
    assert client.post(site, {"username": user.username, "password": TEST_PASSWORD}).status_code == 429
    assert client.post(admin, wrong).status_code == 429
    assert client.post(site, wrong, REMOTE_ADDR="198.51.100.7").status_code == 200


@pytest.mark.parametrize(
    ("url_name", "kwargs", "method", "allowed"),
    [
        ("signup", {}, "post", 5),
        ("password_reset", {}, "post", 5),
        ("invitation_accept", {"token": "not-a-real-invitation-token"}, "get", 20),
    ],
)
def test_sign_up_password_reset_and_invitations_have_stricter_limits(
    client, url_name, kwargs, method, allowed
):
    url = reverse(url_name, kwargs=kwargs)
    send = getattr(client, method)

    assert 429 not in _statuses(lambda: send(url), allowed)
    assert send(url).status_code == 429


def test_every_stricter_tier_names_a_url_that_exists():
    for name in STRICT_TIERS:
        assert reverse(name, kwargs={"token": "x"} if name == "invitation_accept" else None)


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy configured: the header is the client's own word
        # The client wrote 6.6.6.6 itself; our proxy appended the address it saw.
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 192.0.2.1", "203.0.113.9"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(settings, trusted, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    wrong = {"username": user.username, "password": "not-the-password"}
    login = reverse("login")

    def attempt(address):
        return client.post(login, wrong, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}")

    assert set(_statuses(lambda: attempt("203.0.113.9"), 10)) == {200}
    assert attempt("203.0.113.9").status_code == 429
    assert attempt("203.0.113.10").status_code == 200

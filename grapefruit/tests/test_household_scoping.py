"""Every URL of the site, read from the resolver, opened by a member of another household with that household's
object ids: 404 (or 403), never the page. Signed out, every page but the public ones leads to the login page.

The ids tried on each URL are the first id of every kind of the other household's rows (items, receipts, orders,
cart lines, members...), whatever the URL's parameter is called, so a URL added tomorrow is covered without
editing this test. Every table's ids are moved past the member's own before the other household is made, so no
id tried can also name one of the member's own rows.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from grapefruit.tests.factories import MembershipFactory
from grapefruit.tests.site import household_ids, populate, routes

ALLOWED = {403, 404, 405}


def _ids_start_after(value):
    with connection.cursor() as cursor:
        for model in apps.get_models():
            pk = model._meta.pk
            if isinstance(pk, models.AutoField) and model._meta.managed and not model._meta.proxy:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [model._meta.db_table, pk.column, value],
                )


@pytest.fixture
def two_households(client, membership):
    populate(membership)
    own = set().union(*household_ids(membership.household).values())
    _ids_start_after(max(own) + 1000)
    other_membership = populate(MembershipFactory())
    client.force_login(membership.user)
    theirs = {min(pks) for pks in household_ids(other_membership.household).values() if pks}
    assert min(theirs) > max(own)
    return client, sorted(theirs)


def test_another_households_ids_answer_404_on_every_url(two_households):
    client, their_ids = two_households
    tried = 0
    for route in routes():
        if not route.int_params or route.public:
            continue
        for pk in their_ids:
            url = route.url(**dict.fromkeys(route.int_params, pk))
            for method in (client.get, client.post):
                status = method(url).status_code
                assert status in ALLOWED, f"{method.__name__.upper()} {url} ({route.name}) answered {status}"
                tried += 1
    assert tried > 40


def test_their_own_ids_open_the_pages_so_the_test_above_can_fail(client, membership):
    populate(membership)
    client.force_login(membership.user)
    own = household_ids(membership.household)

    item = min(own["inventory.Item"])
    receipt = min(own["receipts.Receipt"])
    order = min(own["orders.Order"])
    assert client.get(reverse("inventory:item_detail", args=[item])).status_code == 200
    assert client.get(reverse("receipts:detail", args=[receipt])).status_code == 200
    assert client.get(reverse("orders:order_detail", args=[order])).status_code == 200


def test_signed_out_every_page_but_the_public_ones_leads_to_the_login_page(client, membership):
    populate(membership)
    ids = household_ids(membership.household)
    any_id = min(set().union(*ids.values()))
    login = reverse(settings.LOGIN_URL)
    for route in routes():
        if route.public:
            continue
        url = route.url(**dict.fromkeys(route.int_params, any_id), **dict.fromkeys(route.str_params, "x"))
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, f"{url} answered {response.status_code}"
            assert response.url.startswith(f"{login}?next="), url


def test_every_form_refuses_a_post_without_the_csrf_token(membership):
    populate(membership)
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    any_id = min(set().union(*household_ids(membership.household).values()))
    posted = 0
    for route in routes():
        if route.name == "health":
            continue  # read-only JSON, answered before the CSRF check for the container's loopback probe
        url = route.url(**dict.fromkeys(route.int_params, any_id), **dict.fromkeys(route.str_params, "x"))
        response = client.post(url, {"name": "x"})
        assert response.status_code == 403, f"{url} answered {response.status_code} without a CSRF token"
        posted += 1
    assert posted > 30

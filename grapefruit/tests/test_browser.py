"""The first journey in a real browser: sign up, see the empty pantry, log out, log back in."""

import pytest

from grapefruit.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_login_empty_dashboard_and_logout_in_chromium(browser_page):
    page = browser_page
    page.goto("/accounts/signup/")
    page.fill("input[name=username]", "robin")
    page.fill("input[name=email]", "robin@example.test")
    page.fill("input[name=password1]", "an-unusual-long-passphrase")
    page.fill("input[name=password2]", "an-unusual-long-passphrase")
    page.fill("input[name=household_name]", "Robin's house")
    page.click("button[type=submit]")

    page.wait_for_url("**/")
    assert page.locator("[data-testid=inventory-empty]").is_visible()
    assert Membership.objects.get(user__username="robin").household.name == "Robin's house"

    page.click("summary:has-text('robin')")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")

    page.fill("input[name=username]", "robin")
    page.fill("input[name=password]", "an-unusual-long-passphrase")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert page.locator("[data-testid=inventory-empty]").is_visible()

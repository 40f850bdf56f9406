"""Locust users for bench/load_bench.py: members of the seeded household, behind the TLS proxy gunicorn expects.

Each simulated member signs in with its own account (load1, load2, ...), then browses the dashboard and the
cart, fills the cart with what runs low, opens the receipts inbox, uploads receipts, and now and then signs out
and in again. Every request must answer as a
browser would see it succeed (200, or the 302 of a successful form); anything else counts as an error.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

from locust import HttpUser, between, task

PUBLIC_HOST = os.environ.get("LOAD_PUBLIC_HOST", "grapefruit.test")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
RECEIPT_TEXT = (
    Path(__file__).resolve().parent.parent / "receipts/tests/fixtures/corner_shop_1.txt"
).read_bytes()
_accounts = itertools.count(1)


class Member(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.username = f"load{next(_accounts)}"
        # The site's cookies are Secure. The TLS proxy in front would carry them; requests will not send them
        # over plain HTTP, so this client keeps them itself and sends them the way the proxy would.
        self.site_cookies: dict[str, str] = {}
        self.client.headers.update(
            {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{PUBLIC_HOST}"}
        )
        self.sign_in()

    def _call(self, method: str, path: str, name: str, *, expect: int, **kwargs: object) -> str:
        """One request; it fails unless it answers `expect`. Returns the redirect target or the page text."""
        cookie = "; ".join(f"{key}={value}" for key, value in self.site_cookies.items())
        with self.client.request(
            method,
            path,
            name=name,
            headers={"Cookie": cookie},
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            self.site_cookies.update(response.cookies.get_dict())
            if response.status_code != expect:
                response.failure(f"{name} answered {response.status_code}")
            return response.headers.get("Location", "") if expect == 302 else response.text

    def _post(self, path: str, name: str, data: dict[str, str], **kwargs: object) -> str:
        data = {**data, "csrfmiddlewaretoken": self.site_cookies.get("csrftoken", "")}
        return self._call("POST", path, name, expect=302, data=data, **kwargs)

    def sign_in(self) -> None:
        self._call("GET", "/accounts/login/", "sign-in page", expect=200)
        self._post("/accounts/login/", "sign in", {"username": self.username, "password": PASSWORD})

    @task(6)
    def dashboard(self) -> None:
        self._call("GET", "/", "dashboard", expect=200)

    @task(3)
    def cart(self) -> None:
        self._call("GET", "/orders/", "cart", expect=200)

    @task(1)
    def cart_add_low(self) -> None:
        self._post("/orders/cart/add-low/", "cart: add what runs low", {})

    @task(2)
    def receipts_inbox(self) -> None:
        self._call("GET", "/receipts/", "receipts inbox", expect=200)

    @task(2)
    def upload_receipt(self) -> None:
        files = {"files": ("receipt.txt", RECEIPT_TEXT, "text/plain")}
        location = self._post("/receipts/upload/", "receipt upload", {}, files=files)
        if location and not re.fullmatch(r"/receipts/\d+/", location):
            raise AssertionError(f"upload redirected to {location}")

    @task(1)
    def sign_out_and_in(self) -> None:
        self._post("/accounts/logout/", "sign out", {})
        self.site_cookies.pop("sessionid", None)
        self.sign_in()

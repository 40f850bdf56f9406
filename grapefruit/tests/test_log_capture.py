"""End to end: whatever the production processes write to stdout and stderr holds no personal data.

The production stack (grapefruit/tests/stack.py: gunicorn, a Celery worker and beat, started by the entrypoint
with production settings, JSON logs) serves a household through the TLS proxy's front door: a receipt carrying a
card number and a phone number goes from upload to applied, an order from cart to delivered, an invitation is
created and accepted by a new member with an e-mail address, someone searches, someone fails to sign in with an
e-mail address. Then every byte the processes wrote is searched for each of those values.
"""

from __future__ import annotations

import re

import pytest

from grapefruit.tests.stack import ProductionStack, poll
from grapefruit.tests.stack_http import HtmlForms, StackClient, Upload, status_attribute
from receipts.tests.documents import receipt_png

pytestmark = pytest.mark.stack

CARD = "4111 1111 1111 1111"
EMAIL = "ana.lopez@example.org"
SEARCH = "pistachio"
CLIENT_ADDRESS = "203.0.113.77"
RECEIPT = f"""\
CORNER GROCER
TEL 604-555-0131
02/14/2026 18:42
PISTACHIO CREAM          17.83
SOURDOUGH LOAF           42.17
SUBTOTAL                 60.00
TOTAL                    60.00
VISA {CARD}
"""
ITEM_NAMES = ("PISTACHIO CREAM", "SOURDOUGH LOAF", "Whole milk", "Coffee beans")
PRICES = ("17.83", "42.17", "60.00")


def _receipt_applied(stack: ProductionStack, client: StackClient) -> None:
    upload = Upload("receipt.png", receipt_png(RECEIPT), "image/png")
    response = client.post("/receipts/upload/", [("files", upload)], follow=False)
    assert response.status == 302, response.text[-1000:]
    receipt_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    poll(
        lambda: status_attribute(client.get(f"/receipts/{receipt_id}/status/").text) == "needs_review",
        timeout=120,
        what="receipt read",
    )
    review = f"/receipts/{receipt_id}/review/"
    form = HtmlForms.parse(client.get(f"/receipts/{receipt_id}/").text).first(action=review)
    # The receipt is dated more than a week ago: the member confirms its items were bought on that date.
    assert client.post(review, {**form, "bought_on": "receipt_date", "apply": ""}, follow=False).status == 302
    assert stack.query("SELECT status FROM receipts_receipt WHERE id = %s", [receipt_id]) == [("applied",)]


def _order_delivered(stack: ProductionStack, client: StackClient) -> None:
    ((item_id,),) = stack.query("SELECT min(id) FROM inventory_item")
    assert (
        client.post("/orders/cart/add/", {"item": str(item_id), "quantity": "2"}, follow=False).status == 302
    )
    created = client.post("/orders/cart/order/", {"vendor": "demo"}, follow=False)
    order_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    for action in ("submit", "approve", "place"):
        assert client.post(f"/orders/{order_id}/{action}/", {}, follow=False).status == 302
    poll(
        lambda: stack.query("SELECT status FROM orders_order WHERE id = %s", [order_id]) == [("delivered",)],
        timeout=120,
        what="order delivered by the demo vendor",
    )


def _invitation_accepted(stack: ProductionStack, client: StackClient) -> str:
    client.post("/household/invitations/", {}, follow=False)
    page = client.get("/household/").text
    link = re.search(r'data-testid="invite-url">([^<]+)<', page)[1]
    token = link.rstrip("/").rsplit("/", 1)[1]
    newcomer = StackClient(port=stack.port)
    form = HtmlForms.parse(newcomer.get(f"/invite/{token}/").text).first()
    password = "a-long-passphrase-for-ana-9"
    fields = {**form, "username": "ana", "email": EMAIL, "password1": password, "password2": password}
    assert newcomer.post(f"/invite/{token}/", fields, follow=False).status == 302
    return token


def test_no_personal_data_reaches_stdout_or_stderr(production_stack):
    stack = production_stack
    stack.extra_env.update({"ORDERS_DEMO_DELIVERY_SECONDS": "1", "TRUSTED_PROXY_COUNT": "1"})
    stack.start("web", "worker", "beat")
    assert stack.manage("seed_demo").returncode == 0
    client = stack.client()
    client.login("demo", "grapefruit-demo")
    proxied = {"X-Forwarded-For": CLIENT_ADDRESS}

    _receipt_applied(stack, client)
    _order_delivered(stack, client)
    token = _invitation_accepted(stack, client)
    assert client.get(f"/?q={SEARCH}", headers=proxied).status == 200
    StackClient(port=stack.port).post(
        "/accounts/login/", {"username": EMAIL, "password": "wrong"}, headers=proxied
    )
    stack.stop()

    output = "\n".join(process.output() for process in stack.processes.values())
    assert '"logger": "gunicorn.access"' in output and '"logger": "celery' in output  # the logs are there
    leaks = {
        "item name": [name for name in ITEM_NAMES if name.lower() in output.lower()],
        "price": [price for price in PRICES if re.search(rf"(?<![\d.]){re.escape(price)}(?!\d)", output)],
        "e-mail": [EMAIL] if EMAIL in output else [],
        "card number": [CARD] if re.search(r"4111[ -]?1111", output) else [],
        "invitation token": [token] if token in output else [],
        "search term": [SEARCH] if SEARCH in output.lower() else [],
        "client address": [CLIENT_ADDRESS] if CLIENT_ADDRESS in output else [],
        "unmasked address in a request line": re.findall(
            r'"logger": "gunicorn.access", "message": "\d+\.\d+\.\d+\.\d+', output
        ),
    }
    assert {kind: found for kind, found in leaks.items() if found} == {}

"""Production smoke test: the containers' processes outside Docker, started by the entrypoint on an empty database.

web (gunicorn), worker and beat start together as compose starts them; the test takes a receipt from upload to
applied and an order from the cart to delivered over HTTP, as a member behind the TLS proxy would, stops the
worker with SIGTERM in the middle of an OCR task, and checks that every process exits cleanly and the task ran
exactly once.
"""

from __future__ import annotations

import signal
import socket
import time

import pytest

from grapefruit.tests.stack import ProductionStack, poll
from grapefruit.tests.stack_http import HtmlForms, StackClient, Upload, status_attribute
from receipts.tests.documents import fixture_text, receipt_pdf, receipt_png

pytestmark = pytest.mark.stack


def _receipt_row(stack: ProductionStack, receipt_id: int) -> tuple[str, int]:
    ((status, ocr_attempts),) = stack.query(
        "SELECT status, ocr_attempts FROM receipts_receipt WHERE id = %s", [receipt_id]
    )
    return status, ocr_attempts


def poll_status(client: StackClient, receipt_id: int) -> str:
    """The status fragment, asked for as the page's htmx polling asks (its own rate-limit tier)."""
    return client.get(f"/receipts/{receipt_id}/status/", headers={"HX-Request": "true"}).text


def _upload(client: StackClient, upload: Upload) -> int:
    response = client.post("/receipts/upload/", [("files", upload)], follow=False)
    assert response.status == 302, response.text[-2000:]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _start_and_check_migrations(stack: ProductionStack) -> None:
    stack.start("web", "worker", "beat")
    duplicates = stack.query("SELECT app, name FROM django_migrations GROUP BY 1, 2 HAVING count(*) > 1")
    assert duplicates == []
    migrated_by = [p.name for p in stack.processes.values() if "Applying " in p.stdout()]
    assert len(migrated_by) == 1, (
        migrated_by
    )  # one applied them; the others waited for the lock, then had none
    for process in stack.processes.values():
        assert "Waiting for the migration lock" in process.stdout()


def _check_health(stack: ProductionStack, client: StackClient) -> None:
    # The container checks, at the loopback address (not an allowed host, plain HTTP): they really check.
    web = stack.healthcheck("web")
    assert web.returncode == 0, web.stderr
    assert stack.healthcheck("beat").returncode == 0
    # Every other path meets the usual checks: plain HTTP is redirected, an unknown host refused.
    assert client.get("/accounts/login/", headers={"X-Forwarded-Proto": "http"}, follow=False).status == 301
    assert StackClient(port=stack.port, host="evil.example").get("/accounts/login/").status == 400


def _apply_a_receipt(stack: ProductionStack, client: StackClient) -> None:
    photo = Upload("receipt.png", receipt_png(fixture_text("corner_shop_1.txt")), "image/png")
    receipt_id = _upload(client, photo)
    poll(
        lambda: status_attribute(poll_status(client, receipt_id)) == "needs_review",
        timeout=90,
        what="receipt read by the worker",
    )
    review_path = f"/receipts/{receipt_id}/review/"
    form = HtmlForms.parse(client.get(f"/receipts/{receipt_id}/").text).first(action=review_path)
    assert int(form["lines-TOTAL_FORMS"]) > 0
    # The fixture receipt is from March 2025: the member confirms its items were bought on that date.
    response = client.post(review_path, {**form, "bought_on": "receipt_date", "apply": ""}, follow=False)
    assert response.status == 302, response.text[-2000:]
    assert _receipt_row(stack, receipt_id) == ("applied", 1)
    assert "WHOLE MILK" in client.get("/").text.upper()


def _order_to_delivered(stack: ProductionStack, client: StackClient) -> None:
    cart = client.get("/orders/").text
    add_by_hand = HtmlForms.parse(cart).first(action="/orders/cart/add/")
    # The item is typed by name; the demo household's names load into the form's suggestions from this URL.
    assert "Whole milk" in client.get("/items/names/").text
    added = client.post(
        "/orders/cart/add/", {**add_by_hand, "item_name": "Whole milk", "quantity": "2"}, follow=False
    )
    assert added.status == 302
    assert 'value="demo"' in client.get("/orders/").text
    response = client.post("/orders/cart/order/", {"vendor": "demo"}, follow=False)
    assert response.status == 302, response.text[-2000:]
    order_path = response.headers["Location"]
    order_id = int(order_path.rstrip("/").rsplit("/", 1)[1])
    # The demo household approves each order: submit, approve, place, then the demo vendor delivers by itself.
    for action in ("submit", "approve", "place"):
        forms = HtmlForms.parse(client.get(order_path).text)
        action_path = f"{order_path}{action}/"
        assert action_path in forms.actions, (action, forms.actions)
        assert client.post(action_path, forms.first(action=action_path), follow=False).status == 302

    def order_status() -> str:
        return stack.query("SELECT status FROM orders_order WHERE id = %s", [order_id])[0][0]

    poll(lambda: order_status() == "delivered", timeout=60, what="order delivered by the demo vendor")
    assert "Delivered" in client.get(order_path).text
    ((deliveries,),) = stack.query(
        "SELECT count(*) FROM audit_auditevent WHERE action = 'order.deliver' AND target_id = %s",
        [str(order_id)],
    )
    assert deliveries == 1


def _sigterm_the_worker_mid_task(stack: ProductionStack, client: StackClient) -> None:
    # Two pages keep the worker busy with OCR for a few seconds.
    scan = Upload("scan.pdf", receipt_pdf(fixture_text("corner_shop_2.txt"), pages=2), "application/pdf")
    receipt_id = _upload(client, scan)
    poll(lambda: _receipt_row(stack, receipt_id)[0] == "ocr", timeout=60, interval=0.05, what="OCR started")
    worker = stack.processes["worker"]
    worker.signal(signal.SIGTERM)
    assert worker.wait_exit(timeout=120) == 0
    # The task in flight was finished, not abandoned: the text is read and the next step queued.
    assert _receipt_row(stack, receipt_id) == ("parsing", 1)
    assert "Warm shutdown" in worker.output()

    stack.wait_ready(stack.launch("worker", name="worker-2"))  # takes the queued parse step
    poll(
        lambda: _receipt_row(stack, receipt_id)[0] == "needs_review",
        timeout=60,
        what="receipt ready for review",
    )
    assert _receipt_row(stack, receipt_id) == ("needs_review", 1)
    ((ocr_events,),) = stack.query(
        "SELECT count(*) FROM audit_auditevent WHERE action = 'receipt.ocr' AND target_id = %s",
        [str(receipt_id)],
    )
    assert ocr_events == 1


def _request_in_flight_survives_sigterm(stack: ProductionStack) -> None:
    """gunicorn finishes a request it has started reading before a worker exits."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=30) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.5)
        stack.processes["web"].signal(signal.SIGTERM)
        time.sleep(0.5)
        conn.sendall(b"Connection: close\r\n\r\n")
        answer = conn.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


def test_the_production_stack_serves_a_household_and_stops_cleanly(production_stack):
    stack = production_stack
    stack.extra_env["ORDERS_DEMO_DELIVERY_SECONDS"] = "2"
    _start_and_check_migrations(stack)
    client = stack.client()
    _check_health(stack, client)

    seeded = stack.manage("seed_demo")
    assert seeded.returncode == 0, seeded.stderr
    client.login("demo", "grapefruit-demo")
    dashboard = client.get("/")
    assert dashboard.status == 200
    assert "Whole milk" in dashboard.text

    _apply_a_receipt(stack, client)
    _order_to_delivered(stack, client)
    _sigterm_the_worker_mid_task(stack, client)
    _request_in_flight_survives_sigterm(stack)

    assert stack.stop() == {"web": 0, "worker": 0, "beat": 0, "worker-2": 0}
    for process in stack.processes.values():
        stderr = process.stderr()
        # Django logs the refused host of _check_health with its traceback; nothing else may fail.
        expected = stderr.count("DisallowedHost: Invalid HTTP_HOST header: 'evil.example'")
        assert stderr.count("Traceback") == expected, f"{process.name}:\n{stderr[-4000:]}"

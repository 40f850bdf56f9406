"""The reorder job twice at the same time, on two real PostgreSQL connections, and by its beat name through a real
Celery worker on Redis."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from conftest import wait_for
from grapefruit.celery import app
from grapefruit.tests.factories import MembershipFactory
from orders import services
from orders.models import Order, OrderLine, Preferences
from orders.tasks import REORDERS_TASK
from orders.tests.helpers import low_item, paid

HOUSEHOLDS = 12
ITEMS = 4


def _households_with_due_items() -> int:
    for number in range(HOUSEHOLDS):
        household = MembershipFactory().household
        Preferences.objects.create(household=household, auto_reorder=True)
        for item_number in range(ITEMS):
            paid(
                item=low_item(household=household, name=f"Item {number}-{item_number}", days_left=1),
                total="1.50",
            )
    return HOUSEHOLDS * ITEMS


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_order_each_item_once():
    expected = _households_with_due_items()
    start = threading.Barrier(2)
    results, errors = [], []

    def run() -> None:
        try:
            start.wait(timeout=10)
            results.append(services.reorders_run())
        except Exception as error:  # reported below; a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(result.lines for result in results) == expected
    assert OrderLine.objects.count() == expected
    assert OrderLine.objects.values("item").distinct().count() == expected
    assert Order.objects.count() == HOUSEHOLDS
    # Whichever run got a household, the other skipped it or found its items ordered: nothing twice.
    assert services.reorders_run().lines == 0


@pytest.mark.worker
def test_the_beat_task_runs_in_a_real_worker(celery_worker):
    household = MembershipFactory().household
    Preferences.objects.create(household=household, auto_reorder=True)
    paid(item=low_item(household=household, name="Milk", days_left=0), total="2.00")

    app.send_task(REORDERS_TASK)

    order = wait_for(lambda: Order.objects.filter(household=household).first(), timeout=60)
    assert (order.status, order.origin) == ("pending_approval", "reorder")
    assert order.lines.get().quantity >= Decimal(1)

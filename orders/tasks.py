"""Celery adapters for orders: each takes an id (or nothing), calls one service, and returns quietly when the
row is gone. Task names are explicit: beat and the services send them by name."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError

from orders import services
from orders.errors import OrderError
from orders.models import Order
from orders.services.lifecycle import DELIVER_SIMULATED_TASK, PLACE_TASK

logger = logging.getLogger(__name__)
REORDERS_TASK = "orders.tasks.reorders_run"


@shared_task(
    name=REORDERS_TASK, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def reorders_run() -> dict[str, Any]:
    """The beat job (CELERY_BEAT_SCHEDULE). Running it twice, or twice at once, orders nothing twice."""
    result = services.reorders_run().as_dict()
    logger.info("Reorder run: %s", result)
    return result


@shared_task(
    name=PLACE_TASK, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def order_place(order_id: int) -> None:
    """Place an automatic order of a household that does not require approval."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    try:
        services.order_place(actor=None, order=order)
    except OrderError as error:
        logger.warning("Order %s was not placed: %s", order_id, error)


@shared_task(
    name=DELIVER_SIMULATED_TASK,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def order_deliver_simulated(order_id: int) -> None:
    """The demo vendor reporting its (simulated) delivery."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    try:
        services.order_deliver(actor=None, order=order)
    except OrderError as error:  # cancelled meanwhile: nothing to deliver
        logger.info("Simulated delivery of order %s skipped: %s", order_id, error)

"""Celery adapters for the receipt pipeline: each takes a receipt id and calls one service.

`acks_late` with the broker's visibility timeout means a task whose worker dies is delivered again; the services
claim the receipt by status, so the second delivery finishes the work instead of repeating it.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task

from ocr.errors import OcrError, TransientOcrError
from receipts import services

logger = logging.getLogger(__name__)


class ReceiptTask(Task):
    """Whatever ends a task for good (retries used up, an unexpected error) leaves a readable failed receipt."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        receipt_id = args[0] if args else kwargs.get("receipt_id")
        if isinstance(exc, OcrError):
            reason = str(exc)
        else:
            logger.error("Receipt task %s failed for receipt %s", self.name, receipt_id, exc_info=exc)
            reason = services.UNEXPECTED_FAILURE
        if receipt_id is not None:
            services.receipt_fail(receipt_id=receipt_id, reason=reason)


@shared_task(
    base=ReceiptTask,
    acks_late=True,
    autoretry_for=(TransientOcrError,),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=3,
)
def receipt_ocr_task(receipt_id: int) -> None:
    services.receipt_process_ocr(receipt_id=receipt_id)


@shared_task(base=ReceiptTask, acks_late=True)
def receipt_parse_task(receipt_id: int) -> None:
    services.receipt_parse(receipt_id=receipt_id)

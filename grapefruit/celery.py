"""The Celery application, wired the standard way: configuration from Django settings (CELERY_*), autodiscovery."""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings")

app = Celery("grapefruit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_bad_configuration(**kwargs: object) -> None:
    from grapefruit.checks import refuse_to_start_on_errors

    refuse_to_start_on_errors()


@setup_logging.connect
def _use_django_logging(**kwargs: object) -> None:
    """Celery adds handlers of its own (task and multiprocessing loggers, unfiltered) unless a receiver of this
    signal configures logging: the worker and beat log through Django's LOGGING, redaction filter included."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)

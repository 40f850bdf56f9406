"""The Celery application, wired the standard way: configuration from Django settings (CELERY_*), autodiscovery."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings")

app = Celery("grapefruit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_bad_configuration(**kwargs: object) -> None:
    from grapefruit.checks import refuse_to_start_on_errors

    refuse_to_start_on_errors()

"""The Celery application, wired the standard way: configuration from Django settings (CELERY_*), autodiscovery."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings")

app = Celery("grapefruit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

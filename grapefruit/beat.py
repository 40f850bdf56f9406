"""The beat scheduler, with a heartbeat file for the container health check (scripts/healthcheck.py beat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings


class HeartbeatScheduler(PersistentScheduler):
    """Celery's default scheduler that touches settings.BEAT_HEARTBEAT_FILE after every tick.

    Beat ticks at least every beat_max_loop_interval seconds, so a stale file means a hung or dead scheduler.
    """

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return interval

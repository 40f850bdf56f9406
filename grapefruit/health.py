"""What /health reports: each part's state, and whether the whole is fit to serve.

Required parts (database, migrations, broker, at least one OCR engine) make the status "fail" (HTTP 503) when down;
workers not answering make it "degraded": the site still serves, but uploads wait in the queue.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:
        result = {"ok": False, "error": exc.__class__.__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict[str, Any]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connections[DEFAULT_DB_ALIAS].vendor}


def check_migrations() -> dict[str, Any]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {"ok": not pending, "pending": len(pending)}


def check_broker() -> dict[str, Any]:
    from grapefruit.celery import app

    if not settings.REDIS_URL:
        return {"ok": True, "transport": "filesystem (embedded)"}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"ok": True, "transport": "redis"}


def check_workers() -> dict[str, Any]:
    from grapefruit.celery import app

    if not settings.REDIS_URL:
        # The filesystem transport has no broadcast channel, so workers cannot be pinged in embedded mode.
        return {"ok": True, "answering": None, "note": "not checked in embedded mode"}
    replies = app.control.ping(timeout=1.0) or []
    return {"ok": bool(replies), "answering": len(replies)}


def check_ocr() -> dict[str, Any]:
    from ocr.service import available_engines

    engines = available_engines()
    return {"ok": any(engines.values()), "engines": engines}


REQUIRED = {
    "database": check_database,
    "migrations": check_migrations,
    "broker": check_broker,
    "ocr": check_ocr,
}
OPTIONAL = {"workers": check_workers}


def collect() -> dict[str, Any]:
    checks = {name: _timed(fn) for name, fn in {**REQUIRED, **OPTIONAL}.items()}
    if not checks["database"]["ok"]:
        checks["migrations"] = {"ok": False, "error": "database unreachable"}
    if not all(checks[name]["ok"] for name in REQUIRED):
        status = "fail"
    elif not all(checks[name]["ok"] for name in OPTIONAL):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "version": settings.VERSION, "checks": checks}

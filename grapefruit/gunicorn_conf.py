"""Gunicorn settings for production: `gunicorn --config python:grapefruit.gunicorn_conf grapefruit.wsgi`.

Standard library only (gunicorn reads this before Django loads). Sized for a small home server: two worker
processes by default; set WEB_CONCURRENCY for more.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request may take this long (a multi-file receipt upload on a slow link) before its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM, workers finish the requests in flight for up to this long; compose's stop_grace_period is longer.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak in a dependency never grows without bound; the jitter keeps both
# workers from restarting at the same moment.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"

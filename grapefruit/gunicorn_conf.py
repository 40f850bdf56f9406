"""Gunicorn settings for production: `gunicorn --config python:grapefruit.gunicorn_conf grapefruit.wsgi`.

Sized for a small home server: two worker processes by default; set WEB_CONCURRENCY for more.

Logging: gunicorn's error and access logs use Django's LOGGING (grapefruit/logging.py), so they share its one
handler, its redaction filter and its format (JSON lines in production). Reading it loads the settings module
only, not the apps. The access line leaves out the query string, the referrer and the user agent; the filter
redacts tokens in the path and masks the client address.
"""

import os

from django.conf import settings

from grapefruit.logging import ACCESS_LOG_FORMAT

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings")

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads per worker (gunicorn's gthread worker; 1 = the plain sync worker). A sign-in spends most of a second
# hashing the password, with the GIL released: with 4 threads the other requests of that worker go on meanwhile.
# Under locust (docs/BENCHMARKS.md) the dashboard's p99 fell from 4.0 s to 0.76 s with the same 2 workers.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
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
logconfig_dict = settings.LOGGING
access_log_format = ACCESS_LOG_FORMAT
# gunicorn's runtime control socket (~/.gunicorn/gunicorn.ctl) is not used: no socket, nothing to secure, and no
# clash between two servers run by one user.
control_socket_disable = True

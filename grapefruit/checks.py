"""System checks that stop a production start with a bad configuration (run by `manage.py check` and at start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

_WEAK_PREFIXES = ("django-insecure", "changeme", "change-me", "secret")
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARS = 5


def secret_key_problem(key: str) -> str | None:
    if not key:
        return "SECRET_KEY is not set."
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARS:
        return f"SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters."
    if key.lower().startswith(_WEAK_PREFIXES):
        return "SECRET_KEY looks like a placeholder or Django's insecure development key."
    return None


@register(Tags.security, deploy=False)
def check_production_secrets(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The embedded default generates its own secrets; a production start (DATABASE_URL set) must bring them."""
    if settings.EMBEDDED:
        return []
    problem = (
        "SECRET_KEY is not set." if settings.SECRET_KEY_MISSING else secret_key_problem(settings.SECRET_KEY)
    )
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Set SECRET_KEY in the environment, e.g. from "
            '`python -c "import secrets; print(secrets.token_urlsafe(64))"`.',
            id="grapefruit.E001",
        )
    ]


def refuse_to_start_on_errors() -> None:
    """Run the system checks at process start (gunicorn and Celery do not run them) and refuse to serve with any
    error, such as a missing SECRET_KEY or encryption key."""
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    errors = [m for m in checks.run_checks() if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("Grapefruit will not start:\n" + "\n".join(str(e) for e in errors))

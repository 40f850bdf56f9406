"""`manage.py check` must refuse a production start with bad secrets, and pass `--deploy` cleanly when configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "p9Vx2-Lq7sN4kR8tW1yZ3bC6dF0gH5jM-uE2iO7pA9sD4fG1hJ6kL3zX8cV5bN0m"
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "grapefruit.settings",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/grapefruit",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "SECRET_KEY": STRONG_KEY,
    "ENCRYPTION_KEYS": "prod1:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "BLIND_INDEX_KEY": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
    "ALLOWED_HOSTS": "grapefruit.example.org",
    "DEBUG": "false",
}


def run_check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # The test process's own switches (async-unsafe ORM for Playwright, settings module, plain-http hardening
    # off) must not leak in.
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"}
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    env = {**inherited, **PRODUCTION_ENV, **env_overrides}
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_fails_clearly_when_production_lacks_secret_key():
    result = run_check({"SECRET_KEY": ""})

    assert result.returncode != 0
    assert "grapefruit.E001" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("weak", ["short", "django-insecure-" + "x" * 60, "a" * 80])
def test_check_refuses_weak_secret_keys(weak):
    result = run_check({"SECRET_KEY": weak})

    assert result.returncode != 0
    assert "grapefruit.E001" in result.stderr


def test_check_deploy_with_production_settings_has_no_warnings():
    result = run_check({}, "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_wsgi_application_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({**PRODUCTION_ENV, "SECRET_KEY": ""})
    result = subprocess.run(
        [sys.executable, "-c", "import grapefruit.wsgi"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "Grapefruit will not start" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr

"""Container health checks: scripts/healthcheck.py (web and beat) and the loopback exemption for /health."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from conftest import FakeResponse

HEALTHCHECK = settings.BASE_DIR / "scripts" / "healthcheck.py"


def healthcheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK), *args], capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize(
    ("response", "healthy", "says"),
    [
        (FakeResponse(body={"status": "ok"}), True, "healthy"),
        (FakeResponse(body={"status": "degraded"}), True, "healthy"),  # workers down: the site still serves
        (FakeResponse(status=503, body={"status": "fail"}), False, "HTTP 503"),
        (FakeResponse(status=301, headers={"Location": "https://example.test/health"}), False, "HTTP 301"),
        (FakeResponse(status=200, body="<html>", headers={"Content-Type": "text/html"}), False, "not JSON"),
    ],
)
def test_web_check_needs_a_200_with_a_serving_status(fake_http_server, response, healthy, says):
    fake_http_server.respond(response)

    result = healthcheck("web", "--url", f"{fake_http_server.url}/health")

    assert (result.returncode == 0) is healthy
    assert says in result.stdout + result.stderr


def test_web_check_fails_when_nothing_listens():
    assert healthcheck("web", "--url", "http://127.0.0.1:1/health").returncode == 1


def test_beat_check_follows_the_heartbeat_file(tmp_path):
    heartbeat = tmp_path / "beat-heartbeat"
    assert "no heartbeat yet" in healthcheck("beat", "--heartbeat", str(heartbeat)).stderr

    heartbeat.touch()
    assert healthcheck("beat", "--heartbeat", str(heartbeat)).returncode == 0

    stale = time.time() - 181
    os.utime(heartbeat, (stale, stale))
    result = healthcheck("beat", "--heartbeat", str(heartbeat))
    assert result.returncode == 1
    assert "last heartbeat 181 s ago" in result.stderr


@pytest.fixture
def production_http(settings):
    settings.ALLOWED_HOSTS = ["grapefruit.example.org"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.django_db
def test_health_from_loopback_skips_the_host_check_and_the_https_redirect(client, production_http):
    response = client.get("/health", REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code in (200, 503)
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_health_from_elsewhere_meets_the_usual_checks(client, production_http):
    assert client.get("/health", REMOTE_ADDR="203.0.113.9", HTTP_HOST="127.0.0.1:8000").status_code == 400
    redirected = client.get("/health", REMOTE_ADDR="203.0.113.9", HTTP_HOST="grapefruit.example.org")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://grapefruit.example.org/health"


@pytest.mark.django_db
def test_other_pages_from_loopback_meet_the_usual_checks(client, production_http):
    assert (
        client.get("/accounts/login/", REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1:8000").status_code == 400
    )

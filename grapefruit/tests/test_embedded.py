"""The embedded default that `make run` starts: SQLite under var/, a worker on the filesystem broker, the demo login.

Runs the real commands in subprocesses with DATABASE_URL and REDIS_URL unset, in a private var directory.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DEBUG"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "grapefruit.settings", "GRAPEFRUIT_VAR_DIR": str(tmp_path / "var")})
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def embedded_server(embedded_env) -> Iterator[str]:
    _manage(embedded_env, "migrate", "--noinput", "-v0")
    _manage(embedded_env, "createcachetable")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_embedded_mode_serves_login_and_the_demo_login_works(embedded_env, embedded_server):
    out = _manage(embedded_env, "seed_demo")
    assert "demo / grapefruit-demo" in out
    var = Path(embedded_env["GRAPEFRUIT_VAR_DIR"])
    assert (var / "grapefruit.sqlite3").exists()
    for secret in ("secret_key", "encryption.key", "blind_index.key"):
        assert (var / secret).stat().st_mode & 0o777 == 0o600

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(embedded_server + "/accounts/login/").read().decode()
    assert "Log in" in login_page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {"username": "demo", "password": "grapefruit-demo", "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        embedded_server + "/accounts/login/",
        data=form,
        headers={"Referer": embedded_server + "/accounts/login/"},
    )
    dashboard = opener.open(request).read().decode()

    assert "Whole milk" in dashboard
    assert "Log out" in dashboard


def test_embedded_worker_runs_background_tasks_from_the_filesystem_queue(embedded_env):
    _manage(embedded_env, "migrate", "--noinput", "-v0")
    log_path = Path(embedded_env["GRAPEFRUIT_VAR_DIR"]) / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "grapefruit", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=BASE_DIR,
            env=embedded_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _manage(
                embedded_env,
                "shell",
                "-c",
                "from llm.tasks import llm_cache_cleanup; llm_cache_cleanup.delay()",
            )
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "succeeded" not in log_path.read_text():
                time.sleep(0.5)
        finally:
            worker.terminate()
            worker.wait(timeout=20)

    assert "llm.tasks.llm_cache_cleanup" in log_path.read_text()
    assert "succeeded" in log_path.read_text()

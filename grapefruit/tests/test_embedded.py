"""The embedded default that `make run` starts: SQLite under var/, a worker on the filesystem broker, the demo login.

Runs the real commands in subprocesses with DATABASE_URL and REDIS_URL unset, in a private var directory.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
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
    # The audit page reads names with written-out SQL on every database, and its page through the ORM on SQLite.
    audit = opener.open(embedded_server + "/audit/").read().decode()
    assert "demo signed in" in audit
    assert re.search(r"demo used [0-9.]+ [a-z]+ of [A-Z][a-z]+", audit)  # the item's name and unit, decrypted


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


def _read_until(stream, marker: str, timeout: float) -> str:
    """Lines from `stream` until one contains `marker` (a background reader would be overkill for one line)."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        seen += line
        if marker in line:
            return seen
        if not line:
            time.sleep(0.1)
    raise AssertionError(f"{marker!r} not printed within {timeout} s:\n{seen[-3000:]}")


def _descendants(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [descendant for child in map(int, found) for descendant in (child, *_descendants(child))]


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie (an exited child nobody reaped yet, e.g. under a container's init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_make_run_prints_its_real_address_serves_with_debug_off_and_stops_cleanly_on_sigterm(embedded_env):
    port = _free_port()
    run = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=BASE_DIR,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = _read_until(run.stdout, "Grapefruit is running at", timeout=240)
        assert f"Grapefruit is running at http://127.0.0.1:{port}/" in printed
        url = f"http://127.0.0.1:{port}"
        missing = urllib.request.Request(url + "/no-such-page/")
        with pytest.raises(urllib.error.HTTPError) as not_found:
            urllib.request.urlopen(missing)
        page = not_found.value.read().decode()
        assert not_found.value.code == 404
        assert "URLconf" not in page  # DEBUG's 404 lists every URL pattern of the site
        assert urllib.request.urlopen(url + "/static/css/grapefruit.css").status == 200
        processes = _descendants(run.pid)  # the script, the web server and the worker
        assert len(processes) >= 3

        run.send_signal(signal.SIGTERM)
        rest = run.communicate(timeout=60)[0]
    finally:
        if run.poll() is None:
            run.kill()
    assert "Grapefruit stopped." in rest
    assert "Segmentation fault" not in rest
    assert "Traceback" not in rest
    assert not any(_alive(pid) for pid in processes)


def test_ctrl_c_stops_the_web_server_and_the_worker(embedded_env):
    _manage(embedded_env, "migrate", "--noinput", "-v0")
    _manage(embedded_env, "createcachetable")
    port = _free_port()
    run = subprocess.Popen(
        [sys.executable, "scripts/run_embedded.py", "--port", str(port)],
        cwd=BASE_DIR,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _read_until(run.stdout, "Grapefruit is running at", timeout=120)
        web_and_worker = _descendants(run.pid)
        assert len(web_and_worker) >= 2
        run.send_signal(signal.SIGINT)
        rest = run.communicate(timeout=60)[0]
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0
    assert "Grapefruit stopped." in rest
    assert not any(_alive(pid) for pid in web_and_worker)

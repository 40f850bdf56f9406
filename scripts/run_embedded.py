"""`make run`: the embedded web server and its background worker, started and stopped together.

Starts `manage.py runserver` and a Celery worker with beat (filesystem broker, SQLite), each in a process group of
its own so that Ctrl-C or SIGTERM reaches this script, which then stops them in order: the web server first, then
the worker, which finishes the task in hand (Celery's warm shutdown). The address is printed once the server
answers, with the port it really listens on. If either process dies, the other is stopped and the exit status
is not 0.

Usage: .venv/bin/python scripts/run_embedded.py [--host 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60
STOP_SECONDS = 20  # a worker's warm shutdown waits for the task in hand; OCR of a page takes a few seconds


class Stop(Exception):
    """SIGINT or SIGTERM arrived."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    # Once: a second Ctrl-C while the worker finishes its task must not cut the stopping short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stop(signal.Signals(signum).name)


def start(command: list[str]) -> subprocess.Popen[bytes]:
    # A session of its own: the terminal's Ctrl-C goes to this script only, which decides the order of stopping.
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)


def _group_running(process: subprocess.Popen[bytes]) -> bool:
    """Whether any process of `process`'s group still runs (the worker's beat is a child process of its own)."""
    process.poll()  # reap the leader, or its zombie would count
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole group, then wait for every process in it; SIGKILL what is left after STOP_SECONDS."""
    # The group may empty between the check and the signal: ProcessLookupError then just means done.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while _group_running(process) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_running(process):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_until_serving(url: str, processes: list[subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return False
        try:
            with urllib.request.urlopen(url + "accounts/login/", timeout=2):  # noqa: S310 - our own http URL
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    url = f"http://{options.host}:{options.port}/"
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    python = sys.executable
    worker = start(
        [python, "-m", "celery", "-A", "grapefruit", "worker", "--beat", "--pool=solo", "--loglevel=INFO"]
    )
    web = start([python, "manage.py", "runserver", f"{options.host}:{options.port}", "--noreload"])
    try:
        if not wait_until_serving(url, [web, worker]):
            print(f"Grapefruit did not start at {url}: see the messages above.", file=sys.stderr, flush=True)
            return 1
        print(f"\nGrapefruit is running at {url} — press Ctrl-C to stop it.\n", flush=True)
        while web.poll() is None and worker.poll() is None:
            time.sleep(0.5)
        print("A Grapefruit process stopped by itself; stopping the other.", file=sys.stderr, flush=True)
        return 1
    except Stop:
        print("\nStopping Grapefruit…", flush=True)
        return 0
    finally:
        for process in (web, worker):
            stop(process)
        print("Grapefruit stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())

"""The entrypoint's first step, `manage.py prepare_database`: wait for the database with capped exponential
backoff, then migrate (under an advisory lock: the production smoke test starts three processes together)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from itertools import islice

import pytest
from django.conf import settings
from django.db import connection

from conftest import wait_for
from grapefruit.startup import backoff_delays
from grapefruit.tests.stack import free_port


def test_backoff_doubles_from_half_a_second_up_to_five():
    assert list(islice(backoff_delays(), 7)) == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def prepare_database(port: int, *args: str) -> subprocess.Popen[str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "grapefruit.settings_test",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "prepare_database", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class LatePostgres:
    """Opens `port` only when started, forwarding each connection to the real PostgreSQL: a database that boots."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def start(self) -> None:
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(
                (connection.settings_dict["HOST"], int(connection.settings_dict["PORT"]))
            )
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        # Pass the end on rather than closing both sockets here: a close from this thread does not wake the other
        # direction's recv(), which then keeps its socket, and its connection to PostgreSQL, open.
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)
        source.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() in _accept, as close() would not
        self.listener.close()


@pytest.fixture
def late_postgres(django_db_setup) -> Iterator[LatePostgres]:
    # No connection of this process is opened here: one opened outside a test's transaction was never closed,
    # and its idle session made pytest's drop of the test database fail at the end of every full run.
    proxy = LatePostgres(free_port())
    yield proxy
    proxy.close()


def test_prepare_database_waits_for_a_database_that_comes_up_late_then_migrates(late_postgres):
    process = prepare_database(late_postgres.port, "--timeout", "60")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    wait_for(lambda: len(lines) >= 3, timeout=30)  # refused three times: 0.5 s, 1 s, 2 s apart
    late_postgres.start()
    stdout, _ = process.communicate(timeout=120)
    reader.join(timeout=10)

    assert process.returncode == 0, "".join(lines)
    assert [re.search(r"retrying in ([\d.]+) s", line)[1] for line in lines[:3]] == ["0.5", "1.0", "2.0"]
    assert re.search(r"Database answered \(attempt [4-9]\)", stdout)
    assert "No migrations to apply" in stdout


def test_prepare_database_gives_up_with_a_clear_error_when_nothing_answers():
    process = prepare_database(free_port(), "--timeout", "2")
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 1
    assert "Grapefruit will not start: the database did not answer in 2 s" in stderr
    assert "Connection refused" in stderr
    assert "password" not in stderr.lower()

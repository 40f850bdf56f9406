"""The production stack outside Docker, for end-to-end tests: the containers' processes, run as compose runs them.

`ProductionStack` starts web (gunicorn), worker and beat through scripts/docker-entrypoint.sh with the commands
in compose.yaml, against a database of their own on the test PostgreSQL server and the test Redis database, with
production settings (DEBUG off, secrets from the environment, the variables of .env.example). Each process's
stdout and stderr go to files the test can read. `StackClient` (stack_http.py) talks to gunicorn as the TLS proxy
in front of it would.

    stack = ProductionStack.create(work_dir=tmp_path, static_root=...)
    stack.start("web", "worker", "beat")
    client = stack.client(); client.login("demo", "grapefruit-demo")
    exit_codes = stack.stop()          # SIGTERM to each, as `docker compose stop` sends
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis
import yaml

from grapefruit.tests.stack_http import PUBLIC_HOST, StackClient

BASE_DIR = Path(__file__).resolve().parents[2]
ENTRYPOINT = BASE_DIR / "scripts" / "docker-entrypoint.sh"
HEALTHCHECK = BASE_DIR / "scripts" / "healthcheck.py"
# The image keeps its data volume at /data (GRAPEFRUIT_VAR_DIR); outside Docker it is a directory of the test's.
CONTAINER_DATA_DIR = "/data"
SERVICES = ("web", "worker", "beat")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_file_values(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file (.env.example), as compose's env_file reads them."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def compose_services() -> dict[str, Any]:
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())["services"]


def poll(condition: Callable[[], Any], *, timeout: float, interval: float = 0.25, what: str) -> Any:
    """condition()'s first truthy value; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


# --- processes -------------------------------------------------------------------------------------------------


@dataclass
class StackProcess:
    """One container's process, started through the entrypoint; its stdout and stderr are kept in files."""

    name: str
    popen: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def output(self) -> str:
        return self.stdout() + self.stderr()

    def running(self) -> bool:
        return self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.running():
            self.popen.send_signal(signum)

    def terminate(self, *, timeout: float = 60) -> int:
        """SIGTERM, as `docker stop` sends, and the exit code once the process has ended by itself."""
        self.signal(signal.SIGTERM)
        return self.wait_exit(timeout=timeout)

    def wait_exit(self, *, timeout: float = 60) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} did not exit within {timeout} s") from None

    def kill(self) -> None:
        """SIGKILL to the whole process group (gunicorn's and Celery's children included)."""
        if self.running():
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


# --- the stack -------------------------------------------------------------------------------------------------


@dataclass
class ProductionStack:
    work_dir: Path
    database_url: str
    redis_url: str
    static_root: Path
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, StackProcess] = field(default_factory=dict)
    # Fresh secrets per stack: nothing from the test settings leaks into the production configuration.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(64))
    encryption_keys: str = field(default_factory=lambda: f"stack1:{secrets.token_hex(32)}")
    blind_index_key: str = field(default_factory=lambda: secrets.token_hex(32))

    @classmethod
    def create(cls, *, work_dir: Path, static_root: Path, **kwargs: Any) -> ProductionStack:
        """A stack on a database of its own: `<the test database's name>_stack`, created empty."""
        base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        database_url = base._replace(path=base.path + "_stack").geturl()
        stack = cls(
            work_dir=work_dir,
            database_url=database_url,
            redis_url=os.environ["REDIS_URL"],
            static_root=static_root,
            **kwargs,
        )
        stack.reset_database()
        stack.purge_queue()
        stack.reset_rate_limits()
        return stack

    @property
    def var_dir(self) -> Path:
        return self.work_dir / "data"

    @property
    def heartbeat_file(self) -> Path:
        return self.work_dir / "beat-heartbeat"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """An admin's .env copied from .env.example, then what compose.yaml and the image set."""
        inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TZ") if key in os.environ}
        return {
            **inherited,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **env_file_values(BASE_DIR / ".env.example"),
            # compose.yaml's environment and the image's ENV
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OMP_THREAD_LIMIT": "1",
            "GRAPEFRUIT_VAR_DIR": str(self.var_dir),
            "STATIC_ROOT": str(self.static_root),
            "BEAT_HEARTBEAT_FILE": str(self.heartbeat_file),
            "PORT": str(self.port),
            # what the admin fills in
            "SECRET_KEY": self.secret_key,
            "ENCRYPTION_KEYS": self.encryption_keys,
            "BLIND_INDEX_KEY": self.blind_index_key,
            "DEBUG": "false",
            "ALLOWED_HOSTS": PUBLIC_HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC_HOST}",
            "TRUST_PROXY_SSL_HEADER": "true",
            "EMAIL_URL": "consolemail://",
            "PAGE_RATE_LIMIT": "100000/15m",
            "POLL_RATE_LIMIT": "100000/15m",
            "DJANGO_SETTINGS_MODULE": "grapefruit.settings",
            **self.extra_env,
        }

    # database ----------------------------------------------------------------------------------------------

    def _admin_connection(self) -> psycopg.Connection[Any]:
        admin_url = urllib.parse.urlsplit(self.database_url)._replace(path="/postgres").geturl()
        return psycopg.connect(admin_url, autocommit=True)

    @property
    def database_name(self) -> str:
        return urllib.parse.urlsplit(self.database_url).path.lstrip("/")

    def reset_database(self) -> None:
        with self._admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database_name}"')

    def drop_database(self) -> None:
        with self._admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')

    def purge_queue(self) -> None:
        """Empty Celery's default queue in this Redis database: leftovers of an earlier run name rows that are gone."""
        redis.Redis.from_url(self.redis_url).delete("celery")

    def reset_rate_limits(self) -> None:
        """Forget the rate-limit counters (django-ratelimit's `rl:` keys in the `grapefruit` cache prefix) in this
        Redis database: the members of a new stack start afresh, as in a new deployment, even though the new
        database gives them the ids an earlier stack's members had."""
        client = redis.Redis.from_url(self.redis_url)
        for key in client.scan_iter(match="grapefruit:*:rl:*", count=1000):
            client.delete(key)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows from the stack's database, read directly (what the processes committed)."""
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params).fetchall()

    # processes ---------------------------------------------------------------------------------------------

    def command(self, service: str) -> list[str]:
        """compose.yaml's command for the service, with the /data volume mapped to this stack's directory."""
        return [
            self.var_dir.as_posix() + arg[len(CONTAINER_DATA_DIR) :]
            if arg.startswith(CONTAINER_DATA_DIR + "/")
            else arg
            for arg in compose_services()[service]["command"]
        ]

    def launch(self, service: str, *, name: str | None = None) -> StackProcess:
        """Start one service's process through the entrypoint, without waiting for it to be ready."""
        name = name or service
        self.var_dir.mkdir(parents=True, exist_ok=True)
        logs = self.work_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        stdout_path, stderr_path = logs / f"{name}.stdout.log", logs / f"{name}.stderr.log"
        with stdout_path.open("ab") as stdout, stderr_path.open("ab") as stderr:
            popen = subprocess.Popen(
                [str(ENTRYPOINT), *self.command(service)],
                cwd=BASE_DIR,
                env=self.env(),
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,  # its own process group, so a failed test can kill gunicorn's workers too
            )
        process = StackProcess(name, popen, stdout_path, stderr_path)
        self.processes[name] = process
        return process

    def start(self, *services: str, timeout: float = 120) -> None:
        """Launch the services together (as compose does) and wait until each is ready."""
        started = [self.launch(service) for service in services or SERVICES]
        for process in started:
            self.wait_ready(process, timeout=timeout)

    def wait_ready(self, process: StackProcess, *, timeout: float = 120) -> None:
        ready: Callable[[], bool] = {
            "web": lambda: self.healthcheck("web").returncode == 0,
            "worker": lambda: " ready." in process.stderr(),
            "beat": lambda: self.heartbeat_file.exists(),
        }[process.name.split("-")[0]]

        def ready_or_dead() -> bool:
            if not process.running():
                raise AssertionError(
                    f"{process.name} exited with {process.popen.returncode}:\n{process.stderr()[-4000:]}"
                )
            return ready()

        poll(ready_or_dead, timeout=timeout, interval=0.5, what=f"{process.name} ready")

    def healthcheck(self, role: str) -> subprocess.CompletedProcess[str]:
        """The container health check (scripts/healthcheck.py), as Docker runs it inside the container."""
        args = ["--url", f"{self.base_url}/health"] if role == "web" else []
        return subprocess.run(
            [sys.executable, str(HEALTHCHECK), role, *args],
            cwd=BASE_DIR,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=30,
        )

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`docker compose exec web python manage.py ...`."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=180,
        )

    def collect_static(self) -> None:
        """What the image build does once: the hashed static files production serves."""
        result = self.manage("collectstatic", "--noinput", "-v0")
        assert result.returncode == 0, result.stderr

    def stop(self, *names: str, timeout: float = 60) -> dict[str, int]:
        """SIGTERM each running process (all by default) and return their exit codes."""
        chosen = [self.processes[name] for name in names or list(self.processes)]
        for process in chosen:
            process.signal(signal.SIGTERM)
        return {process.name: process.wait_exit(timeout=timeout) for process in chosen}

    def kill_all(self) -> None:
        for process in self.processes.values():
            process.kill()

    def client(self) -> StackClient:
        return StackClient(port=self.port)

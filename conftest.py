"""Fixtures shared by every app's tests: members and households, a real Celery worker, headless Chromium, and a
local HTTP server standing in for remote APIs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import django_ratelimit.core
import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from grapefruit.tests.factories import TEST_PASSWORD, MembershipFactory
from grapefruit.tests.stack import ProductionStack, poll

BASE_DIR = Path(__file__).resolve().parent


# --- households and members -------------------------------------------------------------------------------


@pytest.fixture
def membership(db):
    return MembershipFactory()


@pytest.fixture
def household(membership):
    return membership.household


@pytest.fixture
def user(membership):
    return membership.user


@pytest.fixture
def other_membership(db):
    return MembershipFactory()


@pytest.fixture
def other_household(other_membership):
    return other_membership.household


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


# --- a real Celery worker on the Redis broker ----------------------------------------------------------------


@dataclass
class WorkerProcess:
    """A `celery worker` subprocess bound to the test database; kill() is a real SIGKILL."""

    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(default_factory=lambda: BASE_DIR / "var" / "test-worker.log")

    def start(self) -> None:
        from django.conf import settings

        from grapefruit.celery import app

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        name = f"test-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "grapefruit",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "-Q",
                    settings.CELERY_TASK_DEFAULT_QUEUE,
                    "-n",
                    name,
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited at start; see {self.log_path}")
            if app.control.ping(destination=[name], timeout=0.5):
                return
        raise RuntimeError(f"Celery worker did not answer within 60 s; see {self.log_path}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def _purge_own_queue(app, queue: str) -> None:
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[WorkerProcess]:
    """Start a real worker against the test database. Tests using it see committed data only (transactional_db)."""
    from django.conf import settings
    from django.db import connection

    from grapefruit.celery import app

    _purge_own_queue(app, settings.CELERY_TASK_DEFAULT_QUEUE)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "grapefruit.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    worker = WorkerProcess(env=env)
    worker.start()
    yield worker
    worker.stop()
    _purge_own_queue(app, settings.CELERY_TASK_DEFAULT_QUEUE)


def wait_for(condition: Callable[[], Any], *, timeout: float = 60, interval: float = 0.25) -> Any:
    """Poll until condition() is truthy; return its value or fail the test with the timeout."""
    try:
        return poll(condition, timeout=timeout, interval=interval, what="condition")
    except TimeoutError as error:
        pytest.fail(str(error))


# --- headless Chromium (Debian's chromium, driven by the Playwright package) ------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def logged_in_page(browser_page, user):
    page = browser_page
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


# --- a local HTTP server that fakes remote APIs ----------------------------------------------------------------


@dataclass
class FakeResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class FakeHttpServer:
    """Serves scripted responses in order (the last one repeats) on 127.0.0.1 and records every request."""

    def __init__(self) -> None:
        self.responses: list[FakeResponse] = []
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        handler = self._make_handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def respond(self, *responses: FakeResponse) -> None:
        with self._lock:
            self.responses = list(responses)

    def _next(self) -> FakeResponse:
        with self._lock:
            if not self.responses:
                return FakeResponse(status=500, body={"error": "no scripted response"})
            return self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.requests.append(RecordedRequest(self.command, self.path, dict(self.headers), body))
                scripted = fake._next()
                if scripted.delay:
                    time.sleep(scripted.delay)
                payload = (
                    scripted.body if isinstance(scripted.body, (bytes, str)) else json.dumps(scripted.body)
                )
                data = payload.encode() if isinstance(payload, str) else payload
                try:
                    self.send_response(scripted.status)
                    self.send_header("Content-Type", scripted.headers.get("Content-Type", "application/json"))
                    for name, value in scripted.headers.items():
                        if name != "Content-Type":
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left, as a timeout test intends

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def __enter__(self) -> FakeHttpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_http_server() -> Iterator[FakeHttpServer]:
    with FakeHttpServer() as server:
        yield server


# --- LLM providers' wire formats, and an OpenAI-compatible provider pointed at the fake server -----------------


def openai_reply(
    content: str | dict[str, Any], *, prompt_tokens: int = 120, completion_tokens: int = 40
) -> Any:
    """A chat-completions response body whose message is `content` (JSON-encoded when not a string)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_760_000_000,
        "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def gemini_reply(
    content: str | dict[str, Any], *, prompt_tokens: int = 120, completion_tokens: int = 40
) -> Any:
    """A generateContent response body whose text is `content`."""
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}],
        "usageMetadata": {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": completion_tokens,
            "totalTokenCount": prompt_tokens + completion_tokens,
        },
    }


def openai_response(content: str | dict[str, Any]) -> FakeResponse:
    return FakeResponse(body=openai_reply(content))


@pytest.fixture
def llm_server(fake_http_server, settings, isolated_rate_limits):
    """LLM_PROVIDER=openai talking to the fake server: no retries, the response cache on, a generous rate limit."""
    settings.LLM_PROVIDER = "openai"
    settings.ASI_API_KEY = "test-key"
    settings.ASI_BASE_URL = f"{fake_http_server.url}/v1"
    settings.ASI_MODEL = "asi1-mini"
    settings.LLM_MAX_RETRIES = 0
    settings.LLM_CACHE_ENABLED = True
    settings.LLM_RATE_LIMIT = "100/m"
    return fake_http_server


# --- rate limits ----------------------------------------------------------------------------------------------


@pytest.fixture
def isolated_rate_limits(settings):
    """Rate-limit counters on the test Redis under a key prefix of this test's own: the shared Redis database
    outlives test databases (whose user ids restart), so counts must not carry over between tests or runs."""
    settings.CACHES = {
        **settings.CACHES,
        "rate-limits": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }
    settings.RATELIMIT_USE_CACHE = "rate-limits"
    return settings


@pytest.fixture
def shipped_rate_limits(isolated_rate_limits, monkeypatch):
    """Every tier at the rate it ships with, counted on Redis, with django-ratelimit's clock stopped so a
    15-minute window cannot roll over in the middle of a test."""
    settings = isolated_rate_limits
    for name, rate in settings.RATE_LIMIT_DEFAULTS.items():
        setattr(settings, name, rate)
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))
    return settings


# --- the production stack: gunicorn, Celery worker and beat as the containers run them (grapefruit/tests/stack.py)


@pytest.fixture(scope="session")
def stack_static_root(tmp_path_factory) -> Path:
    """Static files collected once per run with production settings, as the image build does."""
    work_dir = tmp_path_factory.mktemp("stack-static")
    builder = ProductionStack(
        work_dir=work_dir,
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        static_root=work_dir / "static",
    )
    builder.collect_static()
    return builder.static_root


@pytest.fixture
def production_stack(tmp_path, stack_static_root) -> Iterator[ProductionStack]:
    """A stack on a fresh database `<test database>_stack`, not started yet: the test starts what it needs.
    Whatever is still running at the end is killed, and the database dropped."""
    stack = ProductionStack.create(work_dir=tmp_path, static_root=stack_static_root)
    yield stack
    stack.kill_all()
    stack.drop_database()

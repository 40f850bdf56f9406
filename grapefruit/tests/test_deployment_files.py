"""The files Docker reads, checked without a Docker engine: compose.yaml through `docker-compose config`, the
build context through .dockerignore read the way Docker reads it, and the Dockerfile against compose.yaml."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from grapefruit.tests.stack import BASE_DIR, compose_services

APP_SERVICES = ("web", "worker", "beat")


# --- compose.yaml ----------------------------------------------------------------------------------------------


def compose_config(tmp_path: Path, *files: str) -> dict:
    """`docker-compose config` of the files, with a .env copied from .env.example as an admin starts."""
    for name in files:
        shutil.copy(BASE_DIR / name, tmp_path / name)
    shutil.copy(BASE_DIR / ".env.example", tmp_path / ".env")
    args = [arg for name in files for arg in ("-f", name)]
    result = subprocess.run(
        ["docker-compose", *args, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def seconds(duration: str) -> float:
    """A compose duration ("5m30s", "45s", "1m") in seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    return sum(float(n) * units[unit] for n, unit in re.findall(r"([\d.]+)([hms])", duration))


def test_compose_file_is_valid_and_every_service_is_checked_limited_and_restarted(tmp_path):
    services = compose_config(tmp_path, "compose.yaml")["services"]

    assert set(services) == {*APP_SERVICES, "db", "redis"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
        assert not service["healthcheck"].get("disable"), name
        assert service["restart"] == "unless-stopped", name
        assert service["cpus"] and service["mem_limit"], name
    for name in APP_SERVICES:
        service = services[name]
        assert service["image"] == "grapefruit:latest"
        assert "init" not in service  # the image's entrypoint is tini already: one init, as PID 1
        assert service["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert "SECRET_KEY" in service["environment"]  # from .env
    assert {volume.split(":")[0] for volume in services["db"]["volumes"]} == {"pgdata"}
    # Docker's default 10 s would kill an OCR task in flight: the worker waits for the longest one.
    assert seconds(services["worker"]["stop_grace_period"]) > settings.CELERY_TASK_TIME_LIMIT
    assert seconds(services["web"]["stop_grace_period"]) > 30  # gunicorn's graceful timeout
    assert services["beat"]["environment"]["BEAT_HEARTBEAT_FILE"] == "/tmp/beat-heartbeat"
    assert services["beat"]["environment"]["DATABASE_URL"] == services["web"]["environment"]["DATABASE_URL"]


def test_development_override_is_valid_and_keeps_the_same_services(tmp_path):
    services = compose_config(tmp_path, "compose.yaml", "compose.dev.yaml")["services"]

    assert services["web"]["environment"]["DEBUG"] == "true"
    assert services["web"]["command"][:2] == ["python", "manage.py"]
    assert set(services) == {*APP_SERVICES, "db", "redis"}


def test_the_image_runs_compose_web_command_through_the_entrypoint():
    instructions = {}
    for line in (BASE_DIR / "Dockerfile").read_text().splitlines():
        if line.startswith(("ENTRYPOINT ", "CMD ")):
            keyword, _, value = line.partition(" ")
            instructions[keyword] = json.loads(value)

    assert instructions["ENTRYPOINT"] == ["tini", "--", "scripts/docker-entrypoint.sh"]
    assert instructions["CMD"] == compose_services()["web"]["command"]


# --- the build context -----------------------------------------------------------------------------------------


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, regex) per line, as Docker compiles .dockerignore: `**` spans directories, `*` and `?`
    stay within one, a leading `/` is dropped, `!` re-includes."""
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:].strip() if negate else line
        pattern = pattern.strip("/").replace("/./", "/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negate, re.compile(regex)))
    return rules


def is_excluded(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path, or one of its parent directories, decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    excluded = False
    for negate, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negate
    return excluded


def build_context(root: Path) -> set[str]:
    rules = dockerignore_rules((BASE_DIR / ".dockerignore").read_text())
    files = (path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    return {name for name in files if not is_excluded(name, rules)}


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("var", "var/encryption.key", True),
        ("**/__pycache__", "grapefruit/tests/__pycache__/x.pyc", True),
        ("*.sqlite3", "var/db/grapefruit.sqlite3", False),  # `*` stays at the top level
        ("/var", "var/secret_key", True),
    ],
)
def test_dockerignore_reading_follows_docker(pattern, path, excluded):
    assert is_excluded(path, dockerignore_rules(pattern)) is excluded


def test_build_context_leaves_out_secrets_virtualenvs_and_history(tmp_path):
    secrets = [
        ".env",
        ".env.production",
        "var/secret_key",
        "var/encryption.key",
        "var/blind_index.key",
        "var/grapefruit.sqlite3",
        "var/media/receipts/1/scan.pdf",
        ".venv/bin/python",
        ".git/config",
        "grapefruit/__pycache__/settings.cpython-311.pyc",
        ".pytest_cache/v/cache/lastfailed",
        "staticfiles/css/app.css",
    ]
    needed = [
        ".env.example",
        "manage.py",
        "requirements.txt",
        "scripts/docker-entrypoint.sh",
        "static/css/app.css",
    ]
    for name in secrets + needed:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")

    context = build_context(tmp_path)

    assert context == set(needed)


def test_build_context_of_this_checkout_has_every_tracked_file_the_image_needs():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    outside_image = re.compile(r"^(Dockerfile|\.dockerignore|compose.*\.yaml|\.gitignore|\.ci/.*)$")

    context = build_context(BASE_DIR)

    assert {name for name in tracked if not outside_image.match(name)} <= context
    assert not {name for name in context if name.startswith(("var/", ".venv/", ".git/")) or name == ".env"}

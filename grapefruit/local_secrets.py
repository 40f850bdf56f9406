"""Secrets the embedded default generates for itself under var/: the session key, the encryption key ring and the
blind-index key.

Standard library only: settings.py uses it before Django is configured. `make run` starts the web server and the
worker at the same moment, so creation must be exclusive: the first process writes, the other reads its value.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path


class LocalSecretError(RuntimeError):
    """A generated secret file exists but holds nothing usable."""


def private_file_lines(path: Path, *, generate: Callable[[], str], what: str) -> list[str]:
    """The non-empty lines of `path`, after creating it (mode 0600) with `generate()` when it does not exist."""
    _create_exclusively(path, generate, what)
    # A concurrent creator may not have written yet; an empty file is never a valid secret.
    for _ in range(50):
        lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        if lines:
            return lines
        time.sleep(0.02)
    raise LocalSecretError(
        f"{path} is empty: restore it from your backup or delete it to generate a new {what}."
    )


def _create_exclusively(path: Path, generate: Callable[[], str], what: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(generate() + "\n")
    print(f"Grapefruit: generated a new {what} in {path} (mode 0600). Back it up.", file=sys.stderr)

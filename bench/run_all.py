"""`make bench`: run every benchmark and write docs/BENCHMARKS.md with the machine and the date.

Each benchmark is a script in this folder that prints a markdown section (a heading, a sentence on method, and a
table of medians). A benchmark that fails is reported as failed in the document, not silently dropped.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
OUTPUT = BASE_DIR / "docs" / "BENCHMARKS.md"
BENCHMARKS = [
    "encryption_bench.py",
    "forecast_bench.py",
    "dashboard_bench.py",
    "ocr_bench.py",
    "receipts_bench.py",
    "llm_bench.py",
]


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def run(script: str) -> str:
    started = time.monotonic()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "grapefruit.settings_test", "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(
        [sys.executable, str(BENCH_DIR / script)], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    took = time.monotonic() - started
    print(f"{script}: exit {proc.returncode} in {took:.0f} s", file=sys.stderr)
    if proc.returncode != 0:
        return f"## {script}\n\nFAILED (exit {proc.returncode}):\n\n```\n{proc.stderr[-3000:]}\n```\n"
    return proc.stdout.strip() + "\n"


def main() -> None:
    selected = sys.argv[1:] or [b for b in BENCHMARKS if (BENCH_DIR / b).exists()]
    sections = [run(script) for script in selected]
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n\n"
        f"Machine: {machine()}.\n\n"
        "Figures are medians unless a table says otherwise. Speed targets live here, never in unit tests.\n\n"
    )
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(header + "\n".join(sections))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

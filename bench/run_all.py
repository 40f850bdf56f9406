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
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
OUTPUT = BASE_DIR / "docs" / "BENCHMARKS.md"
# Hand-kept record of optimisations, each measured before and after; appended to the generated figures.
OPTIMISATIONS = BENCH_DIR / "OPTIMISATIONS.md"
# Each entry is one command line (script and its arguments). The OCR lanes run at the same time, each pinned to its
# own core, which halves the wall time of the longest benchmark without changing its one-core figures; the
# commands within a lane run one after another.
BENCHMARKS: list[list[str]] = [
    ["encryption_bench.py"],
    ["forecast_bench.py"],
    ["pages_bench.py"],
    ["receipts_bench.py", "--images"],
    ["llm_bench.py"],
    ["reorders_bench.py"],
    # Alone on the machine: the production stack and locust share the 2 cores.
    ["load_bench.py"],
]
OCR_LANES: list[list[list[str]]] = [
    [
        ["ocr_bench.py", "--engines", "tesseract", "--cpu", "0"],
        # Its shipped settings only: one pass over the scans takes a quarter of an hour on one core.
        ["ocr_bench.py", "--engines", "easyocr", "--defaults-only", "--cpu", "0"],
    ],
    [["ocr_bench.py", "--engines", "rapidocr", "--cpu", "1"]],
]
# EasyOCR's own virtualenv, made by `make test-easyocr`; without it the EasyOCR run uses this interpreter and
# reports EasyOCR as not installed unless it was installed here.
EASYOCR_PYTHON = BASE_DIR / ".venv-easyocr" / "bin" / "python"


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


def _env() -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "grapefruit.settings_test", "OMP_THREAD_LIMIT": "1"}


def start(command: list[str]) -> tuple[list[str], subprocess.Popen[str], float]:
    script, *args = command
    python = EASYOCR_PYTHON if "easyocr" in args and EASYOCR_PYTHON.exists() else Path(sys.executable)
    proc = subprocess.Popen(
        [str(python), str(BENCH_DIR / script), *args],
        cwd=BASE_DIR,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return command, proc, time.monotonic()


def finish(job: tuple[list[str], subprocess.Popen[str], float]) -> str:
    command, proc, started = job
    stdout, stderr = proc.communicate()
    label = " ".join(command)
    print(f"{label}: exit {proc.returncode} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if proc.returncode != 0:
        return f"## {label}\n\nFAILED (exit {proc.returncode}):\n\n```\n{stderr[-3000:]}\n```\n"
    return stdout.strip() + "\n"


def run_lane(commands: list[list[str]]) -> list[str]:
    return [finish(start(command)) for command in commands]


def main() -> None:
    sections = run_lane(BENCHMARKS)
    with ThreadPoolExecutor(max_workers=len(OCR_LANES)) as pool:
        for lane_sections in pool.map(run_lane, OCR_LANES):
            sections += lane_sections
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n\n"
        f"Machine: {machine()}.\n\n"
        "Figures are medians unless a table says otherwise. Speed targets live here, never in unit tests.\n\n"
    )
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(header + "\n".join(sections) + "\n" + OPTIMISATIONS.read_text())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

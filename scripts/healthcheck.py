"""Container health checks, standard library only (a check runs every 30 s: no Django start-up for it).

    python scripts/healthcheck.py web [--url URL]        /health over loopback: HTTP 200 and status ok/degraded
    python scripts/healthcheck.py beat [--max-age SECS]  the beat scheduler's heartbeat file is fresh

Exit 0 when healthy; otherwise exit 1 with one line saying why (Docker shows it in `docker inspect`).
The worker's check is `celery inspect ping` (compose.yaml): only the worker itself can answer it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HEALTHY_STATUSES = ("ok", "degraded")
# The web service's own port inside the container (grapefruit/gunicorn_conf.py binds 0.0.0.0:$PORT).
DEFAULT_URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health"
# Beat ticks at least every CELERY_BEAT_MAX_LOOP_INTERVAL (60 s): three missed ticks is a hung scheduler.
DEFAULT_MAX_AGE = 180


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect (to HTTPS, say) would mean /health was never reached: report it instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def check_web(url: str) -> str | None:
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(url, timeout=8) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError as error:
        return f"{url}: {error}"
    if status != 200:
        return f"{url}: HTTP {status}"
    try:
        report = json.loads(body)
    except ValueError:
        return f"{url}: the answer is not JSON"
    if report.get("status") not in HEALTHY_STATUSES:
        return f"{url}: status {report.get('status')!r}"
    return None


def check_beat(heartbeat: Path | None, max_age: float) -> str | None:
    if heartbeat is None:
        return "BEAT_HEARTBEAT_FILE is not set and --heartbeat was not given"
    try:
        age = time.time() - heartbeat.stat().st_mtime
    except OSError:
        return f"{heartbeat}: no heartbeat yet"
    if age > max_age:
        return f"{heartbeat}: last heartbeat {age:.0f} s ago (limit {max_age:.0f} s)"
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    roles = parser.add_subparsers(dest="role", required=True)
    web = roles.add_parser("web")
    web.add_argument("--url", default=DEFAULT_URL)
    beat = roles.add_parser("beat")
    beat.add_argument("--heartbeat", type=Path, default=os.environ.get("BEAT_HEARTBEAT_FILE") or None)
    beat.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE)
    args = parser.parse_args(argv)
    problem = check_web(args.url) if args.role == "web" else check_beat(args.heartbeat, args.max_age)
    print(problem or "healthy", file=sys.stderr if problem else sys.stdout)
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

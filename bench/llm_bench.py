"""LLM response cache: latency of a cache hit against a call to a local fake OpenAI-compatible provider.

A throwaway PostgreSQL database (created and dropped here) and an HTTP server on 127.0.0.1 that answers chat
completions at once, so the provider figure is the floor of a remote call: the SDK, HTTP on loopback, redaction,
the encrypted call log and cache write. A real provider adds its network and inference time on top (seconds).

Run: DJANGO_SETTINGS_MODULE=grapefruit.settings_test .venv/bin/python bench/llm_bench.py [--requests 60]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from llm.providers import get_provider  # noqa: E402
from llm.services import llm_complete  # noqa: E402
from llm.types import LLMRequest  # noqa: E402

ANSWER = json.dumps(
    {"items": [{"name": "Whole milk", "quantity": 1, "unit_price": 3.48, "total_price": 3.48}]}
)
RECEIPT = "FRESHWAY MARKET\n(651) 555-0139\nGV WHL MILK {n}   3.48\nVISA **** **** **** 4417\nTOTAL 3.48\n"


class ChatCompletions(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {
                "id": "bench",
                "object": "chat.completion",
                "created": 0,
                "model": "bench",
                "choices": [
                    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": ANSWER}}
                ],
                "usage": {"prompt_tokens": 200, "completion_tokens": 40, "total_tokens": 240},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure(requests: int) -> dict[str, list[float]]:
    prompts = [
        LLMRequest(system="Read this receipt as JSON.", user=RECEIPT.format(n=n)) for n in range(requests)
    ]
    provider = get_provider()
    return {
        "provider call alone (SDK + loopback HTTP)": [
            timed(lambda p=p: provider.complete(p)) for p in prompts
        ],
        "miss: redact, provider call, log and cache write": [
            timed(lambda p=p: llm_complete(request=p)) for p in prompts
        ],
        "hit: redact, cache read, JSON check": [timed(lambda p=p: llm_complete(request=p)) for p in prompts],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "grapefruit_bench_llm"
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        with override_settings(
            LLM_PROVIDER="openai", ASI_BASE_URL=url, ASI_API_KEY="bench", LLM_CACHE_ENABLED=True
        ):
            llm_complete(request=LLMRequest(system="warm-up", user="warm-up"))
            results = measure(options.requests)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
        server.shutdown()

    print("## LLM response cache\n")
    print(
        f"{options.requests} different receipt prompts sent once each to a local OpenAI-compatible server that "
        "answers at once, then asked again (cache hits). Wall time of `llm_complete` per request, PostgreSQL, "
        "one process.\n"
    )
    print("| path | median ms | p90 ms |\n| --- | ---: | ---: |")
    for label, timings in results.items():
        p90 = statistics.quantiles(timings, n=10)[-1]
        print(f"| {label} | {statistics.median(timings):.2f} | {p90:.2f} |")
    hit = statistics.median(results["hit: redact, cache read, JSON check"])
    miss = statistics.median(results["miss: redact, provider call, log and cache write"])
    print(
        f"\nA cache hit takes {hit / miss:.0%} of the time of the fastest possible remote call ({miss / hit:.1f}x "
        "faster); against a real provider's seconds the saving is the whole call."
    )


if __name__ == "__main__":
    main()

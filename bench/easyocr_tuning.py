"""EasyOCR settings tried on a fixed subset of the SROIE scans: how the engine's defaults were chosen.

Each variant is an `EasyOcrEngine` built with other options (quantisation, detection canvas, decoder, torch
threads, preprocessing), measured like bench/ocr_bench.py (same metrics, one core) on every fifth scan.
EasyOCR peaks at several GB while reading: variants run one after another in this one process, never in parallel.

Usage: .venv-easyocr/bin/python bench/easyocr_tuning.py [--every 5] [--cpu 0] [--variants NAME ...]
"""

import argparse
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from ocr_bench import DATA_DIR, configure_django, load_samples, measure, table


@dataclass(frozen=True)
class Variant:
    read_options: dict[str, Any] = field(default_factory=dict)
    quantize: bool = True
    grayscale: bool = False
    torch_threads: int = 1


# The first is the engine as it ships (its READ_OPTIONS); each other changes one or two options against it.
VARIANTS: dict[str, Variant] = {
    "shipped": Variant(),
    "canvas 2560 (library default)": Variant({"canvas_size": 2560}),
    "canvas 960": Variant({"canvas_size": 960}),
    "beam search": Variant({"decoder": "beamsearch"}),
    "no quantisation": Variant(quantize=False),
    "2 torch threads": Variant(torch_threads=2),
    "grayscale input": Variant(grayscale=True),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--every", type=int, default=5, help="every N-th receipt (a fixed subset)")
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU to pin the run to")
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=list(VARIANTS))
    args = parser.parse_args()
    if not (DATA_DIR / "img").is_dir():
        print(f"EasyOCR tuning skipped: no SROIE receipts at {DATA_DIR}/img")
        return 0
    os.sched_setaffinity(0, {args.cpu})
    configure_django()
    import torch

    from ocr.documents import load_pages
    from ocr.engines.easy import READ_OPTIONS, EasyOcrEngine
    from ocr.preprocessing import Preprocessing

    samples = load_samples(None, every=args.every)
    scores = []
    for name in args.variants:
        variant = VARIANTS[name]
        engine = EasyOcrEngine(
            quantize=variant.quantize, read_options={**READ_OPTIONS, **variant.read_options}
        )
        if variant.torch_threads != 1:
            # The engine sets one thread when it loads its model: load it first, then override.
            engine.recognize(load_pages(samples[0].image_bytes)[0].image)
            torch.set_num_threads(variant.torch_threads)
        scores.append(measure(engine, name, Preprocessing(grayscale=variant.grayscale), samples))
        print(table(scores[-1:], {}).splitlines()[-1], file=sys.stderr, flush=True)
    print(f"EasyOCR variants on every {args.every}th SROIE scan ({len(samples)} images), one core:\n")
    print(table(scores, {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""OCR benchmark: each engine and preprocessing setting on the SROIE receipts in ../shared/data/sroie.

Metrics, per engine and preprocessing setting:
- CER: character error rate, Levenshtein distance / reference length. Reference: the ground-truth text boxes of
  box/NNN.csv grouped into lines and ordered top-to-bottom, left-to-right (the same grouping the box engines use),
  all whitespace runs (line breaks included) collapsed to one space; the OCR text is normalised the same way.
  Case-sensitive. Averaged over images (each receipt counts once, whatever its length).
- total recall: share of receipts whose ground-truth `total` (key/NNN.json, as printed, e.g. "$8.20") appears
  in the OCR text, case-insensitive, whitespace collapsed, not as part of a longer number.
- amount recall: only the amount, ignoring currency signs, and accepting either decimal separator with or
  without a space after it ("33,90", "39. 80"): Tesseract's usual slips, which the receipt parser tolerates.
- median seconds per image on one core (the process is pinned to one CPU; Tesseract runs with
  OMP_THREAD_LIMIT=1): decoding, preprocessing and recognition, as the service does them.

Usage: .venv/bin/python bench/ocr_bench.py [--limit N] [--engines tesseract rapidocr easyocr] [--cpu 0]
(EasyOCR is measured only where it is installed: .venv-easyocr/bin/python, see README.)
"""

import argparse
import csv
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocr.preprocessing import Preprocessing

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATA_DIR = BASE_DIR.parent / "shared" / "data" / "sroie"
ENGINES = {
    "tesseract": "ocr.engines.tesseract.TesseractEngine",
    "rapidocr": "ocr.engines.rapid.RapidOcrEngine",
    "easyocr": "ocr.engines.easy.EasyOcrEngine",
}


def _configure_django() -> None:
    import django
    from django.conf import settings

    if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
        # The engines only need the OCR settings; their defaults apply. No database is touched.
        settings.configure(VAR_DIR=BASE_DIR / "var")
    django.setup()


@dataclass(frozen=True)
class Sample:
    stem: str
    image_bytes: bytes
    reference: str
    total: str


@dataclass(frozen=True)
class Score:
    engine: str
    preprocessing: str
    cer: float
    total_recall: float
    amount_recall: float
    median_seconds: float
    images: int


def normalise(text: str) -> str:
    return " ".join(text.split())


def load_samples(limit: int | None) -> list[Sample]:
    from ocr.engines.layout import fragment_from_quad, fragments_to_text

    samples = []
    for image_path in sorted((DATA_DIR / "img").glob("*.jpg"))[:limit]:
        stem = image_path.stem
        fragments = []
        with (DATA_DIR / "box" / f"{stem}.csv").open(encoding="utf-8") as handle:
            for row in csv.reader(handle):
                if len(row) < 9:
                    continue
                coords = [float(value) for value in row[:8]]
                quad = list(zip(coords[0::2], coords[1::2], strict=True))
                fragments.append(fragment_from_quad(",".join(row[8:]), quad, 1.0))
        key = json.loads((DATA_DIR / "key" / f"{stem}.json").read_text(encoding="utf-8"))
        reference = normalise(fragments_to_text(fragments))
        samples.append(Sample(stem, image_path.read_bytes(), reference, normalise(key.get("total", ""))))
    return samples


def found(needle: str, text: str) -> bool:
    if not needle:
        return False
    pattern = r"(?<![\d.,])" + re.escape(needle) + r"(?![\d])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def amount_found(total: str, text: str) -> bool:
    match = re.search(r"(\d[\d,]*)[.,](\d\d)", total)
    if not match:
        return found(total, text)
    pattern = r"(?<![\d.,])" + re.escape(match.group(1)) + r"[.,] ?" + match.group(2) + r"(?![\d])"
    return re.search(pattern, text) is not None


def run(engine_key: str, preprocessing: "Preprocessing", samples: list[Sample]) -> Score:
    from rapidfuzz.distance import Levenshtein

    from ocr.documents import load_pages
    from ocr.engines import load_engine
    from ocr.preprocessing import preprocess

    engine = load_engine(ENGINES[engine_key])
    engine.recognize(load_pages(samples[0].image_bytes)[0].image)  # warm-up: model loading is not per image
    cers, seconds, totals, amounts = [], [], [], []
    for sample in samples:
        started = time.perf_counter()
        image = load_pages(sample.image_bytes)[0].image
        text = normalise(engine.recognize(preprocess(image, preprocessing)).text)
        seconds.append(time.perf_counter() - started)
        cers.append(Levenshtein.distance(text, sample.reference) / max(len(sample.reference), 1))
        if sample.total:
            totals.append(found(sample.total, text))
            amounts.append(amount_found(sample.total, text))
    return Score(
        engine=engine_key,
        preprocessing=preprocessing.label(),
        cer=statistics.fmean(cers),
        total_recall=statistics.fmean(totals),
        amount_recall=statistics.fmean(amounts),
        median_seconds=statistics.median(seconds),
        images=len(samples),
    )


def settings_to_measure(default: "Preprocessing") -> list["Preprocessing"]:
    """None, each step alone, all steps, and the engine's default (what the service uses)."""
    from ocr.preprocessing import Preprocessing

    variants = [Preprocessing()]
    variants += [
        replace(Preprocessing(), **{step: True}) for step in ("grayscale", "contrast", "deskew", "upscale")
    ]
    variants.append(Preprocessing(grayscale=True, contrast=True, deskew=True, upscale=True))
    if default not in variants:
        variants.append(default)
    return variants


def table(scores: list[Score], defaults: dict[str, str]) -> str:
    lines = [
        "| engine | preprocessing | CER | total recall | amount recall | median s/image (1 core) | images |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for score in scores:
        marker = " (default)" if defaults.get(score.engine) == score.preprocessing else ""
        lines.append(
            f"| {score.engine} | {score.preprocessing}{marker} | {score.cer:.3f} | {score.total_recall:.0%} "
            f"| {score.amount_recall:.0%} | {score.median_seconds:.2f} | {score.images} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="first N receipts only")
    parser.add_argument("--engines", nargs="+", choices=sorted(ENGINES), default=list(ENGINES))
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU to pin the benchmark to")
    parser.add_argument(
        "--defaults-only", action="store_true", help="only each engine's default preprocessing"
    )
    args = parser.parse_args()
    if not (DATA_DIR / "img").is_dir():
        print(f"OCR benchmark skipped: no SROIE receipts at {DATA_DIR}/img")
        return 0
    os.sched_setaffinity(0, {args.cpu})
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _configure_django()
    from ocr.engines import load_engine

    samples = load_samples(args.limit)
    scores, defaults, skipped = [], {}, []
    for key in args.engines:
        engine = load_engine(ENGINES[key])
        if not engine.available():
            skipped.append(key)
            continue
        defaults[key] = engine.preprocessing.label()
        variants = [engine.preprocessing] if args.defaults_only else settings_to_measure(engine.preprocessing)
        for variant in variants:
            scores.append(run(key, variant, samples))
            # Progress on stderr; stdout carries only the markdown section for docs/BENCHMARKS.md.
            print(table(scores[-1:], defaults).splitlines()[-1], file=sys.stderr, flush=True)
    print(f"## OCR engines on the SROIE scans ({', '.join(args.engines)})\n")
    print(
        "Each engine and preprocessing setting on the SROIE receipt scans (the images column says how many), "
        "pinned to one core. CER against the ground-truth lines of box/NNN.csv "
        "(whitespace collapsed, case-sensitive, mean per receipt); total recall: the key's printed total found "
        "in the text; amount recall: the same amount with either decimal separator. See bench/ocr_bench.py.\n"
    )
    print(table(scores, defaults))
    for key in skipped:
        print(f"\n{key}: not installed here, not measured (optional engine, see README).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

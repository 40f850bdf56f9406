"""Tesseract through pytesseract: the default engine (system package tesseract-ocr, no models to fetch)."""

import os
import shutil
from collections.abc import Iterable

import pytesseract
from PIL import Image

from ocr import conf
from ocr.engines import EngineResult
from ocr.engines.cleanup import clean_amounts
from ocr.errors import EngineUnavailable, OcrError, TransientOcrError
from ocr.preprocessing import Preprocessing

# Tesseract's OpenMP threads make it several times slower on a 2-core machine with other work running (measured,
# MACHINE-NOTES.md) and give the same text. pytesseract passes os.environ to the subprocess; setdefault keeps an
# operator's own value.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# --psm 6: one uniform block of text, which is what a receipt is; keeps an item and its price on one line where
# the default page segmentation splits them into columns. Measured best of 3, 4 and 6 (docs/BENCHMARKS.md).
_CONFIG = "--psm 6"


class TesseractEngine:
    name = "tesseract"
    # Grayscale: same accuracy on the SROIE receipts, a quarter faster (a third of the pixels to hand over).
    # Contrast stretching, deskewing and upscaling all lowered total recall there (docs/BENCHMARKS.md).
    preprocessing = Preprocessing(grayscale=True)

    def __init__(self, lang: str = "eng", config: str = _CONFIG) -> None:
        self.lang = lang
        self.config = config

    def available(self) -> bool:
        return shutil.which(pytesseract.pytesseract.tesseract_cmd) is not None

    def recognize(self, image: Image.Image) -> EngineResult:
        try:
            tsv = pytesseract.image_to_data(
                image, lang=self.lang, config=self.config, timeout=conf.engine_timeout_seconds()
            )
        except pytesseract.TesseractNotFoundError as error:
            raise EngineUnavailable("Tesseract is not installed.") from error
        except pytesseract.TesseractError as error:
            raise OcrError(f"Tesseract failed: {error.message}") from error
        except RuntimeError as error:  # pytesseract's only signal for its subprocess timeout
            raise TransientOcrError() from error
        return words_to_result(parse_tsv(tsv))


def parse_tsv(tsv: str) -> list[tuple[tuple[int, int, int], str, float]]:
    """(block, paragraph, line) key, word text and confidence for each recognised word."""
    rows = tsv.splitlines()
    header = rows[0].split("\t") if rows else []
    words = []
    for row in rows[1:]:
        record = dict(zip(header, row.split("\t"), strict=False))
        text = record.get("text", "")
        if record.get("level") != "5" or not text.strip():
            continue
        key = (int(record["block_num"]), int(record["par_num"]), int(record["line_num"]))
        words.append((key, text, float(record["conf"])))
    return words


def words_to_result(words: Iterable[tuple[tuple[int, int, int], str, float]]) -> EngineResult:
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences = []
    for key, text, confidence in words:
        lines.setdefault(key, []).append(text)
        if confidence >= 0:
            confidences.append(confidence / 100)
    text = clean_amounts("\n".join(" ".join(line) for line in lines.values()))
    confidence = sum(confidences) / len(confidences) if confidences else None
    return EngineResult(text=text, confidence=confidence)

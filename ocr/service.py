"""The OCR app's entry point: document bytes in, text out. Knows no domain (receipts call it)."""

import logging
import time
from dataclasses import dataclass

from PIL import Image

from ocr import conf
from ocr.documents import load_pages
from ocr.engines import OcrEngine, load_engine
from ocr.errors import EngineUnavailable, NoTextFound, OcrError, TransientOcrError
from ocr.preprocessing import preprocess

logger = logging.getLogger(__name__)

# Engine name recorded for pages whose text needed no OCR (PDF text layer, text file).
TEXT_LAYER = "text"
# Fewer letters and digits than this is noise (Tesseract reads specks as "|" or "."), not a receipt.
MIN_TEXT_CHARS = 3


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    text: str
    engine: str
    confidence: float | None


@dataclass(frozen=True)
class DocumentText:
    text: str
    pages: tuple[PageText, ...]
    engine: str
    seconds: float
    confidence: float | None


def available_engines() -> dict[str, bool]:
    """Configured engines in fallback order and whether each can run here (for /health)."""
    result = {}
    for path in conf.engine_paths():
        try:
            engine = load_engine(path)
        except (ImportError, TypeError):
            result[path] = False
            continue
        result[engine.name] = engine.available()
    return result


def _configured_engines() -> list[OcrEngine]:
    engines = []
    for path in conf.engine_paths():
        try:
            engine = load_engine(path)
        except (ImportError, TypeError):
            logger.warning("OCR engine %s cannot be loaded", path, exc_info=True)
            continue
        if engine.available():
            engines.append(engine)
    if not engines:
        raise EngineUnavailable()
    return engines


def recognize_document(data: bytes, *, filename: str = "") -> DocumentText:
    """Read every page of an uploaded document (image, PDF or text).

    Each page goes to the engines in settings.OCR_ENGINES order; the next one is tried when an engine fails or
    finds no text. Raises an `OcrError` subclass for bad input, `NoTextFound` when no engine reads anything, and
    `TransientOcrError` when a failure may pass on retry.
    """
    started = time.monotonic()
    pages = load_pages(data, filename)
    engines: list[OcrEngine] | None = None
    results = []
    for number, page in enumerate(pages, start=1):
        if page.text is not None:
            results.append(
                PageText(number=number, text=page.text.strip(), engine=TEXT_LAYER, confidence=None)
            )
            continue
        assert page.image is not None
        engines = engines or _configured_engines()
        results.append(_recognize_page(number, page.image, engines))
    if not any(_has_text(result.text) for result in results):
        raise NoTextFound()
    return _document(tuple(results), seconds=time.monotonic() - started)


def _has_text(text: str) -> bool:
    return sum(char.isalnum() for char in text) >= MIN_TEXT_CHARS


def _recognize_page(number: int, image: Image.Image, engines: list[OcrEngine]) -> PageText:
    errors: list[OcrError] = []
    empty: PageText | None = None
    for engine in engines:
        try:
            result = engine.recognize(preprocess(image, engine.preprocessing))
        except OcrError as error:
            logger.warning("OCR engine %s failed on page %d: %s", engine.name, number, error)
            errors.append(error)
            continue
        page = PageText(
            number=number, text=result.text.strip(), engine=engine.name, confidence=result.confidence
        )
        if _has_text(page.text):
            return page
        empty = empty or page
    if empty is not None:
        return empty  # an engine ran and saw nothing: a blank page, not a failure
    transient = [error for error in errors if isinstance(error, TransientOcrError)]
    raise (transient or errors)[0]


def _document(pages: tuple[PageText, ...], *, seconds: float) -> DocumentText:
    engines = list(dict.fromkeys(page.engine for page in pages))
    confidences = [page.confidence for page in pages if page.confidence is not None]
    return DocumentText(
        text="\n\n".join(page.text for page in pages if page.text),
        pages=pages,
        engine="+".join(engines),
        seconds=seconds,
        confidence=sum(confidences) / len(confidences) if confidences else None,
    )

"""The OCR app's settings, read in one place with the defaults the app falls back to."""

from pathlib import Path

from django.conf import settings

DEFAULT_ENGINES = ("ocr.engines.rapid.RapidOcrEngine", "ocr.engines.tesseract.TesseractEngine")


def engine_paths() -> list[str]:
    return list(getattr(settings, "OCR_ENGINES", DEFAULT_ENGINES))


def max_upload_bytes() -> int:
    return int(getattr(settings, "OCR_MAX_UPLOAD_BYTES", 15 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "OCR_MAX_PIXELS", 40_000_000))


def max_pdf_pages() -> int:
    return int(getattr(settings, "OCR_MAX_PDF_PAGES", 10))


def engine_timeout_seconds() -> int:
    """Per page: a receipt takes about a second; a minute means the engine is stuck."""
    return int(getattr(settings, "OCR_ENGINE_TIMEOUT_SECONDS", 60))


def easyocr_model_dir() -> Path | None:
    """EASYOCR_MODEL_DIR, or None when unset (the engine then uses the offline weights package)."""
    configured = getattr(settings, "EASYOCR_MODEL_DIR", None)
    return Path(configured) if configured else None

"""Receipt understanding shared by the upload task and `manage.py parse_receipt`: file or text in, parse out.

Text goes through the offline parser first; when a language model is configured, `receipts.llm_parsing` refines
that result (the llm app enforces the household's opt-out and budgets, so pass the household when there is one).
The model is optional: any failure there keeps the offline parse, so a receipt never fails because the model did.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from llm.errors import LLMError
from ocr.service import recognize_document
from receipts import llm_parsing
from receipts.parsing import ParsedReceipt, parse_receipt_text

logger = logging.getLogger(__name__)

# Read as they are, without OCR: the text a shop e-mailed or an OCR engine already produced.
TEXT_SUFFIXES = frozenset({".txt", ".text"})


def understand_file(path: Path, *, use_llm: bool = True) -> ParsedReceipt:
    """Parse a receipt file: text files as they are, images and PDFs through the ocr app.

    Raises `ocr.errors.OcrError` (its str() is a readable reason) when the document cannot be read.
    """
    data = path.read_bytes()
    if path.suffix.lower() in TEXT_SUFFIXES:
        return understand_text(data.decode("utf-8", errors="replace"), use_llm=use_llm)
    document = recognize_document(data, filename=path.name)
    return understand_text(document.text, use_llm=use_llm)


def understand_text(
    text: str, *, household: Any = None, actor: Any = None, use_llm: bool = True
) -> ParsedReceipt:
    """Parse receipt text offline, then let the configured language model refine it when one is enabled."""
    offline = parse_receipt_text(text)
    # Text that is not a receipt is not sent anywhere: there is nothing a model could add to it.
    if not use_llm or not offline.is_receipt:
        return offline
    if not llm_parsing.is_enabled():
        return offline
    try:
        return llm_parsing.refine_with_llm(text, offline, household=household, actor=actor)
    except LLMError as error:
        logger.warning("LLM refinement failed, keeping the offline parse: %s", error)
        return replace(offline, warnings=(*offline.warnings, f"language model unavailable: {error}"))

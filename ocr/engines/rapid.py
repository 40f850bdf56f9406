"""RapidOCR: PaddleOCR models run by onnxruntime, shipped inside the rapidocr wheel (nothing downloaded)."""

import threading
from typing import Any

import numpy as np
from PIL import Image

from ocr.engines import EngineResult
from ocr.engines.layout import fragment_from_quad, fragments_to_text, mean_score
from ocr.errors import EngineUnavailable, OcrError
from ocr.preprocessing import Preprocessing

_PARAMS = {
    # The angle classifier once turned "8.99" into "66.8" on an upright receipt; pages reach the engine upright
    # (EXIF applied), so it only adds risk.
    "Global.use_cls": False,
    "Global.log_level": "warning",
    # Celery runs one OCR task per worker process and core; more threads per process only contend for the core
    # (3.5 s instead of 2.8 s per receipt pinned to one core).
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    # Detection input capped by its longer side instead of raised to a 736 px shorter side: a tall receipt is
    # then detected at about its scanned size, not upscaled. With onnxruntime's memory arena on, 2.16 s -> 1.68 s
    # per SROIE receipt on one core, total still found on all 25 of the sample (docs/BENCHMARKS.md).
    "Det.limit_type": "max",
    "Det.limit_side_len": 1280,
    "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
}


class RapidOcrEngine:
    name = "rapidocr"
    # It reads colour photos as they are; no preprocessing step improved it on the SROIE receipts.
    preprocessing = Preprocessing()

    def __init__(self) -> None:
        self._ocr: Any = None
        self._lock = threading.Lock()

    def available(self) -> bool:
        try:
            import onnxruntime  # noqa: F401
            import rapidocr  # noqa: F401
        except ImportError:
            return False
        return True

    def _model(self) -> Any:
        with self._lock:
            if self._ocr is None:
                try:
                    from rapidocr import RapidOCR
                except ImportError as error:
                    raise EngineUnavailable("RapidOCR is not installed.") from error
                self._ocr = RapidOCR(params=_PARAMS)
            return self._ocr

    def recognize(self, image: Image.Image) -> EngineResult:
        # RapidOCR takes OpenCV's BGR channel order.
        pixels = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        try:
            output = self._model()(pixels)
        except Exception as error:  # onnxruntime and rapidocr raise bare exceptions of many types
            raise OcrError("RapidOCR failed to read the page.") from error
        if output.boxes is None or output.txts is None:
            return EngineResult(text="", confidence=None)
        fragments = [
            fragment_from_quad(text, box, score)
            for text, box, score in zip(output.txts, output.boxes, output.scores, strict=True)
        ]
        return EngineResult(text=fragments_to_text(fragments), confidence=mean_score(fragments))

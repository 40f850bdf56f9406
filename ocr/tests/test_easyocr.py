"""EasyOCR: weights found without downloading, loaded once per process, and a real read of the fixture receipt.

Tests marked `easyocr` need the optional install and run under `make test-easyocr` (never skipped there, see
conftest.py); the others run everywhere, since they fail before EasyOCR would be imported.
"""

import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.engines import load_engine
from ocr.engines.easy import MODEL_FILES, EasyOcrEngine, missing_model_files, model_dir
from ocr.errors import EngineUnavailable
from ocr.service import recognize_document
from ocr.tests.helpers import RECEIPT_TOTAL, receipt_bytes

EASYOCR = "ocr.engines.easy.EasyOcrEngine"


def printed_line(text: str) -> Image.Image:
    """A small clean print of one receipt line: quick to read, so tests can afford to read it twice."""
    image = Image.new("RGB", (520, 90), "white")
    ImageDraw.Draw(image).text((20, 20), text, fill="black", font=ImageFont.load_default(size=40))
    return image


def test_easyocr_model_dir_is_the_configured_folder(settings, tmp_path):
    settings.EASYOCR_MODEL_DIR = str(tmp_path)
    assert model_dir() == tmp_path


def test_easyocr_names_the_missing_weight_file_and_downloads_nothing(settings, tmp_path):
    settings.EASYOCR_MODEL_DIR = str(tmp_path)
    (tmp_path / MODEL_FILES[0]).write_bytes(b"weights")
    missing = str(tmp_path / MODEL_FILES[1])
    assert missing_model_files() == [missing]
    assert EasyOcrEngine().available() is False
    with pytest.raises(EngineUnavailable, match=re.escape(missing)):
        EasyOcrEngine().recognize(printed_line("TOTAL 12.50"))
    assert sorted(path.name for path in tmp_path.iterdir()) == [MODEL_FILES[0]]


@pytest.mark.easyocr
def test_easyocr_reads_the_receipt_total_through_the_service(settings):
    settings.OCR_ENGINES = [EASYOCR]
    document = recognize_document(receipt_bytes(), filename="receipt.jpg")
    assert document.engine == "easyocr"
    # Printed "86.00", which EasyOCR reads as "86 . 00" before the engine rejoins it.
    assert re.search(rf"(?<![\d.]){re.escape(RECEIPT_TOTAL)}(?!\d)", document.text)
    assert len(document.text.splitlines()) > 10
    assert 0 < document.confidence <= 1


@pytest.mark.easyocr
def test_easyocr_weights_come_from_the_offline_package_when_no_folder_is_set(settings):
    easyocr_en_models = pytest.importorskip("easyocr_en_models")
    settings.EASYOCR_MODEL_DIR = ""
    assert model_dir() == Path(easyocr_en_models.model_dir())
    assert load_engine(EASYOCR).available()


@pytest.mark.easyocr
def test_easyocr_loads_its_model_once_per_process_and_writes_nothing_outside_it(monkeypatch, tmp_path):
    easyocr = pytest.importorskip("easyocr")
    readers_built = []

    class CountingReader(easyocr.Reader):
        def __init__(self, *args: object, **kwargs: object) -> None:
            readers_built.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(easyocr, "Reader", CountingReader)
    # EasyOCR's own default folder (~/.EasyOCR): nothing may be created there.
    monkeypatch.setattr(easyocr.easyocr, "MODULE_PATH", str(tmp_path / "EasyOCR"))
    engine = EasyOcrEngine()
    first = engine.recognize(printed_line("TOTAL 12.50"))
    second = engine.recognize(printed_line("CASH 20.00"))
    assert len(readers_built) == 1
    assert readers_built[0]["download_enabled"] is False
    assert "12.50" in first.text
    assert "20.00" in second.text
    assert list(tmp_path.iterdir()) == []

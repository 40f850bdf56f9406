"""Each real engine on the fixture receipt (EasyOCR, an optional install, has test_easyocr.py)."""

import pytest

from ocr.engines import OcrEngine, load_engine
from ocr.engines.rapid import RapidOcrEngine
from ocr.engines.tesseract import TesseractEngine, words_to_result
from ocr.tests.helpers import RECEIPT_TOTAL, receipt_image


def test_load_engine_builds_one_instance_per_path():
    engine = load_engine("ocr.engines.tesseract.TesseractEngine")
    assert isinstance(engine, OcrEngine)
    assert load_engine("ocr.engines.tesseract.TesseractEngine") is engine


def test_load_engine_refuses_a_class_that_is_no_engine():
    with pytest.raises(TypeError):
        load_engine("ocr.errors.OcrError")


def test_tesseract_reads_the_receipt_lines_and_total():
    result = TesseractEngine().recognize(receipt_image())
    assert RECEIPT_TOTAL in result.text
    assert len(result.text.splitlines()) > 10
    assert 0 < result.confidence <= 1


def test_rapidocr_reads_the_receipt_total_with_models_from_its_wheel():
    engine = RapidOcrEngine()
    assert engine.available()
    result = engine.recognize(receipt_image())
    assert RECEIPT_TOTAL in result.text
    assert 0 < result.confidence <= 1


def test_tesseract_rejoins_prices_split_at_the_decimal_point():
    words = [
        ((1, 1, 1), "TOTAL", 96.0),
        ((1, 1, 1), "RM", 95.0),
        ((1, 1, 1), "39.", 90.0),
        ((1, 1, 1), "80", 91.0),
    ]
    words += [((1, 1, 2), "QTY", 96.0), ((1, 1, 2), "2.", 90.0), ((1, 1, 2), "125", 91.0)]
    assert words_to_result(words).text == "TOTAL RM 39.80\nQTY 2. 125"

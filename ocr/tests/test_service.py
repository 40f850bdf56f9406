import re

import pytest
from PIL import Image, ImageDraw

from ocr.errors import EngineUnavailable, NoTextFound, OcrError, TransientOcrError
from ocr.service import available_engines, recognize_document
from ocr.tests.helpers import RECEIPT_TOTAL, encode, receipt_bytes, receipt_image, text_pdf

TESSERACT = "ocr.engines.tesseract.TesseractEngine"
HELPERS = "ocr.tests.helpers"


def test_recognize_document_reads_a_scanned_receipt_with_tesseract(settings):
    settings.OCR_ENGINES = [TESSERACT]
    document = recognize_document(receipt_bytes(), filename="receipt.jpg")
    assert document.engine == "tesseract"
    assert re.search(rf"(?<![\d.]){re.escape(RECEIPT_TOTAL)}", document.text)
    assert "SHELL" in document.text.upper()
    assert len(document.pages) == 1
    assert document.pages[0].number == 1
    assert 0.5 < document.confidence <= 1
    assert document.seconds > 0


def test_recognize_document_reads_a_sideways_phone_photo_upright(settings):
    settings.OCR_ENGINES = [TESSERACT]
    exif = Image.Exif()
    exif[274] = 6
    sideways = receipt_image().transpose(Image.Transpose.ROTATE_90)
    document = recognize_document(encode(sideways, "JPEG", exif=exif, quality=95), filename="photo.jpg")
    assert RECEIPT_TOTAL in document.text


def test_image_with_no_text_raises_no_text_found(settings):
    settings.OCR_ENGINES = [TESSERACT]
    paper = Image.new("RGB", (600, 900), (250, 250, 245))
    ImageDraw.Draw(paper).rectangle((100, 100, 500, 104), fill=(200, 200, 200))  # a crease, not text
    with pytest.raises(NoTextFound) as raised:
        recognize_document(encode(paper, "JPEG"), filename="blank.jpg")
    assert "No text was found" in str(raised.value)


def test_text_layer_pdf_needs_no_engine(settings):
    settings.OCR_ENGINES = [f"{HELPERS}.UnavailableEngine"]
    document = recognize_document(text_pdf(["BREAD 1.20", "TOTAL 1.20"]), filename="order.pdf")
    assert document.engine == "text"
    assert "BREAD 1.20" in document.text
    assert document.confidence is None


def test_pasted_text_passes_through():
    document = recognize_document(b"EGGS 12 3.10\nTOTAL 3.10\n", filename="")
    assert document.text == "EGGS 12 3.10\nTOTAL 3.10"


def test_unavailable_first_engine_falls_back_to_the_next(settings):
    settings.OCR_ENGINES = [f"{HELPERS}.UnavailableEngine", TESSERACT]
    document = recognize_document(receipt_bytes())
    assert document.engine == "tesseract"
    assert RECEIPT_TOTAL in document.text


def test_failing_engine_falls_back_to_the_next(settings):
    settings.OCR_ENGINES = [f"{HELPERS}.BrokenEngine", TESSERACT]
    assert recognize_document(receipt_bytes()).engine == "tesseract"


def test_engine_that_sees_nothing_falls_back_to_the_next(settings):
    settings.OCR_ENGINES = [f"{HELPERS}.BlankEngine", TESSERACT]
    assert recognize_document(receipt_bytes()).engine == "tesseract"


def test_no_available_engine_raises_engine_unavailable(settings):
    settings.OCR_ENGINES = [f"{HELPERS}.UnavailableEngine", "ocr.engines.nonexistent.Engine"]
    with pytest.raises(EngineUnavailable):
        recognize_document(receipt_bytes())


def test_transient_failure_wins_over_a_permanent_one_so_the_task_retries(settings):
    settings.OCR_ENGINES = [f"{HELPERS}.TimingOutEngine", f"{HELPERS}.BrokenEngine"]
    with pytest.raises(TransientOcrError):
        recognize_document(receipt_bytes())


def test_permanent_failure_of_every_engine_raises_it(settings):
    settings.OCR_ENGINES = [f"{HELPERS}.BrokenEngine"]
    with pytest.raises(OcrError, match="engine crashed"):
        recognize_document(receipt_bytes())


def test_available_engines_lists_configured_engines_in_order(settings):
    settings.OCR_ENGINES = [TESSERACT, f"{HELPERS}.UnavailableEngine", "ocr.engines.nonexistent.Engine"]
    assert available_engines() == {
        "tesseract": True,
        "unavailable": False,
        "ocr.engines.nonexistent.Engine": False,
    }

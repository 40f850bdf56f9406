import io

import pytest
from django.core.management import CommandError, call_command

from ocr.tests.helpers import RECEIPT_JPEG, RECEIPT_TOTAL


def test_ocr_receipt_prints_each_file_and_reports_bad_ones_without_stopping(settings, tmp_path):
    settings.OCR_ENGINES = ["ocr.engines.tesseract.TesseractEngine"]
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 of 3 files could not be read"):
        call_command(
            "ocr_receipt",
            str(empty),
            str(RECEIPT_JPEG),
            tmp_path / "missing.png",
            stdout=stdout,
            stderr=stderr,
        )
    assert f"== {RECEIPT_JPEG} (tesseract" in stdout.getvalue()
    assert RECEIPT_TOTAL in stdout.getvalue()
    assert "empty.jpg: The file is empty." in stderr.getvalue()
    assert "missing.png" in stderr.getvalue()


def test_ocr_receipt_exits_cleanly_when_every_file_is_read(settings):
    settings.OCR_ENGINES = ["ocr.engines.tesseract.TesseractEngine"]
    stdout = io.StringIO()
    call_command("ocr_receipt", str(RECEIPT_JPEG), stdout=stdout)
    assert RECEIPT_TOTAL in stdout.getvalue()

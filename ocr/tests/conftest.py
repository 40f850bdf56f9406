"""EasyOCR is an optional install: its tests skip without it, and fail instead under `make test-easyocr`."""

import importlib.util
import os

import pytest

from ocr.engines.easy import missing_model_files

# Set by `make test-easyocr`, which installs EasyOCR: there a test that would skip is a broken install.
REQUIRE_EASYOCR = "GRAPEFRUIT_REQUIRE_EASYOCR"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("easyocr") is None:
        return
    if importlib.util.find_spec("easyocr") is None:
        reason = "EasyOCR is not installed (make test-easyocr installs requirements-easyocr.txt)"
    elif missing := missing_model_files():
        reason = f"EasyOCR weights missing: {', '.join(missing)}"
    else:
        return
    if os.environ.get(REQUIRE_EASYOCR):
        pytest.fail(f"{reason}, but {REQUIRE_EASYOCR} is set", pytrace=False)
    pytest.skip(reason)

"""`manage.py parse_receipt`: the upload pipeline on files, printing results, saving nothing."""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from receipts.models import Receipt
from receipts.tests.documents import receipt_png

BASE_DIR = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
US_RECEIPT = FIXTURES / "parser_us_supermarket.txt"
EUROPEAN_RECEIPT = FIXTURES / "parser_european.txt"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("parse_receipt", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_json_prints_one_object_per_path_with_numbers_for_money():
    output, _ = run("--json", str(US_RECEIPT), str(EUROPEAN_RECEIPT))
    first, second = json_lines(output)
    assert first["path"] == str(US_RECEIPT)
    result = first["result"]
    assert (result["merchant"], result["date"], result["time"], result["currency"]) == (
        "FRESHWAY MARKET",
        "2025-03-04",
        "14:07",
        "USD",
    )
    assert (result["subtotal"], result["tax"], result["total"]) == (27.93, 0.54, 28.47)
    assert result["items"][1] == {
        "name": "BANANAS",
        "quantity": 2.4,
        "unit": "lb",
        "unit_price": 0.65,
        "total_price": 1.56,
    }
    assert result["warnings"] == []
    assert second["result"]["total"] == 7.28


def test_a_bad_file_reports_an_error_and_the_others_are_still_parsed(tmp_path):
    missing = tmp_path / "missing.txt"
    unsupported = tmp_path / "notes.docx"
    unsupported.write_bytes(b"PK\x03\x04 not a receipt")
    output, _ = run("--json", str(missing), str(unsupported), str(US_RECEIPT))
    results = json_lines(output)
    assert [sorted(result) for result in results] == [
        ["error", "path"],
        ["error", "path"],
        ["path", "result"],
    ]
    assert "cannot read the file" in results[0]["error"]
    assert "not supported" in results[1]["error"]
    assert results[2]["result"]["total"] == 28.47


def test_offline_flag_gives_the_offline_parse():
    output, _ = run("--json", "--offline", str(US_RECEIPT))
    (result,) = json_lines(output)
    assert result["result"]["total"] == 28.47


def test_without_json_prints_a_readable_summary():
    output, _ = run(str(US_RECEIPT))
    assert f"== {US_RECEIPT}" in output
    assert "merchant: FRESHWAY MARKET" in output
    assert "total: 28.47 USD" in output
    assert "COFFEE BEANS 12OZ" in output
    assert "(discount -2.00)" in output


def test_errors_go_to_stderr_without_json(tmp_path):
    output, errors = run(str(tmp_path / "missing.txt"))
    assert output == ""
    assert "missing.txt: cannot read the file" in errors


@pytest.mark.django_db
def test_parsing_creates_no_receipts():
    run("--json", str(US_RECEIPT))
    assert Receipt.objects.count() == 0


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs the tesseract binary")
def test_an_image_goes_through_ocr_before_parsing(tmp_path):
    image = tmp_path / "receipt.png"
    image.write_bytes(receipt_png(US_RECEIPT.read_text(encoding="utf-8")))
    (result,) = json_lines(run("--json", str(image))[0])
    parsed = result["result"]
    assert parsed["total"] == 28.47
    assert parsed["date"] == "2025-03-04"
    names = [item["name"] for item in parsed["items"]]
    assert "BANANAS" in names
    assert "PAPER TOWELS 6RL" in names


def test_without_a_migrated_database_it_parses_offline_and_says_what_to_run(tmp_path):
    # A fresh embedded install (empty var/) with a language model configured: only the model needs the database.
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="grapefruit.settings",
        GRAPEFRUIT_VAR_DIR=str(tmp_path),
        ASI_API_KEY="sk-test",
        ASI_BASE_URL="http://127.0.0.1:9/v1",
    )
    proc = subprocess.run(
        [sys.executable, "manage.py", "parse_receipt", "--json", str(US_RECEIPT)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0
    (result,) = json_lines(proc.stdout)
    assert result["result"]["total"] == 28.47
    notices = [line for line in proc.stderr.splitlines() if "migrate" in line]
    assert notices == [
        "The database is not migrated, so the language model is not used and receipts are parsed offline: "
        "run `python manage.py migrate` to use it."
    ]

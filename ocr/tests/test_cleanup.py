import pytest

from ocr.engines.cleanup import rejoin_split_amounts


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("TOTAL RM 39. 80", "TOTAL RM 39.80"),  # Tesseract
        ("TOTAL RM 86 . 00", "TOTAL RM 86.00"),  # EasyOCR
        ("CASH 100 .00", "CASH 100.00"),
        ("TOTAL 33 , 90", "TOTAL 33,90"),
        ("2 x 1.50 3.00", "2 x 1.50 3.00"),
    ],
)
def test_rejoin_split_amounts_removes_spaces_around_the_decimal_separator(read, printed):
    assert rejoin_split_amounts(read) == printed


@pytest.mark.parametrize(
    "text",
    [
        "QTY 2 . 125",  # three decimals: two numbers, not a price
        "ITEMS 2 50",  # no separator
        "86\n.00",  # separate lines stay separate
        "TABLE 5. 12345",
    ],
)
def test_rejoin_split_amounts_leaves_other_numbers_alone(text):
    assert rejoin_split_amounts(text) == text

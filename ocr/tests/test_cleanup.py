import pytest

from ocr.engines.cleanup import (
    clean_amounts,
    rejoin_split_amounts,
    unify_decimal_separators,
    zeros_read_as_letters,
)


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


def test_amounts_read_with_the_other_separator_take_the_receipts_own():
    read = "MILK 2.49\nBREAD 1.99\nEGGS 3,10\nTOTAL 7.58"
    assert unify_decimal_separators(read) == "MILK 2.49\nBREAD 1.99\nEGGS 3.10\nTOTAL 7.58"
    # A receipt in decimal commas keeps them; a stray point is its misreading.
    read = "MELK 1,29\nBROOD 2,15\nKAAS 4.99\nTOTAAL 8,43"
    assert unify_decimal_separators(read) == "MELK 1,29\nBROOD 2,15\nKAAS 4,99\nTOTAAL 8,43"


@pytest.mark.parametrize(
    "text",
    [
        "MILK 2.49\nEGGS 3,10\nTOTAL 5.59",  # too little evidence either way
        "A 1.00 B 2.00 C 3,00 D 4,00",  # no clear majority
        "A 1.00 B 2.00 C 3.00 TV 1,299.00 DATE 12.10.18 QTY 1,250",  # thousands, dates, three decimals
    ],
)
def test_separators_are_left_alone_without_a_clear_majority_or_outside_amounts(text):
    assert unify_decimal_separators(text) == text


def test_clean_amounts_rejoins_then_unifies():
    assert clean_amounts("A 1.00 B 2.00 C 3.00 TOTAL 6 , 00") == "A 1.00 B 2.00 C 3.00 TOTAL 6.00"


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("CASH 7.0o", "CASH 7.00"),
        ("RM 170.O0", "RM 170.00"),
        ("1 X 5.9OSR", "1 X 5.90SR"),
        ("TOTAL 4,o5", "TOTAL 4,05"),
    ],
)
def test_zeros_read_as_letters_in_the_cents_become_zeros(read, printed):
    assert zeros_read_as_letters(read) == printed


@pytest.mark.parametrize("text", ["SIZE 2.Oz", "NO. 12 ORANGE", "A1.OOP", "OO.OO", "2.OOO"])
def test_letters_outside_the_cents_of_an_amount_stay(text):
    assert zeros_read_as_letters(text) == text


def test_easyocr_text_keeps_its_separators():
    """EasyOCR reads points and commas about equally often: no majority vote for it."""
    read = "A 1.00\nB 2,00\nC 3,00\nD 4,00\nE 5,00"
    assert clean_amounts(read, unify_separators=False) == read

"""Text clean-up shared by the engines: fixes their recurring misreadings of receipt amounts."""

import re

# Receipt printers use monospaced fonts, where the decimal point sits in a character cell of its own: Tesseract
# often reads "39.80" as "39. 80" and EasyOCR as "86 . 00" or "86 .00". A separator between digits with a space on
# either side and exactly two digits after it is a price, never two numbers.
_SPLIT_AMOUNT = re.compile(r"(?<=\d)(?: ([.,]) ?| ?([.,]) )(?=\d\d(?!\d))")


def rejoin_split_amounts(text: str) -> str:
    """Remove the spaces around the decimal separator of amounts: "RM 86 . 00" -> "RM 86.00"."""
    return _SPLIT_AMOUNT.sub(lambda match: match.group(1) or match.group(2), text)


# Amounts with two decimals, written with a point or with a comma, standing alone (not part of 1,234.56 or a date
# such as 12.10.18).
_POINT_AMOUNT = re.compile(r"(?<![\d.,])(\d+)\.(\d\d)(?![\d.,])")
_COMMA_AMOUNT = re.compile(r"(?<![\d.,])(\d+),(\d\d)(?![\d.,])")
# A separator counts as the receipt's own when it is used at least this many times and twice as often as the other.
_SEPARATOR_EVIDENCE = 3


def unify_decimal_separators(text: str) -> str:
    """Write every amount with the decimal separator the rest of the receipt uses.

    A receipt prints all its amounts the same way; an engine that reads a few of them with the other separator
    (EasyOCR's "RM 30,90" among "12.50" and "4.20", Tesseract's "2,49") misread the point. Only when one separator
    clearly dominates is anything changed, so a receipt in decimal commas keeps them."""
    points = len(_POINT_AMOUNT.findall(text))
    commas = len(_COMMA_AMOUNT.findall(text))
    if points >= _SEPARATOR_EVIDENCE and points >= 2 * commas:
        return _COMMA_AMOUNT.sub(r"\1.\2", text)
    if commas >= _SEPARATOR_EVIDENCE and commas >= 2 * points:
        return _POINT_AMOUNT.sub(r"\1,\2", text)
    return text


# The cents of an amount with a letter O where a zero belongs: "7.0o", "170.O0", "5.9OSR".
_LETTER_O_CENTS = re.compile(r"(?<![\w.,])(\d+[.,])(?=[\dOo]{2}(?![\dOo]))([\dOo]{2})")


def zeros_read_as_letters(text: str) -> str:
    """Read the letter O in the cents of an amount as the zero it is ("7.0o" -> "7.00")."""
    return _LETTER_O_CENTS.sub(
        lambda match: match.group(1) + match.group(2).replace("O", "0").replace("o", "0"), text
    )


def clean_amounts(text: str, *, unify_separators: bool = True) -> str:
    """The engines' amount repairs, in order: split amounts rejoined, zeros read as letters, then one decimal
    separator throughout. `unify_separators` is for engines whose slips are rare enough for the receipt's own
    separator to show through; EasyOCR reads points and commas about equally often, so a majority would be noise."""
    text = zeros_read_as_letters(rejoin_split_amounts(text))
    return unify_decimal_separators(text) if unify_separators else text

"""Text clean-up shared by the engines: fixes their recurring misreadings of receipt amounts."""

import re

# Receipt printers use monospaced fonts, where the decimal point sits in a character cell of its own: Tesseract
# often reads "39.80" as "39. 80" and EasyOCR as "86 . 00" or "86 .00". A separator between digits with a space on
# either side and exactly two digits after it is a price, never two numbers.
_SPLIT_AMOUNT = re.compile(r"(?<=\d)(?: ([.,]) ?| ?([.,]) )(?=\d\d(?!\d))")


def rejoin_split_amounts(text: str) -> str:
    """Remove the spaces around the decimal separator of amounts: "RM 86 . 00" -> "RM 86.00"."""
    return _SPLIT_AMOUNT.sub(lambda match: match.group(1) or match.group(2), text)

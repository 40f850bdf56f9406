"""OCR noise: undo the usual OCR damage to numbers and keywords before a line is read."""

from __future__ import annotations

import re

# OCR engines trained on Chinese print full-width brackets, colons and digits: 'MOTOR（SUNGAI RENGIT）'.
_FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "i": "1", "S": "5"})
_NUMBER_TOKEN_RE = re.compile(r"(?<![A-Za-z])[\dOolI](?:[\dOolI.,:/-]*[\dOolI])?(?![A-Za-z])")
_SPACED_AMOUNT_RE = re.compile(
    r"(?:(?<=\s\s)|(?<=[$£€@])|(?<=[$£€@xX]\s)|(?<=^))(-?\d(?: ?\d){0,5} ?[.,] ?\d ?\d)(?![\d.,])"
)
_LETTER_SPACED_RE = re.compile(r"\b(?:[A-Z] ){3,}[A-Z]\b")
_DIGIT_RE = re.compile(r"\d")
# Digits read inside words and letters read inside numbers, in the order they are undone.
_REPAIRS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z]{2})|(?<=[A-Za-z]{2})0(?=[A-Za-z])"), "O"),
    (re.compile(r"(?<=[A-Za-z])1(?=[a-z])|(?<=[a-z])1(?=[A-Za-z])"), "l"),
    (re.compile(r"(?<=[A-Z])1(?=[A-Z]{2})|(?<=[A-Z]{2})1(?=[A-Z])"), "I"),
    (re.compile(r"(?<=\d)0Z\b"), "OZ"),  # '12OZ' read as '120Z'
    (re.compile(r"/\s?[1I]l?b\b"), "/lb"),  # '/lb' read as '/1b'
    (re.compile(r"(?<![A-Za-z])[Oo](?= ?[.,]\d\d)"), "0"),  # 'O.75', '-O .75'
)
# A date run into its time by OCR: '14/03/20185:57:07PM'.
_DATE_GLUED_TO_TIME_RE = re.compile(r"(\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d)(?=\d{1,2}:\d\d)")
# A money label's amount with its decimal point read as '-', ':' or a space: 'TOTAL 7-00', 'CHANGE 0:00',
# 'GRAND TOTAL 10 00'.
_LABELLED_AMOUNT_RE = re.compile(
    r"^(\W*(?:grand\s+|sub\s*-?\s*)?(?:total|cash|change|rounding|balance|amount|tunai)\b[^\d]*?\s)(\d{1,4})[-: ](\d\d)\s*$",
    re.IGNORECASE,
)
_BROKEN_DECIMALS_RE = re.compile(r"(\d|(?<![A-Za-z])l)([.,]) (\d\d)(?=\s*(?:[A-Z*]{1,4}|\d)?\s*$|\s{2,})")
_SPACE_BEFORE_DECIMALS_RE = re.compile(r"(\d) ([.,]\d)")


def clean_line(line: str) -> str:
    """Undo the usual OCR damage to numbers and keywords, leaving names as printed.

    `6O.O1` -> `60.01`, `l2.99` -> `12.99`, `$9 .9 9` -> `$9.99`, `2 5, 3 4` -> `25,34`, `T0TAL` -> `TOTAL`,
    `S U B T O T A L` -> `SUBTOTAL`.
    """
    line = line.translate(_FULL_WIDTH_TO_ASCII).replace("\t", "    ").replace("\u2212", "-").rstrip()
    line = _LETTER_SPACED_RE.sub(lambda m: m.group(0).replace(" ", ""), line)
    if not _DIGIT_RE.search(line):
        return line  # every repair below is of a number or of a digit inside a word
    for regex, replacement in _REPAIRS:
        line = regex.sub(replacement, line)
    line = _DATE_GLUED_TO_TIME_RE.sub(r"\1 ", line)
    line = _LABELLED_AMOUNT_RE.sub(r"\1\2.\3", line)
    line = _NUMBER_TOKEN_RE.sub(lambda m: _fix_number_token(m, line), line)
    line = _BROKEN_DECIMALS_RE.sub(r"\1\2\3", line)
    line = _SPACE_BEFORE_DECIMALS_RE.sub(r"\1\2", line)
    line = _SPACED_AMOUNT_RE.sub(lambda m: m.group(1).replace(" ", ""), line)
    # Joining broken numbers can complete a token that still holds a lookalike ('$l. 39' -> '$l.39').
    return _NUMBER_TOKEN_RE.sub(lambda m: _fix_number_token(m, line), line)


def _fix_number_token(m: re.Match[str], line: str) -> str:
    token = m.group(0)
    if not _DIGIT_RE.search(token) or len(token) < 2:
        return token
    following = line[m.end() :]
    if (
        token.endswith("l")
        and re.search(r"\d[.,]\d\d", following)
        and not re.match(r"\s*(?:lb|kg)\b", following)
    ):
        # '1,5l' followed by a price is a volume in litres; '1.3l' at the end of a line is an amount.
        return token[:-1].translate(_DIGIT_LOOKALIKES) + "l"
    return token.translate(_DIGIT_LOOKALIKES)

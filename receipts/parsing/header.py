"""The receipt's header and summary: merchant, address, date, time and currency, with the totals block."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from receipts.parsing.kinds import HEADING_RE
from receipts.parsing.money import MONEY, TRAILING_AMOUNT_RE, amount_of, has_words
from receipts.parsing.totals import (
    cash_tendered,
    find_adjustments,
    find_payments,
    find_subtotal,
    find_tax,
    find_total,
)


@dataclass(frozen=True)
class Header:
    merchant: str | None
    address: str | None
    date: date | None
    time: str | None
    currency: str | None
    subtotal: Decimal | None
    tax: Decimal | None
    total: Decimal | None
    payments: tuple[str, ...]
    # Cash given minus change: a second reading of the total (receipts.parsing.totals.corroborated_total).
    tendered: Decimal | None
    items_end: int | None
    total_index: int | None
    adjustments: tuple[tuple[str, Decimal], ...]


_ITEMS_END_RE = re.compile(
    r"^\W*(?:\d+\s+(?:items?\s+|articles?\s+|artikel\s+)?)?(?:[^\x00-\x7f]+\s+)?(?:sub\s*-?\s*total|subtotaal|sous-?\s*total|items?\s*subtotal|"
    r"item\(s\)\s*subtotal|total|totaal|summe|zu zahlen|balance|amount due|to pay|order total|"
    r"order summary|grand total|gesamt|(?:sales\s+)?tax\b(?!\s*inv))",
    re.IGNORECASE,
)
# A subtotal run into the line before it by OCR: 'Items in Transaction:16 SUBTOTAL 37.28'.
_MERGED_TOTAL_RE = re.compile(rf"\b(?:sub\s*-?\s*total|balance due|amount due)\W*[$£€]?\s*{MONEY}\s*$", re.I)


def parse_header(lines: list[str]) -> Header:
    items_end = next(
        (i for i, line in enumerate(lines) if _ITEMS_END_RE.match(line) or _MERGED_TOTAL_RE.search(line)),
        None,
    )
    currency = detect_currency("\n".join(lines))
    when, at = find_date(lines, month_first=currency == "USD")
    merchant, address = find_merchant(lines)
    total, total_index = find_total(lines)
    tendered = cash_tendered(lines)
    return Header(
        merchant=merchant,
        address=address,
        date=when,
        time=at,
        currency=currency,
        subtotal=find_subtotal(lines),
        tax=find_tax(lines, items_end, total_index),
        total=total,
        payments=find_payments(lines, total_index),
        tendered=tendered[0] if tendered else None,
        items_end=items_end,
        total_index=total_index,
        adjustments=find_adjustments(lines, total_index),
    )


_CURRENCY_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("MYR", re.compile(r"\bRM\s*\d|\bRM\b|\bSDN\.?\s*BHD\b|\bMALAYSIA\b", re.I)),
    ("GBP", re.compile(r"£|\bGBP\b|VAT\s*(?:No|Number|Reg)\.?:?\s*GB", re.I)),
    ("EUR", re.compile(r"€|\bEUR\b")),
    ("AUD", re.compile(r"\bABN\b|\bAUD\b|\b(?:NSW|VIC|QLD|TAS)\b")),
    (
        "CAD",
        re.compile(
            r"\b(?:HST|PST|TPS|TVQ|CAD)\b|GST/HST|\bRT0001\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\((?:QC|ON|BC)\)|"
            r"\b(?:ON|BC|QC|AB|MB|NS|NB|SK)\b\s*$",
            re.M,
        ),
    ),
    ("EUR", re.compile(r"\b(?:MWST|BTW|TVA|SUMME|TOTAAL|PINNEN|zu zahlen)\b", re.I)),
    ("USD", re.compile(r"\$|\bUSD\b|\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")),
)


def detect_currency(text: str) -> str | None:
    for code, regex in _CURRENCY_HINTS:
        if regex.search(text):
            return code
    return None


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTHS.update({"mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "fév": 2, "avr": 4, "mei": 5, "déc": 12})
_MONTHS.update({"maa": 3, "mrt": 3})  # Dutch: "maart", "mrt"
_MON = r"(?P<mon>[A-Za-zéäû]{3})[A-Za-zéäû]*\.?"
_DATE_RES = (
    re.compile(r"(?<![\w.,])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"),
    re.compile(
        r"(?<![\w.,/-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/]|[.,]\d)"
    ),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[-\s./]*{_MON}[-\s.,/']*(?P<y>\d{{4}}|\d{{2}})(?!\d)"
    ),
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)"),
)
_TIME_RE = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])\s?:\s?(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?\s*(?P<ap>[AaPp]\.?[Mm]\b)?"
)
_NOT_DATE_LINE_RE = re.compile(r"expir|valid|\bexp\b|best before|use by|since|member since", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")
_DATE_LABEL_RE = re.compile(r"\bdate\b", re.IGNORECASE)


def find_date(lines: list[str], *, month_first: bool) -> tuple[date | None, str | None]:
    """The first printed date (not an expiry); day-first unless the receipt is in US dollars."""
    # A date printed with a time or a 'date' label beats a date-like product code ('CK 11-22-31').
    labelled = [line for line in lines if _TIME_RE.search(line) or _DATE_LABEL_RE.search(line)]
    for line in (*labelled, *lines):
        if _NOT_DATE_LINE_RE.search(line):
            continue
        found = _date_in(line, month_first=month_first)
        if found is not None:
            return found, _time_in(line)
    return None, next((t for line in lines if (t := _time_in(line))), None)


def _date_in(line: str, *, month_first: bool) -> date | None:
    for regex in _DATE_RES:
        for m in regex.finditer(line):
            parts = m.groupdict()
            year = int(parts["y"])
            year += 2000 if year < 100 else 0
            if "mon" in parts and parts.get("mon"):
                month = _MONTHS.get(parts["mon"].lower()[:3])
                day = int(parts["d"])
            elif "a" in parts and parts.get("a"):
                a, b = int(parts["a"]), int(parts["b"])
                day, month = (b, a) if (month_first and b <= 31 and a <= 12) or a > 31 else (a, b)
                if month > 12 and day <= 12:
                    day, month = month, day
            else:
                month, day = int(parts["m"]), int(parts["d"])
            if month is None or not 1990 <= year <= 2100:
                continue
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


def _time_in(line: str) -> str | None:
    m = _TIME_RE.search(line)
    if not m:
        return None
    hour, minute = int(m.group("h")), int(m.group("m"))
    ap = (m.group("ap") or "").lower().replace(".", "")
    if ap == "pm" and hour < 12:
        hour += 12
    elif ap == "am" and hour == 12:
        hour = 0
    seconds = f":{m.group('s')}" if m.group("s") else ""
    return f"{hour:02d}:{minute:02d}{seconds}"


_COMPANY_RE = re.compile(
    r"\b(?:SDN\.?\s*B[HN]D|BHD|S/B|BERHAD|ENTERPRISE|TRADING|LTD|LIMITED|LLC|INC|GMBH|CO\.|PLC|CORP|PTE)\b\.?",
    re.IGNORECASE,
)
_LEGAL_FORM_RE = re.compile(r"\b(?:SDN\.?\s*B[HN]D|BHD|S/B|BERHAD)\b", re.IGNORECASE)
_CONTINUATION_RE = re.compile(r"^\W*(?:SDN|BHD|S/B|CO\.|ENTERPRISE|RESTAURANT|TRADING|\w+\))", re.IGNORECASE)
_REGISTRATION_RE = re.compile(
    r"\b(?:co\.?\s*-?\s*(?:reg|rfg|no)|company\s*(?:reg|no)|br\s*no|roc|gst|reg\.?\s*no)\b|"
    r"^\W*[A-Z]{0,3}\d{5,}-?[A-Z]?\W*$|\(\s*[A-Z]{0,3}\d{5,}-?[A-Z]\s*\)",
    re.IGNORECASE,
)
_HEADER_NOISE_RE = re.compile(
    r"^\W*(?:from|subject|date|to|tax invoice|invoice|receipt|welcome|cash bill|copy|www\.|http|tel|fax|"
    r"thank|tq)\b|@|^\W*$",
    re.IGNORECASE,
)
_ADDRESS_STOP_RE = re.compile(
    r"\b(?:tel|telephone|phone|fax|h/p|hp|gst|e-?mail|www|invoice|receipt|date|cashier|doc|table|server|"
    r"vat|abn|siret|manager|mgr|store\s*#|open|save money|every|bill|check|order|guest)\b|@|"
    r"^\W*(?:[A-Z]\s*:\s*)?\+?\d{2,4}[- ]\d{3,4}[- ]?\d{3,5}\W*|^\W*[-=*]{3,}|"
    r"\(\s*\d{3}\s*\)\s*\d{3}\s*[-.]\s*\d{4}",
    re.IGNORECASE,
)
# Malaysian receipts print the state (or the country) on its own line after the postcode.
_REGION_LINE_RE = re.compile(
    r"^\s*\(.*\)|^(?=.{0,30}$)\W*(?:\w+\s+)?(?:johor|kedah|kelantan|melaka|malacca|negeri sembilan|pahang|perak|perlis|penang|"
    r"pulau pinang|sabah|sarawak|selangor|terengganu|kuala lumpur|putrajaya|labuan|wilayah persekutuan|"
    r"malaysia|darul)\b",
    re.IGNORECASE,
)
_POSTCODE_RE = re.compile(r"(?<![\d-])\d{5}(?![\d-])")
_ORDER_FROM_RE = re.compile(r"\border from\s+(?P<m>[\w'&. -]+?)(?:\s+has\b|[.!,]|$)", re.IGNORECASE)


def find_merchant(lines: list[str]) -> tuple[str | None, str | None]:
    """The shop name (a registered company line when printed, else the first name-like line) and address."""
    for line in lines[:30]:
        m = _ORDER_FROM_RE.search(line)
        if m:
            return m.group("m").strip(), None
    top = [line.strip() for line in lines[:20]]
    while top and not top[0]:
        top.pop(0)
    for i, line in enumerate(top[:8]):
        if _COMPANY_RE.search(line) and not _REGISTRATION_RE.search(_tidy_company(line)) and has_words(line):
            first, last = _company_span(top, i)
            return _tidy_company(" ".join(top[first : last + 1])), _address_after(top, last + 1)
    for i, line in enumerate(top[:6]):
        if has_words(line) and not _HEADER_NOISE_RE.search(line):
            last = i + 1 if line.endswith("&") and i + 1 < len(top) else i
            return " ".join(top[i : last + 1]), _address_after(top, last + 1)
    return None, None


def _company_span(top: list[str], index: int) -> tuple[int, int]:
    """A company name wrapped over lines: 'PASARAYA BORONG PINTAR' / 'SDN BHD', 'ENTERPRISE (SETIA' / 'ALAM)'."""
    first = last = index
    while first > 0 and (
        _CONTINUATION_RE.match(top[first])
        or top[first - 1].endswith("&")
        or _words_before_suffix(top[first]) <= 1
    ):
        above = top[first - 1]
        # A registered name is printed in capitals: a lower-case line above it is a handwritten or stamped note.
        if _HEADER_NOISE_RE.search(above) or _DIGIT_RE.search(above) or above.islower():
            break
        first -= 1
    joined = " ".join(top[first : last + 1])
    while last + 1 < len(top) and joined.count("(") > joined.count(")"):
        last += 1
        joined += " " + top[last]
    return first, last


def _words_before_suffix(line: str) -> int:
    m = _LEGAL_FORM_RE.search(line)
    before = re.sub(r"\(.*?\)", " ", line[: m.start()] if m else line)
    return len(before.split()) if m else 99


def _tidy_company(name: str) -> str:
    name = re.sub(r"^[^:]{0,20}:\s*", "", name) if ":" in name[:22] else name
    name = re.sub(r"\s*\(?\b(?:co\.?\s*(?:reg|no)\.?\s*:?\s*)?\d{5,}-?[A-Z]\)?\s*$", "", name, flags=re.I)
    return name.strip()


def _address_after(top: list[str], start: int) -> str | None:
    """Address lines follow the name: from the first line with a number to the postcode (and state) line."""
    parts: list[str] = []
    after_postcode = False
    for line in top[start : start + 10]:
        if not line or TRAILING_AMOUNT_RE.search(line) or HEADING_RE.match(line):
            if parts:
                break
            continue
        if after_postcode:
            if _REGION_LINE_RE.match(line) and not _ADDRESS_STOP_RE.search(line):
                parts.append(line)
                continue
            if re.match(r"^\d{3,4}[- ][A-Z]", line):
                parts.append(line)  # the branch ("1076-IJOK") printed under a chain's head-office address
            break
        if not parts and _before_address(line):
            continue
        if _ends_address(line):
            break
        parts.append(line)
        postcode = _POSTCODE_RE.search(line)
        # A postcode ending its line is followed by the town on the next one.
        after_postcode = bool(postcode) and bool(re.search(r"[^\W\d_]{3}", line[postcode.end() :]))
        if len(parts) >= 6:
            break
    return " ".join(parts) or None


def _before_address(line: str) -> bool:
    """Branch names, registration numbers, phones and dates printed between the name and the street."""
    if not re.search(r"\d", line) or _REGISTRATION_RE.search(line) or _COMPANY_RE.search(line):
        return True
    if _ADDRESS_STOP_RE.search(line) and not _POSTCODE_RE.search(line):
        return True
    return bool(
        re.match(r"^\W*[A-Z]+\s*:\s*\d+\W*$", line, re.IGNORECASE) or _date_in(line, month_first=False)
    )


def _ends_address(line: str) -> bool:
    if _ADDRESS_STOP_RE.search(line) or _REGISTRATION_RE.search(line):
        return True
    if amount_of(line) is not None and not re.search(r"[A-Za-z]{3}", line):
        return True
    return bool(_date_in(line, month_first=False) or _TIME_RE.search(line))

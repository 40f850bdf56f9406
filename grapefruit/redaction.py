"""The one place personal data is stripped from text that leaves the process: log lines and LLM prompts.

The rules are defined once and applied in two contexts:

- `redact_receipt_text` (what is sent to a language model): payment cards (full and Luhn-valid, or masked with
  their last digits), loyalty and member ids, phone numbers, e-mail addresses, secrets, the names of cashiers and
  other staff, and street addresses. Prices, quantities, item names and dates are kept: they are what the model
  is asked about. Line-aware: a receipt's header is where the store's address is.
- `redact_log_text` / `redact_log_value` (every log record, see grapefruit/logging.py): e-mail addresses, card-like
  digit runs, phone numbers, passwords, API keys and other secrets, the values of personal keys (`name=`,
  `"email": ...`), invitation and password-reset tokens, long opaque tokens and URL query strings; IPv4 addresses
  keep their first two octets and IPv6 their first three groups. UUIDs (Celery task ids) are left alone. Item
  names, prices and totals are kept out of log calls by the code itself; no filter can recognise them.

Both are deliberately greedy: a lost store phone number costs nothing, a leaked card number does.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CARD = "[CARD]"
MEMBER_ID = "[MEMBER-ID]"
PHONE = "[PHONE]"
NAME = "[NAME]"
ADDRESS = "[ADDRESS]"
EMAIL = "[EMAIL]"
REDACTED = "[REDACTED]"
TOKEN = "[TOKEN]"  # noqa: S105 (a placeholder, not a password)
QUERY = "[QUERY]"

# --- rules shared by receipts and logs --------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Masked cards as printed: "**** **** **** 4417", "XXXXXXXXXXXX1009", "********3021", "ending in 4417".
_MASKED_CARD = re.compile(
    r"(?:[*xX#•]{2,}[ -]?){1,4}\d{2,6}(?![\d/.:,])|(?i:ending(?: in)?|last 4(?: digits)?)\s*:?\s*\d{4}\b"
)
# 13 to 19 digits, optionally grouped by spaces or dashes: the length of a payment card number.
_DIGIT_RUN = re.compile(r"(?<![\d.,:/])\d(?:[ -]?\d){12,18}(?![\d.,:/])")
_PHONE_KEYWORD = re.compile(
    r"(?i:\b(?:tel|telephone|phone|ph|fax|mobile|mob|hp|call us|whatsapp|hotline)\b\.?\s*(?:no\.?)?\s*[:.]?\s*)"
    r"(\+?[\d(][\d ()+./-]{5,}\d)"
)
# OCR reads 0 as O often enough that the digit groups accept it.
_PHONE_SHAPES = re.compile(
    r"\(\s*\d{3}\s*\)\s*[\dO]{3}\s*[-.]?\s*[\dO]{4}"  # ( 512 ) 555 - 0148
    r"|(?<![\d/.-])\d{3}\s?[-.]\s?\d{3}\s?[-.]\s?\d{4}(?![\d/.-])"  # 604-555-0131
    r"|\+\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}(?!\d)"  # +44 20 7946 0958
    r"|(?<![\d/.-])0\d{1,2}-\d{3,4}\s?\d{4}(?![\d/.-])"  # 03-7890 1234 (Malaysia)
)

# --- receipts (LLM prompts) --------------------------------------------------------------------------------------

_MONEY = re.compile(r"\d[.,]\d{2}(?!\d)")
# Receipts print full card numbers rarely; transaction and store numbers often pass Luhn by chance, so an
# unmasked run counts as a card only in a card's grouping (4-4-4-4, 4-6-5, unbroken) or next to a card word.
_CARD_GROUPING = re.compile(r"^(?:\d{15,16}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})$")
_CARD_WORD = re.compile(r"(?i)\b(?:card|visa|master\s*card|amex|debit|credit|acct|account|pan)\b")
_LOYALTY = re.compile(
    r"(?i:(?<!\[)\b(?:member(?:ship)?|loyalty|rewards?|club\s*card|clubcard|extra\s*care|acct|account|customer"
    r"|shoppers? club|advantage|nectar|optimum|points? card|card)\b[^\n\d*]{0,20}?)"
    r"((?:[A-Z]{0,3}\d[\d -]{4,}\d)|[*xX]{3,}[\dA-Z]*)(?![.,]\d{2}\b)"
)
# Staff names: after a strong keyword with or without a colon, after a weak one ("Driver tip") only with one.
_STAFF = re.compile(
    r"(?i:\b(?:(?:cashier|cashr|operator|served by|your cashier(?: today)?(?: was)?|checker|teller|manager|mgr)"
    r"\b\s*(?:name)?\s*[:#]?|(?:shopper|driver|server|host|staff|associate|sales ?person)\s*(?:name)?\s*:)"
    r")[ \t]*([A-Za-z][^\n]{0,40})"
)
_STAFF_ALONE = re.compile(r"(?i)^\s*(?:cashier|cashr|operator|served by|staff|shopper)\s*[:#]?\s*$")
# A name printed on the line after a lone "CASHIER:" label.
_NAME_ALONE = re.compile(r"^[\s:]*[A-Za-z][A-Za-z .'-]{1,30}$")
_NOT_NAMES = {"RM", "QTY", "PRICE", "AMOUNT", "DESC", "TOTAL", "ITEM", "MEMBER", "DATE", "TIME"}
_STREET = re.compile(
    r"(?i)^\s*(?:no\.?\s*|lot\s*)?\d{1,6}[A-Z]?\b.*\b(?:street|st|avenue|ave|road|rd|blvd|boulevard|drive|dr"
    r"|lane|ln|way|hwy|highway|pkwy|parkway|court|ct|place|pl|square|sq|terrace|circle|cir|pike|route|rte"
    r"|strasse|straße|str|rue|calle|jalan|jln)\b.*$"
)
_LOCAL_AREA = re.compile(r"(?i)\b(?:jalan|jln|lorong|persiaran|lebuh)\b")
# Neighbourhood lines ("TAMAN DAYA,"), but not a shop named after its neighbourhood.
_NEIGHBOURHOOD = re.compile(
    r"(?i)^(?!.*\b(?:sdn|bhd|bhp|enterprise|trading|restaurant|store|mart)\b).*\b(?:taman|tmn|bandar)\b"
)
_CITY_ZIP = re.compile(
    r"^\s*[A-Za-z][A-Za-z .'-]+,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\s*$"  # AUSTIN TX 78748
    r"|^\s*\d{5}\s+[A-Za-z][A-Za-z .'-]+,?\s*$"  # 81100 JOHOR BAHRU,
    r"|^\s*[A-Za-z][A-Za-z .'-]+,?\s+[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\s*$"  # LEEDS LS1 4AP
)
_ADDRESS_LABEL = re.compile(
    r"(?i)^\s*(?:delivery|billing|shipping|ship to|deliver to)\s*(?:address)?\s*:\s*\S"
)
# The header (store name and address) ends at the first price, date, time or column heading.
_HEADER_END = re.compile(
    r"(?i)\d[.,]\d{2}(?:\s*[-A-Z*]{0,2})?\s*$|\b(?:qty|description|desc|item|amount|price|date)\b"
)
_DATE_OR_TIME = re.compile(r"\b\d{1,2}:[\dO]{2}\b|\b[\dO]{1,4}[/.-][\dO]{1,2}[/.-][\dO]{2,4}\b")
_HOUSE_NUMBER_LINE = re.compile(r"(?i)^\s*(?:no\.?\s*)?\d{1,6}[A-Z]?(?:[-/]\d+)?,?\s+[A-Z][A-Z0-9 .,'#-]*$")


@dataclass(frozen=True)
class Redacted:
    text: str
    counts: dict[str, int] = field(default_factory=dict)


def redact_receipt_text(text: str) -> Redacted:
    """Return receipt-like `text` with personal data replaced by placeholders, and how many of each kind."""
    counts: Counter[str] = Counter()
    lines = text.splitlines()
    header_end = next(
        (i for i, line in enumerate(lines) if _HEADER_END.search(line) or _DATE_OR_TIME.search(line)),
        len(lines),
    )
    out: list[str] = []
    previous_was_staff_label = False
    for index, line in enumerate(lines):
        if (
            previous_was_staff_label
            and _NAME_ALONE.match(line)
            and line.strip(" :").upper() not in _NOT_NAMES
        ):
            out.append(NAME)
            counts["name"] += 1
            previous_was_staff_label = False
            continue
        previous_was_staff_label = bool(_STAFF_ALONE.match(line))
        out.append(_redact_line(line, in_header=index < header_end, counts=counts))
    return Redacted(text="\n".join(out), counts=dict(counts))


def _redact_line(line: str, *, in_header: bool, counts: Counter[str]) -> str:
    if _is_address(line, in_header=in_header):
        counts["address"] += 1
        return ADDRESS
    line = _sub(_EMAIL, EMAIL, line, counts, "email")
    line = _sub(_MASKED_CARD, CARD, line, counts, "card")
    card_word = bool(_CARD_WORD.search(line))
    line = _DIGIT_RUN.sub(lambda m: _card_or_keep(m, counts, card_word=card_word), line)
    line = _sub_group(_PHONE_KEYWORD, PHONE, line, counts, "phone")
    line = _sub_group(_LOYALTY, MEMBER_ID, line, counts, "loyalty id")
    line = _sub(_PHONE_SHAPES, PHONE, line, counts, "phone")
    if _MONEY.search(line):
        return line
    return _sub_group(_STAFF, NAME, line, counts, "name", skip_empty=True)


def _is_address(line: str, *, in_header: bool) -> bool:
    if _DATE_OR_TIME.search(line):
        return False
    if _LOCAL_AREA.search(line) or _ADDRESS_LABEL.match(line):
        return True
    if _MONEY.search(line) or _HEADER_END.search(line):
        return False
    # Item names can look like streets ("1059 SQUARE BLACK FRAME"): the shapes below count only in the header,
    # where "9310 S IH 35 FRONTAGE" is the store's street even without a street suffix.
    return in_header and any(
        pattern.match(line) for pattern in (_STREET, _CITY_ZIP, _HOUSE_NUMBER_LINE, _NEIGHBOURHOOD)
    )


def _sub(pattern: re.Pattern[str], placeholder: str, line: str, counts: Counter[str], kind: str) -> str:
    new, n = pattern.subn(placeholder, line)
    counts[kind] += n
    if not counts[kind]:
        del counts[kind]
    return new


def _sub_group(
    pattern: re.Pattern[str],
    placeholder: str,
    line: str,
    counts: Counter[str],
    kind: str,
    skip_empty: bool = False,
) -> str:
    def replace(match: re.Match[str]) -> str:
        value = match.group(1)
        if skip_empty and (not value.strip() or value.strip().startswith("[")):
            return match.group(0)
        counts[kind] += 1
        start = match.start(1) - match.start(0)
        return match.group(0)[:start] + placeholder

    return pattern.sub(replace, line)


def _card_or_keep(match: re.Match[str], counts: Counter[str], *, card_word: bool) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if _luhn_valid(digits) and (card_word or _CARD_GROUPING.match(match.group(0))):
        counts["card"] += 1
        return CARD
    return match.group(0)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


# --- logs ---------------------------------------------------------------------------------------------------------

# Celery task ids and other UUIDs are kept whole: they are how a log line is traced, and their digit groups
# would otherwise look like phone numbers.
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/\s:@]*:[^/\s@]+(?=@)")
# /invite/<token>/ and /accounts/reset/<uid>/<token>/ carry a secret in the path itself.
_PATH_TOKEN = re.compile(r"(/(?:invite|reset)/)[^\s?#\"'<>]+")
_QUERY_STRING = re.compile(r"\?(?=[^\s\"'<>#?]*=)[^\s\"'<>#]*")
# Names of keys whose values are secrets (the names themselves are not).
_SECRET_KEY_NAMES = (
    r"password\d?|passwd|pwd|secret|[\w-]*token|api[_-]?key|access[_-]?key|private[_-]?key|authorization"  # noqa: S105
    r"|cookie|session(?:id)?|csrf(?:middlewaretoken)?|credentials?"
)
_PERSONAL_KEY_NAMES = (
    r"e-?mail|phone|user_?name|(?:first_|last_|full_)?name|address|q|query|search|card_?number"
)
_SENSITIVE_KEY = re.compile(rf"(?i)(?:{_SECRET_KEY_NAMES}|{_PERSONAL_KEY_NAMES})")
_KEY_VALUE = re.compile(
    rf"(?i)(?<![\w-])([\"']?(?:{_SECRET_KEY_NAMES}|{_PERSONAL_KEY_NAMES})[\"']?\s*[=:]\s*)"
    r"(\"[^\"]*\"|'[^']*'|[^\s,;&)}\]]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic(?=\s+[\w+/]{8,}=*(?:\s|$)))\s+\S+")
_API_KEY_SHAPES = re.compile(r"\b(?:sk-[\w-]{16,}|AIza[\w-]{30,}|gh[pousr]_\w{30,})")
_IPV4 = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
# Opaque tokens: 32 or more URL-safe characters mixing letters and digits (session keys, reset and invite
# tokens, signed values). Hex digests go too; UUIDs were set aside before.
_LONG_TOKEN = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{32,}(?![\w-])")
# A bare run of 10-12 digits in a log line is far more often a phone number than anything the code logs.
_BARE_PHONE = re.compile(r"(?<![\w.])\+?\d{10,12}(?![\w.])")


def redact_log_text(text: str) -> str:
    """`text` with every kind of personal data and secret listed in the module docstring replaced."""
    pieces, last = [], 0
    for match in _UUID.finditer(text):
        pieces += [_redact_log_part(text[last : match.start()]), match.group(0)]
        last = match.end()
    pieces.append(_redact_log_part(text[last:]))
    return "".join(pieces)


def _redact_log_part(text: str) -> str:
    text = _URL_CREDENTIALS.sub(REDACTED, text)
    text = _PATH_TOKEN.sub(rf"\1{TOKEN}", text)
    text = _QUERY_STRING.sub(f"?{QUERY}", text)
    text = _BEARER.sub(rf"\1 {REDACTED}", text)
    text = _KEY_VALUE.sub(rf"\1{REDACTED}", text)
    text = _API_KEY_SHAPES.sub(REDACTED, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _IPV4.sub(_mask_ipv4, text)
    text = _IPV6.sub(_mask_ipv6, text)
    text = _LONG_TOKEN.sub(TOKEN, text)
    text = _MASKED_CARD.sub(CARD, text)
    text = _DIGIT_RUN.sub(CARD, text)
    text = _sub_group(_PHONE_KEYWORD, PHONE, text, Counter(), "phone")
    text = _PHONE_SHAPES.sub(PHONE, text)
    text = _BARE_PHONE.sub(PHONE, text)
    text = _sub_group(_STAFF, NAME, text, Counter(), "name", skip_empty=True)
    return ADDRESS if _ADDRESS_LABEL.match(text) else text


def mask_ip(address: str) -> str:
    """An address as the logs show it: IPv4 keeps two octets, IPv6 three groups; anything else is dropped."""
    if _IPV4.fullmatch(address):
        return _IPV4.sub(_mask_ipv4, address)
    masked = _IPV6.sub(_mask_ipv6, address)
    return masked if masked != address else ""


def _mask_ipv4(match: re.Match[str]) -> str:
    octets = match.groups()
    if any(int(octet) > 255 for octet in octets):
        return match.group(0)
    return f"{octets[0]}.{octets[1]}.x.x"


def _mask_ipv6(match: re.Match[str]) -> str:
    candidate = match.group(0)
    if not any(char not in ":" for char in candidate):
        return candidate
    try:
        address = ipaddress.IPv6Address(candidate)
    except ValueError:
        return candidate  # a time of day ("12:30:45") or other colon-separated text
    groups = address.exploded.split(":")
    return ":".join(group.lstrip("0") or "0" for group in groups[:3]) + ":x:x:x:x:x"


def is_sensitive_key(key: str) -> bool:
    """Whether a mapping key names a secret or a personal field, whose value is dropped whatever it is."""
    return bool(_SENSITIVE_KEY.fullmatch(key.replace("-", "_")))


def redact_log_value(value: Any) -> Any:
    """Redact strings inside nested mappings, lists and tuples; sensitive keys lose their values entirely.

    Numbers, booleans and None stay as they are; any other object (a request, a model instance) becomes its
    redacted text, since that text is what a formatter would write.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact_log_text(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if isinstance(key, str) and is_sensitive_key(key) else redact_log_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_log_value(item) for item in value]
    if isinstance(value, tuple | set | frozenset):
        return tuple(redact_log_value(item) for item in value)
    return redact_log_text(str(value))

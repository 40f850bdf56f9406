"""Whether a text is a receipt at all, judged by what receipts print: a total, a date, purchased lines among many
priced lines, and the words receipts are written in (total, cash, tax, qty...).

Each sign scores by how sure it is, and a receipt needs SCORE_NEEDED, two sure signs: a labelled total and a date
are enough (a receipt whose items could not be read is still a receipt), and a badly scanned receipt whose date or
total label was lost still speaks the language of receipts. A letter has a date and perhaps one such word; a log file
or 5,000 lines of garbage may end a few lines in something like a price, hold a date and, by chance, a word
like 'tax', but those are a small share of its lines.
"""

from __future__ import annotations

import re

from receipts.parsing.money import TRAILING_AMOUNT_RE

# The development receipts print amounts on 13% (SROIE) to 60% of their lines.
DENSE_PRICED_SHARE = 0.2
SOME_PRICED_SHARE = 0.1
# Receipt words: at least this many different ones, on at least this share of the lines.
RECEIPT_WORDS_NEEDED = 3
RECEIPT_WORDS_SHARE = 0.05
SCORE_NEEDED = 4
NOT_A_RECEIPT = "this does not look like a receipt: no total, date or purchased lines could be read"

_RECEIPT_WORDS_RE = re.compile(
    r"\b(total|subtotal|sub-total|cash|change|tax|gst|vat|hst|sst|mwst|btw|tva|invoice|receipt|qty|amount|"
    r"balance|rounding|visa|mastercard|debit|credit|tender|summe|betrag|bar|totaal|pinnen|bon|kassa|tunai|"
    r"jumlah|items?|price|paid|due|payment|order)\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_BREAK_RE = re.compile(r"[.!?:,;]\s*$|[^\W\d_][.!?;,] +[^\W\d_]")


def looks_like_receipt(lines: list[str], *, has_items: bool, total_labelled: bool, has_date: bool) -> bool:
    # Sentences (an e-mailed receipt's greeting and small print) are not what a receipt is printed in.
    printed = [line for line in lines if line.strip() and not _is_prose(line)]
    score = 2 if has_date else 0
    # A total found without its label (the largest amount printed twice) is no sign: garbage repeats numbers too.
    score += 2 if total_labelled else 0
    if has_items:
        priced_share = sum(1 for line in printed if TRAILING_AMOUNT_RE.search(line)) / max(len(printed), 1)
        score += 2 if priced_share >= DENSE_PRICED_SHARE else 1 if priced_share >= SOME_PRICED_SHARE else 0
    score += 2 if _speaks_receipt(printed) else 0
    return score >= SCORE_NEEDED


def _speaks_receipt(printed: list[str]) -> bool:
    found = [{word.lower() for word in _RECEIPT_WORDS_RE.findall(line)} for line in printed]
    words = set().union(*found) if found else set()
    return len(words) >= RECEIPT_WORDS_NEEDED and sum(map(bool, found)) >= RECEIPT_WORDS_SHARE * len(printed)


def _is_prose(line: str) -> bool:
    """Five words or more ending or breaking a sentence ('Thanks for your order. Here is your receipt')."""
    return len(_WORD_RE.findall(line)) >= 5 and bool(_SENTENCE_BREAK_RE.search(line))

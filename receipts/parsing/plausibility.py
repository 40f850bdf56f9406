"""Whether a text is a receipt at all, judged by what every receipt prints: a total, a date, and purchased
lines among many priced lines.

Each sign scores by how sure it is, and a receipt needs SCORE_NEEDED: a labelled total and a date are enough
(a receipt whose items could not be read is still a receipt); items among many priced lines make up for a total
found without its label or for a missing date. A letter has only a date; a log file or 5,000 lines of garbage may
end a few lines in something like a price and so give an 'item', but those are a small share of its lines.
"""

from __future__ import annotations

import re

from receipts.parsing.money import TRAILING_AMOUNT_RE

# The development receipts print amounts on 13% (SROIE) to 60% of their lines.
DENSE_PRICED_SHARE = 0.2
SOME_PRICED_SHARE = 0.1
SCORE_NEEDED = 4
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_BREAK_RE = re.compile(r"[.!?:,;]\s*$|[^\W\d_][.!?;,] +[^\W\d_]")
NOT_A_RECEIPT = "this does not look like a receipt: no total, date or purchased lines could be read"


def looks_like_receipt(
    lines: list[str], *, has_items: bool, total_labelled: bool, total_found: bool, has_date: bool
) -> bool:
    # Sentences (an e-mailed receipt's greeting and small print) are not what a receipt is printed in.
    printed = [line for line in lines if line.strip() and not _is_prose(line)]
    priced_share = sum(1 for line in printed if TRAILING_AMOUNT_RE.search(line)) / max(len(printed), 1)
    score = 2 if has_date else 0
    score += 2 if total_labelled else 1 if total_found else 0
    if has_items:
        score += 2 if priced_share >= DENSE_PRICED_SHARE else 1 if priced_share >= SOME_PRICED_SHARE else 0
    return score >= SCORE_NEEDED


def _is_prose(line: str) -> bool:
    """Five words or more ending or breaking a sentence ('Thanks for your order. Here is your receipt')."""
    return len(_WORD_RE.findall(line)) >= 5 and bool(_SENTENCE_BREAK_RE.search(line))

"""A logging filter that scrubs personal data from every record before any handler sees it.

The code logs ids, counts and states by design; this filter is the safety net for what slips through (an exception
message quoting user input, a third-party library logging a URL with an e-mail address in it).
"""

from __future__ import annotations

import logging
import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    # Card-like digit runs (13-19 digits, optionally grouped) before shorter phone-like runs.
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), "[number]"),
    (re.compile(r"(?<!\w)\+?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}\b"), "[phone]"),
    (re.compile(r"(?i)\b(password|passwd|secret|token|api[_-]?key)=\S+"), r"\1=[redacted]"),
    (re.compile(r"(?i)(authorization:\s*bearer)\s+\S+"), r"\1 [redacted]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now so the redacted text, not the raw exception, reaches the handler.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

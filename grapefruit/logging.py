"""Logging for every process (web, worker, beat, gunicorn): one filtered handler on stderr, JSON lines in production.

The code logs ids, counts and states by design; the filter is the safety net for what slips through (an exception
message quoting user input, a URL with a token or a search in it, a library logging an e-mail address). It sits on
the one handler every logger writes to, including Django's own loggers (whose default handlers print before the
root logger would see a record) and gunicorn's error and access logs (`grapefruit/gunicorn_conf.py` passes this
same configuration to gunicorn).

Pure Python: settings.py and gunicorn's configuration import it before Django is set up.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from grapefruit.redaction import redact_log_text, redact_log_value

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime", "taskName"}
)
# gunicorn's access line: no query string, no referrer or user agent (both can carry tokens or searches).
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class RedactPersonalDataFilter(logging.Filter):
    """Rewrite the record in place so every handler and formatter after it sees only redacted text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact_log_text(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now, so the redacted text and not the raw exception reaches the handler.
            record.exc_text = redact_log_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_log_text(record.stack_info)
        for name in extra_fields(record):
            setattr(record, name, redact_log_value(getattr(record, name)))
        return True


def extra_fields(record: logging.LogRecord) -> list[str]:
    return [name for name in vars(record) if name not in _STANDARD_ATTRIBUTES and not name.startswith("_")]


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, process, exception, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        for name in extra_fields(record):
            entry[name] = getattr(record, name)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, level: str, json_lines: bool) -> dict[str, Any]:
    """The dictConfig for Django's LOGGING and gunicorn's logconfig_dict: everything to one filtered handler."""
    propagate_to_root = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactPersonalDataFilter}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": JsonLinesFormatter},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json" if json_lines else "plain",
                "filters": ["redact"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's default configuration gives these their own unfiltered handlers (the console one prints
            # `django.*` records when DEBUG is on); emptied here, so they reach the filtered root handler.
            "django": {**propagate_to_root, "level": level},
            "django.server": {**propagate_to_root, "level": level},
            "django.db.backends": {**propagate_to_root, "level": "WARNING"},
            # gunicorn installs its own stream handlers before applying this configuration, which removes them.
            "gunicorn.error": {**propagate_to_root, "level": level},
            "gunicorn.access": {**propagate_to_root, "level": "INFO"},
            # RapidOCR adds its own unfiltered handler on import unless its logger already has one.
            "RapidOCR": {"handlers": ["stderr"], "propagate": False, "level": "WARNING"},
        },
    }

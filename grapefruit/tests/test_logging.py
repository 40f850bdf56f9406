"""The logging configuration: one filtered handler for every logger, JSON lines in production."""

import importlib
import io
import json
import logging
import logging.config
import sys

import pytest
from django.conf import settings
from django.core.mail import EmailMessage

from grapefruit import gunicorn_conf
from grapefruit.logging import JsonLinesFormatter, RedactPersonalDataFilter, logging_config
from grapefruit.mail import NotSentEmailBackend

INVITE_TOKEN = "q3Zr8-Kx1vLm0PbN7sTdW2yHcFj4uGeA9oQiVnR6aE"


@pytest.fixture
def json_log_output():
    """The production configuration writing to a buffer instead of stderr; the session's is put back after."""
    output = io.StringIO()
    config = logging_config(level="INFO", json_lines=True)
    config["handlers"]["stderr"]["stream"] = output
    logging.config.dictConfig(config)
    yield output
    logging.config.dictConfig(settings.LOGGING)


class _Request:
    def __init__(self, path):
        self.path = path

    def __str__(self):
        return f"<Request {self.path}>"


def _record(msg, *args, **extra):
    record = logging.LogRecord("test", logging.ERROR, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_filter_redacts_arguments_tracebacks_and_extra_fields():
    record = _record(
        "login failed for %s",
        "bob@example.org",
        context={"email": "x@y.org", "ids": [1, 2]},
        request=_Request("/invite/q3Zr8-Kx1vLm0PbN7sTdW2yHcFj4uGeA9oQiVnR6aE/?q=milk"),
    )
    try:
        raise ValueError("card 5500 0000 0000 0004 declined")
    except ValueError:
        record.exc_info = sys.exc_info()

    RedactPersonalDataFilter().filter(record)

    assert record.getMessage() == "login failed for [EMAIL]"
    assert "5500" not in record.exc_text and "ValueError" in record.exc_text
    assert record.context == {"email": "[REDACTED]", "ids": [1, 2]}
    assert record.request == "<Request /invite/[TOKEN]?[QUERY]>"


def test_json_formatter_writes_one_parseable_object_per_record_with_extra_fields():
    record = _record("receipt %s parsed", 12, receipt_id=12)

    line = JsonLinesFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "receipt 12 parsed"
    assert entry["level"] == "ERROR" and entry["logger"] == "test" and entry["receipt_id"] == 12
    assert entry["time"].endswith("+00:00")


def test_every_handler_of_every_logger_carries_the_redaction_filter():
    # Libraries that install handlers of their own when imported are imported first.
    importlib.import_module("rapidocr")
    loggers = [logging.getLogger(), *map(logging.getLogger, list(logging.Logger.manager.loggerDict))]
    handlers = {
        (logger.name, handler)
        for logger in loggers
        for handler in getattr(logger, "handlers", [])
        # pytest's own capture exists only under test; a NullHandler writes nothing.
        if not type(handler).__module__.startswith("_pytest") and not isinstance(handler, logging.NullHandler)
    }

    assert handlers, "the configuration installs at least the stderr handler"
    for name, handler in handlers:
        assert any(isinstance(f, RedactPersonalDataFilter) for f in handler.filters), (name, handler)


def test_djangos_loggers_and_access_lines_reach_the_filtered_handler(json_log_output):
    logging.getLogger("django.request").warning("Not Found: /invite/%s/", INVITE_TOKEN)
    logging.getLogger("django.server").info('"GET /?q=oat+milk HTTP/1.1" 200 512')
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(m)s %(U)s" %(s)s',
        {"h": "203.0.113.77", "m": "GET", "U": f"/invite/{INVITE_TOKEN}/", "s": 200},
    )
    logging.getLogger("celery.app.trace").info(
        "Task receipts.tasks.receipt_parse_task[0d4f7a52-5dda-4c1e-9b1a-2f6c7e8d9a0b] succeeded in 0.5s"
    )

    messages = [json.loads(line)["message"] for line in json_log_output.getvalue().splitlines()]

    assert messages == [
        "Not Found: /invite/[TOKEN]",
        '"GET /?[QUERY] HTTP/1.1" 200 512',
        '203.0.x.x "GET /invite/[TOKEN]" 200',
        "Task receipts.tasks.receipt_parse_task[0d4f7a52-5dda-4c1e-9b1a-2f6c7e8d9a0b] succeeded in 0.5s",
    ]


def test_plain_text_format_in_development():
    config = logging_config(level="DEBUG", json_lines=False)

    assert config["handlers"]["stderr"]["formatter"] == "plain"
    assert config["root"]["level"] == "DEBUG"


def test_gunicorn_logs_through_djangos_configuration_without_query_strings():
    assert gunicorn_conf.logconfig_dict is settings.LOGGING
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(a)s"):  # request line with query, query, referrer, user agent
        assert atom not in gunicorn_conf.access_log_format


def test_in_production_an_unconfigured_mailer_logs_one_line_without_the_mail(caplog):
    message = EmailMessage(
        "Reset your password", "https://x.test/accounts/reset/MQ/abc-123/", to=["ana@example.org"]
    )

    sent = NotSentEmailBackend().send_messages([message])

    assert sent == 0
    assert caplog.messages == [
        "E-mail not sent (set EMAIL_URL to send mail): 1 recipient(s), subject 'Reset your password'"
    ]

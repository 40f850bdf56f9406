import logging

from grapefruit.logging import RedactPersonalDataFilter, redact


def test_redact_removes_emails_card_numbers_phones_and_secrets():
    text = (
        "user alice@example.org paid with 4111 1111 1111 1111, phone +1 (415) 555-0134, "
        "api_key=sk-live-123 Authorization: Bearer abc.def"
    )

    cleaned = redact(text)

    for secret in ["alice@example.org", "4111", "555-0134", "sk-live-123", "abc.def"]:
        assert secret not in cleaned


def test_filter_redacts_arguments_and_tracebacks():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "login failed for %s", ("bob@example.org",), None
    )
    try:
        raise ValueError("card 5500 0000 0000 0004 declined")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    RedactPersonalDataFilter().filter(record)

    assert record.getMessage() == "login failed for [email]"
    assert "5500" not in record.exc_text

"""The production stand-in for the console e-mail backend: in production stdout is the log, and a printed e-mail
would put addresses, order totals and password-reset links in it. Each message becomes one log line instead,
through the redaction filter, saying it was not sent; configure EMAIL_URL to send mail."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class NotSentEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.warning(
                "E-mail not sent (set EMAIL_URL to send mail): %d recipient(s), subject %r",
                len(message.recipients()),
                message.subject,
            )
        return 0

"""The site's date style for Django templates: `{% load dates %}` then `{{ value|day }}` or `{{ value|moment }}`.

Jinja2 templates get the same functions as filters from grapefruit.jinja2.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from grapefruit.dates import day_label, moment_label

register = template.Library()


@register.filter
def day(value: date | None) -> str:
    """A date relative to today in the household's time zone; empty for None."""
    return day_label(value, today=timezone.localdate()) if value else ""


@register.filter
def moment(value: datetime | None) -> str:
    """A date and time in the household's time zone; empty for None."""
    return moment_label(value, now=timezone.now()) if value else ""

"""One date style for the whole site, in the household's time zone (the middleware activates it per request).

Days read relative to today within a week ("today", "in 3 days", "2 days ago") and as a short calendar date
beyond it ("Sat 28 Nov"), with the year only when it is not this year ("28 Nov 2025"). Moments add the time of
day ("today 08:05", "Sat 28 Nov 08:05"). English names are spelled out here rather than taken from the C
library's locale, which would change them with the server's settings.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Beyond this many days a weekday name no longer tells where the date is: show the calendar date.
RELATIVE_DAYS = 6


def calendar_day(value: date, *, today: date) -> str:
    """The calendar date: "Sat 28 Nov" this year, "28 Nov 2025" in any other."""
    if value.year == today.year:
        return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def short_day(value: date) -> str:
    """The shortest calendar form, for chart axes: "28 Nov"."""
    return f"{value.day} {MONTHS[value.month - 1]}"


def months_before(value: date, months: int) -> date:
    """The first day of the month `months` before `value`'s: months_before(29 Nov 2026, 11) is 1 Dec 2025."""
    index = value.year * 12 + value.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def month_label(value: date) -> str:
    """A calendar month: "Nov 2026"."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def day_label(value: date, *, today: date) -> str:
    """A day as a person says it: relative within a week, the calendar date beyond."""
    offset = (value - today).days
    if offset == 0:
        return "today"
    if offset == 1:
        return "tomorrow"
    if offset == -1:
        return "yesterday"
    if 0 < offset <= RELATIVE_DAYS:
        return f"in {offset} days"
    if -RELATIVE_DAYS <= offset < 0:
        return f"{-offset} days ago"
    return calendar_day(value, today=today)


class Moments:
    """Moments of one page in words, against the same "now" in the active time zone: a list of 50 times looks
    the zone up once instead of twice a row."""

    def __init__(self, now: datetime) -> None:
        self.zone = timezone.get_current_timezone()
        self.today = now.astimezone(self.zone).date()

    def label(self, value: datetime) -> str:
        """ "today 08:05", "yesterday 19:30", "Sat 28 Nov 08:05"."""
        local = value.astimezone(self.zone)
        day = local.date()
        offset = (day - self.today).days
        clock = f"{local.hour:02d}:{local.minute:02d}"
        if offset == 0:
            return f"today {clock}"
        if offset == -1:
            return f"yesterday {clock}"
        return f"{calendar_day(day, today=self.today)} {clock}"

    def iso(self, value: datetime) -> str:
        """The machine-readable form for <time datetime="...">."""
        return value.astimezone(self.zone).isoformat(timespec="minutes")


def moment_label(value: datetime, *, now: datetime) -> str:
    """A point in time in the active time zone: "today 08:05", "yesterday 19:30", "Sat 28 Nov 08:05"."""
    return Moments(now).label(value)

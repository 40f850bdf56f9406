"""One date style across the site, in the household's time zone."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from grapefruit.dates import calendar_day, day_label, moment_label

TODAY = date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 28), "today"),
        (date(2026, 11, 29), "tomorrow"),
        (date(2026, 11, 27), "yesterday"),
        (date(2026, 12, 1), "in 3 days"),
        (date(2026, 11, 26), "2 days ago"),
        (date(2026, 12, 8), "Tue 8 Dec"),
        (date(2026, 10, 1), "Thu 1 Oct"),
        (date(2025, 11, 28), "28 Nov 2025"),
        (date(2027, 1, 9), "9 Jan 2027"),
    ],
)
def test_days_read_relative_within_a_week_and_as_a_date_beyond(value, expected):
    assert day_label(value, today=TODAY) == expected


def test_calendar_day_shows_the_year_only_for_another_year():
    assert calendar_day(date(2026, 11, 28), today=TODAY) == "Sat 28 Nov"
    assert calendar_day(date(2025, 11, 28), today=TODAY) == "28 Nov 2025"


def test_moments_are_shown_in_the_active_time_zone():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    with timezone.override("America/Chicago"):  # UTC-6 in November
        assert moment_label(datetime(2026, 11, 28, 14, 5, tzinfo=UTC), now=now) == "today 08:05"
        assert moment_label(datetime(2026, 11, 28, 3, 30, tzinfo=UTC), now=now) == "yesterday 21:30"
        assert moment_label(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), now=now) == "Fri 20 Nov 03:00"
    with timezone.override("Asia/Tokyo"):  # UTC+9: 03:30 UTC is already the 28th there
        assert moment_label(datetime(2026, 11, 28, 3, 30, tzinfo=UTC), now=now) == "today 12:30"

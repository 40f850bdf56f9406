"""Timestamps read through psycopg's C loader come back exactly as Django's own loader returns them."""

import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from grapefruit.postgres_timestamps import use_c_timestamp_loader

# Microseconds, a leap day, a date before 1970 and one far ahead, given in other zones than the session's.
SAMPLES = """SELECT v::timestamptz FROM (VALUES
    ('2026-11-29 07:35:02.111928+00'), ('2024-02-29 23:59:59.999999-05'), ('1969-07-20 20:17:40+00'),
    ('2999-12-31 12:00:00+13:45'), ('2026-03-29 01:30:00+01')) AS samples(v)"""


def _read_with(register) -> list[datetime.datetime]:
    with connection.cursor() as cursor:
        register(cursor.cursor)
        cursor.execute(SAMPLES)
        return [value for (value,) in cursor.fetchall()]


@pytest.mark.django_db
def test_a_new_connection_reads_timestamps_with_the_c_loader():
    connection.ensure_connection()  # opened after the app registry was ready: connection_created was heard

    loader = connection.connection.adapters.get_loader(1184, 0)
    assert loader.__name__ == "UtcTimestamptzLoader"
    # Django checks this on every cursor and would otherwise put its own loader back.
    assert loader.timezone is connection.timezone


@pytest.mark.django_db
def test_the_c_loader_returns_what_djangos_loader_returns():
    django_values = _read_with(lambda cursor: register_tzloader(connection.timezone, cursor))
    c_values = _read_with(lambda cursor: None)

    assert c_values == django_values
    assert [value.tzinfo for value in c_values] == [datetime.UTC] * 5
    assert c_values[1] == datetime.datetime(2024, 3, 1, 4, 59, 59, 999999, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_session_in_another_zone_keeps_djangos_loader():
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Europe/Amsterdam'")
    try:
        assert use_c_timestamp_loader(connection=connection) is False
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")

"""Statements prepared once per connection answer as the same SQL sent plainly, and survive what drops them."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from grapefruit.prepared import PreparedStatement, execute_prepared

pytestmark = pytest.mark.django_db

SQUARES = PreparedStatement(
    "test_squares",
    "SELECT n, n * n FROM generate_series(%(low)s, %(high)s) AS n WHERE n <> %(low)s + 1 ORDER BY n",
    {"low": "integer", "high": "integer"},
)
GREETING = PreparedStatement("test_greeting", "SELECT 'hello ' || %(name)s", {"name": "text"})


def _run(**params):
    """Both statements in one round trip: their rows, and the statements sent."""
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        execute_prepared(cursor, (SQUARES, GREETING), params)
        squares = cursor.fetchall()
        cursor.nextset()
        greeting = cursor.fetchone()[0]
    return (squares, greeting), [query["sql"].split("(")[0] for query in queries]


def test_placeholders_are_numbered_in_order_of_first_use():
    assert SQUARES.prepare_sql == (
        "PREPARE test_squares(integer, integer) AS "
        "SELECT n, n * n FROM generate_series($1, $2) AS n WHERE n <> $1 + 1 ORDER BY n"
    )
    assert SQUARES.execute_sql == "EXECUTE test_squares(%(low)s, %(high)s)"


def test_a_type_is_needed_for_each_placeholder_and_only_for_them():
    with pytest.raises(ValueError, match="placeholders are"):
        PreparedStatement("test_bad", "SELECT %(a)s, %(b)s", {"a": "integer"})
    with pytest.raises(ValueError, match="placeholders are"):
        PreparedStatement("test_bad", "SELECT %(a)s", {"a": "integer", "b": "integer"})


@pytest.mark.django_db(transaction=True)
def test_statements_are_prepared_once_per_connection_and_answer_as_plain_sql():
    connection.close()  # a new connection has nothing prepared
    first, sent = _run(low=1, high=4, name="Ana")
    assert sent == ["PREPARE test_squares", "PREPARE test_greeting", "EXECUTE test_squares"]
    again, sent = _run(low=2, high=5, name="Ben")
    assert sent == ["EXECUTE test_squares"]

    assert first == ([(1, 1), (3, 9), (4, 16)], "hello Ana")
    assert again == ([(2, 4), (4, 16), (5, 25)], "hello Ben")
    with connection.cursor() as cursor:
        cursor.execute(SQUARES.sql, {"low": 2, "high": 5})
        assert cursor.fetchall() == again[0]


def test_a_statement_prepared_in_a_rolled_back_transaction_stays_prepared():
    with pytest.raises(RuntimeError), transaction.atomic():
        _run(low=1, high=2, name="Ana")
        raise RuntimeError("roll back")

    assert _run(low=1, high=2, name="Ana")[1] == ["EXECUTE test_squares"]


@pytest.mark.django_db(transaction=True)
def test_statements_dropped_behind_its_back_are_prepared_again_outside_a_transaction():
    _run(low=1, high=2, name="Ana")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler resetting the session would

    result, sent = _run(low=1, high=3, name="Ben")

    assert result == ([(1, 1), (3, 9)], "hello Ben")
    assert sent == [
        "EXECUTE test_squares",
        "PREPARE test_squares",
        "PREPARE test_greeting",
        "EXECUTE test_squares",
    ]


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_use_that_finds_them_dropped_fails_and_the_next_prepares_them():
    _run(low=1, high=2, name="Ana")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
        _run(low=1, high=2, name="Ana")

    assert _run(low=1, high=2, name="Ana")[0] == ([(1, 1)], "hello Ana")

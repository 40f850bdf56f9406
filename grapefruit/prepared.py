"""Statements PostgreSQL parses and plans once per connection (PREPARE), then only executes (EXECUTE).

For the cart's two statements, parsing and planning took PostgreSQL longer than running them; prepared, the round
trip that sends both took about 0.6 of the time (bench/OPTIMISATIONS.md). The statements are prepared with SQL's
PREPARE rather than by psycopg's protocol-level preparation, so that several EXECUTEs still go in one round trip
with Django's client-side binding. Prepared statements belong to a connection and survive a rollback; Django
keeps a connection for DATABASE_CONN_MAX_AGE seconds, so a statement is prepared once per connection, on first use.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.utils import DatabaseError

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Per psycopg connection, the names prepared on it (a new connection, after a timeout or an error, has none).
_prepared_on: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class PreparedStatement:
    """One statement, written with %(name)s placeholders as for cursor.execute, and the PostgreSQL type of each."""

    name: str
    sql: str
    types: Mapping[str, str]
    _order: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        order = tuple(dict.fromkeys(_PLACEHOLDER.findall(self.sql)))
        if set(order) != set(self.types):
            raise ValueError(
                f"{self.name}: types given for {sorted(self.types)}, placeholders are {sorted(order)}"
            )
        object.__setattr__(self, "_order", order)

    @property
    def prepare_sql(self) -> str:
        """PREPARE with the placeholders numbered ($1, $2, ...), to run without parameters."""
        body = _PLACEHOLDER.sub(lambda match: f"${self._order.index(match.group(1)) + 1}", self.sql)
        types = ", ".join(self.types[name] for name in self._order)
        return f"PREPARE {self.name}({types}) AS {body}"

    @property
    def execute_sql(self) -> str:
        return f"EXECUTE {self.name}({', '.join(f'%({name})s' for name in self._order)})"


def execute_prepared(
    cursor: Any, statements: tuple[PreparedStatement, ...], params: Mapping[str, Any]
) -> None:
    """Execute the statements in one round trip on a Django cursor (results in order: cursor.nextset() moves to
    the next), preparing them first where this connection has not yet."""
    session = cursor.db.connection
    _prepare(cursor, statements, _prepared_on.setdefault(session, set()))
    sql = "; ".join(statement.execute_sql for statement in statements)
    try:
        cursor.execute(sql, params)
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) != "26000":  # invalid_sql_statement_name
            raise
        # Something dropped the session's statements (DISCARD ALL or DEALLOCATE, as some poolers do). Outside a
        # transaction they are prepared again at once; inside one, which the error has aborted, on the next use.
        prepared = _prepared_on[session] = set()
        if cursor.db.in_atomic_block:
            raise
        _prepare(cursor, statements, prepared)
        cursor.execute(sql, params)


def _prepare(cursor: Any, statements: tuple[PreparedStatement, ...], prepared: set[str]) -> None:
    for statement in statements:
        if statement.name not in prepared:
            cursor.execute(statement.prepare_sql)
            prepared.add(statement.name)

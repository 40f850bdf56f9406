"""Writing many rows fast: COPY on PostgreSQL, executemany elsewhere, from plain tuples.

`QuerySet.bulk_create` builds a model instance and runs every field's preparation for each value, about 0.3 ms
a row here; a scheduled job deciding about 100,000 items, or seeding a million rows of history, cannot afford
that. These helpers take tuples of plain values, encrypt the encrypted fields and compute their blind indexes
(through the fields themselves, so the stored form is exactly what the ORM writes), and send the rows in one
COPY. Callers give every column a value: model defaults and `auto_now` are not applied.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

from grapefruit.encryption import EncryptedFieldMixin, blind_index_fields


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, taken from the table's sequence (PostgreSQL) or after the largest id
    (SQLite, whose write transaction holds the database, so nobody takes them meanwhile)."""
    if count <= 0:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (tuples in the order of `fields`, attribute names such as "household_id") into the model's
    table. Encrypted fields take plaintext; each blind index whose source is given is filled in. Returns the
    number of rows written."""
    concrete = {field.attname: field for field in model._meta.concrete_fields}
    columns = [concrete[name] for name in fields]
    converters = [
        (position, _converter(field)) for position, field in enumerate(columns) if _converter(field)
    ]
    indexes = [(_memoised(index.index_value), fields.index(index.source)) for index in blind_index_fields(model)
               if index.source in fields]  # fmt: skip
    names = [field.column for field in columns] + [
        index.column for index in blind_index_fields(model) if index.source in fields
    ]

    def prepare(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for position, convert in converters:
            values[position] = convert(values[position])
        values.extend(index(row[position]) for index, position in indexes)
        return values

    return _write(model._meta.db_table, names, map(prepare, rows))


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, EncryptedFieldMixin):
        empty: dict[type, Any] = {}

        def encrypt(value: Any) -> Any:
            if value is None:
                return None
            # A ciphertext's length already tells an empty value apart, so rows of this call share the one
            # ciphertext of each empty value ("" or []) instead of sealing it again.
            if not value and isinstance(value, str | list | tuple | dict):
                if type(value) not in empty:
                    empty[type(value)] = field.encrypt_value(value)
                return empty[type(value)]
            return field.encrypt_value(value)

        return encrypt
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _memoised(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Indexed values repeat (a few store names over a million price rows) and cost an HMAC or a seal each:
    compute each distinct one once per call."""
    seen: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        if value not in seen:
            seen[value] = function(value)
        return seen[value]

    return cached


def _write(table: str, columns: list[str], rows: Iterable[list[Any]]) -> int:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            started = time.monotonic()
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            if connection.queries_logged:
                # COPY bypasses Django's cursor wrappers: log it so query counts (tests, benchmarks) include it.
                connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
            return written
        batch = list(rows)
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})",  # noqa: S608
            batch,
        )
    return len(batch)

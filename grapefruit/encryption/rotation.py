"""Re-encrypting stored values: key rotation, its check, and encryption of legacy plaintext rows.

Every encrypted field of every installed model is found through `apps.get_models()`, so a new app's fields are
rotated without changes here. Stale rows are found in SQL by the token header (`$gf1$<key id>$`), which names
the key without decrypting. Each batch is read with `SELECT ... FOR UPDATE`, rewritten and committed in one
transaction: an interrupted run leaves every row either wholly old or wholly new, and a re-run picks up the rows
still under an old key. Blind indexes are recomputed in the same write as their source column.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.functions import Cast

from grapefruit.encryption.fields import (
    BlindIndexField,
    EncryptedFieldMixin,
    blind_index_fields,
    encrypted_fields,
)
from grapefruit.encryption.keyring import MAGIC, current_key_ring, header_for, split_text_token

Progress = Callable[[int], None]


@dataclass(frozen=True)
class EncryptedModel:
    model: type[models.Model]
    fields: tuple[EncryptedFieldMixin, ...]
    indexes: tuple[BlindIndexField, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def manager(self) -> models.Manager:
        return self.model._base_manager


@dataclass(frozen=True)
class FieldStatus:
    """How many stored values of one field are under an old key, or not encrypted at all."""

    label: str
    old_key: int
    plaintext: int


def encrypted_models() -> list[EncryptedModel]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = encrypted_fields(model)
        if fields:
            found.append(EncryptedModel(model, tuple(fields), tuple(blind_index_fields(model))))
    return found


def raw_alias(field: EncryptedFieldMixin) -> str:
    """The name under which raw_tokens() exposes a field's stored token."""
    return f"_gf_raw_{field.attname}"


def raw_tokens(em: EncryptedModel) -> models.QuerySet:
    """The model's rows with each encrypted column also readable as its raw token (no decryption)."""
    casts = {raw_alias(field): Cast(field.attname, output_field=models.TextField()) for field in em.fields}
    return em.manager.annotate(**casts)


def _not_prefixed(field: EncryptedFieldMixin, prefix: str) -> models.Q:
    alias = raw_alias(field)
    return models.Q(**{f"{alias}__isnull": False}) & ~models.Q(**{f"{alias}__startswith": prefix})


def _any(fields: tuple[EncryptedFieldMixin, ...], prefix: str) -> models.Q:
    condition = models.Q()
    for field in fields:
        condition |= _not_prefixed(field, prefix)
    return condition


def _primary_prefix() -> str:
    return header_for(current_key_ring().primary.key_id)


def field_statuses() -> list[FieldStatus]:
    """Per encrypted field: values not under the primary key, and values that are not tokens at all."""
    primary = _primary_prefix()
    statuses = []
    for em in encrypted_models():
        for field in em.fields:
            plaintext = raw_tokens(em).filter(_not_prefixed(field, MAGIC)).count()
            stale = raw_tokens(em).filter(_not_prefixed(field, primary)).count()
            statuses.append(FieldStatus(f"{em.label}.{field.name}", stale - plaintext, plaintext))
    return statuses


def count_rows_to_rotate(em: EncryptedModel) -> int:
    return raw_tokens(em).filter(_any(em.fields, _primary_prefix())).count()


def count_rows_with_plaintext(em: EncryptedModel) -> int:
    return raw_tokens(em).filter(_any(em.fields, MAGIC)).count()


def _decoded(field: EncryptedFieldMixin, raw: str | None, allow_plaintext: bool) -> Any:
    if raw is None:
        return None
    if allow_plaintext and split_text_token(raw) is None:
        return field.from_plaintext(raw)
    return field.decrypt_value(raw)


def _rewrite(em: EncryptedModel, rows: list[tuple[Any, ...]], allow_plaintext: bool) -> None:
    """Write each row's values back through the fields: encrypted under the primary key, indexes recomputed.

    One parameterised UPDATE per row sent with executemany (pipelined by psycopg): several times faster than
    bulk_update's CASE expressions, which dominated the rotation profile.
    """
    columns = [*em.fields, *em.indexes]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    # Identifiers come from model metadata and are quoted; every value is a parameter.
    table, pk_column = quote(em.model._meta.db_table), quote(em.model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
    params = []
    for pk, *raws in rows:
        values = {
            field.name: _decoded(field, raw, allow_plaintext)
            for field, raw in zip(em.fields, raws, strict=True)
        }
        indexes = [index.index_value(values[index.source]) for index in em.indexes]
        prepared = [field.get_db_prep_save(values[field.name], connection) for field in em.fields]
        params.append([*prepared, *indexes, pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _locked_batch(em: EncryptedModel, condition: models.Q, after: Any, size: int) -> list[tuple[Any, ...]]:
    query = raw_tokens(em).filter(condition)
    if after is not None:
        query = query.filter(pk__gt=after)
    columns = [raw_alias(field) for field in em.fields]
    return list(query.order_by("pk").select_for_update().values_list("pk", *columns)[:size])


def _process(
    em: EncryptedModel,
    condition: models.Q,
    *,
    batch_size: int,
    allow_plaintext: bool,
    progress: Progress,
    pause: float = 0.0,
) -> int:
    """Rewrite the rows matching `condition` in locked batches, one transaction each; return the row count.

    Walking by primary key guarantees progress even if a row keeps matching (a concurrent writer using a key
    that is not primary in this process's settings).
    """
    last_pk, done = None, 0
    while True:
        with transaction.atomic():
            rows = _locked_batch(em, condition, last_pk, batch_size)
            if not rows:
                return done
            _rewrite(em, rows, allow_plaintext)
        last_pk = rows[-1][0]
        done += len(rows)
        progress(len(rows))
        if pause:
            # Outside the transaction: a throttled rotation holds no locks while it waits.
            time.sleep(pause)


def rotate_model(em: EncryptedModel, *, batch_size: int, progress: Progress, pause: float = 0.0) -> int:
    """Re-encrypt every row of `em` holding a value under an old key; return how many rows were rewritten."""
    condition = _any(em.fields, _primary_prefix())
    return _process(
        em, condition, batch_size=batch_size, allow_plaintext=False, progress=progress, pause=pause
    )


def encrypt_plaintext_model(em: EncryptedModel, *, batch_size: int, progress: Progress) -> int:
    """Encrypt legacy plaintext values (rows from before the field was encrypted); idempotent."""
    condition = _any(em.fields, MAGIC)
    return _process(em, condition, batch_size=batch_size, allow_plaintext=True, progress=progress)


# Files in encrypted storages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileStatus:
    location: str
    old_key: int
    plaintext: int


def file_statuses() -> list[FileStatus]:
    from grapefruit.storage import encrypted_storages

    primary = current_key_ring().primary.key_id
    statuses = []
    for storage in encrypted_storages():
        key_ids = [storage.key_id(name) for name in storage.iter_names()]
        plaintext = key_ids.count(None)
        old = sum(1 for key_id in key_ids if key_id is not None and key_id != primary)
        statuses.append(FileStatus(str(storage.location), old, plaintext))
    return statuses


def rewrite_files(*, encrypt_plaintext: bool, progress: Progress) -> int:
    """Re-encrypt files under an old key (and, when asked, encrypt plaintext ones); each replace is atomic."""
    from grapefruit.storage import encrypted_storages

    done = 0
    for storage in encrypted_storages():
        for name in storage.iter_names():
            if not encrypt_plaintext and storage.key_id(name) is None:
                continue
            if encrypt_plaintext and storage.key_id(name) is not None:
                continue
            if storage.rewrite_under_primary(name, encrypt_plaintext=encrypt_plaintext):
                done += 1
                progress(1)
    return done

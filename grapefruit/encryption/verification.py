"""Can the keys in this environment read the stored data? Run after restoring a backup, or before removing a key.

For every encrypted column (found generically, like rotation) and every encrypted file, this counts the values
under each key id, names the key ids missing from ENCRYPTION_KEYS, and decrypts a random sample under each key id
that is present: a key with the right id but the wrong secret fails authentication there. Blind indexes are
recomputed for a sample too, which catches a BLIND_INDEX_KEY that differs from the one the data was indexed with.
Nothing is written, and no plaintext leaves this module.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.db.models.functions import StrIndex, Substr

from grapefruit.encryption.fields import EncryptedFieldMixin
from grapefruit.encryption.keyring import MAGIC, DecryptionError, current_key_ring, header_for
from grapefruit.encryption.rotation import EncryptedModel, encrypted_models, raw_alias, raw_tokens
from grapefruit.storage import encrypted_storages

NOT_ENCRYPTED = "(not encrypted)"


@dataclass
class StoreReport:
    """One encrypted column ("app.Model.field") or one file storage ("files in /data/media")."""

    label: str
    values_by_key: Counter[str] = field(default_factory=Counter)
    sampled: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class KeyCheckReport:
    stores: list[StoreReport]
    index_problems: list[str]

    @property
    def missing_key_ids(self) -> dict[str, list[str]]:
        """Key id -> the stores holding values under it, for every id not in ENCRYPTION_KEYS."""
        ring = current_key_ring()
        missing: dict[str, list[str]] = {}
        for store in self.stores:
            for key_id in store.values_by_key:
                if key_id != NOT_ENCRYPTED and ring.get(key_id) is None:
                    missing.setdefault(key_id, []).append(store.label)
        return missing

    @property
    def problems(self) -> list[str]:
        found = [
            f"key {key_id!r} is not in ENCRYPTION_KEYS, but values in {', '.join(labels)} are encrypted under it"
            for key_id, labels in self.missing_key_ids.items()
        ]
        for store in self.stores:
            if store.values_by_key.get(NOT_ENCRYPTED):
                found.append(
                    f"{store.label}: {store.values_by_key[NOT_ENCRYPTED]} values are not encrypted "
                    "(run `manage.py encrypt_existing_data`)"
                )
            found += store.problems
        return found + self.index_problems


def _key_id_of(alias: str) -> models.Expression:
    """The key id in a token's header (`$gf1$<id>$...`), computed by the database; NULL for a non-token."""
    after_magic = Substr(alias, len(MAGIC) + 1)
    return models.Case(
        models.When(
            **{f"{alias}__startswith": MAGIC},
            then=Substr(alias, len(MAGIC) + 1, StrIndex(after_magic, models.Value("$")) - 1),
        ),
        default=models.Value(NOT_ENCRYPTED),
        output_field=models.TextField(),
    )


def _check_column(em: EncryptedModel, column: EncryptedFieldMixin, sample_size: int) -> StoreReport:
    alias = raw_alias(column)
    report = StoreReport(column.label)
    stored = raw_tokens(em).filter(**{f"{alias}__isnull": False})
    counts = stored.annotate(_key_id=_key_id_of(alias)).values("_key_id").annotate(n=models.Count("pk"))
    report.values_by_key.update({row["_key_id"]: row["n"] for row in counts})
    ring = current_key_ring()
    for key_id in report.values_by_key:
        if key_id == NOT_ENCRYPTED or ring.get(key_id) is None:
            continue
        sample = stored.filter(**{f"{alias}__startswith": header_for(key_id)}).order_by("?")
        failures = 0
        for token in sample.values_list(alias, flat=True)[:sample_size]:
            report.sampled += 1
            try:
                column.decrypt_value(token)
            except DecryptionError:
                failures += 1
        if failures:
            report.problems.append(
                f"{column.label}: {failures} sampled values under key {key_id!r} do not decrypt (the key has "
                "the right id but another secret, or the values were altered)"
            )
    return report


def _check_indexes(em: EncryptedModel, sample_size: int) -> list[str]:
    problems = []
    for index in em.indexes:
        source = em.model._meta.get_field(index.source)
        alias = raw_alias(source)
        rows = raw_tokens(em).filter(**{f"{alias}__isnull": False}).order_by("?")
        differing = checked = 0
        for token, stored_index in rows.values_list(alias, index.attname)[:sample_size]:
            try:
                expected = index.index_value(source.decrypt_value(token))
            except DecryptionError:
                continue  # reported by the column check
            checked += 1
            differing += expected != stored_index
        if differing:
            problems.append(
                f"{em.label}.{index.name}: {differing} of {checked} sampled blind indexes differ: BLIND_INDEX_KEY "
                "is not the key this data was indexed with (search and duplicate detection would miss)"
            )
    return problems


def _check_files(sample_size: int) -> list[StoreReport]:
    reports = []
    ring = current_key_ring()
    for storage in encrypted_storages():
        report = StoreReport(f"files in {storage.location}")
        names_by_key: dict[str, list[str]] = {}
        for name in storage.iter_names():
            names_by_key.setdefault(storage.key_id(name) or NOT_ENCRYPTED, []).append(name)
        report.values_by_key.update({key_id: len(names) for key_id, names in names_by_key.items()})
        for key_id, names in names_by_key.items():
            if key_id == NOT_ENCRYPTED or ring.get(key_id) is None:
                continue
            for name in random.sample(names, min(len(names), sample_size)):
                report.sampled += 1
                try:
                    storage.decrypt_file(name)
                except DecryptionError as error:
                    report.problems.append(str(error))
        reports.append(report)
    return reports


def check_keys(*, sample_size: int = 20) -> KeyCheckReport:
    """Count, per key id, the values of every encrypted column and file; decrypt a sample under each key."""
    models_found = encrypted_models()
    columns = [_check_column(em, column, sample_size) for em in models_found for column in em.fields]
    index_problems = [problem for em in models_found for problem in _check_indexes(em, sample_size)]
    return KeyCheckReport(stores=columns + _check_files(sample_size), index_problems=index_problems)


def describe(report: StoreReport) -> str:
    counts = ", ".join(f"{key_id}: {n}" for key_id, n in sorted(report.values_by_key.items()))
    total = sum(report.values_by_key.values())
    return f"{report.label}: {total} stored ({counts or 'none'}), {report.sampled} sampled"

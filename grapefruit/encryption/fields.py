"""Model fields whose values are encrypted in the database, and the blind index that makes them searchable.

The columns are `text` holding a token (see keyring.py); the associated data is `"{db_table}.{column}"`, so a
ciphertext moved to another column fails to decrypt. Renaming the table or the column therefore needs
`encryption_context=` set to the old "table.column" (or a decrypt/re-encrypt data migration).

Encrypted columns cannot be searched, sorted meaningfully or constrained by the database: the fields refuse
`unique`, `db_index` and every lookup except `isnull`. Equality search and de-duplication go through a
`BlindIndexField` next to the encrypted one.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core import exceptions
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.backends.utils import format_number

from grapefruit.encryption.keyring import (
    DecryptionError,
    blind_index,
    decrypt_text,
    decrypt_text_remembered,
    encrypt_text,
)

_REFUSED_OPTIONS = ("unique", "db_index", "primary_key")


class EncryptedFieldMixin:
    """Encrypt on the way to the database, decrypt on the way back; subclasses convert value <-> text."""

    encrypted = True

    def __init__(
        self,
        *args: Any,
        encryption_context: str | None = None,
        remember_plaintext: bool = False,
        **kwargs: Any,
    ) -> None:
        for option in _REFUSED_OPTIONS:
            if kwargs.get(option):
                raise ImproperlyConfigured(
                    f"{type(self).__name__} cannot be {option}: its ciphertext differs on every save. "
                    "Put the constraint or index on a BlindIndexField instead."
                )
        self.encryption_context_override = encryption_context
        # Short values read on every page view: keep their plaintext in this process (keyring.
        # decrypt_text_remembered). Not a database option, so it is left out of deconstruct() and migrations.
        self.remember_plaintext = remember_plaintext
        super().__init__(*args, **kwargs)

    # Conversions, overridden per type ----------------------------------------------------------------------
    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> Any:
        return text

    # Encryption --------------------------------------------------------------------------------------------
    @property
    def encryption_context(self) -> str:
        return self.encryption_context_override or f"{self.model._meta.db_table}.{self.column}"

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def encrypt_value(self, value: Any) -> str:
        return encrypt_text(self.to_plaintext(value), context=self.encryption_context)

    def decrypt_value(self, token: str) -> Any:
        try:
            if self.remember_plaintext:
                text = decrypt_text_remembered(token, context=self.encryption_context)
            else:
                text = decrypt_text(token, context=self.encryption_context)
        except DecryptionError as error:
            raise DecryptionError(f"{self.label}: {error}") from None
        return self.from_plaintext(text)

    # Django hooks ------------------------------------------------------------------------------------------
    def get_internal_type(self) -> str:
        return "TextField"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        return None if value is None else self.encrypt_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else self.decrypt_value(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.label} is encrypted: only the isnull lookup works ({lookup_name!r} refused). "
            "Search through its blind index."
        )

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.label} is encrypted: no transforms ({lookup_name!r} refused).")

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.encryption_context_override:
            kwargs["encryption_context"] = self.encryption_context_override
        return name, path, args, kwargs


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """Free text (item names, receipt text). Empty strings are encrypted too."""


class EncryptedJSONField(EncryptedFieldMixin, models.Field):
    """Any JSON-serialisable value. Python None is stored as SQL NULL, so JSON `null` cannot be told apart."""

    empty_strings_allowed = False
    description = "Encrypted JSON"

    def __init__(self, *args: Any, encoder: type[json.JSONEncoder] | None = None, **kwargs: Any) -> None:
        self.encoder = encoder
        super().__init__(*args, **kwargs)

    def to_plaintext(self, value: Any) -> str:
        return json.dumps(value, cls=self.encoder, ensure_ascii=False, separators=(",", ":"))

    def from_plaintext(self, text: str) -> Any:
        return json.loads(text)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        try:
            self.to_plaintext(value)
        except TypeError:
            raise exceptions.ValidationError("Value must be valid JSON.", code="invalid") from None

    def value_to_string(self, obj: Any) -> Any:
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": forms.JSONField, "encoder": self.encoder, **kwargs})

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not None:
            kwargs["encoder"] = self.encoder
        return name, path, args, kwargs


class EncryptedDecimalField(EncryptedFieldMixin, models.DecimalField):
    """A Decimal (prices, quantities), validated and rounded like DecimalField."""

    def to_plaintext(self, value: Any) -> str:
        return format_number(value, self.max_digits, self.decimal_places)

    def from_plaintext(self, text: str) -> Decimal:
        return Decimal(text)


class BlindIndexField(models.CharField):
    """HMAC of another (encrypted) field's normalised value, recomputed on every save and by key rotation.

    `source` names the encrypted field on the same model; `purpose` separates index keys (use
    "app.model.field"). Search with `filter(name_index=blind_index(name, purpose=...))`. A
    `save(update_fields=[...])` that lists the source must list the index too, or the index keeps the old value.
    """

    def __init__(self, *args: Any, source: str, purpose: str, **kwargs: Any) -> None:
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def index_value(self, source_value: Any) -> str | None:
        return None if source_value is None else blind_index(str(source_value), purpose=self.purpose)

    def compute(self, instance: models.Model) -> str | None:
        return self.index_value(getattr(instance, self.source))

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs


def encrypted_fields(model: type[models.Model]) -> list[EncryptedFieldMixin]:
    """The encrypted columns in this model's own table (inherited ones belong to the parent's table)."""
    return [field for field in model._meta.local_concrete_fields if isinstance(field, EncryptedFieldMixin)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [field for field in model._meta.local_concrete_fields if isinstance(field, BlindIndexField)]

"""System checks for encryption at rest: `manage.py check` (and every start) fails before a bad key can fail a
request or, worse, write rows that no configured key can read back."""

from __future__ import annotations

import stat
from collections import Counter
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from grapefruit.encryption.fields import BlindIndexField, EncryptedFieldMixin
from grapefruit.encryption.keyring import KeyRingError, parse_index_key, parse_key_entry

GENERATE_HINT = (
    "Generate one with `python manage.py generate_encryption_key` and put it first in ENCRYPTION_KEYS."
)
# 32 random bytes have ~28 distinct values; fewer than this is a placeholder such as "00" * 32.
MIN_DISTINCT_KEY_BYTES = 12


def _entries() -> list[str]:
    entries = getattr(settings, "ENCRYPTION_KEYS", None) or []
    if isinstance(entries, str):
        entries = entries.split(",")
    return [entry for entry in entries if entry.strip()]


@register(Tags.security)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    entries = _entries()
    if not entries:
        where = "the environment" if not settings.EMBEDDED else "the environment or var/encryption.key"
        return [
            Error(
                "ENCRYPTION_KEYS is empty: nothing can be encrypted.",
                hint=f"Set it in {where}. " + GENERATE_HINT,
                id="encryption.E001",
            )
        ]
    messages: list[CheckMessage] = []
    keys = []
    for position, entry in enumerate(entries, start=1):
        try:
            keys.append(parse_key_entry(entry))
        except KeyRingError as error:
            messages.append(
                Error(
                    f"ENCRYPTION_KEYS entry {position} is malformed: {error}",
                    hint=GENERATE_HINT,
                    id="encryption.E002",
                )
            )
    for key_id, count in Counter(key.key_id for key in keys).items():
        if count > 1:
            messages.append(
                Error(
                    f"ENCRYPTION_KEYS has {count} keys with the id {key_id!r}.",
                    hint="Key ids must be unique: the id stored with each value picks its key.",
                    id="encryption.E003",
                )
            )
    production = not settings.EMBEDDED and not settings.DEBUG
    for key in keys:
        if production and len(set(key.secret)) < MIN_DISTINCT_KEY_BYTES:
            messages.append(
                Error(
                    f"Encryption key {key.key_id!r} looks like a placeholder, not random bytes.",
                    hint=GENERATE_HINT,
                    id="encryption.E004",
                )
            )
    return messages


@register(Tags.security)
def check_blind_index_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Without BLIND_INDEX_KEY, indexes derive from the primary key and every one changes on rotation."""
    configured = getattr(settings, "BLIND_INDEX_KEY", "")
    if not configured:
        production = not settings.EMBEDDED and not settings.DEBUG
        level = Error if production else Warning
        return [
            level(
                "BLIND_INDEX_KEY is not set: blind indexes follow the primary encryption key, so a key "
                "rotation would break duplicate detection and name search.",
                hint='Set BLIND_INDEX_KEY to 64 hex characters (`python -c "import secrets; '
                'print(secrets.token_hex(32))"`) before storing data, and never change it.',
                id="encryption.E006" if production else "encryption.W002",
            )
        ]
    try:
        secret = parse_index_key(configured)
    except KeyRingError as error:
        return [Error(str(error), id="encryption.E007")]
    encryption_secrets = set()
    for entry in _entries():
        try:
            encryption_secrets.add(parse_key_entry(entry).secret)
        except KeyRingError:
            continue
    if secret in encryption_secrets:
        return [
            Error(
                "BLIND_INDEX_KEY equals an encryption key: use an independent random key.",
                id="encryption.E008",
            )
        ]
    return []


@register(Tags.security)
def check_local_key_file(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The embedded default keeps its key in var/: anyone who can read it can read every backup."""
    path = Path(settings.VAR_DIR) / "encryption.key"
    if not settings.EMBEDDED or not path.exists():
        return []
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        return [
            Warning(
                f"{path} is readable by other users.", hint=f"Run `chmod 600 {path}`.", id="encryption.W001"
            )
        ]
    return []


@register(Tags.models)
def check_blind_index_sources(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A blind index must follow an encrypted field: rotation recomputes it along with that field."""
    messages: list[CheckMessage] = []
    for model in apps.get_models():
        for field in model._meta.local_concrete_fields:
            if not isinstance(field, BlindIndexField):
                continue
            try:
                source = model._meta.get_field(field.source)
            except Exception:
                source = None
            if not isinstance(source, EncryptedFieldMixin):
                messages.append(
                    Error(
                        f"{model._meta.label}.{field.name}: source {field.source!r} is not an "
                        "encrypted field of this model.",
                        obj=field,
                        id="encryption.E005",
                    )
                )
    return messages

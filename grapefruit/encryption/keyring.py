"""The key ring and the ciphertext format: the only code in Grapefruit that reads encryption keys.

Pure Python plus `cryptography`: settings.py imports `ensure_local_key_file` from here before Django is
configured, so nothing at module level may touch Django settings.

Token format (version 1). A header names the version and the key, so old values keep decrypting after a
rotation and the rotation command can find them with a plain SQL prefix match::

    header = "$gf1$" + key_id + "$"
    text token   (database columns): header + base64url(nonce || ciphertext || tag), no padding
    binary token (files):            header + nonce || ciphertext || tag

AES-256-GCM with a fresh random 96-bit nonce per value. The associated data is the header plus a context
string (`"{db_table}.{column}"` for fields), so a ciphertext copied into another column, or relabelled with
another key id, fails authentication.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.signals import setting_changed

from grapefruit.local_secrets import LocalSecretError, private_file_lines

VERSION = "1"
MAGIC = "$gf" + VERSION + "$"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
_ENTRY_PATTERN = re.compile(r"(?P<id>[^:]*):(?P<hex>.*)")
_HEX_PATTERN = re.compile(r"[0-9a-fA-F]{64}")


class EncryptionError(Exception):
    """Encrypting a value failed (usually: no usable key)."""


class KeyRingError(EncryptionError):
    """ENCRYPTION_KEYS is missing, malformed or has duplicate key ids."""


class DecryptionError(EncryptionError):
    """A stored value could not be decrypted. The message names the field or context; never the plaintext."""


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes = b""

    def __repr__(self) -> str:
        # Keys end up in tracebacks and debug pages: never show the secret.
        return f"Key({self.key_id!r})"


@dataclass(frozen=True)
class KeyRing:
    """The first key encrypts; every key decrypts."""

    keys: tuple[Key, ...]

    @property
    def primary(self) -> Key:
        if not self.keys:
            raise KeyRingError("ENCRYPTION_KEYS is empty: no key to encrypt with.")
        return self.keys[0]

    def get(self, key_id: str) -> Key | None:
        return self._by_id.get(key_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Key]:
        # Every stored value names its key: a dict, not a scan, on each of the thousands of reads a page can make.
        return {key.key_id: key for key in self.keys}


def parse_key_entry(entry: str) -> Key:
    """Parse one `id:64hex` entry, raising KeyRingError with a message that never echoes the secret."""
    match = _ENTRY_PATTERN.fullmatch(entry.strip())
    if match is None:
        raise KeyRingError("an ENCRYPTION_KEYS entry is not of the form id:64-hex-chars.")
    key_id, hex_secret = match["id"], match["hex"]
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise KeyRingError(f"key id {key_id[:40]!r} must be 1-32 characters of A-Z a-z 0-9 _ -.")
    if not _HEX_PATTERN.fullmatch(hex_secret):
        raise KeyRingError(f"key {key_id!r} must have exactly 64 hexadecimal characters (32 bytes).")
    return Key(key_id, bytes.fromhex(hex_secret))


def parse_key_ring(entries: Iterable[str]) -> KeyRing:
    keys = tuple(parse_key_entry(entry) for entry in entries if entry.strip())
    seen: set[str] = set()
    for key in keys:
        if key.key_id in seen:
            raise KeyRingError(f"key id {key.key_id!r} appears twice in ENCRYPTION_KEYS.")
        seen.add(key.key_id)
    return KeyRing(keys)


@functools.lru_cache(maxsize=8)
def _cached_ring(entries: tuple[str, ...]) -> KeyRing:
    return parse_key_ring(entries)


# The setting object the ring was last built from, and that ring: decrypting a value asks for the ring, and a page
# can decrypt hundreds. A changed setting is a new object (override_settings, the test fixture, a restart).
_last_ring: tuple[object, KeyRing] | None = None


def current_key_ring() -> KeyRing:
    """The ring from settings.ENCRYPTION_KEYS, cached per distinct setting value (override_settings works)."""
    global _last_ring
    setting = getattr(settings, "ENCRYPTION_KEYS", None)
    last = _last_ring
    if last is not None and last[0] is setting:
        return last[1]
    entries = setting or []
    if isinstance(entries, str):
        entries = entries.split(",")
    ring = _cached_ring(tuple(entries))
    _last_ring = (setting, ring)
    return ring


@functools.lru_cache(maxsize=64)
def _aead(secret: bytes) -> AESGCM:
    return AESGCM(secret)


def header_for(key_id: str) -> str:
    return f"{MAGIC}{key_id}$"


def _aad(header: str, context: str) -> bytes:
    return header.encode("ascii") + context.encode("utf-8")


def _seal(data: bytes, context: str, ring: KeyRing | None) -> tuple[str, bytes]:
    key = (ring or current_key_ring()).primary
    header = header_for(key.key_id)
    nonce = os.urandom(NONCE_BYTES)
    return header, nonce + _aead(key.secret).encrypt(nonce, data, _aad(header, context))


def _open(header: str, key_id: str, body: bytes, context: str, ring: KeyRing | None) -> bytes:
    key = (ring or current_key_ring()).get(key_id)
    if key is None:
        raise DecryptionError(
            f"cannot decrypt {context}: key {key_id!r} is not in ENCRYPTION_KEYS (removed too early, or lost)"
        )
    if len(body) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"cannot decrypt {context}: the value is truncated.")
    try:
        return _aead(key.secret).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _aad(header, context))
    except InvalidTag:
        raise DecryptionError(
            f"cannot decrypt {context}: authentication failed (the value was altered, or copied from another "
            "column or file)."
        ) from None


def encrypt_text(plaintext: str, *, context: str, ring: KeyRing | None = None) -> str:
    """Encrypt a string into a text token for a database column."""
    header, body = _seal(plaintext.encode("utf-8"), context, ring)
    return header + base64.urlsafe_b64encode(body).rstrip(b"=").decode("ascii")


def split_text_token(token: str) -> tuple[str, str, str] | None:
    """(header, key id, base64 body) of a text token; None if the value is not one (legacy plaintext)."""
    if not token.startswith(MAGIC):
        return None
    key_id, sep, body = token[len(MAGIC) :].partition("$")
    if not sep or not KEY_ID_PATTERN.fullmatch(key_id):
        return None
    return header_for(key_id), key_id, body


def decrypt_text(token: str, *, context: str, ring: KeyRing | None = None) -> str:
    parts = split_text_token(token)
    if parts is None:
        raise DecryptionError(
            f"cannot decrypt {context}: the stored value is not encrypted (legacy plaintext? run "
            "`manage.py encrypt_existing_data`) or its header is damaged."
        )
    header, key_id, encoded = parts
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError(f"cannot decrypt {context}: the value is not valid base64.") from None
    try:
        return _open(header, key_id, body, context, ring).decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError(f"cannot decrypt {context}: the plaintext is not UTF-8.") from None


# Plaintexts of values that pages show on every view (item names, stores), by token and context: decrypting
# costs about 2.5 µs a value, a look-up a tenth of that. A token never decrypts to anything else, so nothing goes
# stale; the memo is emptied when ENCRYPTION_KEYS changes, so a removed key is noticed. It lives in this process's
# memory only, as inventory.names does (docs/ENCRYPTION.md: the threat is a stolen dump or backup). Bounded by
# emptying it when full, which is rare and costs one round of decryption.
REMEMBERED_MAX = 20_000
_remembered: dict[tuple[str, str], str] = {}


def decrypt_text_remembered(token: str, *, context: str) -> str:
    """decrypt_text with the current key ring, remembering the plaintext for the next read of the same token."""
    key = (token, context)
    text = _remembered.get(key)
    if text is None:
        text = decrypt_text(token, context=context)
        if len(_remembered) >= REMEMBERED_MAX:
            _remembered.clear()
        _remembered[key] = text
    return text


def forget_remembered_plaintexts() -> None:
    _remembered.clear()


def _forget_on_new_keys(*, setting: str, **kwargs: object) -> None:
    if setting == "ENCRYPTION_KEYS":
        forget_remembered_plaintexts()


setting_changed.connect(_forget_on_new_keys, dispatch_uid="grapefruit.encryption.remembered_plaintexts")


def encrypt_bytes(data: bytes, *, context: str, ring: KeyRing | None = None) -> bytes:
    """Encrypt bytes (a file's content) into a binary token bound to `context`."""
    header, body = _seal(data, context, ring)
    return header.encode("ascii") + body


def split_binary_token(token: bytes) -> tuple[str, str, int] | None:
    """(header, key id, body offset) of a binary token, or None if the bytes are not one."""
    magic = MAGIC.encode("ascii")
    if not token.startswith(magic):
        return None
    end = token.find(b"$", len(magic), len(magic) + 33)
    key_id = token[len(magic) : end].decode("ascii", errors="replace") if end > 0 else ""
    if not KEY_ID_PATTERN.fullmatch(key_id):
        return None
    return header_for(key_id), key_id, end + 1


def decrypt_bytes(token: bytes, *, context: str, ring: KeyRing | None = None) -> bytes:
    parts = split_binary_token(token)
    if parts is None:
        raise DecryptionError(
            f"cannot decrypt {context}: the data is not encrypted or its header is damaged."
        )
    header, key_id, offset = parts
    return _open(header, key_id, token[offset:], context, ring)


def token_key_id(token: str | bytes) -> str | None:
    """The key id a stored value was encrypted under, without decrypting; None for a non-token."""
    parts = split_text_token(token) if isinstance(token, str) else split_binary_token(token)
    return parts[1] if parts else None


def plaintext_size(token_size: int, header_size: int) -> int:
    return token_size - header_size - NONCE_BYTES - TAG_BYTES


# Blind indexes --------------------------------------------------------------------------------------------


def normalise_for_index(value: str) -> str:
    """NFKC, casefold, collapse whitespace: "  Oat  MILK " and "oat milk" index the same."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


@functools.lru_cache(maxsize=256)
def _index_key(root: bytes, purpose: str) -> bytes:
    # A separate key per purpose: the same name indexed for two purposes cannot be linked across columns.
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"grapefruit blind index v1:" + purpose.encode()
    )
    return hkdf.derive(root)


@functools.lru_cache(maxsize=8)
def parse_index_key(value: str) -> bytes:
    """BLIND_INDEX_KEY: 64 hex characters (an `id:` prefix, as in ENCRYPTION_KEYS entries, is accepted)."""
    hex_secret = value.strip().rpartition(":")[2]
    if not _HEX_PATTERN.fullmatch(hex_secret):
        raise KeyRingError("BLIND_INDEX_KEY must have exactly 64 hexadecimal characters (32 bytes).")
    return bytes.fromhex(hex_secret)


def index_root() -> bytes:
    """The secret blind indexes derive from: BLIND_INDEX_KEY, or the primary encryption key when it is unset.

    BLIND_INDEX_KEY exists so indexes stay stable across encryption-key rotation: many indexes are computed
    from derived inputs (a file digest, a fingerprint of several rows) that a generic rotation cannot recompute.
    The fallback keeps a fresh install working; the system check asks for BLIND_INDEX_KEY before a rotation
    would change every index.
    """
    configured = getattr(settings, "BLIND_INDEX_KEY", "")
    return parse_index_key(configured) if configured else current_key_ring().primary.secret


def blind_index_under(root: bytes, value: str, purpose: str) -> str:
    message = normalise_for_index(value).encode("utf-8")
    return hmac.new(_index_key(root, purpose), message, hashlib.sha256).hexdigest()


def keyed_digest(message: bytes, *, purpose: str) -> str:
    """HMAC-SHA256 hex of `message`, exactly as given, under a key derived for `purpose` from the index root.

    For lookup keys over sensitive input (the LLM cache): only this server can compute them, so a copy of the
    database cannot be used to confirm a guessed input, and they survive encryption-key rotation.
    """
    return hmac.new(_index_key(index_root(), purpose), message, hashlib.sha256).hexdigest()


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 hex of the normalised value under a per-purpose key derived (HKDF) from the index root.

    Equal after normalisation (NFKC, casefold, collapsed whitespace) means equal index. Stable across
    encryption-key rotation when BLIND_INDEX_KEY is set (see index_root).
    """
    return blind_index_under(index_root(), value, purpose)


# Key generation -------------------------------------------------------------------------------------------


def new_key_entry(key_id: str | None = None) -> str:
    """A fresh `id:64hex` entry; the default id is dated so an operator can tell keys apart."""
    key_id = key_id or f"k{datetime.now(UTC):%Y%m%d}{secrets.token_hex(2)}"
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise KeyRingError(f"key id {key_id!r} must be 1-32 characters of A-Z a-z 0-9 _ -.")
    return f"{key_id}:{secrets.token_hex(KEY_BYTES)}"


def ensure_local_key_file(path: Path) -> list[str]:
    """The embedded default's key ring: create `path` (0600) with one fresh key if missing; return entries.

    One entry per line; the first encrypts. Safe when two processes start at once: the file is created
    exclusively, and the loser reads the winner's key.
    """
    return _local_secret(path, new_key_entry, "encryption key")


def ensure_local_index_key_file(path: Path) -> str:
    """The embedded default's BLIND_INDEX_KEY: create `path` (0600) with 64 fresh hex chars if missing."""
    return _local_secret(path, lambda: secrets.token_hex(KEY_BYTES), "blind-index key")[0]


def _local_secret(path: Path, generate: Callable[[], str], what: str) -> list[str]:
    try:
        return private_file_lines(path, generate=generate, what=what)
    except LocalSecretError as error:
        raise KeyRingError(str(error)) from error

"""Encryption at rest: the key ring (keyring.py, the only reader of keys) and the encrypted model fields.

Import from here: `from grapefruit.encryption import EncryptedTextField, BlindIndexField, blind_index`.
See docs/ENCRYPTION.md for the format, rotation and key handling.
"""

from grapefruit.encryption.fields import (
    BlindIndexField,
    EncryptedDecimalField,
    EncryptedFieldMixin,
    EncryptedJSONField,
    EncryptedTextField,
    blind_index_fields,
    encrypted_fields,
)
from grapefruit.encryption.keyring import (
    DecryptionError,
    EncryptionError,
    KeyRingError,
    blind_index,
    current_key_ring,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    ensure_local_index_key_file,
    ensure_local_key_file,
    keyed_digest,
    new_key_entry,
    token_key_id,
)

__all__ = [
    "BlindIndexField",
    "DecryptionError",
    "EncryptedDecimalField",
    "EncryptedFieldMixin",
    "EncryptedJSONField",
    "EncryptedTextField",
    "EncryptionError",
    "KeyRingError",
    "blind_index",
    "blind_index_fields",
    "current_key_ring",
    "decrypt_bytes",
    "decrypt_text",
    "encrypt_bytes",
    "encrypt_text",
    "encrypted_fields",
    "ensure_local_index_key_file",
    "ensure_local_key_file",
    "keyed_digest",
    "new_key_entry",
    "token_key_id",
]

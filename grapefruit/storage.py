"""File storage that encrypts uploads (receipt photos and PDFs) on disk with the database's key ring.

A file on disk is one binary token (grapefruit.encryption.keyring): header with the key id, nonce,
ciphertext, tag. Files are held in memory while encrypted or decrypted; uploads are capped by
OCR_MAX_UPLOAD_BYTES (15 MB).

The associated data is a constant, not the file name: Django may pick another name while saving, and an
operator may move the media directory. (A file swapped for another one still decrypts; the database, where the
household-scoped file name lives, guards against that.) Files must be served through a view that opens them,
never by the web server from MEDIA_ROOT: `url()` would hand out ciphertext.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from grapefruit.encryption.keyring import (
    DecryptionError,
    current_key_ring,
    decrypt_bytes,
    encrypt_bytes,
    plaintext_size,
    split_binary_token,
)

FILE_CONTEXT = "grapefruit.storage.file"
_TMP_PREFIX = ".gf-rewrite-"
_HEADER_PEEK = 64


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that encrypts content on save and decrypts on open (read modes only)."""

    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        token = encrypt_bytes(b"".join(content.chunks()), context=FILE_CONTEXT)
        # A ContentFile also stops FileSystemStorage from moving a temporary upload into place unencrypted.
        return super()._save(name, ContentFile(token))

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(flag in mode for flag in "wa+x"):
            raise ValueError(f"{name}: encrypted files are written with save(), not opened in mode {mode!r}.")
        data = self.decrypt_file(name)
        return ContentFile(data if "b" in mode else data.decode("utf-8"), name=name)

    def size(self, name: str) -> int:
        parts = split_binary_token(self._peek(name))
        if parts is None:
            raise DecryptionError(f"file {name}: not encrypted (run `manage.py encrypt_existing_data`).")
        return plaintext_size(os.path.getsize(self.path(name)), parts[2])

    # Used by the rotation and legacy-encryption commands ---------------------------------------------------

    def decrypt_file(self, name: str) -> bytes:
        try:
            return decrypt_bytes(Path(self.path(name)).read_bytes(), context=FILE_CONTEXT)
        except DecryptionError as error:
            raise DecryptionError(f"file {name}: {error}") from None

    def key_id(self, name: str) -> str | None:
        """The id of the key the file is encrypted under; None if it is not encrypted."""
        parts = split_binary_token(self._peek(name))
        return parts[1] if parts else None

    def rewrite_under_primary(self, name: str, *, encrypt_plaintext: bool = False) -> bool:
        """Re-encrypt a file under the primary key (or encrypt a legacy plaintext file when asked).

        Returns whether the file changed. The new content replaces the old atomically (write, fsync, rename),
        so an interrupted run leaves either the old or the new file, both readable.
        """
        key_id = self.key_id(name)
        if key_id == current_key_ring().primary.key_id:
            return False
        if key_id is None and not encrypt_plaintext:
            raise DecryptionError(f"file {name}: not encrypted (run `manage.py encrypt_existing_data`).")
        data = Path(self.path(name)).read_bytes() if key_id is None else self.decrypt_file(name)
        self._replace(name, encrypt_bytes(data, context=FILE_CONTEXT))
        return True

    def iter_names(self) -> Iterator[str]:
        """Every stored file name under the storage's location (leftover temporary files excluded)."""
        root = Path(self.location)
        if not root.is_dir():
            return
        for directory, _dirs, files in os.walk(root):
            for filename in sorted(files):
                if not filename.startswith(_TMP_PREFIX):
                    yield (Path(directory) / filename).relative_to(root).as_posix()

    def _peek(self, name: str) -> bytes:
        with open(self.path(name), "rb") as handle:
            return handle.read(_HEADER_PEEK)

    def _replace(self, name: str, token: bytes) -> None:
        target = Path(self.path(name))
        fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(token)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, target.stat().st_mode & 0o777)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def encrypted_storages() -> list[EncryptedFileSystemStorage]:
    """The default storage and every FileField storage that encrypts, one per location."""
    from django.apps import apps
    from django.core.files.storage import storages
    from django.db import models

    found = [storages["default"]] + [
        field.storage
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.FileField)
    ]
    unique: dict[str, EncryptedFileSystemStorage] = {}
    for storage in found:
        storage = getattr(storage, "_wrapped", storage)
        if isinstance(storage, EncryptedFileSystemStorage):
            unique.setdefault(str(storage.location), storage)
    return list(unique.values())

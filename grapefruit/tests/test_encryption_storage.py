"""Uploaded files are encrypted on disk by the default storage and decrypted when opened."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import TemporaryUploadedFile

from grapefruit.encryption import DecryptionError
from grapefruit.tests.encryption_testapp.models import Attachment

pytestmark = pytest.mark.django_db

OLD = "old:" + "a1" * 32
NEW = "new:" + "b2" * 32
RECEIPT = b"REWE Markt\nHafermilch 1,49\nSUMME EUR 12,34\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_saved_file_is_encrypted_on_disk_and_opens_decrypted(media):
    attachment = Attachment.objects.create(upload=ContentFile(RECEIPT, name="receipt.txt"))

    on_disk = (Path(media) / attachment.upload.name).read_bytes()

    assert on_disk.startswith(b"$gf1$new$")
    assert b"Hafermilch" not in on_disk
    with Attachment.objects.get().upload.open("rb") as handle:
        assert handle.read() == RECEIPT
    assert attachment.upload.size == len(RECEIPT)


def test_large_upload_spooled_to_a_temporary_file_is_encrypted_too(media):
    upload = TemporaryUploadedFile("scan.pdf", "application/pdf", len(RECEIPT), None)
    upload.write(RECEIPT)

    attachment = Attachment.objects.create(upload=upload)

    assert b"Hafermilch" not in (Path(media) / attachment.upload.name).read_bytes()
    assert storages["default"].open(attachment.upload.name).read() == RECEIPT


def test_tampered_file_raises_an_error_naming_the_file(media):
    attachment = Attachment.objects.create(upload=ContentFile(RECEIPT, name="receipt.txt"))
    path = Path(media) / attachment.upload.name
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))

    with pytest.raises(DecryptionError, match=r"file encryption-test/receipt.*authentication failed"):
        storages["default"].open(attachment.upload.name)


def test_file_under_a_removed_key_raises(settings, media):
    settings.ENCRYPTION_KEYS = [OLD]
    attachment = Attachment.objects.create(upload=ContentFile(RECEIPT, name="receipt.txt"))
    settings.ENCRYPTION_KEYS = [NEW]

    with pytest.raises(DecryptionError, match="key 'old' is not in ENCRYPTION_KEYS"):
        storages["default"].open(attachment.upload.name)


def test_opening_for_writing_is_refused(media):
    attachment = Attachment.objects.create(upload=ContentFile(RECEIPT, name="receipt.txt"))

    with pytest.raises(ValueError, match="written with save"):
        storages["default"].open(attachment.upload.name, "wb")


def test_rewrite_under_primary_reencrypts_old_files_and_encrypts_plaintext_only_when_asked(settings, media):
    settings.ENCRYPTION_KEYS = [OLD]
    storage = storages["default"]
    old_name = storage.save("old.txt", ContentFile(RECEIPT))
    Path(media, "legacy.txt").write_bytes(RECEIPT)
    settings.ENCRYPTION_KEYS = [NEW, OLD]

    assert storage.rewrite_under_primary(old_name) is True
    assert storage.rewrite_under_primary(old_name) is False
    with pytest.raises(DecryptionError, match="not encrypted"):
        storage.rewrite_under_primary("legacy.txt")
    assert storage.rewrite_under_primary("legacy.txt", encrypt_plaintext=True) is True

    assert {storage.key_id(name) for name in storage.iter_names()} == {"new"}
    assert storage.open("legacy.txt").read() == storage.open(old_name).read() == RECEIPT

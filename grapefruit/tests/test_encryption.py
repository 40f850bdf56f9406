"""The key ring, the token format and the blind index, without the database."""

import os
import stat

import pytest

from grapefruit.encryption import (
    DecryptionError,
    KeyRingError,
    blind_index,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    ensure_local_index_key_file,
    ensure_local_key_file,
    new_key_entry,
    token_key_id,
)
from grapefruit.encryption.keyring import parse_key_entry, parse_key_ring

OLD = "old:" + "a1" * 32
NEW = "new:" + "b2" * 32


@pytest.fixture
def keys(settings):
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    return settings


def _flip(token: str, position: int) -> str:
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


def test_text_round_trips_and_names_the_primary_key(keys):
    token = encrypt_text("Oat milk", context="inventory_item.name")

    assert token.startswith("$gf1$new$")
    assert "Oat milk" not in token
    assert token_key_id(token) == "new"
    assert decrypt_text(token, context="inventory_item.name") == "Oat milk"


def test_each_encryption_uses_a_fresh_nonce(keys):
    assert encrypt_text("milk", context="t.c") != encrypt_text("milk", context="t.c")


def test_tampering_with_one_character_raises_naming_the_context(keys):
    token = encrypt_text("Oat milk", context="inventory_item.name")

    with pytest.raises(DecryptionError, match=r"inventory_item\.name.*authentication failed"):
        decrypt_text(_flip(token, len(token) - 5), context="inventory_item.name")


def test_ciphertext_from_another_column_does_not_decrypt(keys):
    token = encrypt_text("Oat milk", context="inventory_item.name")

    with pytest.raises(DecryptionError, match=r"orders_order\.tracking_number"):
        decrypt_text(token, context="orders_order.tracking_number")


def test_relabelling_a_token_with_another_key_id_fails(keys):
    token = encrypt_text("Oat milk", context="t.c")

    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt_text(token.replace("$new$", "$old$", 1), context="t.c")


def test_value_under_old_key_decrypts_after_a_new_primary_is_added(settings):
    settings.ENCRYPTION_KEYS = [OLD]
    token = encrypt_text("Oat milk", context="t.c")
    settings.ENCRYPTION_KEYS = [NEW, OLD]

    assert token_key_id(token) == "old"
    assert decrypt_text(token, context="t.c") == "Oat milk"


def test_removed_key_raises_naming_the_key_and_context(settings):
    settings.ENCRYPTION_KEYS = [OLD]
    token = encrypt_text("Oat milk", context="t.c")
    settings.ENCRYPTION_KEYS = [NEW]

    with pytest.raises(DecryptionError, match=r"t\.c: key 'old' is not in ENCRYPTION_KEYS"):
        decrypt_text(token, context="t.c")


def test_plaintext_is_never_returned_as_if_decrypted(keys):
    with pytest.raises(DecryptionError, match="not encrypted"):
        decrypt_text("Oat milk", context="t.c")


def test_bytes_round_trip_and_refuse_tampering(keys):
    token = encrypt_bytes(b"%PDF receipt", context="file")

    assert token.startswith(b"$gf1$new$")
    assert b"receipt" not in token
    assert decrypt_bytes(token, context="file") == b"%PDF receipt"
    tampered = token[:-1] + bytes([token[-1] ^ 1])
    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt_bytes(tampered, context="file")


def test_encrypting_without_keys_raises_key_ring_error(settings):
    settings.ENCRYPTION_KEYS = []

    with pytest.raises(KeyRingError, match="empty"):
        encrypt_text("x", context="t.c")


@pytest.mark.parametrize(
    "entry",
    [
        "a1" * 32,
        "k1:" + "a1" * 31,
        "k1:" + "zz" * 32,
        "bad id:" + "a1" * 32,
        ":" + "a1" * 32,
        "x" * 33 + ":" + "a1" * 32,
    ],
)
def test_malformed_key_entries_are_rejected_without_echoing_the_secret(entry):
    with pytest.raises(KeyRingError) as error:
        parse_key_entry(entry)

    assert "a1a1a1" not in str(error.value)


def test_duplicate_key_ids_are_rejected():
    with pytest.raises(KeyRingError, match="'k1' appears twice"):
        parse_key_ring(["k1:" + "a1" * 32, "k1:" + "b2" * 32])


def test_key_repr_hides_the_secret():
    assert "a1" not in repr(parse_key_entry("k1:" + "a1" * 32))


def test_blind_index_normalises_case_whitespace_and_unicode_forms(keys):
    purpose = "inventory.item.name"

    assert blind_index("  Oat \t MILK ", purpose=purpose) == blind_index("oat milk", purpose=purpose)
    assert blind_index("Cafe\u0301", purpose=purpose) == blind_index("café", purpose=purpose)
    assert blind_index("oat milk", purpose=purpose) != blind_index("oat milks", purpose=purpose)
    assert len(blind_index("oat milk", purpose=purpose)) == 64


def test_blind_index_differs_per_purpose(keys):
    assert blind_index("milk", purpose="inventory.item.name") != blind_index(
        "milk", purpose="orders.cart.name"
    )


def test_blind_index_is_stable_across_rotation_when_blind_index_key_is_set(settings):
    settings.BLIND_INDEX_KEY = "c3" * 32
    settings.ENCRYPTION_KEYS = [OLD]
    before = blind_index("milk", purpose="p")
    settings.ENCRYPTION_KEYS = [NEW]

    assert blind_index("milk", purpose="p") == before


def test_blind_index_key_is_not_the_encryption_key_itself(settings):
    settings.BLIND_INDEX_KEY = ""
    settings.ENCRYPTION_KEYS = [NEW]
    under_primary = blind_index("milk", purpose="p")
    settings.BLIND_INDEX_KEY = NEW.split(":")[1]

    # Same root secret, so the same index: the index key is derived from it (HKDF), never the secret itself.
    assert blind_index("milk", purpose="p") == under_primary
    assert NEW.split(":")[1] not in under_primary


def test_without_blind_index_key_indexes_follow_the_primary_key(settings):
    settings.BLIND_INDEX_KEY = ""
    settings.ENCRYPTION_KEYS = [OLD]
    under_old = blind_index("milk", purpose="p")
    settings.ENCRYPTION_KEYS = [NEW, OLD]

    assert blind_index("milk", purpose="p") != under_old


def test_malformed_blind_index_key_is_rejected(settings):
    settings.BLIND_INDEX_KEY = "short"

    with pytest.raises(KeyRingError, match="BLIND_INDEX_KEY"):
        blind_index("milk", purpose="p")


def test_local_index_key_file_is_created_once_with_mode_0600(tmp_path):
    path = tmp_path / "blind_index.key"

    first = ensure_local_index_key_file(path)

    assert first == ensure_local_index_key_file(path)
    assert len(bytes.fromhex(first)) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_local_key_file_is_created_once_with_mode_0600(tmp_path, capsys):
    path = tmp_path / "var" / "encryption.key"

    first = ensure_local_key_file(path)
    second = ensure_local_key_file(path)

    assert first == second
    assert len(first) == 1
    parse_key_ring(first)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "generated a new encryption key" in capsys.readouterr().err


def test_empty_local_key_file_is_an_error_not_a_silent_new_key(tmp_path):
    path = tmp_path / "encryption.key"
    path.write_text("")

    with pytest.raises(KeyRingError, match="empty"):
        ensure_local_key_file(path)


def test_generated_key_entries_parse_and_differ():
    first, second = new_key_entry(), new_key_entry("k2026")

    assert parse_key_entry(first).secret != parse_key_entry(second).secret
    assert second.startswith("k2026:")


def test_remembered_plaintexts_answer_without_decrypting_and_are_forgotten_with_the_keys(keys, monkeypatch):
    from grapefruit.encryption import keyring

    token = encrypt_text("Oat milk", context="inventory_item.name")
    assert keyring.decrypt_text_remembered(token, context="inventory_item.name") == "Oat milk"

    def no_decrypting(*args, **kwargs):
        raise AssertionError("decrypted again")

    monkeypatch.setattr(keyring, "decrypt_text", no_decrypting)
    assert keyring.decrypt_text_remembered(token, context="inventory_item.name") == "Oat milk"
    monkeypatch.undo()

    # The same token under another column's context is not a remembered value: it fails as decrypt_text does.
    with pytest.raises(DecryptionError, match="authentication failed"):
        keyring.decrypt_text_remembered(token, context="receipts_receipt.merchant")

    keys.ENCRYPTION_KEYS = [
        OLD
    ]  # the key that encrypted it is gone: the value must fail, not come from memory
    with pytest.raises(DecryptionError, match="'new' is not in ENCRYPTION_KEYS"):
        keyring.decrypt_text_remembered(token, context="inventory_item.name")


def test_remembered_plaintexts_stay_bounded(keys, monkeypatch):
    from grapefruit.encryption import keyring

    monkeypatch.setattr(keyring, "REMEMBERED_MAX", 3)
    keyring.forget_remembered_plaintexts()
    for name in ("a", "b", "c", "d"):
        token = encrypt_text(name, context="t.c")
        assert keyring.decrypt_text_remembered(token, context="t.c") == name
    assert len(keyring._remembered) <= 3

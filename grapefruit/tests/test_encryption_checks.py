"""System checks refuse a start with missing, malformed or duplicate encryption keys."""

import pytest
from django.core import checks

from grapefruit.encryption_checks import check_blind_index_key, check_encryption_keys, check_local_key_file

GOOD = "k1:" + "3f9a0c7e51d2b8e46a1f0c9d7e2b5a8c3d6f1e0a9b8c7d6e5f4a3b2c1d0e9f8a"
OTHER = "k0:" + "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def production(settings):
    settings.EMBEDDED = False
    settings.DEBUG = False
    return settings


def test_valid_keys_pass(production):
    production.ENCRYPTION_KEYS = [GOOD, OTHER]

    assert check_encryption_keys() == []


def test_production_without_a_key_fails(production):
    production.ENCRYPTION_KEYS = []

    messages = check_encryption_keys()

    assert ids(messages) == ["encryption.E001"]
    assert "generate_encryption_key" in messages[0].hint


def test_malformed_key_fails_without_showing_the_secret(production):
    production.ENCRYPTION_KEYS = [GOOD, "k2:" + "3f9a0c7e" * 7]

    messages = check_encryption_keys()

    assert ids(messages) == ["encryption.E002"]
    assert "entry 2" in messages[0].msg
    assert "3f9a0c7e" not in messages[0].msg


def test_duplicate_key_ids_fail(production):
    production.ENCRYPTION_KEYS = [GOOD, "k1:" + OTHER.split(":")[1]]

    assert ids(check_encryption_keys()) == ["encryption.E003"]


def test_placeholder_key_fails_in_production_only(production):
    production.ENCRYPTION_KEYS = ["k1:" + "00" * 32]
    assert ids(check_encryption_keys()) == ["encryption.E004"]

    production.DEBUG = True
    assert check_encryption_keys() == []


def test_checks_are_registered_with_django(production):
    production.ENCRYPTION_KEYS = []

    assert "encryption.E001" in ids(checks.run_checks(tags=[checks.Tags.security]))


def test_embedded_key_file_readable_by_others_warns(settings, tmp_path):
    settings.EMBEDDED = True
    settings.VAR_DIR = tmp_path
    key_file = tmp_path / "encryption.key"
    key_file.write_text(GOOD + "\n")
    key_file.chmod(0o644)
    assert ids(check_local_key_file()) == ["encryption.W001"]

    key_file.chmod(0o600)
    assert check_local_key_file() == []


def test_blind_indexes_of_installed_models_follow_encrypted_fields():
    assert not [
        message for message in checks.run_checks(tags=[checks.Tags.models]) if message.id == "encryption.E005"
    ]


def test_missing_blind_index_key_fails_in_production_and_warns_elsewhere(production):
    production.ENCRYPTION_KEYS = [GOOD]
    production.BLIND_INDEX_KEY = ""
    assert ids(check_blind_index_key()) == ["encryption.E006"]

    production.DEBUG = True
    assert ids(check_blind_index_key()) == ["encryption.W002"]


def test_blind_index_key_must_be_well_formed_and_independent(production):
    production.ENCRYPTION_KEYS = [GOOD]
    production.BLIND_INDEX_KEY = "abc"
    assert ids(check_blind_index_key()) == ["encryption.E007"]

    production.BLIND_INDEX_KEY = GOOD.split(":")[1]
    assert ids(check_blind_index_key()) == ["encryption.E008"]

    production.BLIND_INDEX_KEY = OTHER.split(":")[1]
    assert check_blind_index_key() == []

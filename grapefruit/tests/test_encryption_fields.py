"""Encrypted model fields against the real database: raw columns hold no plaintext and every failure is loud."""

from decimal import Decimal

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection

from grapefruit.encryption import DecryptionError, EncryptedTextField, blind_index
from grapefruit.tests.encryption_testapp.models import Secret

pytestmark = pytest.mark.django_db

OLD = "old:" + "a1" * 32
NEW = "new:" + "b2" * 32
ENCRYPTED_COLUMNS = ("name", "notes", "payload", "amount")
PURPOSE = "encryption_testapp.secret.name"


@pytest.fixture(autouse=True)
def keys(settings):
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    return settings


# The tests read and write raw columns to see what a database dump would show; the SQL is built only from
# constant column names, never from input.
def raw_row(pk: int) -> dict[str, str | None]:
    columns = (*ENCRYPTED_COLUMNS, "name_index", "label")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {Secret._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(columns, cursor.fetchone(), strict=True))


def set_raw(pk: int, **values: str | None) -> None:
    assignments = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Secret._meta.db_table} SET {assignments} WHERE id = %s",  # noqa: S608
            [*values.values(), pk],
        )


def make_secret(**overrides) -> Secret:
    values = {
        "name": "Oatly Barista oat milk",
        "notes": "Buy at the Rewe on Hauptstrasse",
        "payload": {"brand": "Oatly", "vendor_order_id": "ORD-99321"},
        "amount": Decimal("12.34"),
        "label": "control",
        **overrides,
    }
    return Secret.objects.create(**values)


def test_raw_columns_hold_no_plaintext_of_any_encrypted_field():
    secret = make_secret()

    raw = raw_row(secret.pk)

    for column in ENCRYPTED_COLUMNS:
        assert raw[column].startswith("$gf1$new$"), column
    dump = " ".join(str(value) for value in raw.values()).casefold()
    for plaintext in ("oatly", "oat milk", "rewe", "hauptstrasse", "ord-99321", "12.34", "brand"):
        assert plaintext not in dump
    assert raw["label"] == "control"


def test_values_round_trip_through_the_database():
    secret = make_secret(amount=Decimal("1.5"))

    loaded = Secret.objects.get(pk=secret.pk)

    assert loaded.name == "Oatly Barista oat milk"
    assert loaded.notes == "Buy at the Rewe on Hauptstrasse"
    assert loaded.payload == {"brand": "Oatly", "vendor_order_id": "ORD-99321"}
    assert loaded.amount == Decimal("1.50")
    assert str(loaded.amount) == "1.50"


def test_null_values_stay_null_and_isnull_lookups_work():
    secret = make_secret(notes=None, payload=None, amount=None)

    assert raw_row(secret.pk)["notes"] is None
    assert list(Secret.objects.filter(notes__isnull=True)) == [secret]
    assert not Secret.objects.filter(payload__isnull=False).exists()


def test_tampering_with_one_byte_raises_an_error_naming_the_field():
    secret = make_secret()
    token = raw_row(secret.pk)["amount"]
    set_raw(secret.pk, amount=token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:])

    with pytest.raises(DecryptionError, match=r"encryption_testapp\.Secret\.amount: .*authentication failed"):
        Secret.objects.get(pk=secret.pk)


def test_ciphertext_moved_to_another_column_raises_an_error_naming_the_field():
    secret = make_secret()
    set_raw(secret.pk, notes=raw_row(secret.pk)["name"])

    with pytest.raises(DecryptionError, match=r"encryption_testapp\.Secret\.notes: .*another column"):
        Secret.objects.get(pk=secret.pk)


def test_ciphertext_moved_to_another_row_of_the_same_column_still_decrypts():
    # Documented limit: the associated data binds table and column, not the row.
    first, second = make_secret(name="first"), make_secret(name="second")
    set_raw(second.pk, name=raw_row(first.pk)["name"])

    assert Secret.objects.get(pk=second.pk).name == "first"


def test_removing_a_values_key_raises_an_error_naming_the_field_and_key(settings):
    settings.ENCRYPTION_KEYS = [OLD]
    secret = make_secret()
    settings.ENCRYPTION_KEYS = [NEW]

    with pytest.raises(DecryptionError, match=r"encryption_testapp\.Secret\.name: .*key 'old' is not in"):
        Secret.objects.get(pk=secret.pk)


def test_legacy_plaintext_in_a_column_raises_instead_of_being_shown():
    secret = make_secret()
    set_raw(secret.pk, notes="plain words")

    with pytest.raises(DecryptionError, match=r"Secret\.notes: .*encrypt_existing_data"):
        Secret.objects.get(pk=secret.pk)


@pytest.mark.parametrize(
    "lookup", [{"name": "x"}, {"name__icontains": "x"}, {"amount__gt": 1}, {"payload__brand": "x"}]
)
def test_lookups_other_than_isnull_are_refused(lookup):
    with pytest.raises(FieldError, match="is encrypted"):
        Secret.objects.filter(**lookup)


@pytest.mark.parametrize("option", ["unique", "db_index", "primary_key"])
def test_unique_and_indexed_encrypted_fields_are_refused(option):
    with pytest.raises(ImproperlyConfigured, match=option):
        EncryptedTextField(**{option: True})


def test_blind_index_finds_a_row_by_its_normalised_value():
    secret = make_secret(name="Oat Milk")

    assert raw_row(secret.pk)["name_index"] == blind_index("oat milk", purpose=PURPOSE)
    assert Secret.objects.get(name_index=blind_index("  OAT milk", purpose=PURPOSE)) == secret


def test_blind_index_is_recomputed_when_the_value_changes():
    secret = make_secret(name="Oat milk")
    secret.name = "Soy milk"
    secret.save()

    assert Secret.objects.get(name_index=blind_index("soy milk", purpose=PURPOSE)) == secret


def test_unique_constraint_on_the_blind_index_rejects_a_duplicate_name():
    make_secret(name="Oat milk")

    with pytest.raises(IntegrityError):
        make_secret(name="OAT  MILK")


def test_encrypted_json_field_rejects_unserialisable_values():
    secret = Secret(name="x", payload={"when": object()})

    with pytest.raises(ValidationError, match="valid JSON"):
        secret.full_clean()


def test_encrypted_decimal_field_validates_like_decimal_field():
    secret = Secret(name="x", amount=Decimal("123456789.12"))

    with pytest.raises(ValidationError):
        secret.full_clean()


def test_encrypt_existing_data_encrypts_legacy_rows_and_is_idempotent(capsys):
    secret = make_secret()
    set_raw(
        secret.pk, name="Legacy milk", notes="", payload='{"brand": "Old"}', amount="3.50", name_index=None
    )

    call_command("encrypt_existing_data", "--no-progress")
    first_run = capsys.readouterr().out
    raw = raw_row(secret.pk)
    call_command("encrypt_existing_data", "--no-progress")

    assert "Encrypted 1 rows" in first_run
    assert "Encrypted 0 rows" in capsys.readouterr().out
    assert all(raw[column].startswith("$gf1$new$") for column in ENCRYPTED_COLUMNS)
    assert raw_row(secret.pk) == raw
    loaded = Secret.objects.get(pk=secret.pk)
    assert (loaded.name, loaded.notes, loaded.payload, loaded.amount) == (
        "Legacy milk",
        "",
        {"brand": "Old"},
        Decimal("3.50"),
    )
    assert raw["name_index"] == blind_index("legacy milk", purpose=PURPOSE)


def test_encrypt_existing_data_dry_run_only_counts(capsys):
    secret = make_secret()
    set_raw(secret.pk, notes="plain words")

    call_command("encrypt_existing_data", "--dry-run")

    assert "1 rows and 0 files would be encrypted" in capsys.readouterr().out
    assert raw_row(secret.pk)["notes"] == "plain words"

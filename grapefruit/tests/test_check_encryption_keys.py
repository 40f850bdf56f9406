"""`manage.py check_encryption_keys`: can the keys in the environment read the stored (or restored) data?"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from grapefruit.tests.encryption_testapp.models import Secret

OLD = "old:" + "a1" * 32
NEW = "new:" + "b2" * 32
NEW_WITH_ANOTHER_SECRET = "new:" + "c3" * 32


def fill(*, keys: list[str], settings, first: int = 0) -> None:
    settings.ENCRYPTION_KEYS = keys
    for n in range(first, first + 3):
        Secret.objects.create(name=f"item {n}", notes=f"note {n}", payload={"n": n}, amount=Decimal("1.50"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_keys_that_read_everything_pass_and_each_column_is_counted_per_key(settings, media, capsys):
    fill(keys=[OLD], settings=settings)
    fill(keys=[NEW, OLD], settings=settings, first=3)
    storages["default"].save("scan.txt", ContentFile(b"TOTAL 9.99"))

    call_command("check_encryption_keys")

    out = capsys.readouterr().out
    assert "encryption_testapp.Secret.name: 6 stored (new: 3, old: 3), 6 sampled" in out
    assert f"files in {media}: 1 stored (new: 1), 1 sampled" in out
    assert "Every sampled value decrypts" in out


@pytest.mark.django_db
def test_a_missing_key_is_named_with_the_columns_and_files_that_need_it(settings, media):
    fill(keys=[OLD], settings=settings)
    storages["default"].save("scan.txt", ContentFile(b"TOTAL 9.99"))
    settings.ENCRYPTION_KEYS = [NEW]

    with pytest.raises(CommandError) as failure:
        call_command("check_encryption_keys")

    message = str(failure.value)
    assert "key 'old' is not in ENCRYPTION_KEYS" in message
    for label in ("encryption_testapp.Secret.name", "encryption_testapp.Secret.amount", f"files in {media}"):
        assert label in message
    assert "item 1" not in message  # never a plaintext


@pytest.mark.django_db
def test_a_key_with_the_right_id_and_the_wrong_secret_fails_the_sample(settings, media):
    fill(keys=[NEW], settings=settings)
    settings.ENCRYPTION_KEYS = [NEW_WITH_ANOTHER_SECRET]

    with pytest.raises(CommandError, match=r"Secret\.name: 3 sampled values under key 'new' do not decrypt"):
        call_command("check_encryption_keys")


@pytest.mark.django_db
def test_another_blind_index_key_is_reported(settings, media):
    fill(keys=[NEW], settings=settings)
    settings.BLIND_INDEX_KEY = "44" * 32

    with pytest.raises(CommandError, match=r"Secret\.name_index: 3 of 3 sampled blind indexes differ"):
        call_command("check_encryption_keys")


@pytest.mark.django_db
def test_plaintext_left_in_an_encrypted_column_is_reported(settings, media):
    fill(keys=[NEW], settings=settings)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE encryption_testapp_secret SET notes = %s WHERE id = %s",
            ["legacy", Secret.objects.first().pk],
        )

    with pytest.raises(CommandError, match=r"Secret\.notes: 1 values are not encrypted"):
        call_command("check_encryption_keys")


def _restore_command(database: str, keys: str, var_dir) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "ENCRYPTION_KEYS": keys,
        "GRAPEFRUIT_VAR_DIR": str(var_dir),  # no media files: this check is about the database dump
        "DJANGO_SETTINGS_MODULE": "grapefruit.settings_test",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check_encryption_keys"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_a_database_restored_from_pg_dump_is_readable_with_the_keys_and_names_a_lost_one(settings, tmp_path):
    fill(keys=[NEW, OLD], settings=settings)
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restore"
    dump = tmp_path / "grapefruit.dump"
    # README "Backups": pg_dump --format=custom, then pg_restore into an empty database.
    subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--format=custom", f"--file={dump}", source],
        check=True,
    )
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
        try:
            subprocess.run(
                [
                    "pg_restore",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "--no-owner",
                    f"--dbname={restored}",
                    dump,
                ],
                check=True,
            )
            readable = _restore_command(restored, f"{NEW},{OLD}", tmp_path / "var")
            lost = _restore_command(restored, OLD, tmp_path / "var")
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')

    assert readable.returncode == 0, readable.stderr
    assert "encryption_testapp.Secret.payload: 3 stored (new: 3), 3 sampled" in readable.stdout
    assert lost.returncode == 1
    assert "key 'new' is not in ENCRYPTION_KEYS" in lost.stderr

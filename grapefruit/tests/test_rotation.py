"""Key rotation: every encrypted value, blind index and file moves to the new primary key, resumably."""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection

from grapefruit.encryption import blind_index, token_key_id
from grapefruit.encryption.keyring import blind_index_under, parse_key_entry
from grapefruit.tests.encryption_testapp.models import Secret

OLD = "old:" + "a1" * 32
NEW = "new:" + "b2" * 32
PURPOSE = "encryption_testapp.secret.name"
TABLE = Secret._meta.db_table


def raw_names() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, name_index FROM {TABLE} ORDER BY id")  # noqa: S608 (constant table name)
        return cursor.fetchall()


def fill(count: int) -> None:
    Secret.objects.bulk_create(
        Secret(name=f"item {n}", notes=f"note {n}", payload={"n": n}, amount=Decimal(n) / 100)
        for n in range(count)
    )


def run_check() -> int:
    try:
        call_command("rotate_encryption_key", "--check")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@pytest.mark.django_db
def test_rotation_moves_values_indexes_and_files_to_the_new_key(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    settings.ENCRYPTION_KEYS = [OLD]
    fill(30)
    Secret.objects.create(name="nothing else")
    file_name = storages["default"].save("receipt.txt", ContentFile(b"SUMME 12,34"))
    settings.ENCRYPTION_KEYS = [NEW, OLD]

    call_command("rotate_encryption_key", "--no-progress", "--batch-size", "7")

    assert "Re-encrypted 31 rows and 1 files under key 'new'" in capsys.readouterr().out
    assert {token_key_id(name) for name, _index in raw_names()} == {"new"}
    settings.ENCRYPTION_KEYS = [NEW]
    assert Secret.objects.get(name_index=blind_index("Item 7", purpose=PURPOSE)).payload == {"n": 7}
    assert Secret.objects.get(name_index=blind_index("nothing else", purpose=PURPOSE)).notes is None
    assert storages["default"].open(file_name).read() == b"SUMME 12,34"
    assert run_check() == 0


@pytest.mark.django_db
def test_rotation_leaves_blind_indexes_unchanged_when_blind_index_key_is_set(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BLIND_INDEX_KEY = "c3" * 32
    settings.ENCRYPTION_KEYS = [OLD]
    fill(5)
    before = [index for _name, index in raw_names()]
    settings.ENCRYPTION_KEYS = [NEW, OLD]

    call_command("rotate_encryption_key", "--no-progress")

    assert [index for _name, index in raw_names()] == before
    assert {token_key_id(name) for name, _index in raw_names()} == {"new"}


@pytest.mark.django_db
def test_check_reports_values_under_old_keys_and_plaintext(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    settings.ENCRYPTION_KEYS = [OLD]
    fill(3)
    settings.ENCRYPTION_KEYS = [NEW, OLD]

    assert run_check() == 1
    out = capsys.readouterr().out
    assert "encryption_testapp.Secret.name: 3 under old keys, 0 not encrypted" in out
    assert "12 values under old keys, 0 not encrypted (primary key 'new')" in out


@pytest.mark.django_db
def test_rotation_stops_with_an_error_naming_the_field_when_a_key_is_missing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ENCRYPTION_KEYS = [OLD]
    fill(1)
    settings.ENCRYPTION_KEYS = [NEW]

    with pytest.raises(Exception, match=r"encryption_testapp\.Secret\.name: .*key 'old' is not in"):
        call_command("rotate_encryption_key", "--no-progress")


def rotation_process(test_db_name: str, var_dir: Path, *args: str) -> subprocess.Popen:
    # Its own var/ directory: the media files other tests leave behind are under keys this ring lacks.
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{test_db_name}",
        "ENCRYPTION_KEYS": f"{NEW},{OLD}",
        # Indexes derived from the primary key: the test then also sees each index rewritten with its row.
        "BLIND_INDEX_KEY": "",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "grapefruit.settings_test"),
        "GRAPEFRUIT_VAR_DIR": str(var_dir),
    }
    command = [sys.executable, "manage.py", "rotate_encryption_key", "--no-progress", *args]
    return subprocess.Popen(
        command,
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def count_under_new_key() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE name LIKE %s", ["$gf1$new$%"])  # noqa: S608
        return cursor.fetchone()[0]


def kill_part_way(process: subprocess.Popen, *, total: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rotated = count_under_new_key()
        if rotated >= total // 10:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return rotated
        assert process.poll() is None, f"rotation ended before it could be killed: {process.communicate()}"
        time.sleep(0.005)
    process.kill()
    raise AssertionError("rotation made no progress")


def assert_each_row_is_wholly_under_one_key(rows: list[tuple[str, str]], expected_keys: set[str]) -> None:
    keys = {entry.split(":")[0]: parse_key_entry(entry) for entry in (NEW, OLD)}
    for n, secret in enumerate(Secret.objects.order_by("id")):
        key_id = token_key_id(rows[n][0])
        assert key_id in expected_keys
        assert secret.name == f"item {n}" and secret.payload == {"n": n}
        # The blind index was rewritten in the same transaction as the ciphertext it belongs to.
        assert rows[n][1] == blind_index_under(keys[key_id].secret, secret.name, PURPOSE)


@pytest.mark.django_db(transaction=True)
def test_rotation_killed_part_way_resumes_and_leaves_every_row_under_the_new_key(settings, tmp_path):
    total = 3000
    settings.MEDIA_ROOT = tmp_path
    settings.BLIND_INDEX_KEY = ""
    settings.ENCRYPTION_KEYS = [OLD]
    fill(total)
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    test_db = connection.settings_dict["NAME"]

    rotated = kill_part_way(
        rotation_process(test_db, tmp_path, "--batch-size", "50", "--pause", "0.02"), total=total
    )

    rows = raw_names()
    under_new = sum(1 for name, _index in rows if token_key_id(name) == "new")
    assert rotated <= under_new < total
    assert under_new % 50 == 0, "a batch was half-written"
    assert_each_row_is_wholly_under_one_key(rows, {"new", "old"})

    finished = rotation_process(test_db, tmp_path, "--batch-size", "500")
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert f"Re-encrypted {total - under_new} rows" in out

    check = rotation_process(test_db, tmp_path, "--check")
    out, err = check.communicate(timeout=120)
    assert check.returncode == 0, out + err
    assert "0 values under old keys, 0 not encrypted" in out
    settings.ENCRYPTION_KEYS = [NEW]
    assert_each_row_is_wholly_under_one_key(raw_names(), {"new"})

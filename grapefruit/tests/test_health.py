import pytest
from django.db import connection


@pytest.mark.django_db
def test_health_reports_each_part_and_version(client):
    response = client.get("/health")
    body = response.json()

    assert body["version"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {
        "ok": True,
        "pending": 0,
        "ms": body["checks"]["migrations"]["ms"],
    }
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["ocr"]["engines"]["tesseract"] is True
    assert response.status_code == (503 if body["status"] == "fail" else 200)


def test_health_is_503_when_the_database_is_unreachable(client, django_db_blocker):
    with django_db_blocker.unblock():
        original_port = connection.settings_dict["PORT"]
        connection.close()
        connection.settings_dict["PORT"] = "1"  # nothing listens there
        try:
            response = client.get("/health")
        finally:
            connection.close()
            connection.settings_dict["PORT"] = original_port

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is False


def test_health_needs_no_login(client, db):
    assert client.get("/health").status_code in (200, 503)

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]


def settings_in_subprocess(env: dict, expression: str):
    """Import the real settings module in a clean interpreter with the given environment."""
    code = f"import json, ponte.settings as s; print(json.dumps({expression}))"
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_requires_a_secret_key():
    result = settings_in_subprocess({"DEBUG": "0"}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_turns_on_secure_cookies_and_hsts():
    result = settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50},
        "[s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS]",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, True, True, 31536000]


def test_database_url_selects_postgresql():
    result = settings_in_subprocess(
        {"DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ponte"},
        "[s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']]",
    )
    assert json.loads(result.stdout) == ["django.db.backends.postgresql", "ponte"]


def test_sqlite_file_is_the_default():
    result = settings_in_subprocess(
        {"DEBUG": "1"}, "[s.DATABASES['default']['ENGINE'], str(s.DATABASES['default']['NAME'])]"
    )
    engine, name = json.loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith("var/ponte.sqlite3")


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_fails_when_the_database_is_unreachable(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"

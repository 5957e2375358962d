import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]
STRONG_KEY = "p0nte-" + "k3y-Of-fifty-chars-and-more-" * 2


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


def test_every_command_stops_on_a_missing_secret_key_with_its_reason():
    """Any command with DEBUG off and no key says why it stops; `makemigrations` (overridden by an
    installed package) used to fail on an unrelated "Models aren't loaded yet" instead."""
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemigrations", "--check", "--dry-run"],
        env={**clean, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "ponte.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "key", ["x", "x" * 60, "changeme", "django-insecure-" + "a1b2c3d4e5" * 5, "short-but-varied-key-0123"]
)
def test_debug_off_refuses_a_weak_secret_key(key):
    result = settings_in_subprocess({"DEBUG": "0", "SECRET_KEY": key}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY is" in result.stderr


def test_debug_on_accepts_any_secret_key():
    assert settings_in_subprocess({"DEBUG": "1", "SECRET_KEY": "x"}, "s.SECRET_KEY").returncode == 0


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        # The test run's own settings left out, and the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
        # (Playwright's sync API needs it in the test process; a deployment never sets it).
        **{
            key: value
            for key, value in os.environ.items()
            if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "ponte.comune.example.it",
        "DJANGO_SETTINGS_MODULE": "ponte.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_off_turns_on_secure_cookies_and_hsts():
    result = settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": STRONG_KEY},
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

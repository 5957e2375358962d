"""The operators' files in deploy/: `check --deploy` is clean with the production environment of
deploy/ponte.env.example plus a replica, Redis and an S3 bucket; gunicorn loads its config."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

from ponte.core.tests.test_settings_and_health import STRONG_KEY

ROOT = Path(__file__).resolve().parents[4]


def production_environment(**extra) -> dict:
    example = (ROOT / "deploy" / "ponte.env.example").read_text().splitlines()
    env_file = dict(line.split("=", 1) for line in example if line and not line.startswith("#"))
    kept = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith(("AWS_", "PONTE_", "REDIS", "TASKS_"))
    }
    return {
        **kept,
        **env_file,
        "SECRET_KEY": STRONG_KEY,
        "DJANGO_SETTINGS_MODULE": "ponte.settings",
        "PYTHONPATH": str(ROOT / "src"),
        **extra,
    }


def test_the_deploy_check_is_clean_with_a_replica_and_a_bucket():
    env = production_environment(
        DATABASE_URL="postgres://ponte:secret@db.example:5432/ponte",
        DATABASE_REPLICA_URL="postgres://ponte_ro:secret@replica.example:5432/ponte",
        PONTE_STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="ponte-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.it",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_s3_without_a_bucket_stops_the_start():
    code = "import ponte.settings"
    env = production_environment(PONTE_STORAGE_BACKEND="s3")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_gunicorn_loads_its_configuration():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env=production_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_database_redis_web_and_worker_with_a_media_volume():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    assert {"db", "redis", "web", "worker"} <= set(compose["services"])
    assert compose["services"]["worker"]["command"] == ["python", "manage.py", "worker"]
    assert "media:/app/var/media" in compose["x-ponte"]["volumes"]

"""Backups (deploy/backup.sh, deploy/restore.sh): the Bologna data set and a stored file are
dumped with pg_dump, restored into a fresh database with pg_restore, and every table's rows and
every file are compared between the two."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRESQL or not shutil.which("pg_dump"), reason="pg_dump/pg_restore on PostgreSQL"),
]


def url(name: str) -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def fingerprint(database_url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of all its rows, in a stable order."""
    with psycopg.connect(database_url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        return {
            table: conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608 - names from the catalogue
            ).fetchone()
            for table in tables
        }


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_every_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_plan", str(settings.BASE_DIR / "data" / "bologna"), verbosity=0)
    default_storage.save("documents/verbale.pdf", ContentFile(b"%PDF-1.4 verbale\n%%EOF\n"))
    source = url(connection.settings_dict["NAME"])
    restored_name = f"ponte_restore_{os.getpid()}"
    environment = {**os.environ, "DATABASE_URL": source, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    environment.pop("PONTE_STORAGE_BACKEND", None)
    environment.pop("AWS_STORAGE_BUCKET_NAME", None)

    backup = tmp_path / "backup"
    subprocess.run([ROOT / "deploy" / "backup.sh", backup], env=environment, check=True, capture_output=True)
    assert {path.name for path in backup.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        admin.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        restored_media = tmp_path / "restored-media"
        result = subprocess.run(
            [ROOT / "deploy" / "restore.sh", backup],
            env={**environment, "DATABASE_URL": url(restored_name), "MEDIA_ROOT": str(restored_media)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr

        original, copy = fingerprint(source), fingerprint(url(restored_name))
        assert original["plan_action"][0] == 86 and original["core_city"][0] == 1  # the data set is there
        assert len(original) > 50
        assert copy == original
        assert files_under(restored_media) == files_under(settings.MEDIA_ROOT)
        assert "documents/verbale.pdf" in files_under(restored_media)
    finally:
        with psycopg.connect(url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')

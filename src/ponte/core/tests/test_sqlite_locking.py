"""The default SQLite set-up does not lock under the worker: while one connection (the worker)
holds a write transaction, another (a page of the admin) that reads and then writes waits for
its turn instead of failing with "database is locked"."""

import threading

import pytest
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper

from ponte import settings as ponte_settings


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


def connection_to(path, options):
    settings_dict = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": options,
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
    return DatabaseWrapper(settings_dict, alias=f"lock-test-{path.name}")


def write_while_another_writes(path, options):
    """The worker holds a write transaction; meanwhile a page reads, then writes. Returns what
    the page's write raised, or None."""
    setup = connection_to(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE job (id INTEGER PRIMARY KEY, note TEXT)")
    setup.close()

    worker_writes, page_has_read, outcome = threading.Event(), threading.Event(), {}

    def run_worker():
        worker = connection_to(path, options)  # a connection belongs to its thread
        try:
            with worker.cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("INSERT INTO job (note) VALUES ('worker')")
                worker_writes.set()
                page_has_read.wait(timeout=0.5)  # with IMMEDIATE the page cannot read yet: hold briefly
                cursor.execute("COMMIT")
        except OperationalError as exc:
            outcome["worker"] = exc
        finally:
            worker_writes.set()
            worker.close()

    def run_page():
        page = connection_to(path, options)
        worker_writes.wait(timeout=5)
        try:
            with page.cursor() as cursor:
                cursor.execute(f"BEGIN {options.get('transaction_mode', 'DEFERRED')}")
                cursor.execute("SELECT count(*) FROM job")
                page_has_read.set()
                cursor.execute("INSERT INTO job (note) VALUES ('page')")
                cursor.execute("COMMIT")
        except OperationalError as exc:
            outcome["error"] = exc
        finally:
            page_has_read.set()
            page.close()

    threads = [threading.Thread(target=run_worker), threading.Thread(target=run_page)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert "worker" not in outcome, outcome["worker"]
    return outcome.get("error")


def test_the_default_options_let_two_writers_take_turns(tmp_path):
    assert write_while_another_writes(tmp_path / "ponte.sqlite3", ponte_settings.SQLITE_OPTIONS) is None
    check = connection_to(tmp_path / "ponte.sqlite3", ponte_settings.SQLITE_OPTIONS)
    with check.cursor() as cursor:
        cursor.execute("SELECT note FROM job ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["worker", "page"]
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
    check.close()


def test_without_them_the_page_fails_with_database_is_locked(tmp_path):
    """What happened before: a deferred transaction that has read cannot become a writer."""
    plain = {"timeout": 1}
    error = write_while_another_writes(tmp_path / "plain.sqlite3", plain)
    assert error is not None and "locked" in str(error)


def test_the_settings_apply_them_to_sqlite_only():
    assert ponte_settings.SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert ponte_settings.SQLITE_OPTIONS["timeout"] >= 20
    default = ponte_settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the tests run on PostgreSQL")
    assert default["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in default["OPTIONS"]["init_command"]

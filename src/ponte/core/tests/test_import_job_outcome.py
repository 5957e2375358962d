"""An import job never stays "running" (issue 14): not after an exception inside the importer,
not when recording its outcome fails, not when its worker is killed right after the rows are
committed (then it is done, as its rows are)."""

import pytest
from django.db import OperationalError

from ponte.core.jobs import run_import
from ponte.core.models import ImportJob
from ponte.funding.importers import OpenCoesioneImporter
from ponte.funding.models import Project

from .test_imports import FIXTURES, comune  # noqa: F401 - the fixture

FILE = FIXTURES / "opencoesione_windows1252.csv"


@pytest.fixture
def job(comune):  # noqa: F811
    return ImportJob.objects.create(city=comune, kind="opencoesione", source_name=FILE.name)


def failing_save(monkeypatch):
    def save(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ImportJob, "save", save)


def test_an_exception_inside_the_importer_fails_the_job(job, monkeypatch):
    def broken(self, *paths):
        raise RuntimeError("boom")

    monkeypatch.setattr(OpenCoesioneImporter, "run", broken)
    run_import(job, [FILE])
    job.refresh_from_db()
    assert job.status == "failed" and "RuntimeError" in job.errors[0]["message"]


def test_a_failure_to_record_the_outcome_fails_the_job_when_nothing_was_applied(job, monkeypatch):
    monkeypatch.setattr(OpenCoesioneImporter, "run", lambda self, *paths: 1 / 0)
    failing_save(monkeypatch)
    run_import(job, [FILE])
    job.refresh_from_db()
    assert job.status == "failed" and "OperationalError" in job.errors[0]["message"]


def test_a_failure_to_record_the_outcome_leaves_an_applied_import_done(job, monkeypatch):
    failing_save(monkeypatch)
    run_import(job, [FILE])
    job.refresh_from_db()
    assert job.status == "done" and job.summary and Project.objects.exists()


def test_a_worker_killed_right_after_the_commit_leaves_the_job_done(job, monkeypatch):
    class Killed(BaseException):
        pass

    def killed(self):
        raise Killed

    monkeypatch.setattr(OpenCoesioneImporter, "release_names", killed)  # runs just after the commit
    with pytest.raises(Killed):
        run_import(job, [FILE])
    job.refresh_from_db()
    assert job.status == "done" and job.finished_at is not None and Project.objects.exists()

"""The task queue on RQ (TASKS_BACKEND=django_tasks_rq.RQBackend), with a real Redis and a real
RQ worker: what the back office queues waits in Redis, the worker runs it from the committed
data, and every job ends done or failed with its reason on its page, as on the database queue.

The queue has a Redis database of its own per test process (PONTE_TEST_RQ_REDIS_URL: 15, 14, …),
never the test cache's, emptied before and after each test. Without a reachable Redis these tests
are skipped, unless PONTE_TEST_REDIS_URL or PONTE_TEST_REDIS_REQUIRED says one must be there (CI).
"""

import html
import os
from pathlib import Path

import pytest
import redis
from django.core.management import call_command
from django.urls import reverse
from django_rq import get_worker
from rq import Queue
from rq.registry import FinishedJobRegistry, ScheduledJobRegistry

from ponte.core.models import ImportJob
from ponte.factories import ActionFactory
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory
from ponte.plan.models import ActionUpdate
from ponte.reports.models import Report

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
RQ_SETTINGS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def rq_redis(settings):
    """The tasks queued on RQ in this process's own Redis database, empty at start and at end."""
    url = settings.PONTE_TEST_RQ_REDIS_URL
    connection = redis.Redis.from_url(url) if url else None
    try:
        connection.ping()
    except (AttributeError, redis.RedisError) as problem:
        if os.environ.get("PONTE_TEST_REDIS_URL") or os.environ.get("PONTE_TEST_REDIS_REQUIRED"):
            pytest.fail(f"Redis at {url or '?'} does not answer: {problem}")
        pytest.skip(f"no Redis at {url or '?'} for the RQ tests")
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    settings.TASKS = RQ_SETTINGS
    settings.PONTE_TASKS_ON_RQ = True
    yield connection
    connection.flushdb()
    connection.close()


def run_worker():
    """An RQ worker in this process (SimpleWorker: no fork) that runs what is queued and stops."""
    get_worker("default", worker_class="rq.worker.SimpleWorker").work(burst=True)


@pytest.fixture
def comune(transactional_db, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    return city


def upload(client, city, name):
    with (FIXTURES / name).open("rb") as handle:
        response = client.post(f"/{city.slug}/gestione/importazioni/", {"source": "opencoesione", "file": handle})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_import_waits_in_redis_until_the_rq_worker_runs_it(client, users, comune, rq_redis):
    client.force_login(users["funds"])
    url = upload(client, comune, "opencoesione_windows1252.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED and not Project.objects.exists()
    assert Queue("default", connection=rq_redis).count == 1  # in Redis, not in the database queue
    assert "In coda" in page(client, url)

    run_worker()

    job.refresh_from_db()
    # Every data row read counts, kept or not (two of Bologna, one of Ragusa), as for every importer.
    assert job.status == ImportJob.Status.DONE and job.finished_at and job.rows_read == 3
    shown = page(client, url)
    assert "2 progetti creati, 0 aggiornati, 0 invariati" in shown and "Codifica del file: Windows-1252" in shown
    assert sorted(Project.objects.filter(city=comune).values_list("external_id", flat=True)) == [
        "1BO-CITTA-VERDE",
        "2BO-SCUOLE-EFF",
    ]
    assert Queue("default", connection=rq_redis).count == 0
    assert FinishedJobRegistry("default", connection=rq_redis).count == 1


def test_a_bad_file_ends_failed_with_its_reason_on_rq(client, users, comune, rq_redis):
    client.force_login(users["funds"])
    url = upload(client, comune, "image.png")
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.finished_at
    shown = page(client, url)
    assert "Non riuscita: nulla è cambiato" in shown
    assert "Questo non è un file di testo: è un'immagine PNG." in shown
    assert not Project.objects.exists()


def test_a_report_is_written_by_the_rq_worker_started_by_manage_py_worker(
    client, users, transactional_db, city, rq_redis, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    action = ActionFactory(line__city=city, code="1.1.1", title="Rete europea")
    ActionUpdate.objects.create(city=city, action=action, year=2025, period=2, text="Rete consolidata nel 2025.")
    client.force_login(users["owner"])
    response = client.post(
        reverse("reports:create", kwargs={"city": city.slug}), {"start_date": "2025-01-01", "end_date": "2025-12-31"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.QUEUED and Queue("default", connection=rq_redis).count == 1

    call_command("worker", burst=True, worker_class="rq.worker.SimpleWorker", verbosity=0)

    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert report.progress == 100 and report.pdf and report.docx and report.xlsx
    shown = page(client, response["Location"])
    for fmt in ("pdf", "docx", "xlsx"):
        assert reverse("reports:file", kwargs={"city": city.slug, "pk": report.pk, "fmt": fmt}) in shown


def test_a_report_that_fails_on_rq_shows_why(
    client, users, transactional_db, city, rq_redis, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    ActionFactory(line__city=city)
    client.force_login(users["owner"])
    response = client.post(
        reverse("reports:create", kwargs={"city": city.slug}), {"start_date": "2025-01-01", "end_date": "2025-12-31"}
    )

    def broken(content, title):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ponte.reports.writers.write_pdf", broken)
    run_worker()
    report = Report.objects.get()
    assert report.status == Report.Status.FAILED and report.finished_at
    assert "disk full" in page(client, response["Location"])


def test_a_refused_mail_is_tried_again_later_by_rqs_scheduler(transactional_db, rq_redis):
    """RQ runs deferred tasks (its scheduler, `rqworker --with-scheduler`): a refused mail's retry
    is scheduled in Redis, not run at once."""
    from ponte.participation.services import retry_unsent_mail_later

    retry_unsent_mail_later()
    assert ScheduledJobRegistry("default", connection=rq_redis).count == 1
    assert Queue("default", connection=rq_redis).count == 0


def test_manage_py_worker_runs_the_database_queue_by_default(client, users, comune, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.PONTE_TASKS_ON_RQ = False
    client.force_login(users["funds"])
    url = upload(client, comune, "opencoesione_utf8_bom.csv")
    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED

    call_command("worker", burst=True, verbosity=0)

    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert "2 progetti creati, 0 aggiornati, 0 invariati" in page(client, url)

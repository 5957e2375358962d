"""Background jobs tell who started them that they ended (issue 17): an import, a workbook upload,
a report; done, or failed with the reason; once, however often the job's end is looked at."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ponte.collaboration.models import Notification
from ponte.core.jobs import fail_stalled, run_import
from ponte.core.models import ImportJob
from ponte.factories import MembershipFactory
from ponte.funding.importers import OpenCoesioneImporter
from ponte.plan import tasks
from ponte.plan.models import WorkbookUpload
from ponte.plan.spreadsheets import fail_if_stalled
from ponte.reports import services as reports
from ponte.reports.models import Report

from ...core.tests.test_imports import FIXTURES, comune  # noqa: F401 - the fixture

FILE = FIXTURES / "opencoesione_windows1252.csv"


def test_an_import_tells_its_starter_once_done_or_failed_with_the_reason(comune, monkeypatch):  # noqa: F811
    person = MembershipFactory(city=comune).user
    done = ImportJob.objects.create(city=comune, kind="opencoesione", source_name=FILE.name, created_by=person)
    run_import(done, [FILE])
    failed = ImportJob.objects.create(city=comune, kind="opencoesione", source_name="rotto.csv", created_by=person)

    def broken(self, *paths):
        raise RuntimeError("boom")

    monkeypatch.setattr(OpenCoesioneImporter, "run", broken)
    run_import(failed, [FILE])
    fail_stalled(ImportJob.objects.all())  # finished jobs are left alone: nobody is told twice

    told = {n.key: n for n in Notification.objects.filter(recipient=person, kind=Notification.Kind.JOB_FINISHED)}
    assert set(told) == {f"job:import:{done.pk}", f"job:import:{failed.pk}"}
    assert told[f"job:import:{done.pk}"].title == f"Importazione di {FILE.name}: completata"
    assert told[f"job:import:{done.pk}"].url == f"/{comune.slug}/gestione/importazioni/{done.pk}/"
    assert told[f"job:import:{failed.pk}"].title == "Importazione di rotto.csv: non riuscita"
    assert "RuntimeError" in told[f"job:import:{failed.pk}"].body


def test_an_import_no_worker_took_is_told_failed_once(comune):  # noqa: F811
    person = MembershipFactory(city=comune).user
    job = ImportJob.objects.create(city=comune, kind="opencoesione", source_name="atteso.csv", created_by=person)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    fail_stalled(ImportJob.objects.all())
    fail_stalled(ImportJob.objects.all())
    notification = Notification.objects.get(recipient=person)
    assert notification.title == "Importazione di atteso.csv: non riuscita"
    assert "Nessun processo" in notification.body or "manage.py worker" in notification.body


def test_a_workbook_upload_tells_its_uploader_it_failed_and_why(city, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = WorkbookUpload.objects.create(
        city=city,
        file=SimpleUploadedFile("piano.xlsx", b"not a workbook"),
        file_name="piano.xlsx",
        created_by=users["owner"],
    )
    tasks.import_workbook_task.call(upload.pk)
    upload.refresh_from_db()
    fail_if_stalled(upload)
    notification = Notification.objects.get(recipient=users["owner"])
    assert notification.kind == Notification.Kind.JOB_FINISHED
    assert notification.title == "Foglio di calcolo piano.xlsx: non riuscita"
    assert notification.url == upload.get_absolute_url()
    assert notification.body == upload.errors[0]["message"]


def test_a_report_tells_who_asked_for_it(city, action, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    owner = MembershipFactory(city=city).user
    scope = {"start_date": datetime.date(2025, 1, 1), "end_date": datetime.date(2025, 12, 31)}
    report = reports.generate(Report.objects.create(city=city, generated_by=owner, title="Relazione 2025", **scope))
    assert report.status == Report.Status.DONE

    def broken(content, title):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ponte.reports.writers.write_pdf", broken)
    failed = reports.generate(Report.objects.create(city=city, generated_by=owner, title="Relazione bis", **scope))
    told = {n.title: n for n in Notification.objects.filter(recipient=owner)}
    assert set(told) == {"Relazione 2025: completata", "Relazione bis: non riuscita"}
    assert told["Relazione 2025: completata"].url == report.get_absolute_url()
    assert "disk full" in told["Relazione bis: non riuscita"].body and failed.status == Report.Status.FAILED

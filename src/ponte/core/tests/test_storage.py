"""Stored files on a storage that is not the local disk (ponte.core.storage): with Django's
InMemoryStorage as the default storage (no `.path`, like an S3 bucket), documents are uploaded
and served, imports read their upload, reports are written and downloaded, all through HTTP."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ponte.core.models import ImportJob, Membership
from ponte.core.storage import is_local, local_paths
from ponte.core.tests.test_imports import FIXTURES
from ponte.factories import MembershipFactory
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory
from ponte.reports.models import Report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def in_memory(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.PONTE_SENDFILE = "x-accel-redirect"  # the web server cannot read a bucket: Django streams
    assert not is_local(default_storage)


def test_a_document_is_stored_and_served_without_a_local_path(client, users, action, city, in_memory, settings):
    client.force_login(users["editor"])
    response = client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/documenti/",
        {"title": "Trimestrale", "file": SimpleUploadedFile("trimestrale.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    stored = action.documents.get().file
    assert default_storage.exists(stored.name)
    assert not (settings.MEDIA_ROOT / stored.name).exists()  # nothing on this machine's disk

    served = client.get(stored.url)
    assert served.status_code == 200 and "X-Accel-Redirect" not in served
    assert b"".join(served.streaming_content) == PDF
    assert served["Content-Type"] == "application/pdf" and "attachment" in served["Content-Disposition"]
    client.logout()
    assert client.get(stored.url).status_code == 404  # the check still comes first


def test_an_import_reads_its_upload_from_the_storage(client, users, city, in_memory):
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    client.force_login(users["funds"])
    content = (FIXTURES / "opencoesione_utf8_bom.csv").read_bytes()
    response = client.post(
        f"/{city.slug}/gestione/importazioni/",
        {"source": "opencoesione", "file": SimpleUploadedFile("progetti.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert "2 progetti creati" in client.get(response["Location"]).content.decode()
    assert Project.objects.filter(city=city).count() == 2
    served = client.get(job.file.url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == content


def test_the_temporary_copy_of_an_upload_is_removed(city, in_memory):
    name = default_storage.save("imports/x.csv", io.BytesIO(b"a;b\n1;2\n"))
    stored = ImportJob(city=city, kind="opencoesione", file=name).file
    with local_paths(stored) as (path,):
        assert path.read_bytes() == b"a;b\n1;2\n" and path.suffix == ".csv"
    assert not path.exists()


def test_a_report_is_written_to_the_storage_and_downloaded(
    client, city, action, in_memory, django_capture_on_commit_callbacks
):
    client.force_login(MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user)
    data = {"start_date": "2025-01-01", "end_date": "2025-12-31", "title": "", "save_as": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:create", kwargs={"city": city.slug}), data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.DONE, report.error
    assert default_storage.exists(report.xlsx.name)
    download = client.get(reverse("reports:file", kwargs={"city": city.slug, "pk": report.pk, "fmt": "xlsx"}))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "Azioni" in workbook.sheetnames
    actions = [row[0] for row in workbook["Azioni"].iter_rows(values_only=True)]
    assert action.code in actions
    pdf = client.get(reverse("reports:file", kwargs={"city": city.slug, "pk": report.pk, "fmt": "pdf"}))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

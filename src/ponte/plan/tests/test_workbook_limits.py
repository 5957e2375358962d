"""The workbook upload is bounded before anything parses it and is read by the background
worker, never in the web request; only the roles that change the plan open it (issue 14)."""

import datetime
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import Workbook

from ponte.core.models import Membership
from ponte.factories import MembershipFactory, OrganisationFactory, PersonFactory
from ponte.governance.models import Body, BodyMember
from ponte.plan import spreadsheets, tasks
from ponte.plan.models import Action, WorkbookUpload

URL = "/{}/gestione/foglio/"


def xlsx(rows=(), *, header=("code", "line", "title", "status", "progress")):
    book = Workbook()
    sheet = book.active
    sheet.title = "actions"
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "piano.xlsx"
    return buffer


def post(client, city, buffer, **kwargs):
    return client.post(URL.format(city.slug), {"file": buffer}, **kwargs)


def test_a_viewer_neither_sees_nor_posts_the_upload_form(client, users, city, action):
    client.force_login(users["viewer"])
    assert client.get(URL.format(city.slug)).status_code == 403
    assert client.get(URL.format(city.slug) + "?download=1").status_code == 403
    assert post(client, city, xlsx([["1.1.1", "", "", "", 50]])).status_code == 403
    assert not WorkbookUpload.objects.exists()
    assert Action.objects.get(code="1.1.1").progress == 0


def test_a_viewer_in_a_governance_body_gets_no_upload_form_from_it_either(client, users, city):
    """Body members share documents; the membership opens no plan page, and another body's
    document form is refused on GET as on POST."""
    viewer = users["viewer"]
    body = Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body"))
    other = Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body"))
    BodyMember.objects.create(
        city=city, body=body, organisation=OrganisationFactory(city=city), person=PersonFactory(city=city, user=viewer)
    )
    client.force_login(viewer)
    assert client.get(f"/{city.slug}/gestione/organismi/{body.pk}/documenti/").status_code == 200
    assert client.get(f"/{city.slug}/gestione/organismi/{other.pk}/documenti/").status_code == 403
    assert client.get(URL.format(city.slug)).status_code == 403
    assert post(client, city, xlsx()).status_code == 403


def test_the_upload_is_read_by_the_worker_not_in_the_request(client, users, city, action, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "import_workbook_task", SimpleNamespace(enqueue=queued.append))
    monkeypatch.setattr(spreadsheets, "load_workbook", pytest.fail)  # nothing parses it in the request
    client.force_login(users["owner"])
    response = post(client, city, xlsx([["1.1.1", "", "", "", 50]]), follow=True)
    upload = WorkbookUpload.objects.get()
    assert queued == [upload.pk] and upload.status == WorkbookUpload.Status.QUEUED
    assert "piano.xlsx è in lettura" in response.content.decode()
    assert Action.objects.get(code="1.1.1").progress == 0
    monkeypatch.undo()
    tasks.import_workbook_task.call(upload.pk)  # the worker
    page = client.get(upload.get_absolute_url())
    assert page.context["imported"] == "File importato: 1 azione aggiornata"
    assert Action.objects.get(code="1.1.1").progress == 50


def test_a_sheet_over_the_row_limit_is_refused_naming_the_limit(client, users, city, action, settings):
    settings.PONTE_WORKBOOK_MAX_ROWS = 5
    client.force_login(users["owner"])
    rows = [["1.1.1", "", "", "", 10]] + [[f"9.9.{n}", "", "", "", 10] for n in range(10)]
    response = post(client, city, xlsx(rows), follow=True)
    errors = [str(e) for e in response.context["errors"]]
    assert errors == [
        "Azioni, riga 6, campo “-”: il foglio ha più di 5 righe (il limite): dividilo in file più piccoli"
    ]
    assert Action.objects.get(code="1.1.1").progress == 0


def test_a_sheet_over_the_column_limit_is_refused(client, users, city, action, settings):
    settings.PONTE_WORKBOOK_MAX_COLUMNS = 5
    client.force_login(users["owner"])
    response = post(client, city, xlsx([["1.1.1", "", "", "", 10, "extra"]]), follow=True)
    errors = [str(e) for e in response.context["errors"]]
    assert errors == [
        "Azioni, riga 2, campo “-”: il foglio ha più di 5 colonne (il limite): togli le colonne che hai aggiunto"
    ]
    assert Action.objects.get(code="1.1.1").progress == 0


def zip_bomb(megabytes: int) -> io.BytesIO:
    """A real workbook whose first sheet's XML is `megabytes` MB of one repeated row."""
    buffer = xlsx()
    source = zipfile.ZipFile(buffer)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            if part.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(part, source.read(part))
                continue
            with archive.open(part.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                chunk = b'<row><c t="inlineStr"><is><t>ponte</t></is></c></row>' * 20000
                for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    bomb.seek(0)
    bomb.name = "piano.xlsx"
    return bomb


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(client, users, city, action, monkeypatch):
    bomb = zip_bomb(300)
    assert len(bomb.getvalue()) < 2 * 1024 * 1024  # 300 MB of XML in a small upload
    monkeypatch.setattr(spreadsheets, "load_workbook", pytest.fail)
    client.force_login(users["owner"])
    response = post(client, city, bomb)
    assert response.status_code == 200
    errors = [str(e) for e in response.context["errors"]]
    assert errors == [
        "piano.xlsx, riga -, campo “-”: una volta decompresso il file supererebbe 20 MB; non è stato letto nulla"
    ]
    assert not WorkbookUpload.objects.exists()


def test_a_highly_compressed_part_is_refused_under_the_size_limit(client, users, city, action, monkeypatch):
    monkeypatch.setattr(spreadsheets, "load_workbook", pytest.fail)
    client.force_login(users["owner"])
    response = post(client, city, zip_bomb(10))
    errors = [str(e) for e in response.context["errors"]]
    assert len(errors) == 1 and "compressa più di 100 volte" in errors[0], errors


def test_the_worker_checks_the_archive_again(city, users, settings, tmp_path):
    """A file stored before a limit was lowered, or put in the queue by other means."""
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = WorkbookUpload.objects.create(
        city=city,
        file=SimpleUploadedFile("bomba.xlsx", zip_bomb(10).getvalue()),
        file_name="bomba.xlsx",
        created_by=users["owner"],
    )
    tasks.import_workbook_task.call(upload.pk)
    upload.refresh_from_db()
    assert upload.status == WorkbookUpload.Status.FAILED and "compressa più di 100 volte" in str(upload.errors)


def test_a_file_above_the_byte_limit_is_refused_before_its_body_is_read(client, users, city, settings):
    settings.PONTE_WORKBOOK_MAX_MB = 1
    client.force_login(users["owner"])
    big = io.BytesIO(b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024))
    big.name = "piano.xlsx"
    response = post(client, city, big)
    assert response.status_code == 413
    assert "oltre il limite di 1 MB" in response.content.decode()
    assert not WorkbookUpload.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity"])
def test_a_progress_that_is_not_a_number_is_a_row_error(client, users, city, action, value):
    client.force_login(users["owner"])
    response = post(client, city, xlsx([["1.1.1", "", "", "", value]]), follow=True)
    errors = [str(e) for e in response.context["errors"]]
    assert errors == [f"Azioni, riga 2, campo “Avanzamento (%)”: “{value}” non è un numero"]


def test_an_upload_no_worker_finished_is_declared_failed_and_seen_only_by_its_sender(client, users, city, settings):
    upload = WorkbookUpload.objects.create(
        city=city, file="workbooks/piano.xlsx", file_name="piano.xlsx", created_by=users["editor"]
    )
    WorkbookUpload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=31))
    client.force_login(users["editor"])
    errors = [str(e) for e in client.get(upload.get_absolute_url()).context["errors"]]
    assert len(errors) == 1 and "Nessun processo ha finito di leggere questo file in 30 minuti" in errors[0]
    assert WorkbookUpload.objects.get().status == WorkbookUpload.Status.FAILED
    client.force_login(users["owner"])
    assert client.get(upload.get_absolute_url()).status_code == 200
    other_editor = MembershipFactory(
        city=city, role=Membership.Role.OFFICE_EDITOR, office=users["editor"].memberships.get().office
    )
    client.force_login(other_editor.user)
    assert client.get(upload.get_absolute_url()).status_code == 404

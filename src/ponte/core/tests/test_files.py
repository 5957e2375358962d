"""Stored files are served only through `core.files`, after asking the row that holds them."""

import datetime
import importlib
import io

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, resolve
from django.views.static import serve as static_serve
from PIL import Image

from ponte.core import files
from ponte.core.models import ImportJob, Membership
from ponte.core.uploads import CheckedFileField
from ponte.factories import CityFactory, MembershipFactory
from ponte.plan.models import ActionDocument
from ponte.reports.models import Report

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PONTE_SENDFILE = ""
    return tmp_path


@pytest.fixture
def stored(media, city, action):
    """A report, an import file and an internal document of `city`, by name."""
    report = Report.objects.create(
        city=city, title="Relazione annuale", start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 12, 31)
    )
    report.pdf.save("relazione.pdf", ContentFile(PDF))
    job = ImportJob.objects.create(city=city, kind="opencoesione")
    job.file.save("progetti.csv", ContentFile(b"COD_LOCALE_PROGETTO;OC_TITOLO_PROGETTO\n1;Ponte\n"))
    document = ActionDocument(city=city, action=action, title="Verbale")
    document.file.save("verbale.pdf", ContentFile(PDF))
    return {"report": report.pdf.url, "import": job.file.url, "document": document.file.url}


@pytest.fixture
def other_city_staff(db):
    return MembershipFactory(city=CityFactory(slug="altrove"), role=Membership.Role.ADMINISTRATOR).user


@pytest.mark.parametrize("kind", ["report", "import", "document"])
def test_anonymous_outsiders_and_other_cities_get_not_found(client, stored, users, other_city_staff, kind):
    client.force_login(users["owner"])
    assert client.get(stored[kind]).status_code == 200  # the file is there, for those who may see it
    client.logout()
    assert client.get(stored[kind]).status_code == 404
    for someone in (users["outsider"], other_city_staff):
        client.force_login(someone)
        assert client.get(stored[kind]).status_code == 404


@pytest.mark.parametrize("kind", ["report", "document"])
def test_the_citys_staff_download_reports_and_documents(client, stored, users, kind):
    client.force_login(users["viewer"])
    response = client.get(stored[kind])
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"]


def test_a_download_costs_a_fixed_number_of_queries(client, stored, users, django_assert_max_num_queries):
    client.force_login(users["viewer"])
    client.get("/")  # the session's user is loaded once per request: counted below
    with django_assert_max_num_queries(4):  # session, user, the row holding the file, the membership
        assert client.get(stored["document"]).status_code == 200


def test_import_files_only_for_those_who_import(client, stored, users):
    client.force_login(users["viewer"])
    assert client.get(stored["import"]).status_code == 404
    client.force_login(users["funds"])
    response = client.get(stored["import"])
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


def test_a_stored_html_page_is_an_attachment_never_a_page(client, media, city, action, users):
    """The probe's case: an HTML file stored before uploads were checked does not run as a page."""
    document = ActionDocument(city=city, action=action, title="Trimestrale")
    document.file.save("quarterly.html", ContentFile(b"<html><script>fetch('/testopoli/gestione/')</script></html>"))
    client.force_login(users["owner"])
    response = client.get(document.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_city_logo_is_public_and_shown_inline(client, media, city):
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(image, "PNG")
    city.logo.save("testopoli-logo.png", ContentFile(image.getvalue()))
    response = client.get(city.logo.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff" and "public" in response["Cache-Control"]


def test_unknown_and_escaping_names_are_not_found(client, stored, users, media):
    (media / "secret.txt").write_text("not a stored file of any row")
    client.force_login(users["admin"])
    for url in ("/media/secret.txt", "/media/actions/../secret.txt", "/media/reports/2024/none.pdf"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("mode", "header", "expected"),
    [("x-accel-redirect", "X-Accel-Redirect", "/interno/actions/"), ("x-sendfile", "X-Sendfile", "/actions/")],
)
def test_the_web_server_sends_the_file_after_the_check(client, stored, users, settings, media, mode, header, expected):
    settings.PONTE_SENDFILE, settings.PONTE_SENDFILE_PREFIX = mode, "/interno/"
    assert client.get(stored["document"]).status_code == 404  # anonymous: checked before handing over
    client.force_login(users["viewer"])
    response = client.get(stored["document"])
    assert response.status_code == 200 and response.content == b""
    assert expected in response[header] and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    if mode == "x-sendfile":
        assert response[header].startswith(str(media))


def test_no_plain_media_route_even_in_debug(settings):
    """`make run` (DEBUG) served MEDIA_ROOT to anyone with django.views.static.serve."""
    settings.DEBUG = True
    try:
        urls = importlib.reload(importlib.import_module("ponte.urls"))
        assert static_serve not in [getattr(pattern, "callback", None) for pattern in urls.urlpatterns]
    finally:
        settings.DEBUG = False
        importlib.reload(urls)
        clear_url_caches()


def test_every_file_fields_url_goes_through_the_check():
    for model, field, _folder in files.file_fields():
        assert resolve(field.storage.url(f"{_folder}x/y.pdf")).func is files.serve, model


def test_every_admin_form_checks_uploads():
    for model, model_admin in admin.site._registry.items():
        for field in model._meta.concrete_fields:
            if hasattr(field, "upload_to"):
                assert isinstance(model_admin.formfield_for_dbfield(field, None), CheckedFileField), model

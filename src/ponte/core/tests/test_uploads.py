"""Uploaded documents are checked by their content and size (`core.uploads`), whatever their name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ponte.cooperation.models import GoodPractice
from ponte.diplomacy.models import Candidacy

PDF = b"%PDF-1.4\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>fetch('/testopoli/gestione/')</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})


def png() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(image, "PNG")
    return image.getvalue()


@pytest.fixture
def attach(client, users, action, city, settings, tmp_path):
    """Posts a file to an action's documents as its office's editor; returns the form's errors."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["editor"])

    def post(name: str, data: bytes):
        response = client.post(
            f"/{city.slug}/gestione/azioni/{action.code}/documenti/",
            {"title": "Trimestrale", "file": SimpleUploadedFile(name, data, content_type="application/pdf")},
        )
        form = response.context["form"] if response.status_code == 200 else None
        return form.errors.get("file", []) if form else []

    return post


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("quarterly.html", HTML),
        ("grafico.svg", SVG),
        ("quarterly.pdf", HTML),  # a web page renamed .pdf
        ("nota.txt", HTML),
        ("logo.png", SVG),
        ("setup.pdf", b"MZ\x90\x00\x03" + bytes(200)),  # a Windows program
        ("archivio.docx", zipped({"index.html": HTML})),  # a ZIP that is no office file
        ("macro.docx", zipped({"[Content_Types].xml": b"<Types/>", "word/vbaProject.bin": b"x"})),
        ("script.js", b"fetch('/testopoli/gestione/')"),
    ],
)
def test_web_pages_images_with_scripts_and_programs_are_refused(attach, action, name, data):
    errors = attach(name, data)
    assert errors and "«file»" in errors[0] and "non è un tipo di documento accettato" in errors[0], errors
    assert not action.documents.exists()


@pytest.mark.parametrize(
    ("name", "data", "stored_as"),
    [
        ("verbale.pdf", PDF, ".pdf"),
        ("relazione.docx", DOCX, ".docx"),
        ("bilancio.ods", ODS, ".ods"),
        ("elenco.csv", "comune;importo\nBologna;1.500,00\n".encode("cp1252"), ".csv"),
        ("foto.jpg", png(), ".png"),  # the name follows what the file is
    ],
)
def test_documents_are_taken(attach, action, name, data, stored_as):
    assert attach(name, data) == []
    assert action.documents.get().file.name.endswith(stored_as)


def test_an_oversized_upload_is_refused(attach, action, settings):
    settings.PONTE_UPLOAD_MAX_MB = 1
    errors = attach("grande.pdf", PDF + bytes(2 * 1024 * 1024))
    assert errors and "«file»" in errors[0] and "oltre il limite di 1 MB" in errors[0], errors
    assert not action.documents.exists()


def test_candidacy_dossier_and_practice_document_are_checked(client, users, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["diplomacy"])
    response = client.post(
        f"/{city.slug}/gestione/diplomazia/candidature/nuova/",
        {"title": "Capitale europea", "year": 2026, "status": "planned", "dossier": SimpleUploadedFile("d.pdf", HTML)},
    )
    assert "«Dossier»" in response.context["form"].errors["dossier"][0] and not Candidacy.objects.exists()
    response = client.post(
        f"/{city.slug}/gestione/buone-pratiche/nuova/",
        {"title": "Orti", "theme": "Ambiente", "description": "…", "document": SimpleUploadedFile("o.svg", SVG)},
    )
    assert "«Documento»" in response.context["form"].errors["document"][0] and not GoodPractice.objects.exists()


def test_the_services_refuse_what_the_forms_refuse(users, action, settings, tmp_path):
    """Commands and any future caller of the services are held to the same check as the forms."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from ponte.core.services import attachment_add
    from ponte.plan.services import document_attach

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError):
        document_attach(action=action, user=users["owner"], title="X", file=ContentFile(HTML, name="x.pdf"))
    with pytest.raises(ValidationError):
        attachment_add(item=action, user=users["owner"], title="X", file=ContentFile(SVG, name="x.svg"))
    assert not action.documents.exists()
    document_attach(action=action, user=users["owner"], title="Verbale", file=ContentFile(PDF, name="verbale.pdf"))
    assert action.documents.get().file.name.endswith(".pdf")

"""What an uploaded document may be: checked by its content, never by its name or the browser's word.

Offices attach documents (PDF, office files, CSV or text, images) to actions, projects,
relations, bodies, candidacies and good practices. Whatever they upload is later opened by
colleagues, so only the kinds below are taken: a web page, an SVG image, a script or a program
is refused whatever its name says (an HTML page renamed `.pdf` is still HTML). The import files
of the open-data importers keep their own checks (`core.importing`).

Each kind is recognised from the file's first bytes (and, for office files, from the parts of
their ZIP container), its size is bounded by `PONTE_UPLOAD_MAX_MB` (documents) or
`PONTE_IMAGE_MAX_MB` (images), and the stored name gets the extension of what the file really
is. `core.files` serves them back with the same recognition.
"""

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192  # enough to recognise every kind below


@dataclass(frozen=True)
class Kind:
    label: str  # what people call it
    content_type: str
    extensions: tuple[str, ...]  # the first is given to a file whose name says otherwise
    image: bool = False


PDF = Kind("PDF", "application/pdf", (".pdf",))
ODT = Kind("ODT", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = Kind("ODS", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = Kind("ODP", "application/vnd.oasis.opendocument.presentation", (".odp",))
DOCX = Kind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = Kind("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
CSV = Kind("CSV", "text/csv", (".csv",))
TXT = Kind("TXT", "text/plain", (".txt",))
PNG = Kind("PNG", "image/png", (".png",), image=True)
JPEG = Kind("JPEG", "image/jpeg", (".jpg", ".jpeg"), image=True)
WEBP = Kind("WebP", "image/webp", (".webp",), image=True)
GIF = Kind("GIF", "image/gif", (".gif",), image=True)

IMAGES = (PNG, JPEG, WEBP, GIF)
DOCUMENTS = (PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, CSV, TXT, *IMAGES)
LOGO = (PNG, JPEG)  # what the reports' writers can put on a cover

_OPEN_DOCUMENT = {kind.content_type.encode(): kind for kind in (ODT, ODS, ODP)}
_OFFICE_OPEN_XML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
# Markup a browser would render or run, looked for at the start of anything that reads as text.
_MARKUP = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<head", b"<iframe")


def _zipped_kind(file) -> Kind | None:
    """An OpenDocument or Office Open XML file by the parts of its ZIP; macros refused."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            if "mimetype" in names:
                return _OPEN_DOCUMENT.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                kinds = {kind for prefix, kind in _OFFICE_OPEN_XML.items() if any(n.startswith(prefix) for n in names)}
                return kinds.pop() if len(kinds) == 1 else None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _reads_as_text(head: bytes) -> bool:
    """UTF-8 (or Windows-1252) text without control characters and not markup."""
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
        return False
    lowered = head.lower()
    return not lowered.lstrip().startswith(b"<") and not any(tag in lowered for tag in _MARKUP)


def detect(file, name: str = "") -> Kind | None:
    """The kind of a file (an open binary file, read from its start), or None when it is not
    one Ponte takes. Text is CSV or TXT by the name's extension; anything else by its content."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    found = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        found = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = WEBP
    elif head.startswith(b"PK\x03\x04"):
        found = _zipped_kind(file)
        file.seek(0)
    elif head and _reads_as_text(head):
        extension = PurePath(name).suffix.lower()
        found = {".csv": CSV, ".txt": TXT}.get(extension)
    return found


def _megabytes(size: int) -> str:
    return formats.number_format(size / 1024 / 1024, 1, use_l10n=True)


def check(upload, *, kinds=DOCUMENTS, label="") -> Kind:
    """Refuse an upload that is too large or not one of `kinds`, with a message naming the field;
    give the upload the extension of what it is. Returns its kind."""
    limit_mb = settings.PONTE_IMAGE_MAX_MB if all(kind.image for kind in kinds) else settings.PONTE_UPLOAD_MAX_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise forms.ValidationError(
            _("«%(field)s»: the file is %(size)s MB, above the limit of %(limit)d MB."),
            code="too_large",
            params={"field": label, "size": _megabytes(upload.size), "limit": limit_mb},
        )
    kind = detect(upload, upload.name or "")
    if kind not in kinds:
        raise forms.ValidationError(
            _(
                "«%(field)s»: %(name)s is not an accepted type of document (web pages, SVG images, scripts "
                "and programs are refused whatever their name). Accepted: %(kinds)s."
            ),
            code="kind",
            params={"field": label, "name": upload.name, "kinds": ", ".join(kind.label for kind in kinds)},
        )
    if kind.image and upload.size > settings.PONTE_IMAGE_MAX_MB * 1024 * 1024:
        raise forms.ValidationError(
            _("«%(field)s»: the image is %(size)s MB, above the limit of %(limit)d MB."),
            code="too_large",
            params={"field": label, "size": _megabytes(upload.size), "limit": settings.PONTE_IMAGE_MAX_MB},
        )
    path = PurePath(upload.name or "document")
    if path.suffix.lower() not in kind.extensions:
        upload.name = f"{path.stem}{kind.extensions[0]}"
    return kind


class CheckedFileField(forms.FileField):
    """A file field that takes only `kinds` (documents by default), checked by content."""

    def __init__(self, *, kinds=DOCUMENTS, **kwargs):
        self.kinds = tuple(kinds)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ",".join(extension for kind in self.kinds for extension in kind.extensions)
        return attrs

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            check(upload, kinds=self.kinds, label=self.label)
        return upload


class CheckedUploadsAdmin:
    """Mixed into the Django admin's ModelAdmin of every model that holds uploaded files."""

    formfield_overrides = {
        models.ImageField: {"form_class": CheckedFileField, "kinds": LOGO},
        models.FileField: {"form_class": CheckedFileField},
    }

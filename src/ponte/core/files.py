"""Every stored file is served here, after asking whether the viewer may see it.

A file's URL (`FieldFile.url`, under MEDIA_URL) names it; this view finds the row that holds it
and asks that row's rule: the city's logo is public; an import's files are for those who run
imports; every other file (reports, documents of actions, projects, relations, bodies,
candidacies, practices, training materials) is for the staff of the row's city. Anyone else gets
a 404, as for a file that does not exist: an unguessable name is not the control, this check is.

Only images are shown inline; everything else is an attachment, with its type from its content
(`core.uploads.detect`), `nosniff` and a sandboxing Content-Security-Policy, so a document can
never run as a page of Ponte's origin. With `PONTE_SENDFILE` the web server sends the file
after the check (X-Accel-Redirect to an `internal` location, or X-Sendfile) when the storage is
the local folder; from any other storage (a bucket) Django streams it.
"""

import functools
from pathlib import PurePosixPath
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from . import permissions, storage, uploads


def public(user, owner) -> bool:
    return True


def city_staff(user, owner) -> bool:
    return permissions.can_view(user, owner.city)


def importers(user, owner) -> bool:
    return permissions.can_manage_funds(user, owner.city)


def workbook_senders(user, owner) -> bool:
    return permissions.can_manage_plan(user, owner.city) or (
        permissions.can_view(user, owner.city) and owner.created_by_id == user.pk
    )


# Who may see the files of a model, by its label; a model not named here keeps its files for the
# staff of its city (a model without a city: for nobody but superusers).
RULES = {"core.city": public, "core.importjob": importers, "plan.workbookupload": workbook_senders}


def rule_of(model):
    if model._meta.label_lower in RULES:
        return RULES[model._meta.label_lower]
    if any(field.name == "city" for field in model._meta.concrete_fields):
        return city_staff
    return lambda user, owner: user.is_superuser


@functools.cache
def file_fields() -> list[tuple[type[models.Model], models.FileField, str]]:
    """Every model's file fields with the folder their files are stored under."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                folder = field.upload_to.split("%", 1)[0] if isinstance(field.upload_to, str) else ""
                found.append((model, field, folder))
    return found


def owner_of(name: str) -> tuple[models.Model, models.FileField] | None:
    """The row holding the stored file `name`, and its field; None when no row does."""
    for model, field, folder in file_fields():
        if name.startswith(folder):
            rows = model._base_manager.filter(**{field.name: name})
            if any(each.name == "city" and each.is_relation for each in model._meta.concrete_fields):
                rows = rows.select_related("city")  # the rules ask about the row's city
            owner = rows.first()
            if owner is not None:
                return owner, field
    return None


def _clean_name(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or "\x00" in name:
        raise Http404
    return str(path)


@require_safe
def serve(request, name):
    name = _clean_name(name)
    found = owner_of(name)
    if found is None:
        raise Http404
    owner, field = found
    rule = rule_of(type(owner))
    if not rule(request.user, owner):
        raise Http404
    try:
        stored = field.storage.open(name, "rb")
    except OSError:
        raise Http404 from None
    kind = uploads.detect(stored, name)
    inline = kind is not None and kind.image
    content_type = kind.content_type if kind else "application/octet-stream"
    filename = PurePosixPath(name).name
    if settings.PONTE_SENDFILE and storage.is_local(field.storage):  # the web server reads the disk
        stored.close()
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
        if settings.PONTE_SENDFILE == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.PONTE_SENDFILE_PREFIX.rstrip("/") + "/" + quote(name)
        else:
            response["X-Sendfile"] = field.storage.path(name)
    else:
        response = FileResponse(stored, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if rule is public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response

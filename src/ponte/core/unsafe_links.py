"""Links stored before web addresses were checked (issue 14) may hold another scheme than http(s)
(`javascript:`, `data:`, `vbscript:`): they are blanked once by each app's data migration
`…_clear_unsafe_links` (or `manage.py clean_unsafe_links`, for every web address field at once),
and templates link only what `is_web_address` accepts (`{{ value|web_link }}`)."""

from django.db import models

from .webaddress import web_address_or_blank


def print_cleared(label: str, count: int) -> None:
    """The migrations' report: a line per field that had unsafe links, silence otherwise."""
    if count:
        print(f"  {label}: {count} unsafe link(s) cleared")


def clear_unsafe_links(model, field_names, *, report=print_cleared) -> dict[str, int]:
    """Blank the values of `field_names` on `model` (a current or a migration's historical model)
    that are no web address; an address written without a scheme ("www.example.org") is kept.
    Reports `report(label, count)` and returns how many per field, "app.Model.field" → count."""
    counts = {}
    for name in field_names:
        unsafe = [
            pk
            for pk, value in model._default_manager.exclude(**{name: ""}).values_list("pk", name).iterator()
            if value is not None and not web_address_or_blank(value)
        ]
        for start in range(0, len(unsafe), 500):
            model._default_manager.filter(pk__in=unsafe[start : start + 500]).update(**{name: ""})
        label = f"{model._meta.app_label}.{model.__name__}.{name}"
        counts[label] = len(unsafe)
        report(label, len(unsafe))
    return counts


def web_address_fields(app_models):
    """(model, [field names]) for every URL field of the given models."""
    for model in app_models:
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.URLField)]
        if names:
            yield model, names

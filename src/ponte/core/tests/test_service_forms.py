"""Every create-or-edit page of Ponte (each `ServiceFormView`, found from the URL patterns)
creates one item and edits it through HTTP: a view that hands its item to its service by the
wrong keyword (`membership_save(networkmembership=…)`, a 500 on every save) cannot pass."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from ponte.core.models import Organisation
from ponte.core.tests.form_pages import build_items, kwargs_for, page_patterns
from ponte.core.views import ServiceFormView
from ponte.factories import OrganisationFactory


def service_form_patterns():
    """(name, kwargs' names, view class) of each pattern served by a ServiceFormView."""
    views = {}
    for entry in get_resolver().url_patterns:
        stack = [(entry, "")]
        while stack:
            item, namespace = stack.pop()
            if hasattr(item, "url_patterns"):
                stack += [(inner, item.namespace or namespace) for inner in item.url_patterns]
            elif getattr(item.callback, "view_class", None) and issubclass(item.callback.view_class, ServiceFormView):
                views[f"{namespace}:{item.name}" if namespace else item.name] = item.callback.view_class
    return [(name, keys, views[name]) for name, keys in page_patterns() if name in views]


PATTERNS = service_form_patterns()
CREATE = [(name, keys, view) for name, keys, view in PATTERNS if "pk" not in keys]
EDIT = {view: (name, keys) for name, keys, view in PATTERNS if "pk" in keys}


def test_every_service_form_view_is_found():
    assert len(CREATE) >= 14 and {view for _n, _k, view in CREATE} == set(EDIT)


def post_value(value):
    if isinstance(value, (list, tuple)):
        return [post_value(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return "" if value is None else value


def first_choice(field):
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # an optgroup
            return label[0][0]
        if value not in ("", None):
            return str(value)
    raise AssertionError(f"no choice to make in {field.label}")


def filled(field, name):
    """A value a person could type or choose in a required field."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [field.queryset.first().pk]
    if isinstance(field, forms.ModelChoiceField):
        return field.queryset.first().pk
    if isinstance(field, forms.MultipleChoiceField):
        return [first_choice(field)]
    if isinstance(field, forms.ChoiceField):
        return first_choice(field)
    if isinstance(field, forms.DateTimeField):
        return "2030-05-04T10:00"
    if isinstance(field, forms.DateField):
        return "2030-05-04"
    if isinstance(field, forms.IntegerField):
        return str(min(2030, field.max_value or 2030))
    if isinstance(field, forms.DecimalField):
        return "1000"
    if isinstance(field, forms.EmailField):
        return "prova@example.org"
    if isinstance(field, forms.URLField):
        return "https://example.org"
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.SlugField):
        return f"prova-{name}"
    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("prova.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return f"Prova {name}"[: getattr(field, "max_length", None) or 60]


def form_data(form):
    """What the page's form posts as it is, its required fields filled in."""
    data = {}
    for name, field in form.fields.items():
        value = post_value(form[name].value())
        if value in ("", [], None) and field.required:
            value = filled(field, name)
        if value is False or value in ("", [], None):
            continue
        data[name] = "on" if value is True else value
    return data


def text_field(form):
    """A free-text field of the form, to change on edit."""
    return next(
        name
        for name, field in form.fields.items()
        if type(field) is forms.CharField and not field.widget.is_hidden and name not in {"slug", "identifier"}
    )


@pytest.mark.parametrize("name, keys, view", CREATE, ids=[name for name, _k, _v in CREATE])
def test_each_service_form_creates_and_edits_its_item(client, users, city, office, name, keys, view):
    items = build_items(city, office)
    OrganisationFactory(city=city, kind=Organisation.Kind.NETWORK, name="Rete in più")  # not yet joined
    client.force_login(users["admin"])
    model = view.model
    before = set(model.objects.for_city(city).values_list("pk", flat=True))

    path = reverse(name, kwargs=kwargs_for(name, keys, city, items))
    form = client.get(path).context["form"]
    response = client.post(path, form_data(form))
    assert response.status_code == 302, (name, response.context and response.context["form"].errors)
    (created,) = model.objects.for_city(city).exclude(pk__in=before)

    edit_name, edit_keys = EDIT[view]
    edit_path = reverse(edit_name, kwargs=kwargs_for(edit_name, edit_keys, city, items) | {"pk": created.pk})
    form = client.get(edit_path).context["form"]
    field = text_field(form)
    data = form_data(form) | {field: "Modificato"}
    response = client.post(edit_path, data)
    assert response.status_code == 302, (edit_name, response.context and response.context["form"].errors)
    created.refresh_from_db()
    assert getattr(created, field) == "Modificato"

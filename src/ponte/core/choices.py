"""Choice lists that grow with the city's data (the plan's actions, the directory's
organisations) searched on the server instead of written whole into every form.

A form's select over thousands of actions costs the server the query and the rendering of each
option and the browser megabytes on every edit page. Above `REMOTE_ABOVE` choices such a field
(any select of a `CityModelForm` over a model of `SEARCHED`) renders only the options chosen, and
Tom Select (static/ponte/forms.js) asks `ChoicesView` for the matches of what the person types.
Below it the whole list stays in the page and works without JavaScript. The form still validates
every choice against its own list (its queryset), so the search only suggests.
"""

from django import forms
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views import View

from .views import CityMixin

# Above this many choices a select is searched on the server.
REMOTE_ABOVE = 200
# How many matches one search answers.
MATCHES = 30
# The models searched on the server, and the fields a search looks in.
SEARCHED = {
    "plan.action": ("code", "title"),
    "core.organisation": ("name", "short_name", "name_en"),
}


class RemoteChoicesMixin:
    """A select that renders only its chosen options; the others are found by searching."""

    def get_context(self, name, value, attrs):
        field = self.choices.field
        values = value if isinstance(value, (list, tuple)) else [value]
        chosen = [str(pk) for pk in values if pk not in (None, "") and str(pk).isdigit()]
        choices = [] if field.empty_label is None else [("", field.empty_label)]
        if chosen:
            choices += [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset.filter(pk__in=chosen)]
        self.choices = choices
        return super().get_context(name, value, attrs)


class RemoteSelect(RemoteChoicesMixin, forms.Select):
    pass


class RemoteSelectMultiple(RemoteChoicesMixin, forms.SelectMultiple):
    pass


def search_remotely(form, city) -> None:
    """Give the long selects of `form` over a searched model the widget that asks the server."""
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField) or isinstance(field.widget, RemoteChoicesMixin):
            continue
        if not isinstance(field.widget, forms.Select):  # not radios nor checkboxes
            continue
        label = field.queryset.model._meta.label_lower
        if label not in SEARCHED or field.queryset.count() <= REMOTE_ABOVE:
            continue
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        widget = (RemoteSelectMultiple if multiple else RemoteSelect)(attrs=field.widget.attrs)
        widget.is_required = field.widget.is_required
        widget.attrs["data-autocomplete"] = "multiple" if multiple else "single"
        widget.attrs["data-choices-url"] = reverse("core:choices-json", kwargs={"city": city.slug, "model": label})
        field.widget = widget
        widget.choices = field.choices


class ChoicesView(CityMixin, View):
    """`?q=` → the first matches among the city's items of a searched model, as JSON
    {"results": [{"value": pk, "text": label}]}, for the city's staff."""

    def get(self, request, *args, **kwargs):
        from django.apps import apps

        label = kwargs["model"]
        if label not in SEARCHED:
            raise Http404
        model = apps.get_model(label)
        found = model.objects.for_city(self.city)
        for word in request.GET.get("q", "").split()[:5]:
            found = found.filter(Q(*(Q(**{f"{name}__icontains": word}) for name in SEARCHED[label]), _connector=Q.OR))
        results = [{"value": obj.pk, "text": str(obj)} for obj in found[:MATCHES]]
        return JsonResponse({"results": results})

"""The directory in the back office: organisations and people created, edited and merged.

Whoever meets partners keeps the directory (`permissions.can_manage_organisations`); every
staff member reads it. A form reached from another page (a project's "add a partner") returns
there with the new organisation chosen (`?next=`)."""

from functools import partial

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from . import permissions, queries, services
from .exports import Column
from .filters import CityFilterSet, sort_by
from .forms import CityModelForm, StyledFormMixin
from .models import Organisation, Person
from .views import CityMixin, ExportableListView, ServiceFormView, run_service


def unique_slug(model, city, text: str) -> str:
    """A code for a new item from its name, unique in the city (`comune-di-rimini-2`)."""
    base = slugify(text)[:70] or model._meta.model_name
    slug, n = base, 1
    while model.objects.for_city(city).filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class OrganisationForm(CityModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "name_en",
            "short_name",
            "kind",
            "parent",
            "country",
            "locality",
            "website",
            "email",
            "pic",
            "tax_code",
            "latitude",
            "longitude",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # an organisation cannot be part of itself
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)

    def clean_country(self):
        return self.cleaned_data["country"].upper()


class PersonForm(CityModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "role", "organisation", "email", "phone"]


class MergeForm(StyledFormMixin, forms.Form):
    other = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Duplicate to merge into this one"),
        help_text=gettext_lazy(
            "Everything that points at the duplicate will point at this one; the duplicate is deleted."
        ),
    )
    confirm = forms.BooleanField(label=gettext_lazy("I understand that the duplicate is deleted"))

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = queryset


class DirectoryFormView(ServiceFormView):
    """Create or edit an organisation or a person; a new one gets a code from its name."""

    template_name = "plan/form.html"
    permission = staticmethod(permissions.can_manage_organisations)

    def form_valid(self, form):
        item = form.instance
        if not item.slug:
            item.slug = unique_slug(self.model, self.city, str(getattr(item, "name", "") or item))
        return super().form_valid(form)

    def success_url_for(self, item):
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()}):
            return f"{target}{'&' if '?' in target else '?'}{self.model._meta.model_name}={item.pk}"
        if self.model is Organisation:
            return item.get_absolute_url()
        return reverse("core:person-list", kwargs={"city": self.city.slug})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_url = self.request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, {self.request.get_host()}):
            context["next"] = next_url
        return context


class OrganisationFormView(DirectoryFormView):
    model, form_class, service = Organisation, OrganisationForm, staticmethod(services.organisation_save)
    new_title = gettext_lazy("New organisation")


class PersonFormView(DirectoryFormView):
    model, form_class, service = Person, PersonForm, staticmethod(services.person_save)
    new_title = gettext_lazy("New person")


class OrganisationDetailView(CityMixin, TemplateView):
    """An organisation and everywhere it is used: partnerships, relations, bodies, people."""

    template_name = "core/organisation_detail.html"

    def get_context_data(self, **kwargs):
        organisation = get_object_or_404(
            queries.organisation_list(self.city).prefetch_related("people"), pk=self.kwargs["pk"]
        )
        return super().get_context_data(
            organisation=organisation,
            usage=queries.usage(organisation),
            can_edit=permissions.can_manage_organisations(self.request.user, self.city),
            history=queries.audit_history(organisation),
            **kwargs,
        )


class MergeView(CityMixin, FormView):
    """Merge a duplicate into the item of the page, after saying what will move."""

    template_name = "core/merge.html"
    form_class = MergeForm
    permission = staticmethod(permissions.can_manage_organisations)
    model = Organisation

    def get_item(self):
        if not hasattr(self, "_item"):
            self._item = get_object_or_404(self.model.objects.for_city(self.city), pk=self.kwargs["pk"])
        return self._item

    def get_form_kwargs(self):
        others = self.model.objects.for_city(self.city).exclude(pk=self.get_item().pk)
        return super().get_form_kwargs() | {"queryset": others}

    def get_initial(self):
        """`?other=<pk>`: the duplicate proposed by the directory's list of possible duplicates."""
        other = self.request.GET.get("other", "")
        return {"other": int(other)} if other.isdigit() else {}

    def form_valid(self, form):
        kept, removed = self.get_item(), form.cleaned_data["other"]
        moved = run_service(form, partial(services.merge, kept=kept, removed=removed, user=self.request.user))
        if moved is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(removed)s merged into %(kept)s: %(n)d links moved.") % {"removed": removed, "kept": kept, "n": moved},
        )
        if self.model is Organisation:
            return redirect(kept)
        return redirect("core:person-list", city=self.city.slug)

    def get_context_data(self, **kwargs):
        item = self.get_item()
        title = _("Merge a duplicate into %(item)s") % {"item": item}
        return super().get_context_data(item=item, title=title, usage=queries.usage(item), **kwargs)


class PersonMergeView(MergeView):
    model = Person


class PersonFilter(CityFilterSet):
    search_fields = ("full_name", "role", "email", "organisation__name")
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), label=gettext_lazy("Organisation")
    )
    ordering = sort_by(
        ("full_name", "name", gettext_lazy("Name")),
        ("organisation__name", "organisation", gettext_lazy("Organisation")),
    )

    class Meta:
        model = Person
        fields = ["q", "organisation"]


PERSON_COLUMNS = [
    Column(gettext_lazy("Name"), lambda p: p.full_name),
    Column(gettext_lazy("Role"), lambda p: p.role),
    Column(gettext_lazy("Organisation"), lambda p: p.organisation or ""),
    Column(gettext_lazy("Email"), lambda p: p.email),
    Column(gettext_lazy("Phone"), lambda p: p.phone),
]


class PersonListView(ExportableListView):
    """The people the city works with: delegates, representatives, contacts."""

    template_name = "core/person_list.html"
    filterset_class = PersonFilter
    export_columns = PERSON_COLUMNS
    export_name = "persone"

    def base_queryset(self):
        return queries.person_list(self.city)

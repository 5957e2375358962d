"""The back office's search: everything of the city a staff member may see (drafts included), by
words and by meaning, each hit linking to its staff page.

Every role reads the whole back office of its city (`permissions`), so every kind is searched;
a kind whose staff page is a form the person's role may not open (events and news for a viewer)
is left out, so no hit leads to a 403. The matching and the blending are the portal's
(`ponte.portal.search.run`, `ponte.intelligence.search`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ponte.portal.search import Hit, Kind, Results, run

from . import menu
from .views import CityMixin


def _staff(name, **attributes):
    def url(obj):
        values = {key: getattr(obj, attribute) for key, attribute in attributes.items()}
        return reverse(name, kwargs={"city": obj.city.slug, **values})

    return url


def _rows(label, *related):
    def rows(city):
        from django.apps import apps

        queryset = apps.get_model(label).objects.for_city(city)
        return queryset.select_related("city", *related) if related else queryset.select_related("city")

    return rows


def _kind(key, label, model, related, fields, title, url, summary=lambda o: ""):
    return Kind(key, label, _rows(model, *related), fields, lambda o: Hit(o, title(o), url(o), summary(o)))


KINDS = [
    _kind(
        "actions",
        _("Plan actions"),
        "plan.Action",
        (),
        (("code", "A"), ("title", "A"), ("description", "B")),
        lambda o: f"{o.code} {o.title}",
        _staff("plan:action-detail", code="code"),
        lambda o: o.description,
    ),
    _kind(
        "indicators",
        _("Indicators"),
        "plan.Indicator",
        (),
        (("code", "A"), ("name", "A"), ("name_en", "A"), ("description", "B"), ("unit", "B")),
        lambda o: f"{o.code} {o.name}".strip(),
        _staff("plan:indicator-detail", pk="pk"),
        lambda o: o.description,
    ),
    _kind(
        "projects",
        _("Projects"),
        "funding.Project",
        (),
        (("acronym", "A"), ("title", "A"), ("description", "B"), ("place", "B")),
        lambda o: o.acronym or o.title,
        _staff("funding:project-detail", pk="pk"),
        lambda o: o.title if o.acronym else o.description,
    ),
    _kind(
        "calls",
        _("Calls"),
        "funding.Call",
        (),
        (("identifier", "A"), ("title", "A"), ("description", "B"), ("keywords", "B")),
        lambda o: o.title,
        _staff("funding:call-detail", pk="pk"),
        lambda o: o.identifier,
    ),
    _kind(
        "relations",
        _("International relations"),
        "diplomacy.Relation",
        ("partner",),
        (("partner__name", "A"), ("partner__name_en", "A"), ("description", "B")),
        str,
        _staff("diplomacy:relation-detail", pk="pk"),
        lambda o: o.description,
    ),
    _kind(
        "networks",
        _("International networks"),
        "diplomacy.NetworkMembership",
        ("network",),
        (("network__name", "A"), ("network__name_en", "A"), ("role_detail", "B"), ("working_groups", "B")),
        lambda o: o.network.localized_name,
        _staff("diplomacy:membership-edit", pk="pk"),
        lambda o: o.role_detail,
    ),
    _kind(
        "candidacies",
        _("Candidacies and awards"),
        "diplomacy.Candidacy",
        (),
        (("title", "A"), ("outcome", "B")),
        lambda o: f"{o.title} ({o.year})",
        _staff("diplomacy:candidacy-edit", pk="pk"),
        lambda o: o.outcome,
    ),
    _kind(
        "organisations",
        _("Organisations"),
        "core.Organisation",
        (),
        (("name", "A"), ("name_en", "A"), ("short_name", "A"), ("locality", "B"), ("description", "B")),
        str,
        _staff("core:organisation-detail", pk="pk"),
    ),
    _kind(
        "bodies",
        _("Governance bodies"),
        "governance.Body",
        ("organisation",),
        (("organisation__name", "A"), ("purpose", "B")),
        str,
        _staff("governance:body-detail", pk="pk"),
        lambda o: o.purpose,
    ),
    _kind(
        "events",
        _("Events"),
        "participation.Event",
        (),
        (("title", "A"), ("description", "B"), ("venue", "B")),
        lambda o: o.title,
        _staff("participation:event-edit", pk="pk"),
        lambda o: o.description,
    ),
    _kind(
        "news",
        _("News"),
        "portal.News",
        (),
        (("title", "A"), ("summary", "B"), ("body", "B")),
        lambda o: o.title,
        _staff("newsdesk:edit", pk="pk"),
        lambda o: o.summary,
    ),
]

#: The staff page of each kind, by URL name (to ask once per kind whether the person may open it).
STAFF_PAGES = {
    "actions": ("plan:action-detail", {"code": "1"}),
    "indicators": ("plan:indicator-detail", {"pk": 1}),
    "projects": ("funding:project-detail", {"pk": 1}),
    "calls": ("funding:call-detail", {"pk": 1}),
    "relations": ("diplomacy:relation-detail", {"pk": 1}),
    "networks": ("diplomacy:membership-edit", {"pk": 1}),
    "candidacies": ("diplomacy:candidacy-edit", {"pk": 1}),
    "organisations": ("core:organisation-detail", {"pk": 1}),
    "bodies": ("governance:body-detail", {"pk": 1}),
    "events": ("participation:event-edit", {"pk": 1}),
    "news": ("newsdesk:edit", {"pk": 1}),
}


def kinds_for(user, city) -> list[Kind]:
    """The kinds whose staff pages `user` may open in `city`."""
    found = []
    for kind in KINDS:
        name, kwargs = STAFF_PAGES[kind.key]
        if menu.may_open(user, city, reverse(name, kwargs={"city": city.slug, **kwargs})):
            found.append(kind)
    return found


class StaffSearchView(CityMixin, TemplateView):
    """Search the whole back office of the city (the header's search box)."""

    template_name = "core/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        kinds = kinds_for(self.request.user, self.city)
        results = run(self.city, query, kinds) if query else Results([])
        return super().get_context_data(
            title=_("Search"),
            query=query,
            results=results,
            groups=results.groups,
            total=results.total,
            searched=[kind.label for kind in kinds],
            **kwargs,
        )

"""The public portal: thin views over `public.py`, the one definition of what is public."""

from decimal import Decimal

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import ListView, TemplateView, View

from ponte.core.views import CityMixin, FilteredListView
from ponte.diplomacy import worldmap
from ponte.funding.models import CITY_FUNDS, OPEN_DATA_SOURCES
from ponte.participation.newsletter import rich_text
from ponte.plan import queries as plan_queries

from . import citymap, opendata, public, search
from .filters import PublicProjectFilter
from .sitemaps import sitemaps


def sitemap(request):
    return sitemap_view(request, sitemaps=sitemaps())


class PortalMixin(CityMixin):
    """A public page; `crumbs` (or `get_crumbs`) gives the breadcrumb trail after Home."""

    login_required = False
    crumbs: list = []

    def url(self, name, **kwargs):
        return reverse(name, kwargs={"city": self.city.slug, **kwargs})

    def get_crumbs(self, context):
        return [(label, self.url(name) if name else None) for label, name in self.crumbs]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(public=True, **kwargs)
        trail = self.get_crumbs(context)
        if trail:
            context["breadcrumbs"] = [(pgettext_lazy("breadcrumb", "Home"), self.url("portal:home")), *trail]
        return context


class StaticPageView(PortalMixin, TemplateView):
    title = ""

    def get_crumbs(self, context):
        return [(self.title, None)]


class LegalNotesView(StaticPageView):
    """The legal notes the footer links to: the licence of the site's content in the wording the
    Designers Italia municipal model asks for (criterion C.SI.3.4) when it is CC BY 4.0, the
    credits of the data shown and the software's own licence."""

    template_name = "portal/legal_notes.html"
    title = _("Legal notes")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "licence": opendata.licence(),
            "sources": OPEN_DATA_SOURCES.values(),
        }


class HomeView(PortalMixin, TemplateView):
    """The plan in numbers, real projects and relations, news and events (or their fallbacks: `home`)."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        from .home import home_context

        plan = plan_queries.current_plan(self.city)
        rollup = plan_queries.rollup(plan) if plan else None
        actions = public.actions(self.city)
        funded = public.projects(self.city).aggregate(n=Count("pk"), contribution=Sum("eu_contribution"))
        figures = {
            "macro_areas": plan.macro_areas.count() if plan else 0,
            "actions": actions.count(),
            "completed": actions.filter(status="completed").count(),
            "projects": funded["n"],
            "contribution": funded["contribution"] or Decimal(0),
            "relations": public.relations(self.city).count(),
        }
        return super().get_context_data(
            plan=plan,
            progress=rollup.plan if rollup else None,
            figures=figures,
            **home_context(self.city),
            **kwargs,
        )


class PlanMixin(PortalMixin):
    def get_plan(self):
        plan = plan_queries.current_plan(self.city)
        if plan is None:
            raise Http404
        return plan


class PlanView(PlanMixin, TemplateView):
    """The plan by macro area and line with progress; links to every published action."""

    template_name = "portal/plan.html"
    crumbs = [(_("The plan"), None)]

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        rollup = plan_queries.rollup(plan)
        macro_areas = list(plan.macro_areas.prefetch_related("lines"))
        by_line = {}
        for action in public.actions(self.city):
            by_line.setdefault(action.line_id, []).append(action)
        for macro in macro_areas:
            macro.progress = rollup.macro_areas.get(macro.pk)
            for line in macro.lines.all():
                line.progress = rollup.lines.get(line.pk)
                line.public_actions = by_line.get(line.pk, [])
        return super().get_context_data(
            plan=plan, progress=rollup.plan, macro_areas=macro_areas, axes=public.axes(self.city), **kwargs
        )


class MacroAreaView(PlanMixin, TemplateView):
    template_name = "portal/macro_area.html"

    def get_crumbs(self, context):
        return [(_("The plan"), self.url("portal:plan")), (str(context["macro"]), None)]

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        macro = get_object_or_404(plan.macro_areas.prefetch_related("lines"), code=self.kwargs["code"])
        rollup = plan_queries.rollup(plan)
        actions = list(public.actions(self.city).filter(line__macro_area=macro))
        for line in macro.lines.all():
            line.progress = rollup.lines.get(line.pk)
            line.public_actions = [action for action in actions if action.line_id == line.pk]
        return super().get_context_data(
            macro=macro,
            progress=rollup.macro_areas.get(macro.pk),
            indicators=public.indicators(self.city).filter(macro_area=macro),
            **kwargs,
        )


class ActionView(PortalMixin, TemplateView):
    template_name = "portal/action.html"

    def get_crumbs(self, context):
        macro = context["action"].line.macro_area
        return [
            (_("The plan"), self.url("portal:plan")),
            (str(macro), self.url("portal:macro-area", code=macro.code)),
            (context["action"].code, None),
        ]

    def get_context_data(self, **kwargs):
        try:
            action = public.action_detail(self.city, self.kwargs["code"])
        except public.Action.DoesNotExist:
            raise Http404 from None
        return super().get_context_data(action=action, **kwargs)


class AxisView(PortalMixin, TemplateView):
    template_name = "portal/axis.html"

    def get_crumbs(self, context):
        return [(_("The plan"), self.url("portal:plan")), (context["axis"].localized_name, None)]

    def get_context_data(self, **kwargs):
        kwargs.pop("axis", None)  # the URL's slug; the context's `axis` is the object
        axis = get_object_or_404(public.axes(self.city), slug=self.kwargs["axis"])
        return super().get_context_data(
            axis=axis,
            items=plan_queries.axis_summary(axis, published_only=True),
            axes=public.axes(self.city),
            **kwargs,
        )


class ProjectListView(PortalMixin, FilteredListView):
    """Funded projects, filtered by programme, kind, year, theme and place, with a map of the
    countries of their partners."""

    template_name = "portal/project_list.html"
    crumbs = [(_("Funded projects"), None)]
    filterset_class = PublicProjectFilter
    paginate_by = 25

    def base_queryset(self):
        return public.projects(self.city)

    def get_context_data(self, **kwargs):
        queryset = self.filterset.qs
        totals = queryset.aggregate(
            budget=Sum("total_budget"),
            contribution=Sum("eu_contribution"),
            city_funds=Sum(CITY_FUNDS),
        )
        abroad = queryset.filter(participations__country__gt="")
        countries = set(abroad.values_list("participations__country", flat=True))
        # The credit each open-data source of the listed projects asks for.
        origins = sorted(set(queryset.exclude(origin="").values_list("origin", flat=True)))
        sources = [OPEN_DATA_SOURCES[origin] for origin in origins if origin in OPEN_DATA_SOURCES]
        return super().get_context_data(
            totals=totals,
            sources=sources,
            **worldmap.map_context(shaded=countries),
            **citymap.map_context(self.city, queryset),
            **kwargs,
        )


class ProjectView(PortalMixin, TemplateView):
    template_name = "portal/project.html"

    def get_crumbs(self, context):
        return [(_("Funded projects"), self.url("portal:project-list")), (str(context["project"]), None)]

    def get_context_data(self, **kwargs):
        project = get_object_or_404(
            public.projects(self.city).prefetch_related(
                Prefetch("actions", queryset=public.actions(self.city), to_attr="public_actions")
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(project=project, **kwargs)


class RelationMapView(PortalMixin, TemplateView):
    template_name = "portal/relations.html"
    crumbs = [(_("International relations"), None)]

    def get_context_data(self, **kwargs):
        relations = list(public.relations(self.city))
        return super().get_context_data(relations=relations, **worldmap.map_context(relations), **kwargs)


class RelationView(PortalMixin, TemplateView):
    """One published relation: partner, kind, since when, status and the public plan actions it serves."""

    template_name = "portal/relation.html"

    def get_crumbs(self, context):
        relation = context["relation"]
        return [(_("International relations"), self.url("portal:relations")), (relation.partner.localized_name, None)]

    def get_context_data(self, **kwargs):
        relation = get_object_or_404(
            public.relations(self.city).prefetch_related(
                Prefetch("actions", queryset=public.actions(self.city), to_attr="public_actions")
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(relation=relation, **kwargs)


class BodyListView(PortalMixin, ListView):
    template_name = "portal/body_list.html"
    crumbs = [(_("Governance"), None)]

    def get_queryset(self):
        return public.bodies(self.city)


class BodyView(PortalMixin, TemplateView):
    template_name = "portal/body.html"

    def get_crumbs(self, context):
        return [(_("Governance"), self.url("portal:body-list")), (str(context["body"]), None)]

    def get_context_data(self, **kwargs):
        body = get_object_or_404(
            public.bodies(self.city).prefetch_related("members__organisation"), pk=self.kwargs["pk"]
        )
        return super().get_context_data(body=body, meetings=public.public_meetings(body), **kwargs)


class NewsListView(PortalMixin, ListView):
    template_name = "portal/news_list.html"
    crumbs = [(_("News"), None)]
    paginate_by = 20

    def get_queryset(self):
        return public.news(self.city)


class NewsView(PortalMixin, TemplateView):
    template_name = "portal/news.html"

    def get_crumbs(self, context):
        return [(_("News"), self.url("portal:news-list")), (context["item"].title, None)]

    def get_context_data(self, **kwargs):
        item = get_object_or_404(public.news(self.city).select_related("action"), slug=self.kwargs["slug"])
        action = item.action if item.action and item.action.is_published else None
        return super().get_context_data(item=item, body=rich_text(item.body), action=action, **kwargs)


class SearchView(PortalMixin, TemplateView):
    """One search over everything public, grouped by kind (see `search.py`)."""

    template_name = "portal/search.html"
    crumbs = [(_("Search"), None)]

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        groups = search.search(self.city, query) if query else []
        return super().get_context_data(
            query=query,
            groups=groups,
            total=sum(group.count for group in groups),
            searched=search.searched_kinds(),
            **kwargs,
        )


class OpenDataView(PortalMixin, TemplateView):
    template_name = "portal/open_data.html"
    crumbs = [(_("Open data"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(datasets=opendata.DATASETS.values(), licence=opendata.licence(), **kwargs)


class DatasetMixin(PortalMixin):
    def get_dataset(self):
        dataset = opendata.DATASETS.get(self.kwargs["dataset"])
        if dataset is None:
            raise Http404
        return dataset


class DatasetDownloadView(DatasetMixin, View):
    format = "csv"

    def get(self, request, *args, **kwargs):
        dataset = self.get_dataset()
        if self.format == "csv":
            return opendata.csv_response(dataset, self.city)
        return opendata.json_response(dataset, self.city)


class DatasetSchemaView(DatasetMixin, View):
    def get(self, request, *args, **kwargs):
        return JsonResponse(opendata.table_schema(self.get_dataset()), json_dumps_params={"ensure_ascii": False})


class CatalogueView(PortalMixin, View):
    """The catalogue's DCAT-AP_IT metadata, as Turtle or JSON-LD."""

    format = "turtle"
    content_types = {"turtle": "text/turtle; charset=utf-8", "json-ld": "application/ld+json"}

    def get(self, request, *args, **kwargs):
        graph = opendata.catalogue_graph(self.city, request)
        return HttpResponse(graph.serialize(format=self.format), content_type=self.content_types[self.format])

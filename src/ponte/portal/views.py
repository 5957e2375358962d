"""The public portal: thin views over `public.py`, the one definition of what is public."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
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
from ponte.plan.models import AxisItem

from . import citymap, opendata, public, search
from .filters import PublicProjectFilter
from .sitemaps import sitemaps


def sitemap(request):
    """The index of the sitemap's sections (see `sitemaps.py`)."""
    return sitemap_views.index(request, sitemaps=sitemaps(), sitemap_url_name="sitemap-section")


def sitemap_section(request, section):
    """One section of the sitemap, a page (`?p=`) at a time."""
    return sitemap_views.sitemap(request, sitemaps=sitemaps(), section=section)


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
    """The plan by macro area: each with its progress, its lines and how many published actions
    they have, linking to the macro area's page (which lists the actions a page at a time)."""

    template_name = "portal/plan.html"
    crumbs = [(_("The plan"), None)]

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        rollup = plan_queries.rollup(plan)
        counts = public.action_counts(self.city)
        macro_areas = list(plan.macro_areas.prefetch_related("lines"))
        for macro in macro_areas:
            macro.progress = rollup.macro_areas.get(macro.pk)
            for line in macro.lines.all():
                line.progress = rollup.lines.get(line.pk)
                line.action_count = counts.get(line.pk, 0)
            macro.action_count = sum(line.action_count for line in macro.lines.all())
        return super().get_context_data(
            plan=plan, progress=rollup.plan, macro_areas=macro_areas, axes=public.axes(self.city), **kwargs
        )


class MacroAreaView(PlanMixin, TemplateView):
    """One macro area: its lines with progress and counts, then its published actions a page at
    a time (grouped by line; `?linea=<code>` shows one line's)."""

    template_name = "portal/macro_area.html"
    paginate_by = 50

    def get_crumbs(self, context):
        return [(_("The plan"), self.url("portal:plan")), (str(context["macro"]), None)]

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        macro = get_object_or_404(plan.macro_areas.prefetch_related("lines"), code=self.kwargs["code"])
        rollup = plan_queries.rollup(plan, macro_area=macro)
        lines = list(macro.lines.all())
        counts = public.action_counts(self.city, lines=lines)
        for line in lines:
            line.progress = rollup.lines.get(line.pk)
            line.action_count = counts.get(line.pk, 0)
        line = next((line for line in lines if line.code == self.request.GET.get("linea")), None)
        shown = [line] if line else lines
        page = Paginator(public.actions(self.city).filter(line__in=shown), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            macro=macro,
            lines=lines,
            line=line,
            progress=rollup.macro_areas.get(macro.pk),
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            querystring=urlencode({"linea": line.code}) if line else "",
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
    """The items of an alignment axis with how many published actions serve each and their
    progress; each item links to its own page."""

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


class AxisItemView(PortalMixin, TemplateView):
    """One item of an axis (an SDG, an EU priority, …): its sub-items and the published actions
    serving it, a page at a time."""

    template_name = "portal/axis_item.html"
    paginate_by = 50

    def get_crumbs(self, context):
        item = context["item"]
        return [
            (_("The plan"), self.url("portal:plan")),
            (item.axis.localized_name, self.url("portal:axis", axis=item.axis.slug)),
            (item.label, None),
        ]

    def get_context_data(self, **kwargs):
        kwargs.pop("axis", None)
        item = get_object_or_404(
            AxisItem.objects.for_city(self.city).select_related("city", "axis", "parent__axis"),
            axis__slug=self.kwargs["axis"],
            code=self.kwargs["code"],
        )
        serving = public.actions_serving(item)
        count, progress = plan_queries.count_and_progress(serving)
        paginator = Paginator(serving, self.paginate_by)
        paginator.count = count  # counted above, with the progress
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            item=item,
            children=item.children.select_related("city", "axis"),
            progress=progress,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
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
        countries = set(abroad.order_by().values_list("participations__country", flat=True).distinct())
        # The credit each open-data source of the listed projects asks for.
        origins = sorted(set(queryset.exclude(origin="").values_list("origin", flat=True)))
        sources = [OPEN_DATA_SOURCES[origin] for origin in origins if origin in OPEN_DATA_SOURCES]
        return super().get_context_data(
            totals=totals,
            sources=sources,
            **worldmap.map_context(shaded=countries),
            **citymap.map_context(self.city, queryset, self.request.GET),
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
    """One search over everything public, by words and by meaning, grouped by kind (see
    `search.py` and `ponte.intelligence.search`)."""

    template_name = "portal/search.html"
    crumbs = [(_("Search"), None)]

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        results = search.search(self.city, query) if query else search.Results([])
        return super().get_context_data(
            query=query,
            results=results,
            groups=results.groups,
            total=results.total,
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

"""The REST API: public reads of what is published (the portal's `public.py`), token writes
for staff integrations through the same services the back office calls."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from ponte.core.models import City
from ponte.diplomacy.models import Relation
from ponte.funding.models import Project
from ponte.participation.models import Event
from ponte.plan import queries as plan_queries
from ponte.plan import services as plan_services
from ponte.plan.models import Action, Indicator
from ponte.portal import public
from ponte.portal.models import News

from . import filters, serializers


class CityListView(generics.ListAPIView):
    """Cities on this installation."""

    serializer_class = serializers.CitySerializer
    queryset = City.objects.all()
    search_fields = ["name"]
    ordering_fields = ["name", "slug"]


class CityScoped:
    """Resolves `{city}` in the path (404 as a problem when unknown)."""

    @property
    def city(self):
        if not hasattr(self, "_city"):
            self._city = get_object_or_404(City, slug=self.kwargs["city"])
        return self._city


class PlanView(CityScoped, APIView):
    """The current plan: macro areas and lines with their weighted progress."""

    @extend_schema(responses=serializers.PlanSerializer)
    def get(self, request, city):
        plan = plan_queries.current_plan(self.city)
        if plan is None:
            raise Http404("This city has no plan yet.")
        rollup = plan_queries.rollup(plan)
        macro_areas = [
            {
                "code": macro.code,
                "title": macro.title,
                "progress": rollup.macro_areas.get(macro.pk),
                "lines": [
                    {"code": line.code, "title": line.title, "progress": rollup.lines.get(line.pk)}
                    for line in macro.lines.all()
                ],
            }
            for macro in plan.macro_areas.prefetch_related("lines")
        ]
        data = {
            "title": plan.title,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "description": plan.description,
            "progress": rollup.plan,
            "macro_areas": macro_areas,
        }
        return Response(serializers.PlanSerializer(data).data)


class Published(CityScoped):
    """Reads one kind of published item; `reader` is the function of `public.py`."""

    reader = None
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no city in the path
            return self.model.objects.none()
        return type(self).reader(self.city)


class PublicList(Published, generics.ListAPIView):
    filter_backends = [filters.StrictFilterBackend, SearchFilter, filters.NaturalOrderingFilter]


class PublicDetail(Published, generics.RetrieveAPIView):
    pass


class ActionList(PublicList):
    """Published actions of the plan. Filter by status, macro area, line or alignment."""

    reader, model = public.actions, Action
    serializer_class = serializers.ActionSerializer
    filterset_class = filters.ActionFilter
    search_fields = ["code", "title", "description"]
    ordering_fields = ["code", "progress", "start_date", "end_date"]


class ActionDetail(PublicDetail):
    reader, model = public.actions, Action
    serializer_class = serializers.ActionSerializer
    lookup_field = "code"


class IndicatorList(PublicList):
    reader, model = public.indicators, Indicator
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code"]


class IndicatorDetail(PublicDetail):
    reader, model = public.indicators, Indicator
    serializer_class = serializers.IndicatorSerializer
    lookup_field = "code"

    def get_object(self):
        found = self.get_queryset().filter(code=self.kwargs["code"]).order_by("-plan__start_year").first()
        if found is None:
            raise Http404("No published indicator with this code.")
        return found


class ProjectList(PublicList):
    """Funded projects (granted, running, closed or audited) that staff published."""

    reader, model = public.projects, Project
    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter
    search_fields = ["acronym", "title", "description", "cup", "place"]
    ordering_fields = ["start_date", "total_budget", "eu_contribution", "acronym"]


class ProjectDetail(PublicDetail):
    reader, model = public.projects, Project
    serializer_class = serializers.ProjectSerializer


class RelationList(PublicList):
    reader, model = public.relations, Relation
    serializer_class = serializers.RelationSerializer
    filterset_fields = ["kind", "status"]
    search_fields = ["partner__name", "partner__name_en", "description"]
    ordering_fields = ["signed_on", "partner__name"]


class RelationDetail(PublicDetail):
    reader, model = public.relations, Relation
    serializer_class = serializers.RelationSerializer


class EventList(PublicList):
    reader, model = public.events, Event
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    search_fields = ["title", "description", "venue"]
    ordering_fields = ["starts_at"]


class EventDetail(PublicDetail):
    reader, model = public.events, Event
    serializer_class = serializers.EventSerializer


class NewsList(PublicList):
    reader, model = public.news, News
    serializer_class = serializers.NewsSerializer
    search_fields = ["title", "summary", "body"]
    ordering_fields = ["published_on"]


class NewsDetail(PublicDetail):
    reader, model = public.news, News
    serializer_class = serializers.NewsSerializer
    lookup_field = "slug"


class StaffWrite(CityScoped, APIView):
    """A write for staff integrations: token (or session) required; the service checks the
    role on the item, as it does for the back office's forms."""

    permission_classes = [permissions.IsAuthenticated]


class UpdateCreate(StaffWrite):
    """Record the update of an action for a period of its cadence (one per period)."""

    @extend_schema(request=serializers.UpdateWriteSerializer, responses={201: serializers.UpdateSerializer})
    def post(self, request, city, code):
        action = get_object_or_404(Action.objects.for_city(self.city), code=code)
        data = serializers.UpdateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The same rules as the update form: validated field by field, a period's update corrected
        # (never replaced), in review when the city reviews updates.
        outcome = plan_services.update_record(action=action, user=request.user, **data.validated_data)
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(serializers.UpdateSerializer(outcome.update).data, status=code)


class ValueCreate(StaffWrite):
    """Record a measured value of an indicator (a value for the same date replaces it)."""

    @extend_schema(request=serializers.ValueWriteSerializer, responses={201: serializers.ValueSerializer})
    def post(self, request, city, code):
        indicator = Indicator.objects.for_city(self.city).filter(code=code).order_by("-plan__start_year").first()
        if indicator is None:
            raise Http404("No indicator with this code.")
        data = serializers.ValueWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value = plan_services.indicator_value_record(indicator=indicator, user=request.user, **data.validated_data)
        return Response(serializers.ValueSerializer(value).data, status=status.HTTP_201_CREATED)

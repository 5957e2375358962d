from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ponte.core.models import City
from ponte.funding.models import Project
from ponte.participation.models import Event
from ponte.plan.cycles import check_period
from ponte.plan.models import Action, ActionUpdate, Cadence, Indicator, IndicatorTarget, IndicatorValue
from ponte.portal.models import News


class CitySerializer(serializers.ModelSerializer):
    class Meta:
        model = City
        fields = ["slug", "name", "country", "istat_code", "ipa_code", "website"]


@extend_schema_field(OpenApiTypes.URI)
class PortalUrlField(serializers.ReadOnlyField):
    """The item's page on the public portal, as an absolute address (the schema says `uri`)."""

    def to_representation(self, value):
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request is not None else value


class AxisReferenceField(serializers.StringRelatedField):
    def to_representation(self, value):
        return value.reference


class LineSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    progress = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class MacroAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    progress = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    lines = LineSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    title = serializers.CharField()
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()
    description = serializers.CharField()
    progress = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    macro_areas = MacroAreaSerializer(many=True)


class ActionSerializer(serializers.ModelSerializer):
    macro_area = serializers.CharField(source="line.macro_area.code", read_only=True)
    line = serializers.CharField(source="line.code", read_only=True)
    owner_office = serializers.StringRelatedField(allow_null=True)
    alignments = AxisReferenceField(many=True)
    url = PortalUrlField(source="get_public_url")

    class Meta:
        model = Action
        fields = [
            "code",
            "title",
            "description",
            "macro_area",
            "line",
            "status",
            "progress",
            "start_date",
            "end_date",
            "owner_office",
            "alignments",
            "source",
            "url",
        ]


class ValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["reference_date", "value", "source", "note"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["target_date", "value", "note"]


class IndicatorSerializer(serializers.ModelSerializer):
    action = serializers.CharField(source="action.code", default=None, read_only=True)
    values = ValueSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "kind",
            "unit",
            "action",
            "baseline_value",
            "baseline_date",
            "values",
            "targets",
            "source",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.name", read_only=True)
    city_funds = serializers.DecimalField(
        max_digits=15,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Funds to the city: its share of a consortium's grant, or the whole contribution if it is alone.",
    )
    attribution = serializers.CharField(
        read_only=True, help_text="The credit the open-data source asks for, with its licence (empty if not imported)."
    )
    programme_kind = serializers.CharField(source="programme.kind", read_only=True)
    alignments = AxisReferenceField(many=True)
    url = PortalUrlField(source="get_public_url")

    class Meta:
        model = Project
        fields = [
            "id",
            "acronym",
            "title",
            "description",
            "programme",
            "programme_kind",
            "status",
            "cup",
            "total_budget",
            "eu_contribution",
            "city_share",
            "start_date",
            "end_date",
            "place",
            "alignments",
            "origin",
            "external_id",
            "city_funds",
            "attribution",
            "source_date",
            "source_title",
            "url",
        ]


class RelationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner = serializers.CharField(source="partner.name")
    country = serializers.CharField(source="partner.country")
    latitude = serializers.DecimalField(source="partner.latitude", max_digits=8, decimal_places=5, allow_null=True)
    longitude = serializers.DecimalField(source="partner.longitude", max_digits=8, decimal_places=5, allow_null=True)
    kind = serializers.CharField()
    status = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    themes = serializers.StringRelatedField(many=True)
    description = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    series = serializers.StringRelatedField(allow_null=True)
    organiser = serializers.StringRelatedField(allow_null=True)
    url = PortalUrlField(source="get_absolute_url")

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "series",
            "organiser",
            "url",
        ]


class NewsSerializer(serializers.ModelSerializer):
    url = PortalUrlField(source="get_absolute_url")

    class Meta:
        model = News
        fields = ["slug", "title", "summary", "body", "published_on", "url"]


class UpdateWriteSerializer(serializers.Serializer):
    """A period's update: `cadence` and `period` (its number within the year: month 1–12,
    quarter 1–4, semester 1–2, year 1), or — as before issue 17 — `semester` alone."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    cadence = serializers.ChoiceField(choices=Cadence.choices, required=False)
    period = serializers.IntegerField(min_value=1, max_value=12, required=False)
    semester = serializers.ChoiceField(choices=[1, 2], required=False)
    status = serializers.ChoiceField(choices=Action.Status.choices, required=False, help_text="Default: the action's.")
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False, help_text="Default: the action's.")
    text = serializers.CharField(max_length=20000)
    risks = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def validate(self, data):
        semester = data.pop("semester", None)
        if semester is not None and "period" not in data:
            if data.setdefault("cadence", Cadence.SEMESTER) != Cadence.SEMESTER:
                raise serializers.ValidationError({"semester": _("A semester goes with the semester cadence only.")})
            data["period"] = semester
        if "period" not in data:
            raise serializers.ValidationError({"period": _("Give the period (or the semester).")})
        data.setdefault("cadence", Cadence.SEMESTER)
        try:
            check_period(data["cadence"], data["year"], data["period"])
        except ValueError:
            raise serializers.ValidationError({"period": _("This cadence has no such period in a year.")}) from None
        return data


class UpdateSerializer(serializers.ModelSerializer):
    action = serializers.CharField(source="action.code", read_only=True)
    period_label = serializers.CharField(read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    semester = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Before issue 17: null unless semestral."
    )

    class Meta:
        model = ActionUpdate
        fields = [
            "action",
            "cadence",
            "year",
            "period",
            "period_label",
            "period_start",
            "period_end",
            "semester",
            "status",
            "progress",
            "text",
            "review_state",
            "created_at",
        ]


class ValueWriteSerializer(serializers.Serializer):
    reference_date = serializers.DateField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    source = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

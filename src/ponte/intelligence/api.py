"""The SDG suggestions in the REST API, for staff integrations (token or session): the goals
suggested and not decided yet of the items the token's user may decide on, and accept or reject,
through the same services as the back office (`suggestions.accept`, `suggestions.reject`)."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response

from ponte.api.views import CityScoped, StaffWrite

from . import suggestions
from .models import SDGSuggestion

CITY = "v1/<slug:city>/"


class SDGTargetSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The target's number, e.g. 11.2.")
    score = serializers.FloatField()


class SuggestionSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(help_text="azione, indicatore, progetto or bando.")
    object_id = serializers.IntegerField(help_text="The number of the action, indicator, project or call.")
    targets = SDGTargetSerializer(many=True, help_text="The most likely targets, best first.")
    evidence = serializers.ListField(child=serializers.CharField(), help_text="Passages of the text that support it.")
    accepted_targets = serializers.ListField(child=serializers.CharField())
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = SDGSuggestion
        fields = [
            "id",
            "kind",
            "object_id",
            "goal",
            "score",
            "targets",
            "evidence",
            "state",
            "accepted_targets",
            "decided_by",
            "decided_at",
        ]

    def _kind(self, suggestion):
        model = suggestion.content_type.model_class()
        return next(kind for kind in suggestions.KINDS.values() if kind.model is model)

    def get_kind(self, suggestion) -> str:
        return self._kind(suggestion).slug

    def get_decided_by(self, suggestion) -> str | None:
        user = suggestion.decided_by
        return (user.get_full_name() or user.get_username()) if user else None


class AcceptSerializer(serializers.Serializer):
    targets = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        max_length=3,
        help_text=(
            "The suggested targets to keep (codes); they join the alignment instead of the bare goal. "
            "Left out: those the classifier is confident of (share at least 0.9), usually none."
        ),
    )


class SuggestionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SDGSuggestion.State.choices)
    kind = django_filters.ChoiceFilter(choices=[(slug, slug) for slug in suggestions.KINDS], method="by_kind")

    class Meta:
        model = SDGSuggestion
        fields = ["state", "kind"]

    def by_kind(self, queryset, name, value):
        return queryset.filter(content_type=ContentType.objects.get_for_model(suggestions.KINDS[value].model))


class SuggestionList(CityScoped, generics.ListAPIView):
    """The goals suggested for the items the user may decide on (all of them to a plan owner);
    a pending goal the item has since been aligned to (itself or through a target) is left out,
    as on the review page."""

    serializer_class = SuggestionSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = SuggestionFilter
    ordering_fields = ["score", "goal"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation: no city
            return SDGSuggestion.objects.none()
        queryset = SDGSuggestion.objects.for_city(self.city).select_related("content_type", "decided_by")
        queryset = suggestions.not_aligned_yet(suggestions.decidable(self.request.user, self.city, queryset))
        return queryset.order_by("content_type_id", "object_id", "-score")


def _decide(view, request, pk, decide):
    suggestion = get_object_or_404(SDGSuggestion.objects.for_city(view.city).select_related("content_type"), pk=pk)
    outcome = decide(suggestion)
    outcome.suggestion.content_type = suggestion.content_type
    return Response(SuggestionSerializer(outcome.suggestion).data)


class SuggestionAccept(StaffWrite):
    """Accept a suggested goal: it joins the item's alignments with the targets kept."""

    @extend_schema(request=AcceptSerializer, responses={200: SuggestionSerializer})
    def post(self, request, city, pk):
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        targets = data.validated_data.get("targets")
        return _decide(
            self,
            request,
            pk,
            lambda s: suggestions.accept(suggestion=s, user=request.user, targets=targets, city=self.city),
        )


class SuggestionReject(StaffWrite):
    """Reject a suggested goal: not suggested again for the same text."""

    @extend_schema(request=None, responses={200: SuggestionSerializer})
    def post(self, request, city, pk):
        return _decide(self, request, pk, lambda s: suggestions.reject(suggestion=s, user=request.user, city=self.city))


urlpatterns = [
    path(CITY + "sdg-suggestions/", SuggestionList.as_view(), name="api-sdg-suggestions"),
    path(CITY + "sdg-suggestions/<int:pk>/accept/", SuggestionAccept.as_view(), name="api-sdg-suggestion-accept"),
    path(CITY + "sdg-suggestions/<int:pk>/reject/", SuggestionReject.as_view(), name="api-sdg-suggestion-reject"),
]

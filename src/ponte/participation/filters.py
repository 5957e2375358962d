import django_filters
from django.utils.translation import gettext_lazy as _

from ponte.core.filters import CityFilterSet

from .models import Question, Registration


class RegistrationFilter(CityFilterSet):
    search_fields = ("name", "email")
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("created_at", "registered")), label=_("Sort by")
    )

    class Meta:
        model = Registration
        fields = ["q", "status"]


class QuestionFilter(CityFilterSet):
    search_fields = ("subject", "text", "name", "email")
    status = django_filters.ChoiceFilter(choices=Question.Status.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "received"), ("status", "status")), label=_("Sort by")
    )

    class Meta:
        model = Question
        fields = ["q", "status"]

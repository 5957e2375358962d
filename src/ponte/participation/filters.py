import django_filters
from django.utils.translation import gettext_lazy as _

from ponte.core.filters import CityFilterSet, sort_by

from .models import Question, Registration


class RegistrationFilter(CityFilterSet):
    search_fields = ("name", "email")
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices, label=_("Status"))
    ordering = sort_by(("name", "name", _("Name")), ("created_at", "registered", _("Registration date")))

    class Meta:
        model = Registration
        fields = ["q", "status"]


class QuestionFilter(CityFilterSet):
    search_fields = ("ticket", "subject", "text", "name", "email")
    status = django_filters.ChoiceFilter(choices=Question.Status.choices, label=_("Status"))
    ordering = sort_by(("created_at", "received", _("Date received")), ("status", "status", _("Status")))

    class Meta:
        model = Question
        fields = ["q", "status"]

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ponte.core.filters import CityFilterSet, sort_by
from ponte.core.models import Publication

from .models import Event, EventSeries, Question, Registration


class EventFilter(CityFilterSet):
    """The back office's list of events: past ones too, drafts and internal training included."""

    search_fields = ("title", "description", "venue")
    series = django_filters.ModelChoiceFilter(queryset=EventSeries.objects.all(), label=_("Series"))
    when = django_filters.ChoiceFilter(
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], method="filter_when", label=_("When")
    )
    publication = django_filters.ChoiceFilter(choices=Publication.choices, label=_("Publication"))
    ordering = sort_by(("starts_at", "date", _("Date")), ("title", "title", _("Title")))

    class Meta:
        model = Event
        fields = ["q", "when", "series", "publication"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(starts_at__gte=now) if value == "upcoming" else queryset.filter(starts_at__lt=now)


class RegistrationFilter(CityFilterSet):
    search_fields = ("name", "email")
    # Unconfirmed addresses are listed apart on the page, never with the places.
    status = django_filters.ChoiceFilter(
        choices=[c for c in Registration.Status.choices if c[0] != Registration.Status.UNVERIFIED], label=_("Status")
    )
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

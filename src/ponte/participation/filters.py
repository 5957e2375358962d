import django_filters
from django.utils.translation import gettext_lazy as _

from ponte.core.filters import CityFilterSet

from .models import Registration


class RegistrationFilter(CityFilterSet):
    search_fields = ("name", "email")
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("created_at", "registered")), label=_("Sort by")
    )

    class Meta:
        model = Registration
        fields = ["q", "status"]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """SPID and CIE sign-in for people outside the city (issue 14): never a staff account."""

    name = "ponte.citizens"
    verbose_name = _("SPID and CIE sign-in")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def _forget_calendar_link(sender, instance, **kwargs):
    """A role taken away takes the person's calendar address with it: given the role back, they
    make a new one (the old address, which may have been shared, never comes back to life)."""
    from .models import CalendarLink

    CalendarLink.objects.filter(user_id=instance.user_id, city_id=instance.city_id).delete()


class ReportsConfig(AppConfig):
    name = "ponte.reports"
    verbose_name = _("Reports and dashboard")

    def ready(self):
        from ponte.core.models import Membership

        post_delete.connect(_forget_calendar_link, sender=Membership, dispatch_uid="reports-forget-calendar-link")

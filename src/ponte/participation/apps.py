from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "ponte.participation"
    label = "participation"
    verbose_name = _("Events and participation")

    def ready(self):
        from auditlog.registry import auditlog

        from ponte.plan.loading import register_file

        from .loading import FILE, load_participation
        from .models import Campaign, Event, EventSeries, Question, Segment

        register_file(FILE, load_participation)
        for model in (EventSeries, Event, Segment, Campaign, Question):
            auditlog.register(model)

"""The back office's view of following: how many confirmed followers each action, project and
theme has. Numbers only: the staff never see who follows."""

from django.urls import path
from django.views.generic import TemplateView

from ponte.core import permissions
from ponte.core.views import CityMixin

from . import follow, public


class FollowerCountView(CityMixin, TemplateView):
    permission = staticmethod(permissions.can_manage_events)
    template_name = "portal/followers.html"

    def get_context_data(self, **kwargs):
        counts = follow.follower_counts(self.city)
        sections = [
            ("macro_area", public.macro_areas(self.city)),
            ("action", public.actions(self.city)),
            ("project", public.projects(self.city)),
        ]
        # Only the followed things are read: the plan's thousands of others are not walked.
        rows = {
            field: [
                (thing, counts[field, thing.pk])
                for thing in things.filter(pk__in=[pk for kind, pk in counts if kind == field])
            ]
            for field, things in sections
        }
        for field in rows:
            rows[field].sort(key=lambda row: -row[1])
        return super().get_context_data(rows=rows, total=sum(counts.values()), **kwargs)


app_name = "followers"
urlpatterns = [path("", FollowerCountView.as_view(), name="list")]

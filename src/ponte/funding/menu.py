"""The funds chapter's entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item, Row

from .models import Call, ProjectMilestone

items = [
    Item(_("Funding portfolio"), "funding:portfolio", "funds", 10),
    Item(_("Projects"), "funding:project-list", "funds", 20),
    Item(_("Calls"), "funding:call-list", "funds", 30),
    Item(_("Partner search"), "funding:partner-search", "funds", 40),
]


def call_and_project_deadlines(request, city, until, shown):
    """The `shown` soonest deadlines of open calls and of the projects' reports, payments and
    audits, and how many there are."""
    today = timezone.localdate()
    calls = Call.objects.for_city(city).filter(
        status__in=[Call.Status.OPEN, Call.Status.FORTHCOMING], deadline__gte=today, deadline__lte=until
    )
    milestones = (
        ProjectMilestone.objects.for_city(city)
        .filter(done_date__isnull=True, due_date__gte=today, due_date__lte=until)
        .select_related("project__city")
    )
    rows = [
        Row(f"{c.identifier} · {c.title}", c.get_absolute_url(), gettext("Call"), c.deadline)
        for c in calls.order_by("deadline", "pk")[:shown]
    ] + [
        Row(f"{m.project} · {m.title}", m.project.get_absolute_url(), m.get_kind_display(), m.due_date)
        for m in milestones.order_by("due_date", "pk")[:shown]
    ]
    return rows, calls.count() + milestones.count()


deadlines = [call_and_project_deadlines]

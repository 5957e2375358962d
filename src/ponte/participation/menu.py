"""Events, newsletter and Europe Direct entries in the back-office menu (see `ponte.core.menu`)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item, Panel, Row

from .models import Question

items = [
    Item(_("Events"), "participation:event-admin-list", "events", 10),
    Item(_("Training"), "participation:training", "events", 20),
    Item(_("Newsletter campaigns"), "participation:campaign-list", "events", 30),
    Item(_("Europe Direct desk"), "participation:desk", "desk", 10),
]


def open_questions(request, city) -> Panel:
    """Citizens' questions waiting for the Europe Direct desk's answer."""
    questions = Question.objects.for_city(city).filter(status__in=[Question.Status.NEW, Question.Status.ASSIGNED])
    rows = [
        Row(q.subject, reverse("participation:question", args=[city.slug, q.pk]), q.get_status_display())
        for q in questions.order_by("created_at")[:6]
    ]
    return Panel(
        gettext("Open Europe Direct questions"),
        rows,
        reverse("participation:desk", kwargs={"city": city.slug}),
        gettext("The whole desk"),
        gettext("No question is waiting for an answer."),
        count=questions.count(),
        order=50,
    )


panels = [open_questions]

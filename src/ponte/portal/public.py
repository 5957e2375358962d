"""What the public may see: the one definition that the portal, the API, the feeds, the
sitemap, the search and the open data all read, so a draft cannot leak through one of them.
"""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from ponte.core.models import Publication, ReviewState
from ponte.funding.models import Participation, Project
from ponte.funding.queries import FUNDED
from ponte.governance.models import Body, Meeting
from ponte.participation.models import Event, Question
from ponte.plan.models import Action, ActionUpdate, Axis, Indicator, MacroArea
from ponte.plan.queries import alignments_prefetch

from .models import News

#: A project is shown once it is funded (FUNDED): ideas, proposals and rejections stay internal.


def actions(city):
    return (
        Action.objects.for_city(city)
        .published()
        .with_tree()
        .prefetch_related(alignments_prefetch())
        .order_by("sort_key")  # codes in natural order: 1.1.2 before 1.1.10
    )


def action_counts(city, *, lines=None) -> dict[int, int]:
    """How many published actions each line has, counted by the database in one grouped query
    (`lines`: only those lines)."""
    counted = Action.objects.for_city(city).published()
    if lines is not None:
        counted = counted.filter(line__in=lines)
    return dict(counted.order_by().values("line_id").annotate(n=Count("pk")).values_list("line_id", "n"))


def actions_serving(item):
    """Published actions serving an alignment item or one of its sub-items (see
    `plan.queries.serving_condition`)."""
    from ponte.plan.queries import items_with_descendants, serving_condition

    return actions(item.city).filter(serving_condition(items_with_descendants(item)))


def indicators(city):
    """Published indicators; one of an action is public only with its action."""
    return (
        Indicator.objects.for_city(city)
        .published()
        .filter(Q(action__isnull=True) | Q(action__publication=Publication.PUBLISHED))
        .select_related("city", "plan", "macro_area", "line", "action")
        .prefetch_related("values", "targets")
    )


def action_detail(city, code):
    return (
        actions(city)
        .prefetch_related(
            "partners",
            "milestones",
            # Only approved updates (issue 17): one awaiting review or sent back is not public.
            Prefetch("updates", queryset=ActionUpdate.objects.public().order_by("-year", "-period")),
            Prefetch("indicators", queryset=indicators(city), to_attr="public_indicators"),
            Prefetch("projects", queryset=projects(city), to_attr="public_projects"),
            Prefetch("events", queryset=events(city), to_attr="public_events"),
        )
        .get(code=code)
    )


def projects(city):
    return (
        Project.objects.for_city(city)
        .published()
        .filter(status__in=FUNDED)
        .select_related("city", "programme", "programme__parent", "responsible_office")
        .prefetch_related(
            alignments_prefetch(),
            Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
        )
    )


def relations(city):
    from ponte.diplomacy.queries import relation_list

    return relation_list(city).published()


def memberships(city):
    """Published network memberships of the city, with the public plan actions they serve."""
    from ponte.diplomacy.models import NetworkMembership

    return (
        NetworkMembership.objects.for_city(city)
        .published()
        .select_related("city", "network")
        .prefetch_related(Prefetch("actions", queryset=actions(city), to_attr="public_actions"))
    )


def candidacies(city):
    """Published candidacies and awards of the city, with the public plan actions they serve."""
    from ponte.diplomacy.models import Candidacy

    return (
        Candidacy.objects.for_city(city)
        .published()
        .select_related("city", "awarding_body")
        .prefetch_related(Prefetch("actions", queryset=actions(city), to_attr="public_actions"))
    )


def events(city, *, upcoming=False):
    """Published events open to the public (internal training never is)."""
    queryset = (
        Event.objects.for_city(city)
        .published()
        .exclude(series__internal=True)
        .select_related("city", "series", "organiser")
    )
    if upcoming:
        queryset = queryset.filter(starts_at__gte=timezone.now() - timezone.timedelta(hours=12))
    return queryset


def news(city):
    # Published and approved (issue 17): a news item awaiting review stays a draft, and one a plan
    # owner has not approved never shows, whatever its publication says.
    return (
        News.objects.for_city(city)
        .published()
        .filter(published_on__lte=timezone.now(), review_state=ReviewState.APPROVED)
        .select_related("city")
    )


def bodies(city):
    return Body.objects.for_city(city).select_related("city", "organisation")


def faq(city):
    """The Europe Direct questions the desk rewrote and published in the FAQ."""
    return (
        Question.objects.for_city(city)
        .filter(in_faq=True, review_state=ReviewState.APPROVED)
        .exclude(faq_question="")
        .exclude(faq_answer="")
        .select_related("city")
        .order_by("-answered_at")
    )


def public_meetings(body):
    """Meetings whose minutes the body made public."""
    return Meeting.objects.filter(body=body, minutes_public=True).prefetch_related("decisions")


def macro_areas(city):
    from ponte.plan.queries import current_plan

    plan = current_plan(city)
    return plan.macro_areas.all() if plan else MacroArea.objects.none()


def axes(city):
    """The alignment axes (the plan is public by each of them)."""
    return Axis.objects.for_city(city)

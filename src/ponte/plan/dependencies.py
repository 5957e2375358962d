"""Dependencies between actions (issue 17): an action may have to wait for others to end.

`check` refuses an action depending on itself or on an action that already depends on it,
however indirectly (a circle could never end); `warnings` tells what threatens an action
through the actions it depends on (one ending after it, one behind schedule)."""

import datetime
from collections import defaultdict, deque

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import schedule
from .models import Action


def _path(edges: dict, start: int, goal: int) -> list[int] | None:
    """The chain of "depends on" links from `start` to `goal`, or None (breadth first)."""
    came_from = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = came_from[node]
            return path[::-1]
        for following in edges.get(node, ()):
            if following not in came_from:
                came_from[following] = node
                queue.append(following)
    return None


def check(action: Action, depends_on) -> None:
    """Raise a ValidationError on the "depends on" field if `action` depending on the actions
    `depends_on` would make it depend on itself, directly or through others (one query)."""
    field = Action._meta.get_field("depends_on").verbose_name
    chosen = list(depends_on)
    if action.pk is None or not chosen:
        return
    if any(other.pk == action.pk for other in chosen):
        raise ValidationError(
            {"depends_on": _("%(field)s: an action cannot depend on itself.") % {"field": field.capitalize()}}
        )
    edges = defaultdict(list)
    links = Action.depends_on.through.objects.filter(from_action__city_id=action.city_id)
    for dependent, needed in links.values_list("from_action_id", "to_action_id"):
        if dependent != action.pk:  # this action's own links are the ones being replaced
            edges[dependent].append(needed)
    for other in chosen:
        path = _path(edges, other.pk, action.pk)
        if path:
            codes = dict(Action.objects.filter(pk__in=path).values_list("pk", "code"))
            chain = " → ".join(codes[pk] for pk in path)
            raise ValidationError(
                {
                    "depends_on": _(
                        "%(field)s: %(other)s already depends on %(action)s (%(chain)s), so %(action)s cannot "
                        "depend on it: the actions would wait for each other for ever."
                    )
                    % {"field": field.capitalize(), "other": other.code, "action": action.code, "chain": chain}
                }
            )


def warnings(action: Action, needed, today: datetime.date, assessments: dict) -> list[str]:
    """What threatens `action` through the actions it depends on (`needed`, with their
    `assessments` by primary key): one planned to end after it, one behind schedule."""
    found = []
    for other in needed:
        if other.status == Action.Status.COMPLETED:
            continue
        if other.end_date and action.end_date and other.end_date > action.end_date:
            found.append(
                _("%(other)s, which this action depends on, ends on %(other_end)s, after this action (%(end)s).")
                % {"other": other.code, "other_end": date_format(other.end_date), "end": date_format(action.end_date)}
            )
        assessment = assessments.get(other.pk)
        if assessment and assessment.rag == schedule.Rag.BEHIND:
            found.append(
                _("%(other)s, which this action depends on, is behind schedule: %(reason)s.")
                % {"other": other.code, "reason": assessment.reason}
            )
    return found

"""Reads shared by every app: organisations of a city and the audit trail of any item."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from .models import Organisation


def with_descendants(node) -> list[int]:
    """The pk of a node of a tree (a model with a `parent` key to itself) and of every node
    under it, one query per level: PNRR and its missions, SDG 11 and its targets."""
    model = type(node)
    ids, frontier = [node.pk], [node.pk]
    while frontier:
        frontier = list(model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def organisation_list(city):
    return Organisation.objects.for_city(city).select_related("parent")


def audit_history(instance, *related, limit: int = 100):
    """The latest changes (who, when, old → new) of one item and of the rows that belong to it
    (`related` querysets, e.g. an action's milestones), newest first, in one query."""
    entries = LogEntry.objects.get_for_object(instance)
    for queryset in related:
        content_type = ContentType.objects.get_for_model(queryset.model)
        entries = entries | LogEntry.objects.filter(content_type=content_type, object_id__in=queryset.values("pk"))
    return entries.select_related("actor", "content_type").order_by("-timestamp")[:limit]


def staff_list(city):
    """The city's staff: each account with its role and office."""
    from .models import Membership

    return Membership.objects.for_city(city).select_related("user", "office").order_by("user__last_name", "user__email")


def accounts_with_a_role():
    """The accounts that may sign in to a back office: active, with a role in some city, or a
    superuser (administrator of every city)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    from .models import Membership

    any_role = Exists(Membership.objects.filter(user=OuterRef("pk")))
    return get_user_model().objects.filter(Q(is_superuser=True) | Q(any_role), is_active=True)


def has_a_role(account) -> bool:
    return accounts_with_a_role().filter(pk=account.pk).exists()


def system_administrators(city):
    """Superusers without a role of their own in `city`: administrators of it all the same."""
    from django.contrib.auth import get_user_model

    from .models import Membership

    in_city = Membership.objects.for_city(city).values("user")
    return (
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(pk__in=in_city)
        .order_by("last_name", "email", "username")
    )


def staff_history(city, limit: int = 20):
    """The latest roles given, changed and taken away in `city`, newest first."""
    from .models import Membership

    content_type = ContentType.objects.get_for_model(Membership)
    return (
        LogEntry.objects.filter(content_type=content_type, additional_data__city=city.pk)
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )


def person_list(city):
    from .models import Person

    return Person.objects.for_city(city).select_related("organisation", "user")


def usage(item, limit: int = 20) -> list[tuple[str, int, list]]:
    """Where an organisation or a person is used: (kind, count, first rows) for every table
    that points at it (projects' partnerships, relations, bodies' members, …)."""
    found = []
    for relation in type(item)._meta.related_objects:
        related, name = relation.related_model, relation.field.name
        if related._meta.app_label == "auditlog":
            continue
        rows = related._default_manager.filter(**{name: item})
        count = rows.count()
        if count:
            # The rows' owners (a partnership's project, a member's body) and city (their
            # addresses start with it) come in the same query.
            owners = [
                field.name
                for field in related._meta.concrete_fields
                if field.is_relation and field.many_to_one and field.name != name
            ]
            shown = rows.select_related(*owners)[:limit]
            found.append((related._meta.verbose_name_plural, count, [_linked(row, name) for row in shown]))
    return found


def _linked(row, name) -> tuple[str, str | None]:
    """A row and the page that shows it: its own, else that of what it belongs to (a
    partnership → its project, a member → its body)."""
    if hasattr(row, "get_absolute_url"):
        return str(row), row.get_absolute_url()
    for field in row._meta.concrete_fields:
        if field.is_relation and field.name not in (name, "city"):
            owner = getattr(row, field.name)
            if owner is not None and hasattr(owner, "get_absolute_url"):
                return str(row), owner.get_absolute_url()
    return str(row), None


def open_follow_ups_of(user, city):
    """The follow-ups given to `user`'s person in `city` and not done yet, soonest due first,
    with their origin (a meeting, a mission, …) ready to link."""
    from .models import FollowUp

    return (
        FollowUp.objects.for_city(city)
        .filter(owner__user=user, owner__user__isnull=False, done_date__isnull=True)
        .select_related("content_type", "owner")
        .order_by("due_date", "pk")
    )


def with_origins(tasks) -> list:
    """`tasks` (follow-ups: rows with a generic `origin`) as a list whose origins are read in one
    query per kind of origin, each with its city (their links name it): a list of tasks costs the
    same queries whatever its length, where `prefetch_related("origin")` still read each
    origin's city for its link."""
    from django.contrib.contenttypes.models import ContentType

    tasks = list(tasks)
    wanted = {}
    for task in tasks:
        wanted.setdefault(task.content_type_id, set()).add(task.object_id)
    origins = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:  # an app removed since
            continue
        found = model._default_manager.filter(pk__in=ids)
        if any(field.name == "city" for field in model._meta.concrete_fields):
            found = found.select_related("city")
        origins.update(((content_type_id, origin.pk), origin) for origin in found)
    for task in tasks:
        origin = origins.get((task.content_type_id, task.object_id))
        if origin is not None:
            task.origin = origin  # the same content type and id: only fills the relation's cache
    return tasks

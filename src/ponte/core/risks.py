"""The register of risks and issues of actions and funded projects (issue 17): writes and reads.

A risk belongs to one item (an action of the plan, a funded project) by a generic relation; its
mitigation is a follow-up task (`FollowUp`) whose origin is the risk, so it is reminded, listed
among the owner's follow-ups and marked done like any other. Who may keep an item's risks:
`permissions.can_keep_risks_of` (the action's editors, the funds' officers for a project).
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import FollowUp, Risk
from .services import acting_as, follow_up_add, staff_person

# The items that keep a register, by model label (`app_label.model`).
ITEMS = ("plan.action", "funding.project")


def _check(user, item):
    if item._meta.label_lower not in ITEMS:
        raise ValidationError(_("Risks are kept for actions and funded projects only."))
    if not permissions.can_keep_risks_of(user, item):
        raise PermissionDenied(_("You cannot change the risks of %(item)s.") % {"item": item})


def _person(city, owner):
    """A person of the directory, or a staff account of the city standing for its person."""
    if owner is None or owner.__class__.__name__ == "Person":
        return owner
    return staff_person(city=city, account=owner)


def risk_add(
    *,
    item,
    user,
    title: str,
    likelihood: int,
    impact: int,
    kind: str = Risk.Kind.RISK,
    description: str = "",
    owner=None,
    mitigation: dict | None = None,
) -> Risk:
    """A new open risk (or issue) in the register of `item`, with its first mitigation when
    `mitigation` gives one (the arguments of `mitigation_add`): both are saved, or neither."""
    _check(user, item)
    risk = Risk(
        city=item.city,
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        kind=kind,
        title=title,
        description=description,
        likelihood=likelihood,
        impact=impact,
        owner=_person(item.city, owner),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    risk.full_clean()
    with transaction.atomic():
        with acting_as(user):
            risk.save()
        if mitigation:
            try:
                mitigation_add(risk=risk, user=user, **mitigation)
            except ValidationError as exc:  # named as the form that adds both names them
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"title": exc.messages}
                raise ValidationError({f"mitigation_{field}": messages for field, messages in errors.items()}) from None
    return risk


def keepable_items(user, city) -> list:
    """The items whose risks `user` keeps, as grouped choices ("azione:<pk>", "progetto:<pk>")
    for the register's "Add a risk": the actions they may edit, the funded projects for the
    funds' officers. Two queries at most."""
    from ponte.funding.models import Project
    from ponte.plan.models import Action

    groups = []
    actions = Action.objects.for_city(city).select_related("city")
    if not permissions.can_manage_plan(user, city):
        found = permissions.membership(user, city)
        if found is None or found.role != permissions.Role.OFFICE_EDITOR or not found.office_id:
            actions = actions.none()
        else:
            actions = actions.filter(owner_office_id=found.office_id)
    choices = [(f"azione:{a.pk}", f"{a.code} {a.title}") for a in actions.order_by("sort_key", "pk")]
    if choices:
        groups.append((_("Actions of the plan"), choices))
    if permissions.can_manage_funds(user, city):
        projects = [
            (f"progetto:{p.pk}", f"{p.acronym} · {p.title}" if p.acronym else p.title)
            for p in Project.objects.for_city(city).order_by("title", "pk")
        ]
        if projects:
            groups.append((_("Funded projects"), projects))
    return groups


def item_of(city, value: str):
    """The action or project a choice of `keepable_items` names, in `city`; None if none."""
    from django.apps import apps

    models = {"azione": "plan.action", "progetto": "funding.project"}
    kind, _sep, pk = (value or "").partition(":")
    if kind not in models or not pk.isdigit():
        return None
    return apps.get_model(models[kind]).objects.for_city(city).filter(pk=pk).first()


def risk_save(*, risk: Risk, user, owner=...) -> Risk:
    """Save the edited fields of `risk` (kind, title, description, likelihood, impact, owner)."""
    _check(user, risk.item)
    if owner is not ...:
        risk.owner = _person(risk.city, owner)
    risk.full_clean()
    with acting_as(user):
        risk.save()
    return risk


def risk_close(*, risk: Risk, user) -> Risk:
    """Close an open risk: it no longer counts in the register or as an action's mitigation."""
    _check(user, risk.item)
    if not risk.is_open:
        raise ValidationError({"status": _("This risk is already closed.")})
    risk.status, risk.closed_at = Risk.Status.CLOSED, timezone.now()
    with acting_as(user):
        risk.save(update_fields=["status", "closed_at"])
    return risk


def risk_reopen(*, risk: Risk, user) -> Risk:
    _check(user, risk.item)
    if risk.is_open:
        raise ValidationError({"status": _("This risk is already open.")})
    risk.status, risk.closed_at = Risk.Status.OPEN, None
    with acting_as(user):
        risk.save(update_fields=["status", "closed_at"])
    return risk


def mitigation_add(*, risk: Risk, user, title: str, due_date: datetime.date, owner=None, owner_office=None) -> FollowUp:
    """A mitigation of an open risk: a follow-up task with an owner (a person or a staff account)
    or an owning office, and a due date."""
    _check(user, risk.item)
    if not risk.is_open:
        raise ValidationError({"title": _("A closed risk takes no new mitigation: reopen it first.")})
    if owner is None and owner_office is None:
        raise ValidationError({"owner": _("Name who carries out the mitigation: an owner or an owning office.")})
    return follow_up_add(origin=risk, user=user, title=title, due_date=due_date, owner=owner, owner_office=owner_office)


# Reads.


def open_mitigation():
    """`Exists` of an open mitigation (a follow-up not done) of the risk in the outer query."""
    return Exists(FollowUp.objects.filter(risk=OuterRef("pk"), done_date__isnull=True))


def with_score(risks):
    """Risks with `score_value` (likelihood × impact) and `level_value` (the band) computed by the
    database, for sorting and filtering."""
    score = F("likelihood") * F("impact")
    return risks.annotate(
        score_value=score,
        level_value=Case(
            When(score_value__gte=Risk.HIGH_FROM, then=Value(Risk.Level.HIGH)),
            When(score_value__gte=Risk.MEDIUM_FROM, then=Value(Risk.Level.MEDIUM)),
            default=Value(Risk.Level.LOW),
        ),
        has_open_mitigation=open_mitigation(),
    )


def risks_of(item):
    """The register of one item: open risks first, gravest first, with owners and mitigations."""
    content_type = ContentType.objects.get_for_model(item)
    risks = Risk.objects.for_city(item.city).filter(content_type=content_type, object_id=item.pk)
    return (
        with_score(risks)
        .select_related("owner", "city")
        .prefetch_related(mitigation_prefetch())
        .order_by(
            Case(When(status=Risk.Status.OPEN, then=0), default=1, output_field=IntegerField()), "-score_value", "pk"
        )
    )


def mitigation_prefetch():
    return Prefetch("mitigations", FollowUp.objects.select_related("owner", "owner_office").order_by("due_date", "pk"))


def register(city):
    """Every open risk of the city's actions and projects, gravest first, with what it belongs to."""
    return (
        with_score(Risk.objects.for_city(city).filter(status=Risk.Status.OPEN))
        .select_related("owner__organisation", "content_type", "city")
        .prefetch_related("item__city", mitigation_prefetch())
        .order_by("-score_value", "-created_at", "pk")
    )


def forget_risks_of(sender, instance, **kwargs):
    """`post_delete` receiver: an action or a project deleted takes its risks and their
    mitigations with it (a generic relation does not cascade by itself)."""
    if sender._meta.label_lower in ITEMS:
        content_type = ContentType.objects.get_for_model(sender)
        for risk in Risk.objects.filter(content_type=content_type, object_id=instance.pk):
            risk.delete()  # its mitigations go with it (`Risk.mitigations`)

"""Writes of city diplomacy: relation and membership lifecycles, follow-ups of missions."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import permissions
from ponte.core.services import acting_as, checked_save

from .models import NetworkMembership, Relation

Status = Relation.Status

# planned → active; active ⇄ dormant; planned, active or dormant → ended (final).
RELATION_TRANSITIONS = {
    Status.PLANNED: {Status.ACTIVE, Status.ENDED},
    Status.ACTIVE: {Status.DORMANT, Status.ENDED},
    Status.DORMANT: {Status.ACTIVE, Status.ENDED},
    Status.ENDED: set(),
}


REFUSAL = gettext_lazy("Only the city diplomacy officers and the plan owners manage international relations.")


def _require(user, city):
    if not permissions.can_manage_diplomacy(user, city):
        raise PermissionDenied(REFUSAL)


def relation_save(*, relation: Relation, user) -> Relation:
    return checked_save(
        relation, user=user, allowed=permissions.can_manage_diplomacy(user, relation.city), refusal=REFUSAL
    )


def relation_set_status(*, relation: Relation, status: str, user, date: datetime.date | None = None) -> Relation:
    """Move a relation along its life; ending it records the date; illegal steps are refused."""
    _require(user, relation.city)
    if status not in RELATION_TRANSITIONS[relation.status]:
        raise ValidationError(
            _("A relation cannot go from “%(from)s” to “%(to)s”.")
            % {"from": relation.get_status_display(), "to": dict(Status.choices).get(status, status)}
        )
    relation.status = status
    if status == Status.ENDED:
        relation.ended_on = date or timezone.localdate()
    elif status == Status.ACTIVE and relation.signed_on is None:
        relation.signed_on = date or timezone.localdate()
    relation.full_clean()
    with acting_as(user), transaction.atomic():
        relation.save()
    return relation


def membership_save(*, membership: NetworkMembership, user) -> NetworkMembership:
    return checked_save(
        membership, user=user, allowed=permissions.can_manage_diplomacy(user, membership.city), refusal=REFUSAL
    )


def membership_renew(*, membership: NetworkMembership, user, until: datetime.date, role=None) -> NetworkMembership:
    """Renew the city's mandate (optionally with a new role) until a later date."""
    _require(user, membership.city)
    if membership.status == NetworkMembership.Status.ENDED:
        raise ValidationError(_("The membership has ended: join the network again instead."))
    if membership.mandate_end and until <= membership.mandate_end:
        raise ValidationError(
            {"until": _("A renewal ends after the current mandate (%(date)s).") % {"date": membership.mandate_end}}
        )
    membership.mandate_start = membership.mandate_end or membership.mandate_start or timezone.localdate()
    membership.mandate_end = until
    if role:
        membership.role = role
    return membership_save(membership=membership, user=user)


def membership_end(*, membership: NetworkMembership, user, date: datetime.date | None = None):
    _require(user, membership.city)
    membership.status = NetworkMembership.Status.ENDED
    membership.mandate_end = min(filter(None, [membership.mandate_end, date or timezone.localdate()]))
    return membership_save(membership=membership, user=user)


def mission_save(*, mission, user):
    return checked_save(
        mission, user=user, allowed=permissions.can_manage_diplomacy(user, mission.city), refusal=REFUSAL
    )


def candidacy_save(*, candidacy, user):
    return checked_save(
        candidacy, user=user, allowed=permissions.can_manage_diplomacy(user, candidacy.city), refusal=REFUSAL
    )

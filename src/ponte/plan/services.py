"""Writes to plan data. Views, imports, commands and tasks call these, so rules and the
audit trail (django-auditlog, actor set from the request or passed explicitly) live here."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ponte.core import permissions, uploads
from ponte.core.models import ReviewState
from ponte.core.services import acting_as
from ponte.portal import follow

from .models import (
    Action,
    ActionDocument,
    ActionUpdate,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    ReportingCycle,
    UpdateValue,
)


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("You cannot change this item."))


def action_save(*, action: Action, user) -> Action:
    """Validate and save an action changed by a form or an import."""
    _require(permissions.can_edit_action(user, action))
    if action.status == Action.Status.COMPLETED and action.progress == 0:
        action.progress = 100
    action.full_clean()
    before = follow.snapshot(Action, action.pk, follow.ACTION_FIELDS)
    with acting_as(user), transaction.atomic():
        action.save()
        follow.record_action_change(action=action, before=before)
    return action


def indicator_save(*, indicator: Indicator, user) -> Indicator:
    """Create or change an indicator's definition (plan owners; office editors their own)."""
    allowed = indicator.pk is None and permissions.can_manage_plan(user, indicator.city)
    _require(allowed or (indicator.pk is not None and permissions.can_edit_indicator(user, indicator)))
    indicator.full_clean()
    with acting_as(user), transaction.atomic():
        indicator.save()
    return indicator


def indicator_target_record(*, indicator: Indicator, user, target_date, value, note="") -> IndicatorTarget:
    """Set the target of an indicator for a date (one target per date)."""
    _require(permissions.can_edit_indicator(user, indicator))
    with acting_as(user), transaction.atomic():
        target, _created = IndicatorTarget.objects.update_or_create(
            city=indicator.city, indicator=indicator, target_date=target_date, defaults={"value": value, "note": note}
        )
    return target


@dataclass
class UpdateOutcome:
    """What `update_submit` did: the update, whether it was new, and whether it now waits for a
    plan owner's review or was applied to the action at once."""

    update: ActionUpdate
    created: bool
    pending: bool

    @property
    def applied(self) -> bool:
        return not self.pending

    def message(self) -> str:
        label = {"period": self.update.period_label, "action": self.update.action.code}
        if self.pending:
            return (
                _(
                    "Update of %(period)s for %(action)s sent for review: it reaches the action and the "
                    "public once a plan owner approves it."
                )
                % label
            )
        if self.created:
            return _("Update of %(period)s recorded and applied to %(action)s.") % label
        return _("Update of %(period)s corrected and applied to %(action)s.") % label


def _decimal(raw, field: str, errors: dict):
    """A number typed by a person (Italian "1.250,5" or "1250.5") or given by a program."""
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:  # the Italian decimal comma: dots are thousands separators
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[field] = _("Write a number, e.g. 1250,5.")
        return None
    if not value.is_finite():
        errors[field] = _("Write a number, e.g. 1250,5.")
        return None
    return value


def update_indicators(action: Action):
    """The indicators whose values an update of the action reports: its performance indicators."""
    return action.indicators.filter(kind=Indicator.Kind.PERFORMANCE).order_by("sort_key", "pk")


def update_submit(
    *,
    action: Action,
    user,
    cadence,
    year: int,
    period: int,
    status: str = "",
    progress=None,
    values=None,
    text: str = "",
    risks: str = "",
) -> UpdateOutcome:
    """Write the update of one period of the action's reporting cycle, or correct the one written
    (a period has one update: never replaced silently, its earlier versions stay in the audit
    trail). Only what the cycle asks for is required. `values` maps indicators (or their pk) to
    the values due. When the city reviews updates it waits for a plan owner (nothing reaches the
    action, its indicators or the public before approval); otherwise it is applied at once.

    Bad input raises ValidationError naming the field, and changes nothing."""
    from .cycles import check_period, cycle_for

    _require(permissions.can_edit_action(user, action))
    cycle = cycle_for(action)
    errors = {}
    try:
        check_period(cadence, year, period)
    except (ValueError, TypeError):
        errors["period"] = _("Choose a period of the reporting cycle.")
    status = (status or "").strip()
    if status and status not in Action.Status.values:
        errors["status"] = _("Choose a status from the list.")
    elif cycle.asks_status and not status:
        errors["status"] = _("Choose the action's status at the end of the period.")
    if progress in ("", None):
        progress = None
        if cycle.asks_progress:
            errors["progress"] = _("Give the progress, from 0 to 100%.")
    else:
        try:
            progress = int(progress)
        except (TypeError, ValueError):
            errors["progress"] = _("The progress is a whole number from 0 to 100.")
        else:
            if not 0 <= progress <= 100:
                errors["progress"] = _("The progress is a whole number from 0 to 100.")
    if status == Action.Status.COMPLETED and "progress" not in errors:
        if progress is None:
            progress = 100
        elif progress != 100:
            errors["progress"] = _("A completed action is at 100%.")
    indicators = {i.pk: i for i in update_indicators(action)}
    reported = {}
    for key, raw in (values or {}).items():
        pk = getattr(key, "pk", key)
        field = f"value_{pk}"
        if pk not in indicators:
            errors[field] = _("This indicator is not one of the action's performance indicators.")
            continue
        if raw in ("", None):
            continue
        number = _decimal(raw, field, errors)
        if number is not None:
            if abs(number) >= Decimal("1e16"):
                errors[field] = _("This number is too large.")
            else:
                reported[pk] = number
    text, risks = (text or "").strip(), (risks or "").strip()
    if cycle.asks_narrative and not text:
        errors["text"] = _("Write what happened in this period.")
    if errors:
        raise ValidationError(errors)

    from ponte.core import review

    with acting_as(user), transaction.atomic():
        update = (
            ActionUpdate.objects.select_for_update()
            .filter(action=action, cadence=cadence, year=year, period=period)
            .first()
        )
        created = update is None
        if created:
            update = ActionUpdate(
                city=action.city,
                action=action,
                cadence=cadence,
                year=year,
                period=period,
                review_state=ReviewState.DRAFT,  # submitted below: nothing public before that
            )
        if not review.city_reviews(update):  # approved as written: one version in the audit trail, not two
            update.review_state, update.submitted_at = ReviewState.APPROVED, update.submitted_at or timezone.now()
        update.status, update.progress, update.text, update.risks, update.author = status, progress, text, risks, user
        update.full_clean(exclude=["text"] if not text else None, validate_unique=False, validate_constraints=False)
        update.save()
        if values is not None:
            UpdateValue.objects.filter(update=update).exclude(indicator_id__in=list(reported)).delete()
        for pk, number in reported.items():
            UpdateValue.objects.update_or_create(
                update=update, indicator_id=pk, defaults={"city": action.city, "value": number}
            )
        review.submit(item=update, user=user)
    return UpdateOutcome(update=update, created=created, pending=update.review_state != ReviewState.APPROVED)


def update_apply(*, update: ActionUpdate, user) -> ActionUpdate:
    """What an approved update does (at once when the city does not review updates, else when a
    plan owner approves it): the action takes its status and progress, each reported value becomes
    the indicator's measured value at the end of the period (or on the day the update was written,
    when the period had not ended: never a date to come), and the action's followers hear of it."""
    action = Action.objects.select_related("city").get(pk=update.action_id)
    if update.status:
        action.status = update.status
    if update.progress is not None:
        action.progress = update.progress
    if update.status or update.progress is not None:
        action_save(action=action, user=user)
    source = _("Update %(period)s") % {"period": update.period_label}
    for reported in update.values.select_related("indicator__city"):
        _indicator_value_write(
            indicator=reported.indicator,
            user=user,
            reference_date=update.value_date,  # the day written, for a period not ended then
            value=reported.value,
            source=source[:300],
            note=reported.note,
        )
    with acting_as(user):
        follow.record_update(update=update)
    return update


def cycle_save(*, cycle: ReportingCycle, user) -> ReportingCycle:
    """Set the reporting cycle of a plan, or of one of its macro areas or actions (plan owners)."""
    _require(permissions.can_manage_plan(user, cycle.plan.city))
    if cycle.macro_area_id and cycle.macro_area.plan_id != cycle.plan_id:
        raise ValidationError({"macro_area": _("This macro area belongs to another plan.")})
    if cycle.action_id and cycle.action.line.macro_area.plan_id != cycle.plan_id:
        raise ValidationError({"action": _("This action belongs to another plan.")})
    cycle.city_id = cycle.plan.city_id
    if cycle.starts_on is None:  # a new or changed cycle asks for no period that ended before today
        cycle.starts_on = timezone.localdate()
    taken = ReportingCycle.objects.filter(
        plan=cycle.plan, macro_area_id=cycle.macro_area_id, action_id=cycle.action_id
    ).exclude(pk=cycle.pk)
    if taken.exists():
        field = "action" if cycle.action_id else "macro_area" if cycle.macro_area_id else "__all__"
        raise ValidationError({field: _("It already has its own reporting cycle: change that one instead.")})
    cycle.full_clean(validate_unique=False, validate_constraints=False)
    with acting_as(user), transaction.atomic():
        cycle.save()
    return cycle


def cycle_remove(*, cycle: ReportingCycle, user) -> None:
    """Remove the cycle of a macro area or an action: it follows the cycle above it again."""
    _require(permissions.can_manage_plan(user, cycle.plan.city))
    if not (cycle.macro_area_id or cycle.action_id):
        raise ValidationError(_("The plan's own cycle is changed, not removed."))
    with acting_as(user), transaction.atomic():
        cycle.delete()


def update_record(
    *, action: Action, user, year: int, period: int, text: str, cadence="semester", status=None, progress=None, risks=""
) -> UpdateOutcome:
    """The update of a period written by a program (the API) or a script, by the same rules as the
    form (`update_submit`, review included): the status and progress it does not give are the
    action's own, as the form prefills them; the values reported with the update stay as they are."""
    return update_submit(
        action=action,
        user=user,
        cadence=cadence,
        year=year,
        period=period,
        status=action.status if status is None else status,
        progress=action.progress if progress is None else progress,
        values=None,
        text=text,
        risks=risks,
    )


def milestone_add(*, action: Action, user, title: str, due_date: datetime.date, weight=None) -> Milestone:
    _require(permissions.can_edit_action(user, action))
    milestone = Milestone(city=action.city, action=action, title=title, due_date=due_date)
    if weight is not None:
        milestone.weight = weight
    milestone.full_clean()
    with acting_as(user):
        milestone.save()
    return milestone


def milestone_edit(*, milestone: Milestone, user, title: str, due_date: datetime.date, weight) -> Milestone:
    """Change a milestone's title, due date or weight (its weight shapes the action's expected
    progress, `ponte.plan.schedule`)."""
    _require(permissions.can_edit_action(user, milestone.action))
    milestone.title, milestone.due_date, milestone.weight = title, due_date, weight
    milestone.full_clean()
    with acting_as(user):
        milestone.save()
    return milestone


def plan_thresholds_set(*, plan, user, at_risk_gap: int, behind_gap: int):
    """Set how many points below its expected progress an action is at risk, and behind (plan
    owners); the second may not be below the first."""
    _require(permissions.can_manage_plan(user, plan.city))
    if behind_gap < at_risk_gap:
        raise ValidationError(
            {
                "rag_behind_gap": _("%(field)s: it cannot be below the threshold of “at risk” (%(at_risk)s).")
                % {"field": plan._meta.get_field("rag_behind_gap").verbose_name.capitalize(), "at_risk": at_risk_gap}
            }
        )
    plan.rag_at_risk_gap, plan.rag_behind_gap = at_risk_gap, behind_gap
    plan.full_clean()
    with acting_as(user):
        plan.save(update_fields=["rag_at_risk_gap", "rag_behind_gap"])
    return plan


def milestone_complete(*, milestone: Milestone, user, done_date: datetime.date) -> Milestone:
    _require(permissions.can_edit_action(user, milestone.action))
    if milestone.done_date != done_date:
        milestone.done_date = done_date
        with acting_as(user):
            milestone.save()
    return milestone


def document_attach(*, action: Action, user, title: str, file) -> ActionDocument:
    _require(permissions.can_edit_action(user, action))
    uploads.check(file, label=ActionDocument._meta.get_field("file").verbose_name)
    document = ActionDocument(city=action.city, action=action, title=title, file=file, uploaded_by=user)
    with acting_as(user):
        document.save()
    return document


def indicator_value_record(*, indicator: Indicator, user, reference_date, value, source="", note="") -> IndicatorValue:
    """Record (or correct) the measured value of an indicator at a reference date."""
    _require(permissions.can_edit_indicator(user, indicator))
    return _indicator_value_write(
        indicator=indicator, user=user, reference_date=reference_date, value=value, source=source, note=note
    )


def _indicator_value_write(*, indicator: Indicator, user, reference_date, value, source="", note="") -> IndicatorValue:
    """The write of `indicator_value_record`, once the right to it is known (an update's values are
    reported by whoever may edit the action, whichever office keeps the indicator)."""
    with acting_as(user), transaction.atomic():
        record = IndicatorValue.objects.filter(indicator=indicator, reference_date=reference_date).first()
        if record is None:
            record = IndicatorValue(city=indicator.city, indicator=indicator, reference_date=reference_date)
        changed = record.pk is None or record.value != value or record.source != source or record.note != note
        record.value, record.source, record.note, record.recorded_by = value, source, note, user
        if changed:
            record.full_clean(validate_unique=False)
            record.save()
            follow.record_indicator_value(value=record)
    return record


def check(instance):
    """Model validation as a list of (field, message), for importers."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [(field, message) for field, messages in exc.message_dict.items() for message in messages]
    return []


# -- reminders, late reminders and escalation (issue 17) -----------------------------------------

# A reminder run chases the periods whose escalation date is at most this many days past (runs
# missed for a few days are caught up); older gaps were escalated then, and a first run on an old
# plan does not bury people in them.
CATCH_UP_DAYS = 7


@dataclass
class ReminderRun:
    """What a reminder run did: notifications put in people's centres, by kind, and those that
    were already there from an earlier run (never duplicated)."""

    actions: int = 0
    counts: dict = field(default_factory=dict)
    already: int = 0

    def add(self, kind, created):
        if created:
            self.counts[kind] = self.counts.get(kind, 0) + 1
        else:
            self.already += 1

    @property
    def sent(self) -> int:
        return sum(self.counts.values())


def _reminder_recipients(city, actions):
    """Map each due action to the staff accounts that answer for it: the responsible person's
    account, else the office editors of the owning office, else the plan owners and
    administrators (nothing goes unreminded). Returns (by action pk, plan owners)."""
    from collections import defaultdict

    from django.contrib.auth import get_user_model

    from ponte.core.models import Membership

    editors, owners = defaultdict(list), []
    memberships = (
        Membership.objects.for_city(city).filter(user__is_active=True).select_related("user").order_by("user__username")
    )
    for membership in memberships:
        if membership.role == Membership.Role.OFFICE_EDITOR:
            editors[membership.office_id].append(membership.user)
        elif membership.role in (Membership.Role.PLAN_OWNER, Membership.Role.ADMINISTRATOR):
            owners.append(membership.user)
    owners = list({user.pk: user for user in owners}.values())
    people = {}
    for action in actions:
        person = action.responsible
        user = person.user if person is not None and person.user_id else None
        if isinstance(user, get_user_model()) and user.is_active:
            people[action.pk] = [user]
        else:
            people[action.pk] = editors.get(action.owner_office_id) or owners
    return people, owners


def _who_answers(action) -> str:
    if action.responsible is not None:
        return str(action.responsible)
    if action.owner_office is not None:
        return str(action.owner_office)
    return _("nobody: the action has neither a responsible person nor an owning office")


def send_update_reminders(*, city, today=None) -> ReminderRun:
    """For each running action and its reporting cycle, tell the people who answer for it that a
    period's update is due (`remind_days_before` the due date), then that it is late (after the
    due date); and after the grace period tell the plan owners and administrators which action
    is late and whose it is. Notifications, not mail: each person's notification centre and their
    choice of e-mail (immediate or digest) deliver them. Each is keyed by action, period and kind,
    so running this again (daily from cron) never tells anyone twice."""
    from django.conf import settings
    from django.utils import translation

    from ponte.collaboration.models import Notification
    from ponte.collaboration.services import notify

    from . import cycles

    today = today or timezone.localdate()
    actions = list(
        Action.objects.for_city(city)
        .exclude(status__in=[Action.Status.COMPLETED, Action.Status.SUSPENDED])
        .select_related("city", "line__macro_area__plan", "owner_office", "responsible__user")
        .order_by("sort_key")
    )
    run = ReminderRun(actions=len(actions))
    by_action = cycles.cycles_for(actions)
    reported = set(
        ActionUpdate.objects.filter(action__in=[a.pk for a in actions], year__gte=today.year - 3).values_list(
            "action_id", "cadence", "year", "period"
        )
    )
    people, owners = _reminder_recipients(city, actions)
    Kind = Notification.Kind
    with translation.override(settings.LANGUAGE_CODE):
        for action in actions:
            cycle = by_action[action.pk]
            period = cycles.Period.of(today, cycle.cadence)
            while (today - cycles.escalation_date(cycle, period)).days <= CATCH_UP_DAYS:
                stage = _stage(action, cycle, period, today, reported)
                if stage is not None:
                    _remind(action, cycle, period, stage, people[action.pk], owners, run, notify, Kind)
                period = period.previous()
    return run


def _stage(action, cycle, period, today, reported):
    """Which notice a period's missing update calls for today: None, "due", "late" or "escalation"."""
    from . import cycles

    if (action.pk, cycle.cadence, period.year, period.number) in reported:
        return None
    if not cycles.owes(cycle, period, action):
        return None  # before the cycle took effect, before the action started or after it ended
    if today >= cycles.escalation_date(cycle, period):
        return "escalation"
    if cycles.is_late(cycle, period, today):
        return "late"
    if today >= cycles.reminder_date(cycle, period):
        return "due"
    return None


def _remind(action, cycle, period, stage, responsible, owners, run, notify, Kind):
    from . import cycles

    due = cycles.due_date(cycle, period)
    names = {
        "action": f"{action.code} {action.title}",
        "period": period.label,
        "date": date_format(due, "DATE_FORMAT"),
    }
    url = reverse(
        "plan:update-edit",
        kwargs={"city": action.city.slug, "code": action.code} | cycles.period_url_kwargs(period),
    )
    key = f"update:{{kind}}:{action.pk}:{period.cadence}:{period.year}:{period.number}"
    if stage == "due":
        kind, title = Kind.UPDATE_DUE, _("Update due by %(date)s: %(action)s · %(period)s") % names
    else:
        kind, title = Kind.UPDATE_LATE, _("Update late since %(date)s: %(action)s · %(period)s") % names
    for user in responsible:
        created = notify(recipient=user, city=action.city, kind=kind, title=title, key=key.format(kind=kind), url=url)
        run.add(kind, created is not None)
    if stage == "escalation":
        title = _("Still missing after the grace period: %(action)s · %(period)s (due %(date)s)") % names
        body = _("Who answers for it: %(who)s.") % {"who": _who_answers(action)}
        for user in owners:
            created = notify(
                recipient=user,
                city=action.city,
                kind=Kind.ESCALATION,
                title=title,
                body=body,
                key=key.format(kind=Kind.ESCALATION),
                url=action.get_absolute_url(),
            )
            run.add(Kind.ESCALATION, created is not None)

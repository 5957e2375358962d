"""Writes to plan data. Views, imports, commands and tasks call these, so rules and the
audit trail (django-auditlog, actor set from the request or passed explicitly) live here."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import permissions, uploads
from ponte.core.services import acting_as
from ponte.portal import follow

from .models import Action, ActionDocument, ActionUpdate, Indicator, IndicatorTarget, IndicatorValue, Milestone


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


def update_record(*, action: Action, user, year: int, period: int, text: str, cadence="semester") -> ActionUpdate:
    """Add or rewrite the narrative update of one period (one per action, cadence and period)."""
    _require(permissions.can_edit_action(user, action))
    with acting_as(user), transaction.atomic():
        update, _created = ActionUpdate.objects.update_or_create(
            city=action.city,
            action=action,
            cadence=cadence,
            year=year,
            period=period,
            defaults={"text": text, "author": user},
        )
        follow.record_update(update=update)
    return update


def update_edit(*, update: ActionUpdate, user, text: str) -> ActionUpdate:
    """Rewrite the text of a period's update; the audit trail keeps the earlier text and author."""
    _require(permissions.can_edit_action(user, update.action))
    if update.text != text:
        update.text, update.author = text, user
        with acting_as(user), transaction.atomic():
            update.save(update_fields=["text", "author"])
            follow.record_update(update=update)
    return update


def milestone_add(*, action: Action, user, title: str, due_date: datetime.date) -> Milestone:
    _require(permissions.can_edit_action(user, action))
    milestone = Milestone(city=action.city, action=action, title=title, due_date=due_date)
    milestone.full_clean()
    with acting_as(user):
        milestone.save()
    return milestone


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


def _reminder_recipients(city, actions):
    """Map each address to the due actions it answers for: the responsible person, else the
    office editors of the owning office, else the plan owners (nothing goes unreminded)."""
    from collections import defaultdict

    from ponte.core.mail import staff_addresses

    editors, owners = staff_addresses(city)
    recipients = defaultdict(list)
    for action in actions:
        person = action.responsible
        email = (person.email or (person.user.email if person.user_id else "")) if person else ""
        for address in {email} if email else editors.get(action.owner_office_id) or owners:
            recipients[address].append(action)
    return recipients


def send_update_reminders(*, city, period=None) -> int:
    """Mail every owner whose actions lack this period's update; returns the mails sent.

    Each address gets at most one reminder per period; a failed send is retried next run.
    """
    from ponte.core.mail import mailer

    from .models import UpdateReminder, current_period
    from .queries import actions_due_update

    year, semester = period or current_period()
    due = actions_due_update(city, (year, semester)).select_related("responsible__user")
    already = set(
        UpdateReminder.objects.for_city(city).filter(year=year, semester=semester).values_list("email", flat=True)
    )
    sent = 0
    with mailer() as mail:
        for email, actions in sorted(_reminder_recipients(city, due).items()):
            if email in already:
                continue
            context = {"city": city, "year": year, "semester": semester, "actions": actions}
            if mail.send(to=email, template="plan/email/update_reminder", context=context):
                UpdateReminder.objects.create(
                    city=city, email=email, year=year, semester=semester, action_count=len(actions)
                )
                sent += 1
    return sent

"""Writes to the funding portfolio. The project lifecycle lives here: every status change is
checked against the allowed transitions and recorded with who made it and when."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import permissions, uploads
from ponte.core.services import acting_as
from ponte.portal import follow

from .models import Call, Project, ProjectTransition

Status = Project.Status

# idea → proposal → submitted → granted | rejected; granted → running → closed → audited.
# A proposal can go back to an idea; a rejected proposal can be prepared again.
TRANSITIONS = {
    Status.IDEA: {Status.PROPOSAL},
    Status.PROPOSAL: {Status.SUBMITTED, Status.IDEA},
    Status.SUBMITTED: {Status.GRANTED, Status.REJECTED},
    Status.REJECTED: {Status.PROPOSAL},
    Status.GRANTED: {Status.RUNNING},
    Status.RUNNING: {Status.CLOSED},
    Status.CLOSED: {Status.AUDITED},
    Status.AUDITED: set(),
}


def allowed_transitions(project: Project) -> list[str]:
    return [status for status in Status.values if status in TRANSITIONS[project.status]]


def _require_portfolio(user, city):
    if not permissions.can_manage_funds(user, city):
        raise PermissionDenied(_("Only the EU funds officers and the plan owners manage the funding portfolio."))


def project_save(*, project: Project, user) -> Project:
    _require_portfolio(user, project.city)
    project.full_clean()
    before = follow.snapshot(Project, project.pk, follow.PROJECT_FIELDS)
    with acting_as(user), transaction.atomic():
        created = project.pk is None
        project.save()
        follow.record_project_change(project=project, before=before)
        if created:
            ProjectTransition.objects.create(
                city=project.city,
                project=project,
                to_status=project.status,
                date=timezone.localdate(),
                user=user if user and user.is_authenticated else None,
                note=_("created"),
            )
    return project


def project_transition(*, project: Project, to_status: str, user, date: datetime.date | None = None, note=""):
    """Move a project to its next status; an illegal step is refused and changes nothing."""
    _require_portfolio(user, project.city)
    if to_status not in TRANSITIONS.get(project.status, set()):
        raise ValidationError(
            _("A project cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": project.get_status_display(),
                "to": Status(to_status).label if to_status in Status.values else to_status,
            }
        )
    date = date or timezone.localdate()
    with acting_as(user), transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status != project.status:
            raise ValidationError(_("The project changed meanwhile; reload the page."))
        transition = ProjectTransition.objects.create(
            city=project.city,
            project=project,
            from_status=project.status,
            to_status=to_status,
            date=date,
            user=user if user and user.is_authenticated else None,
            note=note,
        )
        project.status = to_status
        project.save(update_fields=["status", "updated_at"])
        follow.record_project_transition(transition=transition)
    return transition


def proposal_from_call(*, call: Call, user) -> Project:
    """“Start a proposal”: a project in preparation for a call, linked to it."""
    _require_portfolio(user, call.city)
    if call.programme is None:
        raise ValidationError(_("Give the call a programme before starting a proposal."))
    project = Project(
        city=call.city,
        title=call.title,
        programme=call.programme,
        call=call,
        status=Status.PROPOSAL,
        responsible_office=call.responsible_office,
        role=Project.Role.PARTNER,
    )
    project_save(project=project, user=user)
    project.alignments.set(call.alignments.all())
    if call.decision != Call.Decision.GO:
        with acting_as(user):
            call.decision = Call.Decision.GO
            call.save(update_fields=["decision"])
    return project


def participation_save(*, participation, user):
    _require_portfolio(user, participation.city)
    participation.country = (participation.country or participation.organisation.country or "").upper()
    participation.full_clean()
    with acting_as(user):
        participation.save()
    return participation


def project_milestone_add(*, project: Project, user, **fields):
    from .models import ProjectMilestone

    _require_portfolio(user, project.city)
    milestone = ProjectMilestone(city=project.city, project=project, **fields)
    milestone.full_clean()
    with acting_as(user):
        milestone.save()
    return milestone


def call_save(*, call: Call, user) -> Call:
    """Save a typed or edited call; its fit with the plan is scored in the background once the
    save is committed (the call's page says so until then)."""
    from .tasks import rank_calls_task

    _require_portfolio(user, call.city)
    call.full_clean()
    with acting_as(user):
        call.save()
    city_id, call_id = call.city_id, call.pk
    transaction.on_commit(lambda: rank_calls_task.enqueue(city_id, [call_id]))
    return call


def document_attach(*, project: Project, user, title: str, file):
    from .models import ProjectDocument

    _require_portfolio(user, project.city)
    uploads.check(file, label=ProjectDocument._meta.get_field("file").verbose_name)
    document = ProjectDocument(city=project.city, project=project, title=title, file=file, uploaded_by=user)
    with acting_as(user):
        document.save()
    return document


REMINDER_DAYS = 14


def send_deadline_reminders(*, city, today: datetime.date | None = None) -> int:
    """Mail the plan owners and the responsible office's editors about project deadlines due
    within two weeks (or overdue), once per deadline; returns the mails sent."""
    from collections import defaultdict

    from ponte.core.mail import mailer, staff_addresses

    from .models import ProjectMilestone

    today = today or timezone.localdate()
    due = list(
        ProjectMilestone.objects.for_city(city)
        .filter(
            done_date__isnull=True,
            reminded_at__isnull=True,
            due_date__lte=today + datetime.timedelta(days=REMINDER_DAYS),
        )
        .select_related("project__city", "project__responsible_office")
    )
    editors, owners = staff_addresses(city)
    by_address = defaultdict(list)
    for milestone in due:
        for address in owners | editors.get(milestone.project.responsible_office_id, set()):
            by_address[address].append(milestone)
    sent, reminded = 0, set()
    with mailer() as mail:
        for address, milestones in sorted(by_address.items()):
            context = {"city": city, "milestones": milestones, "today": today}
            if mail.send(to=address, template="funding/email/deadline", context=context):
                sent += 1
                reminded.update(m.pk for m in milestones)
    ProjectMilestone.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return sent


def close_past_calls(*, city, today: datetime.date | None = None) -> int:
    """Calls whose deadline has passed are closed (run daily with the ranking): a call the
    portal listed as open does not stay "Aperto" in Ponte after its deadline. Returns how many."""
    today = today or timezone.localdate()
    return (
        Call.objects.for_city(city)
        .filter(deadline__lt=today)
        .exclude(status=Call.Status.CLOSED)
        .update(status=Call.Status.CLOSED)
    )

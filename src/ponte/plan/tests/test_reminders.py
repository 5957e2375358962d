"""Reminders of the periodic updates (issue 17): before the due date the people who answer for an
action are told, after it they are told it is late, and after the grace period the plan owners
hear which action is late and whose it is — as notifications, once each, whatever the re-runs.
Dates are passed as `today=` / `--date` (no clock is frozen)."""

import datetime
import io

import pytest
from django.core.management import call_command

from ponte.collaboration.models import Notification
from ponte.core.models import Membership
from ponte.factories import ActionFactory, MembershipFactory, PersonFactory
from ponte.plan import services
from ponte.plan.models import ActionUpdate, Cadence, ReportingCycle

D = datetime.date
Kind = Notification.Kind


@pytest.fixture
def plan_cycle(action):
    """Quarterly, due 15 days after the quarter, reminded 7 days before, escalated 10 days late:
    Q4 2026 is due on 15 January 2027, reminded on 8 January, escalated on 25 January."""
    return ReportingCycle.objects.create(
        city=action.city,
        plan=action.line.macro_area.plan,
        cadence=Cadence.QUARTERLY,
        due_days=15,
        remind_days_before=7,
        grace_days=10,
    )


@pytest.fixture
def due_actions(action, other_office, users, plan_cycle):
    responsible = PersonFactory(city=action.city, user=MembershipFactory(city=action.city).user)
    with_person = ActionFactory(line=action.line, code="2.1", responsible=responsible, status="in_progress")
    orphan = ActionFactory(line=action.line, code="3.1", owner_office=other_office)
    ActionFactory(line=action.line, code="4.1", status="completed", progress=100)
    up_to_date = ActionFactory(line=action.line, code="5.1", owner_office=action.owner_office)
    ActionUpdate.objects.create(
        city=action.city, action=up_to_date, cadence=Cadence.QUARTERLY, year=2026, period=4, text="fatto"
    )
    return action, with_person, orphan, responsible.user


def told(kind=None, **filters):
    rows = Notification.objects.filter(**filters)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted((n.recipient.username, n.kind, n.title) for n in rows.select_related("recipient"))


def test_nothing_before_the_reminder_date(due_actions, city):
    run = services.send_update_reminders(city=city, today=D(2027, 1, 7))
    assert run.sent == 0 and not Notification.objects.exists()


def test_the_reminder_reaches_who_answers_for_each_action_once(due_actions, users, city):
    action, with_person, orphan, person = due_actions
    run = services.send_update_reminders(city=city, today=D(2027, 1, 8))
    assert run.counts == {Kind.UPDATE_DUE: 4}
    due = Notification.objects.filter(kind=Kind.UPDATE_DUE)
    assert {(n.recipient, n.title.split(": ", 1)[1].split(" ·")[0]) for n in due} == {
        (person, f"{with_person.code} {with_person.title}"),  # the responsible person's account
        (users["editor"], f"{action.code} {action.title}"),  # the owning office's editors
        (users["owner"], f"{orphan.code} {orphan.title}"),  # no editor: the plan owners
        (users["admin"], f"{orphan.code} {orphan.title}"),  # and the administrators
    }
    assert "15 gennaio 2027" in due.get(recipient=users["editor"]).title
    assert due.get(recipient=users["editor"]).url.endswith(f"/azioni/{action.code}/aggiornamenti/trimestrale/2026/4/")

    again = services.send_update_reminders(city=city, today=D(2027, 1, 9))
    assert again.sent == 0 and again.already == 4 and due.count() == 4


def test_late_then_escalated_to_the_plan_owners_naming_whose_it_is(due_actions, users, city, office):
    action = due_actions[0]
    late = services.send_update_reminders(city=city, today=D(2027, 1, 16))
    assert late.counts[Kind.UPDATE_LATE] == 4 and Kind.ESCALATION not in late.counts
    assert services.send_update_reminders(city=city, today=D(2027, 1, 24)).sent == 0

    escalated = services.send_update_reminders(city=city, today=D(2027, 1, 25))
    assert escalated.counts == {Kind.ESCALATION: 6}  # 3 late actions × (plan owner, administrator)
    about = Notification.objects.get(kind=Kind.ESCALATION, recipient=users["owner"], title__contains=action.code)
    assert office.name in about.body and about.url == action.get_absolute_url()
    assert not Notification.objects.filter(kind=Kind.ESCALATION, recipient=users["editor"]).exists()
    assert services.send_update_reminders(city=city, today=D(2027, 1, 26)).sent == 0


def test_writing_the_update_stops_the_reminders(client, due_actions, users, city):
    action = due_actions[0]
    client.force_login(users["editor"])
    assert action in client.get(f"/{city.slug}/gestione/azioni/scadenze/").context["object_list"]
    services.update_submit(
        action=action,
        user=users["editor"],
        cadence="quarterly",
        year=2026,
        period=4,
        status="in_progress",
        progress=10,
        text="Svolti due incontri.",
    )
    services.send_update_reminders(city=city, today=D(2027, 1, 30))
    assert not Notification.objects.filter(recipient=users["editor"], title__contains=action.code).exists()


def test_an_action_that_has_not_started_is_not_chased(action, users, city, plan_cycle):
    action.start_date = D(2027, 3, 1)
    action.save()
    assert services.send_update_reminders(city=city, today=D(2027, 1, 30)).sent == 0


def test_the_command_says_what_it_did_and_why_it_did_nothing(due_actions, city):
    out = io.StringIO()
    call_command("send_update_reminders", "--now", "--city", city.slug, "--date", "2027-01-16", stdout=out)
    assert "4 late reminder(s)" in out.getvalue() and "0 escalation(s)" in out.getvalue()
    out = io.StringIO()
    call_command("send_update_reminders", "--now", "--city", city.slug, "--date", "2027-01-16", stdout=out)
    assert "already notified by an earlier run" in out.getvalue() and "nothing new" in out.getvalue()


def test_the_queued_run_goes_through_the_worker_backend(due_actions, city):
    out = io.StringIO()
    call_command("send_update_reminders", "--city", city.slug, "--date", "2027-01-08", stdout=out)
    assert "queued as" in out.getvalue()
    assert Notification.objects.filter(kind=Kind.UPDATE_DUE).count() == 4


def test_a_plan_without_a_cycle_is_reminded_every_semester(action, users, city):
    services.send_update_reminders(city=city, today=D(2027, 1, 8))  # S2 2026: due 15 January
    assert told(Kind.UPDATE_DUE, recipient=users["editor"])[0][2].endswith("2º semestre 2026")


def test_an_inactive_editor_is_skipped_and_the_plan_owners_answer(action, city, office, plan_cycle):
    editor = MembershipFactory(city=city, role=Membership.Role.OFFICE_EDITOR, office=office).user
    editor.is_active = False
    editor.save()
    owner = MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user
    services.send_update_reminders(city=city, today=D(2027, 1, 8))
    assert [n[0] for n in told(Kind.UPDATE_DUE)] == [owner.username]

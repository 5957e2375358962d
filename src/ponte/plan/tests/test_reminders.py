"""Owners are reminded by mail, over real SMTP, when this period's update is missing."""

import datetime
import io

import pytest
from django.core.management import call_command

from ponte.core.models import Membership
from ponte.factories import ActionFactory, MembershipFactory, PersonFactory, UserFactory
from ponte.plan.models import ActionUpdate, UpdateReminder, current_period


@pytest.fixture
def due_actions(action, other_office, users):
    responsible = PersonFactory(city=action.city, email="resp@example.org")
    with_person = ActionFactory(line=action.line, code="2.1", responsible=responsible, status="in_progress")
    orphan = ActionFactory(line=action.line, code="3.1", owner_office=other_office)
    ActionFactory(line=action.line, code="4.1", status="completed", progress=100)
    year, semester = current_period()
    up_to_date = ActionFactory(line=action.line, code="5.1", owner_office=action.owner_office)
    ActionUpdate.objects.create(city=action.city, action=up_to_date, year=year, period=semester, text="fatto")
    return action, with_person, orphan


def recipients(inbox):
    return sorted(message["To"] for message in inbox.messages)


def test_reminders_reach_the_right_people_once(smtp_server, due_actions, users, city):
    action, with_person, orphan = due_actions
    call_command("send_update_reminders", "--now", "--city", city.slug, stdout=io.StringIO())
    owners = sorted([users["admin"].email, users["owner"].email])
    assert recipients(smtp_server) == sorted(["resp@example.org", users["editor"].email, *owners])
    by_address = {message["To"]: message for message in smtp_server.messages}
    assert "2.1" in by_address["resp@example.org"].get_payload()
    editor_mail = by_address[users["editor"].email].get_payload()
    assert action.code in editor_mail and "5.1" not in editor_mail and "4.1" not in editor_mail
    assert orphan.code in by_address[users["owner"].email].get_payload()  # no editor: plan owners

    call_command("send_update_reminders", "--now", "--city", city.slug, stdout=io.StringIO())
    assert len(smtp_server.messages) == 4, "a second run in the same period sends nothing"
    assert UpdateReminder.objects.count() == 4


def test_queued_task_sends_through_the_worker_backend(smtp_server, due_actions, city):
    call_command("send_update_reminders", "--city", city.slug, stdout=io.StringIO())
    assert "resp@example.org" in recipients(smtp_server)


def test_an_unreachable_server_records_nothing_so_the_next_run_retries(settings, due_actions, city):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # pytest-django defaults to locmem
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: connection refused
    with pytest.raises(OSError):
        call_command("send_update_reminders", "--now", "--city", city.slug)
    assert not UpdateReminder.objects.exists()


def test_writing_the_update_removes_the_action_from_the_due_list(client, users, action, city):
    client.force_login(users["editor"])
    assert action in client.get(f"/{city.slug}/gestione/azioni/scadenze/").context["object_list"]
    year, semester = current_period()
    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/semester/{year}/{semester}/",
        {"status": "in_progress", "progress": 10, "text": "Svolti due incontri."},
    )
    assert action not in client.get(f"/{city.slug}/gestione/azioni/scadenze/").context["object_list"]
    assert "Svolti due incontri." in client.get(f"/{city.slug}/gestione/azioni/{action.code}/").content.decode()


def test_current_period_is_the_semester():
    assert current_period(datetime.date(2026, 6, 30)) == (2026, 1)
    assert current_period(datetime.date(2026, 7, 1)) == (2026, 2)


def test_memberships_without_email_are_skipped(smtp_server, due_actions, city):
    MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER, user=UserFactory(email=""))
    call_command("send_update_reminders", "--now", "--city", city.slug, stdout=io.StringIO())
    assert "" not in recipients(smtp_server)

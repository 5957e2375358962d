"""Project deadlines are reminded over real SMTP, once, to owners and the responsible office."""

import datetime
import io

from django.core.management import call_command

from ponte.funding.models import ProjectMilestone
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory


def test_deadline_reminders(smtp_server, users, city, office):
    project = ProjectFactory(programme=ProgrammeFactory(city=city), responsible_office=office, acronym="GREEN")
    today = datetime.date.today()
    soon = ProjectMilestone.objects.create(
        city=city, project=project, title="Relazione intermedia", due_date=today + datetime.timedelta(days=5)
    )
    ProjectMilestone.objects.create(
        city=city, project=project, title="Relazione finale", due_date=today + datetime.timedelta(days=90)
    )
    call_command("send_deadline_reminders", "--now", "--city", city.slug, stdout=io.StringIO())
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted([users["admin"].email, users["owner"].email, users["editor"].email])
    body = smtp_server.messages[0].get_payload()
    assert "Relazione intermedia" in body and "Relazione finale" not in body and "GREEN" in body
    soon.refresh_from_db()
    assert soon.reminded_at is not None
    call_command("send_deadline_reminders", "--now", "--city", city.slug, stdout=io.StringIO())
    assert len(smtp_server.messages) == 3  # once per deadline

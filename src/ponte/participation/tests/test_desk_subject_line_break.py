"""A Europe Direct question whose subject holds a line break is answered like any other: the
subject is one line when stored and when it becomes a mail's subject (issue 14; the answer
was a 500, Django refusing a header with a newline)."""

from email.header import decode_header, make_header

import pytest
from django.core.cache import cache

from ponte.participation.models import Question


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.mark.django_db(transaction=True)  # the acknowledgement leaves on commit, as in production
def test_a_subject_with_a_line_break_is_stored_on_one_line_and_acknowledged(client, city, smtp_server):
    data = {
        "name": "Anna Rossi",
        "email": "anna@example.org",
        "subject": "Erasmus\r\nBcc: altri@example.org",
        "text": "Come posso partecipare?",
        "consent": "on",
    }
    client.post(f"/{city.slug}/eventi/europe-direct/", data)
    question = Question.objects.get()
    assert question.subject == "Erasmus Bcc: altri@example.org"
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["Bcc"] is None and question.ticket in subject(acknowledgement)


def test_a_stored_subject_with_a_line_break_can_be_answered(client, users, city, smtp_server):
    question = Question.objects.create(
        city=city,
        ticket="ED-2026-0007",
        name="Anna Rossi",
        email="anna@example.org",
        subject="Erasmus\nper adulti",
        text="Come posso partecipare?",
    )
    client.force_login(users["owner"])
    url = f"/{city.slug}/eventi/europe-direct/sportello/{question.pk}/"
    response = client.post(url, {"answer": "Può consultare il portale Erasmus+."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "answered"
    [answer] = smtp_server.messages
    assert subject(answer) == "Europe Direct · ED-2026-0007 · Erasmus per adulti"

"""The Europe Direct desk: public questions, tickets, answers mailed over SMTP, FAQ, response times."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from ponte.participation import desk
from ponte.participation.models import Question


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def ask(client, city, **extra):
    data = {
        "name": "Anna Rossi",
        "email": "anna@example.org",
        "subject": "Erasmus per adulti",
        "text": "Come posso partecipare?",
        "consent": "on",
        **extra,
    }
    return client.post(f"/{city.slug}/eventi/europe-direct/", data)


def test_question_to_answer_to_faq(client, users, city, smtp_server):
    assert ask(client, city).status_code == 302
    question = Question.objects.get()
    assert question.status == "new"
    client.force_login(users["owner"])
    url = f"/{city.slug}/eventi/europe-direct/sportello/{question.pk}/"
    client.post(url, {"take": "1"})
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == ("assigned", users["owner"])
    client.post(url, {"answer": "Può consultare il portale Erasmus+.", "publish_in_faq": "on"})
    question.refresh_from_db()
    assert question.status == "answered" and question.answered_at is not None
    assert [m["To"] for m in smtp_server.messages] == ["anna@example.org"]
    assert "portale Erasmus+" in smtp_server.messages[0].get_payload()
    client.logout()
    assert "portale Erasmus+" in client.get(f"/{city.slug}/eventi/europe-direct/faq/").content.decode()


def test_bad_input_and_bots_are_refused(client, city):
    response = ask(client, city, email="non valida", text="")
    assert {"email", "text"} <= set(response.context["form"].errors)
    ask(client, city, website="http://spam.example")
    assert not Question.objects.exists()


def test_desk_is_for_plan_owners(client, users, city):
    Question.objects.create(city=city, name="A", email="a@example.org", subject="S", text="T")
    for role, code in (("viewer", 403), ("editor", 403), ("owner", 200)):
        client.force_login(users[role])
        assert client.get(f"/{city.slug}/eventi/europe-direct/sportello/").status_code == code


def test_response_times_per_month(city):
    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    for hours in (4, 20):
        question = Question.objects.create(city=city, name="A", email="a@example.org", subject="S", text="T")
        Question.objects.filter(pk=question.pk).update(
            created_at=start, answered_at=start + datetime.timedelta(hours=hours), status="answered"
        )
    Question.objects.create(city=city, name="B", email="b@example.org", subject="S", text="T")
    rows = {row["month"]: row for row in desk.response_times(city)}
    assert rows["2026-03"] == {"month": "2026-03", "questions": 2, "answered": 2, "average_hours": 12.0}
    assert any(row["answered"] == 0 for row in rows.values())

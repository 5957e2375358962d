"""The Europe Direct desk: public questions, tickets, answers mailed over SMTP, FAQ, response times."""

import datetime
from email.header import decode_header, make_header

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from ponte.participation import desk
from ponte.participation.models import Question


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


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


@pytest.mark.django_db(transaction=True)  # the acknowledgement leaves on commit, as in production
def test_question_to_answer_to_edited_faq(client, users, city, smtp_server):
    response = ask(client, city, text="Sono Anna Rossi (anna@example.org): come posso partecipare?")
    question = Question.objects.get()
    assert question.status == "new" and question.ticket == f"ED-{timezone.localdate().year}-0001"
    thanks = client.get(response["Location"]).content.decode()
    assert question.ticket in thanks
    acknowledgement = smtp_server.messages[0]
    assert acknowledgement["To"] == "anna@example.org" and question.ticket in subject(acknowledgement)
    assert question.ticket in acknowledgement.get_payload()

    client.force_login(users["owner"])
    url = f"/{city.slug}/eventi/europe-direct/sportello/{question.pk}/"
    client.post(url, {"take": "1"})
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == ("assigned", users["owner"])
    client.post(url, {"answer": "Cara Anna, può consultare il portale Erasmus+."})
    question.refresh_from_db()
    assert question.status == "answered" and question.answered_at is not None and not question.in_faq
    assert [m["To"] for m in smtp_server.messages] == ["anna@example.org"] * 2
    assert "portale Erasmus+" in smtp_server.messages[1].get_payload()
    assert question.ticket in subject(smtp_server.messages[1])

    # the edit starts from the citizen's text without her name and address
    draft = client.get(url).context["faq_form"].initial
    assert "Anna" not in draft["faq_question"] and "anna@example.org" not in draft["faq_question"]
    assert "Anna" not in draft["faq_answer"] and "portale Erasmus+" in draft["faq_answer"]
    refused = client.post(
        url, {"faq-faq_question": "Anna chiede come partecipare", "faq-faq_answer": "Così.", "publish": "1"}
    )
    assert "contains the citizen" in refused.content.decode() or "contiene" in refused.content.decode()
    question.refresh_from_db()
    assert not question.in_faq
    client.post(
        url,
        {
            "faq-faq_question": "Come si partecipa a Erasmus+ da adulti?",
            "faq-faq_answer": "Consultate il portale Erasmus+.",
            "publish": "1",
        },
    )
    question.refresh_from_db()
    assert question.in_faq and question.faq_question == "Come si partecipa a Erasmus+ da adulti?"
    client.logout()
    faq = client.get(f"/{city.slug}/eventi/europe-direct/faq/").content.decode()
    assert "Come si partecipa a Erasmus+ da adulti?" in faq and "Consultate il portale" in faq
    assert "Anna" not in faq and "Sono Anna Rossi" not in faq

    client.force_login(users["owner"])
    client.post(url, {"faq-faq_question": question.faq_question, "faq-faq_answer": question.faq_answer, "publish": "0"})
    client.logout()
    assert "Erasmus+ da adulti" not in client.get(f"/{city.slug}/eventi/europe-direct/faq/").content.decode()


def test_ticket_numbers_are_per_city_and_year(city, smtp_server):
    from ponte.factories import CityFactory

    other = CityFactory(slug="altrove")
    year = timezone.localdate().year
    first = desk.ask(city=city, name="A", email="a@example.org", subject="S", text="T")
    second = desk.ask(city=city, name="B", email="b@example.org", subject="S", text="T")
    elsewhere = desk.ask(city=other, name="C", email="c@example.org", subject="S", text="T")
    Question.objects.filter(pk=first.pk).update(ticket=f"ED-{year - 1}-0007")  # last year's numbering
    third = desk.ask(city=city, name="D", email="d@example.org", subject="S", text="T")
    assert (second.ticket, elsewhere.ticket, third.ticket) == (f"ED-{year}-0002", f"ED-{year}-0001", f"ED-{year}-0003")


def test_faq_needs_an_answer_first(users, city):
    question = desk.ask(city=city, name="Anna Rossi", email="a@example.org", subject="S", text="T")
    with pytest.raises(ValidationError):
        desk.faq_save(question=question, user=users["owner"], faq_question="Q?", faq_answer="A.", publish=True)


def test_bad_input_and_bots_are_refused(client, city):
    response = ask(client, city, email="non valida", text="")
    assert {"email", "text"} <= set(response.context["form"].errors)
    ask(client, city, website="http://spam.example")
    assert not Question.objects.exists()


def test_desk_is_for_plan_owners(client, users, city):
    Question.objects.create(city=city, ticket="ED-2026-0001", name="A", email="a@example.org", subject="S", text="T")
    for role, code in (("viewer", 403), ("editor", 403), ("owner", 200)):
        client.force_login(users[role])
        assert client.get(f"/{city.slug}/eventi/europe-direct/sportello/").status_code == code


def test_response_times_per_month(city):
    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    for hours in (4, 20):
        question = Question.objects.create(
            city=city, ticket=f"ED-2026-{hours:04d}", name="A", email="a@example.org", subject="S", text="T"
        )
        Question.objects.filter(pk=question.pk).update(
            created_at=start, answered_at=start + datetime.timedelta(hours=hours), status="answered"
        )
    Question.objects.create(city=city, ticket="ED-2026-0099", name="B", email="b@example.org", subject="S", text="T")
    rows = {row["month"]: row for row in desk.response_times(city)}
    assert rows["2026-03"] == {
        "month": "2026-03",
        "first_day": datetime.date(2026, 3, 1),
        "questions": 2,
        "answered": 2,
        "average_hours": 12.0,
    }
    assert any(row["answered"] == 0 for row in rows.values())


def mail_body(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8").replace("\r\n", "\n")


@pytest.mark.django_db(transaction=True)
def test_the_answer_mail_greets_once(client, users, city, smtp_server):
    """ "Gentile Marco Neri,\n\nGentile Marco, …": the mail's greeting is left out when the
    answer has one, and the answer form says the mail adds it."""
    ask(client, city, name="Marco Neri", email="marco@example.org")
    question = Question.objects.get()
    client.force_login(users["desk"])
    url = f"/{city.slug}/eventi/europe-direct/sportello/{question.pk}/"
    page = client.get(url).content.decode()
    assert "La mail si apre da sola con «Gentile &lt;nome&gt;,»" in page

    client.post(url, {"answer": "Gentile Marco, può candidarsi entro il 15 marzo."})
    body = mail_body(smtp_server.messages[-1])
    assert body.startswith("Gentile Marco, può candidarsi entro il 15 marzo.") and body.count("Gentile") == 1

    client.post(url, {"answer": "Può candidarsi entro il 15 marzo."})  # no greeting: the mail adds it
    body = mail_body(smtp_server.messages[-1])
    assert body.startswith("Gentile Marco Neri,\n\nPuò candidarsi entro il 15 marzo.")


@pytest.mark.parametrize(
    ("text", "greets"),
    [
        ("Gentile Marco, sì.", True),
        ("Buongiorno, ecco i bandi.", True),
        ("Cara Anna, …", True),
        ("Spett.le associazione, …", True),
        ("Dear Mark, yes.", True),
        ("Gentilmente le segnaliamo il bando.", False),
        ("Sì: le associazioni possono partecipare.", False),
        ("Carattere e requisiti del bando: …", False),
    ],
)
def test_what_counts_as_a_greeting(text, greets):
    assert desk.starts_with_greeting(text) is greets

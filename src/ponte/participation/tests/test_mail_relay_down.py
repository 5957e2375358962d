"""With the mail relay down, a registration and a newsletter subscription are kept, the person is
told that the mail will follow, and `manage.py resume_mail` sends it once the relay is back
(issue 14: they answered 500 with the row saved and the mail lost)."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from ponte.participation.models import Registration, Subscriber

from .test_events import event, register  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)  # the mails leave on commit, as in production


@pytest.fixture
def relay_down(smtp_server, settings):
    cache.clear()
    smtp_server.port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there
    return smtp_server


def test_a_registration_is_kept_and_its_mail_sent_once_the_relay_is_back(client, city, event, relay_down, settings):  # noqa: F811
    response = register(client, city, event, "Anna", "anna@example.org")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Non siamo riusciti a inviare l&#x27;e-mail a anna@example.org" in page
    registration = Registration.objects.get()
    assert (registration.status, registration.mail_pending) == ("unverified", "confirm_registration")
    assert registration.verification_sent_at is None  # the link's 48 hours start when it is sent

    call_command("resume_mail")  # still down: kept for the next run
    assert Registration.objects.get().mail_pending == "confirm_registration" and not relay_down.messages
    settings.EMAIL_PORT = relay_down.port
    call_command("resume_mail")
    assert [m["To"] for m in relay_down.messages] == ["anna@example.org"]
    link = re.search(
        r"/[a-z]+/eventi/conferma-iscrizione/[0-9a-f-]+/", relay_down.messages[0].get_payload(decode=True).decode()
    )
    registration = Registration.objects.get()
    assert registration.mail_pending == "" and registration.verification_sent_at is not None
    call_command("resume_mail")
    assert len(relay_down.messages) == 1

    settings.EMAIL_PORT = 9  # down again when the place is taken: the confirmation follows later
    assert client.get(link.group(0)).context["outcome"] == "ok"
    assert Registration.objects.get().mail_pending == "registered"
    settings.EMAIL_PORT = relay_down.port
    call_command("resume_mail")
    assert "/disdetta/" in relay_down.messages[1].get_payload(decode=True).decode()
    assert Registration.objects.get().mail_pending == ""


def test_a_subscription_is_kept_and_its_confirmation_sent_once_the_relay_is_back(client, city, relay_down, settings):
    response = client.post(
        f"/{city.slug}/eventi/newsletter/", {"email": "bruno@example.org", "language": "it", "consent": "on"}
    )
    assert response.status_code == 302
    assert "non siamo riusciti a inviare" in client.get(response["Location"]).content.decode()
    assert Subscriber.objects.get().confirmation_pending
    settings.EMAIL_PORT = relay_down.port
    call_command("resume_mail")
    assert [m["To"] for m in relay_down.messages] == ["bruno@example.org"]
    assert "/newsletter/conferma/" in relay_down.messages[0].get_payload()
    assert not Subscriber.objects.get().confirmation_pending


def test_the_desk_keeps_a_question_and_refuses_an_answer_it_cannot_mail(client, users, city, relay_down):
    from ponte.participation.models import Question

    response = client.post(
        f"/{city.slug}/eventi/europe-direct/",
        {"name": "Anna", "email": "anna@example.org", "subject": "Erasmus", "text": "Come?", "consent": "on"},
    )
    question = Question.objects.get()
    assert response.status_code == 302 and question.ticket in client.get(response["Location"]).content.decode()

    client.force_login(users["owner"])
    url = f"/{city.slug}/eventi/europe-direct/sportello/{question.pk}/"
    page = client.post(url, {"answer": "Cara Anna, ecco."}, follow=True)
    assert page.status_code == 200 and "non è stato registrato nulla" in page.content.decode()
    question.refresh_from_db()
    assert question.status == "new" and question.answer == ""

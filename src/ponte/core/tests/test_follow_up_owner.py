"""A follow-up given to a member of the staff reaches them: a mail once (in Italian, naming the
origin, the due date and the link), and a card "I miei seguiti" on their home, where it is
marked done as on its origin's page."""

import datetime
from email.header import decode_header, make_header

import pytest
from django.conf import settings
from django.utils import timezone

from ponte.core.models import FollowUp, Person
from ponte.core.services import follow_up_done, staff_person
from ponte.factories import OrganisationFactory
from ponte.governance.models import Body, Meeting


@pytest.fixture
def meeting(city):
    body = Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body", name="Consulta"))
    start = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
    return Meeting.objects.create(city=city, body=body, title="Riunione di marzo", starts_at=start)


def add_follow_up(client, city, meeting, owner, title="Inviare la nota a Bruxelles", due="2026-05-01"):
    return client.post(
        f"/{city.slug}/gestione/organismi/riunioni/{meeting.pk}/seguiti/",
        {"title": title, "owner": owner_choice(city, owner), "due_date": due},
    )


def owner_choice(city, account) -> str:
    """The owner list names a staff member by their person once they have one."""
    person = Person.objects.for_city(city).filter(user=account).first()
    return f"person:{person.pk}" if person else f"user:{account.pk}"


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def test_the_owner_is_mailed_once(client, users, city, meeting, smtp_server, django_capture_on_commit_callbacks):
    client.force_login(users["governance"])
    with django_capture_on_commit_callbacks(execute=True):
        assert add_follow_up(client, city, meeting, users["diplomacy"]).status_code == 302
    assert [m["To"] for m in smtp_server.messages] == [users["diplomacy"].email]
    mail = smtp_server.messages[0]
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "Ponte · Testopoli: un seguito per te — Inviare la nota a Bruxelles"
    text = body_of(mail)
    assert "ti è stato assegnato un seguito" in text
    assert "Origine: riunione “Consulta: Riunione di marzo" in text  # the origin, by its kind and name
    assert "Entro il: 1 maggio 2026" in text
    assert f"{settings.SITE_URL}{meeting.get_absolute_url()}" in text

    task = FollowUp.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        task.title = "Inviare la nota a Bruxelles"
        task.save()  # an unchanged owner: nobody is mailed again
        follow_up_done(task=task, user=users["diplomacy"])
    assert len(smtp_server.messages) == 1


def test_giving_it_to_someone_else_tells_them(users, city, meeting, smtp_server, django_capture_on_commit_callbacks):
    from ponte.core.services import follow_up_add

    with django_capture_on_commit_callbacks(execute=True):
        task = follow_up_add(
            origin=meeting,
            user=users["governance"],
            title="Bozza",
            due_date=datetime.date(2026, 5, 1),
            owner=users["events"],
        )
    with django_capture_on_commit_callbacks(execute=True):
        task.owner = staff_person(city=city, account=users["desk"])
        task.save()
    assert [m["To"] for m in smtp_server.messages] == [users["events"].email, users["desk"].email]


def test_an_office_task_mails_nobody(
    client, users, city, office, meeting, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(users["governance"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/{city.slug}/gestione/organismi/riunioni/{meeting.pk}/seguiti/",
            {"title": "Del solo ufficio", "owner_office": office.pk, "due_date": "2026-05-01"},
        )
    assert FollowUp.objects.filter(title="Del solo ufficio").exists() and smtp_server.messages == []


def test_my_follow_ups_on_the_home(client, users, city, meeting):
    client.force_login(users["governance"])
    today = timezone.localdate()
    add_follow_up(
        client, city, meeting, users["diplomacy"], "Scaduto da giorni", str(today - datetime.timedelta(days=3))
    )
    add_follow_up(client, city, meeting, users["diplomacy"], "Ancora in tempo", str(today + datetime.timedelta(days=9)))
    add_follow_up(client, city, meeting, users["events"], "Di un collega", str(today))
    done = FollowUp.objects.get(title="Ancora in tempo")

    client.force_login(users["diplomacy"])
    home = client.get(f"/{city.slug}/gestione/")
    panel = next(p for p in home.context["panels"] if p.title == "I miei seguiti")
    assert [row.label for row in panel.rows] == ["Scaduto da giorni", "Ancora in tempo"] and panel.count == 2
    overdue, on_time = panel.rows
    assert overdue.alert == "scaduto" and not on_time.alert
    assert overdue.url == meeting.get_absolute_url() and overdue.date == today - datetime.timedelta(days=3)
    page = home.content.decode()
    assert "I miei seguiti" in page and "Di un collega" not in page

    response = client.post(panel.rows[1].done_url, {"next": f"/{city.slug}/gestione/"})
    assert response.status_code == 302 and response["Location"] == f"/{city.slug}/gestione/"
    done.refresh_from_db()
    assert done.done_date == today
    panel = next(p for p in client.get(f"/{city.slug}/gestione/").context["panels"] if p.title == "I miei seguiti")
    assert [row.label for row in panel.rows] == ["Scaduto da giorni"]


def test_an_empty_card_says_so(client, users, city):
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/").content.decode()
    assert "I miei seguiti" in page and "Nessun seguito assegnato a te è in attesa." in page


def test_the_owner_marks_it_done_on_the_origin_page_others_cannot(client, users, city, meeting):
    client.force_login(users["governance"])
    add_follow_up(client, city, meeting, users["diplomacy"])
    task = FollowUp.objects.get()
    done_url = f"/{city.slug}/gestione/seguiti/{task.pk}/fatto/"

    client.force_login(users["viewer"])
    assert done_url not in client.get(meeting.get_absolute_url()).content.decode()
    assert client.post(done_url).status_code == 403

    client.force_login(users["diplomacy"])  # not of governance, but the task is theirs
    assert done_url in client.get(meeting.get_absolute_url()).content.decode()
    response = client.post(done_url, {"next": "https://elsewhere.example/"})
    assert response["Location"] == meeting.get_absolute_url()
    task.refresh_from_db()
    assert task.done_date == timezone.localdate()

"""Events: the registration / waiting list / promotion cycle over real SMTP, the last seat under
concurrent registrations (PostgreSQL), harmless repeats, abuse protection, iCal, permissions."""

import datetime
import re
import threading
from email.header import decode_header, make_header
from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from ponte.core.models import City
from ponte.participation import services
from ponte.participation.models import Event, EventQuestion, EventSeries, Registration


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def event(city):
    return Event.objects.create(
        city=city,
        publication="published",
        title="Caffè Europa: il nuovo Parlamento",
        capacity=2,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        venue="Sala Borsa",
    )


def register(client, city, event, name, email, **extra):
    return client.post(f"/{city.slug}/eventi/{event.pk}/", {"name": name, "email": email, "consent": "on", **extra})


def cancel_link(message):
    return re.search(r"http://[^\s]+/disdetta/[0-9a-f-]+/", message.get_payload()).group(0)


def confirmation_link(smtp_server, email):
    """The address-proving link of the last mail to `email`, as a path."""
    bodies = [m.get_payload(decode=True).decode() for m in smtp_server.messages if m["To"] == email]
    links = [re.search(r"http://[^\s]+/conferma-iscrizione/[0-9a-f-]+/", body) for body in bodies]
    link = [found for found in links if found][-1].group(0)
    return link.replace("http://127.0.0.1:8000", "")


def take_place(client, city, event, name, email, smtp_server):
    """Fill in the form, then open the link mailed to the address: the place is taken then."""
    assert register(client, city, event, name, email).status_code == 302
    return client.get(confirmation_link(smtp_server, email))


@pytest.mark.django_db(transaction=True)  # mails leave on commit, as in production
def test_full_cycle_registration_waitlist_promotion(client, city, event, smtp_server):
    for name in ("Anna", "Bruno", "Carla"):
        assert take_place(client, city, event, name, f"{name.lower()}@example.org", smtp_server).status_code == 200
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Anna": "confirmed", "Bruno": "confirmed", "Carla": "waitlisted"}
    mails = {m["To"]: m for m in smtp_server.messages}
    subject = str(make_header(decode_header(mails["carla@example.org"]["Subject"]))).lower()
    assert "waiting list" in subject or "attesa" in subject

    link = cancel_link(mails["anna@example.org"]).replace("http://127.0.0.1:8000", "")
    assert client.get(link).status_code == 200
    client.post(link)
    client.post(link)  # cancelling twice is harmless
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Anna": "cancelled", "Bruno": "confirmed", "Carla": "confirmed"}
    promoted = [m for m in smtp_server.messages if m["To"] == "carla@example.org"]
    assert len(promoted) == 3 and Registration.objects.get(name="Carla").promoted_at is not None
    # three links to confirm the address, three confirmations, one promotion, no mail for repeats
    assert len(smtp_server.messages) == 7


@pytest.mark.django_db(transaction=True)
def test_registering_twice_is_harmless_and_the_page_never_tells_who_is_registered(client, city, event, smtp_server):
    def says():
        response = register(client, city, event, "Anna", "ANNA@example.org")
        return [str(m) for m in client.get(response["Location"]).context["messages"]]

    first = says()
    assert "anna@example.org" in first[0] and "48" in first[0]
    assert says() == first  # the same link, mailed again
    links = {confirmation_link(smtp_server, "anna@example.org")}
    assert Registration.objects.get().status == "unverified" and len(smtp_server.messages) == 2
    client.get(links.pop())
    assert says() == first  # already holding a place: the page says the same, the mail says which
    assert Registration.objects.count() == 1 and Registration.objects.get().status == "confirmed"
    assert len(smtp_server.messages) == 4 and "/disdetta/" in smtp_server.messages[-1].get_payload()


@pytest.mark.django_db(transaction=True)
def test_a_place_is_taken_only_when_the_address_is_confirmed(client, city, event, smtp_server):
    """Three people fill in the form for two places: whoever confirms first gets them, the form
    alone holds nothing; the third is put on the waiting list, and told so on the page and by mail."""
    for name in ("Anna", "Bruno", "Carla"):
        register(client, city, event, name, f"{name.lower()}@example.org")
    assert set(Registration.objects.values_list("status", flat=True)) == {"unverified"}
    page = client.get(f"/{city.slug}/eventi/{event.pk}/")
    assert page.context["free"] == 2

    client.get(confirmation_link(smtp_server, "carla@example.org"))
    client.get(confirmation_link(smtp_server, "anna@example.org"))
    late = client.get(confirmation_link(smtp_server, "bruno@example.org"))
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Anna": "confirmed", "Bruno": "waitlisted", "Carla": "confirmed"}
    assert late.context["outcome"] == "ok" and "numero 1 in lista d" in late.content.decode()
    subject = str(make_header(decode_header(smtp_server.messages[-1]["Subject"]))).lower()
    assert smtp_server.messages[-1]["To"] == "bruno@example.org" and "attesa" in subject

    again = client.get(confirmation_link(smtp_server, "carla@example.org"))  # single use: shows the place
    assert again.context["outcome"] == "already" and len(smtp_server.messages) == 6
    other_city = City.objects.create(slug="torino", name="Torino")
    foreign = confirmation_link(smtp_server, "anna@example.org").replace(f"/{city.slug}/", "/torino/")
    assert other_city and client.get(foreign).context["outcome"] == "unknown"


@pytest.mark.django_db(transaction=True)
def test_a_full_event_without_waiting_list_keeps_an_unconfirmed_registration_waiting(client, city, event, smtp_server):
    event.waiting_list = False
    event.save()
    for name in ("Anna", "Bruno", "Carla"):
        register(client, city, event, name, f"{name.lower()}@example.org")
    client.get(confirmation_link(smtp_server, "anna@example.org"))
    client.get(confirmation_link(smtp_server, "bruno@example.org"))
    late = client.get(confirmation_link(smtp_server, "carla@example.org"))
    assert late.context["outcome"] == "full" and "lista d'attesa" in late.content.decode()
    carla = Registration.objects.get(name="Carla")
    assert carla.status == "unverified"
    services.cancel(city=city, token=Registration.objects.get(name="Anna").token)  # a place frees up
    assert client.get(confirmation_link(smtp_server, "carla@example.org")).context["outcome"] == "ok"
    carla.refresh_from_db()
    assert carla.status == "confirmed"


@pytest.mark.django_db(transaction=True)
def test_an_unconfirmed_registration_expires_and_is_deleted_by_the_worker(client, city, event, smtp_server):
    register(client, city, event, "Anna", "anna@example.org")
    link = confirmation_link(smtp_server, "anna@example.org")
    Registration.objects.update(verification_sent_at=timezone.now() - datetime.timedelta(hours=49))
    assert client.get(link).context["outcome"] == "expired"
    register(client, city, event, "Anna", "anna@example.org")  # registering again: a new link
    fresh = confirmation_link(smtp_server, "anna@example.org")
    assert fresh != link and client.get(link).context["outcome"] == "unknown"

    out = StringIO()
    call_command("resume_mail", stdout=out)
    assert "0 unconfirmed registration(s) deleted" in out.getvalue()
    Registration.objects.update(verification_sent_at=timezone.now() - datetime.timedelta(hours=49))
    call_command("resume_mail", stdout=out)
    assert "1 unconfirmed registration(s) deleted" in out.getvalue() and not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_that_proved_the_address_takes_the_place_at_once(city, event, smtp_server):
    registration = services.register(event=event, name="Anna", email="Anna@example.org", email_verified=True)
    assert registration.status == "confirmed" and registration.email == "anna@example.org"
    assert "/disdetta/" in smtp_server.messages[-1].get_payload()
    again = services.register(event=event, name="Anna", email="anna@example.org", email_verified=True)
    assert again.pk == registration.pk and len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_full_event_without_waiting_list_refuses_clearly(client, city, event, smtp_server):
    event.waiting_list = False
    event.save()
    take_place(client, city, event, "Anna", "anna@example.org", smtp_server)
    take_place(client, city, event, "Bruno", "bruno@example.org", smtp_server)
    response = register(client, city, event, "Carla", "carla@example.org")
    assert (
        response.status_code == 200
        and "full" in str(response.context["form"].non_field_errors()).lower()
        or "completo" in str(response.context["form"].non_field_errors()).lower()
    )
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert Registration.objects.count() == 2 and len(smtp_server.messages) == 4  # no link for a full event


def test_form_validation_custom_questions_and_honeypot(client, city, event, smtp_server):
    EventQuestion.objects.create(city=city, event=event, label="Ente di appartenenza", required=True)
    EventQuestion.objects.create(
        city=city, event=event, label="Partecipazione", choices="In presenza|Online", required=True
    )
    response = client.post(f"/{city.slug}/eventi/{event.pk}/", {"name": "", "email": "non-valida"})
    form = response.context["form"]
    assert {"name", "email", "consent"} <= set(form.errors) and len(form.errors) == 5
    bot = register(client, city, event, "Bot", "bot@example.org", website="http://spam.example")
    assert bot.status_code == 200 and not Registration.objects.exists()
    questions = {q.label: f"question_{q.pk}" for q in event.questions.all()}
    register(
        client,
        city,
        event,
        "Anna",
        "anna@example.org",
        **{questions["Ente di appartenenza"]: "Comune", questions["Partecipazione"]: "Online"},
    )
    assert Registration.objects.get().answers == {"Ente di appartenenza": "Comune", "Partecipazione": "Online"}


def test_public_registration_is_rate_limited(client, city, event, smtp_server):
    event.capacity = None
    event.save()
    codes = [register(client, city, event, f"P{i}", f"p{i}@example.org").status_code for i in range(22)]
    assert codes[:20] == [302] * 20 and codes[20:] == [429, 429]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("waiting_list", [False, True], ids=["refuses", "waitlists"])
def test_last_seat_never_overbooks_under_parallel_requests(city, settings, waiting_list):
    """Eight people open the link confirming their registration for the last seat at the same
    moment, each request on its own thread and database connection: one gets the seat, the others
    are refused cleanly (or put on the waiting list)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = Event.objects.create(
        city=city,
        publication="published",
        title="Ultimo posto",
        capacity=1,
        waiting_list=waiting_list,
        starts_at=timezone.now() + datetime.timedelta(days=1),
    )
    for n in range(8):
        assert (
            register(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), city, event, f"P{n}", f"p{n}@example.org").status_code
            == 302
        )
    links = [
        re.search(r"/[a-z-]+/eventi/conferma-iscrizione/[0-9a-f-]+/", message.body).group(0) for message in mail.outbox
    ]
    barrier, codes = threading.Barrier(8), []

    def attempt(n):
        from django.db import connections

        browser = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")  # eight different people
        barrier.wait()
        try:
            codes.append(browser.get(links[n]).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert codes == [200] * 8
    if waiting_list:
        assert statuses == ["confirmed"] + ["waitlisted"] * 7
    else:
        assert statuses == ["confirmed"] + ["unverified"] * 7


def test_calendars_parse_back(client, city, event):
    series = EventSeries.objects.create(city=city, slug="caffe-europa", name="Caffè Europa")
    event.series = series
    event.save()
    Event.objects.create(
        city=city, publication="published", title="Altro", starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    all_events = Calendar.from_ical(client.get(f"/{city.slug}/eventi/calendario.ics").content).walk("VEVENT")
    assert len(all_events) == 2
    one_series = Calendar.from_ical(client.get(f"/{city.slug}/eventi/calendario.ics?serie=caffe-europa").content)
    assert [str(e["summary"]) for e in one_series.walk("VEVENT")] == [event.title]
    single = Calendar.from_ical(client.get(f"/{city.slug}/eventi/{event.pk}.ics").content).walk("VEVENT")[0]
    assert single.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert str(single["location"]) == "Sala Borsa"


@pytest.mark.django_db(transaction=True)
def test_registrants_list_exports_and_check_in_are_for_plan_owners(client, users, city, event, smtp_server):
    take_place(Client(), city, event, "Anna", "anna@example.org", smtp_server)
    register(Client(), city, event, "Ugo", "ugo@example.org")  # never opens the link
    url = f"/{city.slug}/eventi/{event.pk}/iscritti/"
    for role, code in (("viewer", 403), ("editor", 403), ("owner", 200)):
        client.force_login(users[role])
        assert client.get(url).status_code == code
    registration = Registration.objects.get(name="Anna")
    client.post(url, {"registration": registration.pk, "attended": "1"})
    registration.refresh_from_db()
    assert registration.attended
    ugo = Registration.objects.get(name="Ugo")
    assert client.post(url, {"registration": ugo.pk, "attended": "1"}).status_code == 404
    rows = b"".join(client.get(url + "?export=csv").streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and "anna@example.org" in rows[1]
    assert "Anna" in client.get(url + "?print=1").content.decode()
    assert "Ugo" not in client.get(url + "?print=1").content.decode()
    page = client.get(url)
    assert [r.name for r in page.context["object_list"]] == ["Anna"]
    assert [r.name for r in page.context["unconfirmed"]] == ["Ugo"]
    assert "1 confermat" in page.content.decode() and "in attesa di conferma" in page.content.decode()
    assert client.get(f"/{city.slug}/eventi/").status_code == 200  # the programme is public


def test_internal_training_catalogue(client, users, city, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    course = EventSeries.objects.create(city=city, slug="fondi-ue", name="Progettare sui fondi UE", internal=True)
    EventSeries.objects.create(city=city, slug="pubblico", name="Caffè aperto al pubblico")
    Event.objects.create(
        city=city,
        publication="published",
        series=course,
        title="Modulo 1: il ciclo del progetto",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    client.force_login(users["owner"])
    client.post(
        f"/{city.slug}/eventi/formazione/{course.pk}/materiali/",
        {"title": "Manuale di rendicontazione", "file": SimpleUploadedFile("manuale.pdf", b"%PDF-1.4")},
    )
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/eventi/formazione/").content.decode()
    assert "Progettare sui fondi UE" in page and "Modulo 1" in page and "Manuale di rendicontazione" in page
    assert "Caffè aperto al pubblico" not in page
    assert client.post(f"/{city.slug}/eventi/formazione/{course.pk}/materiali/", {"title": "x"}).status_code == 403
    client.logout()
    assert client.get(f"/{city.slug}/eventi/formazione/").status_code == 302  # staff only


def test_bologna_recurring_formats_and_newsletter_linked_to_actions(db):
    import io
    from pathlib import Path

    from django.core.management import call_command

    from ponte.core.models import City
    from ponte.participation.models import Segment

    call_command("load_plan", str(Path(__file__).resolve().parents[4] / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get(slug="bologna")
    series = {s.slug: s for s in EventSeries.objects.for_city(bologna).select_related("action")}
    assert series["caffe-europa"].action.code == "1.2.1" and series["caffe-europa"].internal
    assert series["giramondo"].action.code == "1.3.3" and series["europe-direct"].action.code == "1.3.1"
    assert series["casa-europa"].action.code == "1.1.3"
    assert {s.action.code for s in Segment.objects.for_city(bologna).select_related("action")} == {"1.3.4"}


@pytest.mark.django_db(transaction=True)
def test_sign_in_sheet_numbers_the_confirmed_without_gaps(client, users, city, event, smtp_server):
    """Cancelled and waiting registrations between the confirmed ones used to leave holes (1, 3)."""
    for name in ("Anna", "Bruno", "Carla", "Dario"):
        take_place(client, city, event, name, f"{name.lower()}@example.org", smtp_server)
    services.cancel(city=city, token=Registration.objects.get(name="Bruno").token)  # Carla takes his seat
    client.force_login(users["owner"])
    url = f"/{city.slug}/eventi/{event.pk}/iscritti/"
    sheet = client.get(url + "?print=1").content.decode()
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", sheet)
    assert rows == [("1", "Anna"), ("2", "Carla")]
    assert "Dario" not in sheet and "Bruno" not in sheet
    assert client.get(url).context["counts"] == {"unverified": 0, "confirmed": 2, "waitlisted": 1, "cancelled": 1}


def test_a_published_event_in_an_internal_series_is_flagged_to_staff(client, users, city):
    """The officer chose "Caffè Europa" (internal) and "Pubblicato": the portal said nothing
    was on. Now the choice, the save and the staff list all say it stays off the portal."""
    internal = EventSeries.objects.create(city=city, slug="caffe-europa", name="Caffè Europa", internal=True)
    public = EventSeries.objects.create(city=city, slug="giramondo", name="Giramondo")
    client.force_login(users["events"])
    form = client.get(f"/{city.slug}/eventi/gestione/nuovo/").context["form"]
    choices = {label for _value, label in form.fields["series"].choices}
    assert {"Caffè Europa (interna: non pubblicata sul portale)", "Giramondo"} <= choices
    data = {
        "series": internal.pk,
        "title": "Caffè Europa: il Green Deal",
        "starts_at": (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT18:00"),
        "language": "italiano",
        "registration_open": "on",
        "publication": "published",
    }
    saved = client.post(f"/{city.slug}/eventi/gestione/nuovo/", data, follow=True)
    # Back in the back office's list of events (with its menu), not on the public-style page.
    assert saved.redirect_chain[-1][0] == f"/{city.slug}/eventi/gestione/"
    said = [str(m) for m in saved.context["messages"]]
    assert any(m.startswith("Salvato") for m in said)
    assert any("serie interna: questo evento non comparirà sul portale pubblico" in m for m in said)
    page = " ".join(saved.content.decode().split())
    assert "Interno</span>" in page and "Non sul portale pubblico" in page
    assert "Nessun evento in programma" in Client().get(f"/{city.slug}/eventi/").content.decode()

    event = Event.objects.get()
    again = client.post(f"/{city.slug}/eventi/gestione/{event.pk}/modifica/", data | {"series": public.pk}, follow=True)
    assert not any("serie interna" in str(m) for m in again.context["messages"])
    assert "Interno</span>" not in again.content.decode()


def test_staff_event_pages_sit_under_events_in_the_menu(client, users, city, event):
    """Registrants: breadcrumb "Area riservata / Eventi e comunicazione / Eventi / Iscritti · …"
    and "Eventi" highlighted; the sign-in sheet prints and leads back; old addresses still work."""
    client.force_login(users["events"])
    page = client.get(f"/{city.slug}/eventi/gestione/{event.pk}/iscritti/")
    group, entry = page.context["staff_current"]()
    assert str(entry.label) == "Eventi" and entry.url == f"/{city.slug}/eventi/gestione/"
    html = " ".join(page.content.decode().split())
    assert f'<a href="/{city.slug}/eventi/gestione/">Eventi</a>' in html
    assert "Iscritti · Caffè Europa: il nuovo Parlamento</li>" in html
    sheet = client.get(f"/{city.slug}/eventi/gestione/{event.pk}/iscritti/?print=1").content.decode()
    assert '<button type="button" data-print>Stampa</button>' in sheet
    assert f'href="/{city.slug}/eventi/gestione/{event.pk}/iscritti/">Torna agli iscritti</a>' in sheet
    assert client.get(f"/{city.slug}/eventi/{event.pk}/iscritti/").status_code == 200  # saved links
    assert client.get(f"/{city.slug}/eventi/gestione/{event.pk}/modifica/").context["staff_current"]()[1] == entry

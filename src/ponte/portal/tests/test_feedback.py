"""“Valuta questo sito” and “Segnala un disservizio” over HTTP: what a visitor posts, what is kept,
what the page says afterwards, and who sees the results."""

import csv
import io

import pytest
from django.core import mail
from django.core.cache import cache

from ponte.core.models import Membership
from ponte.factories import CityFactory, MembershipFactory
from ponte.participation.models import Question
from ponte.portal.models import PageRating


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def rate(client, city, page, **data):
    return client.post(f"/{city.slug}/valuta-pagina/", {"page": page, **data})


def test_every_public_page_has_the_rating_block_with_the_checker_attributes(client, city):
    html = client.get(f"/{city.slug}/accessibilita/").content.decode()
    assert 'data-element="feedback"' in html and 'data-element="feedback-title"' in html
    assert all(f'data-element="feedback-rate-{n}"' in html for n in range(1, 6))
    for element in ("feedback-rating-positive", "feedback-rating-negative", "feedback-input-text"):
        assert f'data-element="{element}"' in html
    assert "Quanto sono chiare le informazioni su questa pagina?" in html
    assert 'value="/testopoli/accessibilita/"' in html


def test_the_back_office_has_no_rating_block(client, city):
    staff = MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER).user
    client.force_login(staff)
    html = client.get(f"/{city.slug}/gestione/valutazioni-pagine/").content.decode()
    assert 'data-element="feedback"' not in html


def test_a_rating_is_kept_without_personal_data_and_the_page_says_thanks(client, city):
    response = rate(
        client,
        city,
        "/testopoli/accessibilita/?q=x",
        stars="4",
        positive_reason="clear",
        comment="  Chiaro,\n  grazie  ",
    )
    assert response.status_code == 302 and response["Location"] == "/testopoli/accessibilita/#valuta"
    rating = PageRating.objects.get()
    assert (rating.city, rating.path, rating.stars, rating.reason, rating.comment) == (
        city,
        "/testopoli/accessibilita/",
        4,
        "clear",
        "Chiaro, grazie",
    )
    page = client.get("/testopoli/accessibilita/").content.decode()
    assert "Grazie per il tuo suggerimento!" in page
    assert "Grazie per il tuo suggerimento!" not in client.get("/testopoli/accessibilita/").content.decode()  # once


def test_a_rating_without_stars_is_refused_naming_the_field(client, city):
    response = rate(client, city, "/testopoli/accessibilita/", comment="x")
    assert response.status_code == 302 and not PageRating.objects.exists()
    page = client.get("/testopoli/accessibilita/").content.decode()
    assert 'id="rating-stars-error"' in page and "Stelle: Scegli da 1 a 5 stelle." in page


def test_a_reason_from_the_wrong_list_is_refused_naming_the_list(client, city):
    rate(client, city, "/testopoli/accessibilita/", stars="2", positive_reason="clear")
    assert not PageRating.objects.exists()
    assert (
        "Con 1, 2 o 3 stelle, scegli dove hai incontrato difficoltà."
        in client.get("/testopoli/accessibilita/").content.decode()
    )


def test_a_long_comment_is_refused_naming_the_field(client, city):
    rate(client, city, "/testopoli/accessibilita/", stars="5", positive_reason="clear", comment="x" * 201)
    assert not PageRating.objects.exists()
    page = client.get("/testopoli/accessibilita/").content.decode()
    assert "Vuoi aggiungere altri dettagli? (facoltativo): Al massimo 200 caratteri, per favore." in page


@pytest.mark.parametrize(
    "page",
    [
        "https://example.org/testopoli/accessibilita/",
        "//example.org/x",
        "/altra/accessibilita/",
        "/testopoli/gestione/",
        "/testopoli/nessuna/",
    ],
)
def test_only_public_pages_of_the_city_can_be_rated(client, city, page):
    CityFactory(slug="altra")
    response = rate(client, city, page, stars="5")
    assert response["Location"] == "/testopoli/#valuta" and not PageRating.objects.exists()


def test_ratings_are_rate_limited_per_client_address(client, city):
    for _ in range(20):
        rate(client, city, "/testopoli/accessibilita/", stars="5")
    response = rate(client, city, "/testopoli/accessibilita/", stars="5")
    assert PageRating.objects.count() == 20 and response["Location"] == "/testopoli/accessibilita/#valuta"
    assert "Troppe richieste" in client.get("/testopoli/accessibilita/").content.decode()
    other = client.post(
        "/testopoli/valuta-pagina/", {"page": "/testopoli/accessibilita/", "stars": "5"}, REMOTE_ADDR="192.0.2.9"
    )
    assert other.status_code == 302 and PageRating.objects.count() == 21


def test_results_are_for_the_communication_staff_of_the_city_only(client, city):
    other_city = CityFactory(slug="altra")
    PageRating.objects.create(city=city, path="/testopoli/accessibilita/", stars=4, reason="clear", comment="Utile")
    PageRating.objects.create(city=city, path="/testopoli/accessibilita/", stars=2, reason="lost")
    PageRating.objects.create(city=other_city, path="/altra/accessibilita/", stars=1, comment="Segreto di Altra")
    url = f"/{city.slug}/gestione/valutazioni-pagine/"
    assert client.get(url).status_code == 302  # to the login
    client.force_login(MembershipFactory(city=city, role=Membership.Role.VIEWER).user)
    assert client.get(url).status_code == 403
    client.force_login(MembershipFactory(city=other_city, role=Membership.Role.EVENTS_OFFICER).user)
    assert client.get(url).status_code == 403
    client.force_login(MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER).user)
    html = client.get(url).content.decode()
    assert "/testopoli/accessibilita/" in html and "3,0" in html and "Utile" in html
    assert "Segreto di Altra" not in html and "/altra/accessibilita/" not in html
    assert "Valutazioni delle pagine" in client.get(f"/{city.slug}/gestione/").content.decode()  # in the menu


def test_the_csv_export_neutralises_formulas(client, city):
    PageRating.objects.create(
        city=city, path="/testopoli/accessibilita/", stars=1, reason="problems", comment='=HYPERLINK("http://evil")'
    )
    client.force_login(MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER).user)
    response = client.get(f"/{city.slug}/gestione/valutazioni-pagine/?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Data", "Pagina", "Stelle", "Motivo", "Commento"]
    assert rows[1][1:] == ["/testopoli/accessibilita/", "1", "Ho avuto problemi tecnici", '\'=HYPERLINK("http://evil")']


DISSERVICE = {
    "name": "",
    "email": "Luca@Example.org",
    "category": "page",
    "page": "/testopoli/dati/",
    "text": "Il file CSV dei progetti non si scarica.",
    "consent": "on",
}


def test_a_disservice_report_becomes_a_desk_ticket_acknowledged_by_mail(
    client, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{city.slug}/segnala-disservizio/", DISSERVICE)
    assert response.status_code == 302 and response["Location"] == f"/{city.slug}/segnala-disservizio/grazie/"
    question = Question.objects.get()
    assert question.city == city and question.email == "luca@example.org" and question.name == "utente"
    assert question.subject == "Disservizio: Pagina, collegamento o documento che non funziona"
    assert question.text.startswith("Pagina o servizio interessato: /testopoli/dati/\n\n")
    (message,) = mail.outbox
    assert message.to == ["luca@example.org"] and question.ticket in message.subject and question.ticket in message.body
    assert "Gentile utente," in message.body
    thanks = client.get(response["Location"]).content.decode()
    assert question.ticket in thanks and "la tua segnalazione è stata ricevuta" in thanks


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "", "email"),
        ("email", "non-un-indirizzo", "email"),
        ("category", "nuclear", "category"),
        ("text", "x" * 3001, "text"),
        ("consent", "", "consent"),
    ],
)
def test_an_invalid_disservice_report_names_the_field(client, city, field, value, message):
    response = client.post(f"/{city.slug}/segnala-disservizio/", DISSERVICE | {field: value})
    assert response.status_code == 200 and not Question.objects.exists()
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}"' in response.content.decode() and 'aria-invalid="true"' in response.content.decode()


def test_disservice_reports_are_rate_limited(client, city):
    for _ in range(10):
        client.post(f"/{city.slug}/segnala-disservizio/", DISSERVICE)
    response = client.post(f"/{city.slug}/segnala-disservizio/", DISSERVICE)
    assert response.status_code == 429 and Question.objects.count() == 10


def test_the_disservice_form_is_per_city(client, city):
    CityFactory(slug="altra")
    client.post("/altra/segnala-disservizio/", DISSERVICE)
    assert Question.objects.get().city.slug == "altra"
    assert client.get("/nessuna/segnala-disservizio/").status_code == 404

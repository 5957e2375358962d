"""Review before publication (issue 17): who submits, who decides, what each decision does, the
news desk's and the Europe Direct desk's "publish" when their city reviews, the pages of the
review (queue, item, the author's list, the settings), and two reviewers deciding at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.collaboration.models import Notification
from ponte.core import review
from ponte.core.models import Publication, ReviewEvent, ReviewState
from ponte.participation.models import Question
from ponte.plan.models import ActionUpdate
from ponte.portal.models import News
from ponte.testing import READ


@pytest.fixture
def reviewing(city):
    city.review_updates = city.review_news = city.review_faq = True
    city.save()
    return city


def news_form(**changes):
    return {
        "title": "Bologna capitale europea dei giovani",
        "slug": "capitale-giovani",
        "summary": "La candidatura è stata presentata.",
        "body": "Il dossier è online.",
        "published_on": "2026-11-20T10:00",
        "publication": "published",
    } | changes


def answered_question(city, **fields):
    from django.utils import timezone

    values = {
        "name": "Maria Rossi",
        "email": "maria@example.org",
        "subject": "Erasmus",
        "text": "Come partecipo a Erasmus+?",
        "ticket": "ED-1",
        "answer": "Con il bando annuale.",
        "answered_at": timezone.now(),
        "status": Question.Status.ANSWERED,
    }
    return Question.objects.create(city=city, **(values | fields))


# ---- the rules ---------------------------------------------------------------------------------


def test_a_city_that_does_not_review_publishes_at_once(city, users):
    news = News.objects.create(city=city, title="N", slug="n", body="x", publication=Publication.DRAFT)
    assert not review.requires_review(news, users["events"])
    review.submit(item=news, user=users["events"])
    news.refresh_from_db()
    assert news.review_state == ReviewState.APPROVED and news.is_published
    assert not ReviewEvent.objects.exists()  # nothing to tell: there was no review


def test_submit_waits_and_asks_every_plan_owner_and_administrator(reviewing, users):
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT)
    review.submit(item=news, user=users["events"])
    news.refresh_from_db()
    assert news.review_state == ReviewState.PENDING and not news.is_published and news.submitted_at
    asked = Notification.objects.filter(kind=Notification.Kind.REVIEW_REQUESTED)
    assert {n.recipient for n in asked} == {users["owner"], users["admin"]}
    assert all(n.url == review.review_url(news) for n in asked)
    assert list(review.history(news).values_list("decision", "by")) == [("submitted", users["events"].pk)]
    # Saving it again while pending does not ask again.
    review.submit(item=news, user=users["events"])
    assert asked.count() == 2


def test_a_plan_owner_publishes_directly_and_the_history_says_so(reviewing, users):
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT)
    assert not review.requires_review(news, users["owner"])
    review.submit(item=news, user=users["owner"])
    news.refresh_from_db()
    assert news.is_published and news.review_state == ReviewState.APPROVED and news.reviewed_by == users["owner"]
    assert [e.decision for e in review.history(news)] == ["approved"]


def test_approve_applies_and_tells_the_author(reviewing, users):
    news = News.objects.create(
        city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT, author=users["events"]
    )
    review.submit(item=news, user=users["events"])
    review.approve(item=news, user=users["owner"])
    news.refresh_from_db()
    assert news.is_published and news.review_state == ReviewState.APPROVED
    assert news.reviewed_by == users["owner"] and news.reviewed_at
    told = Notification.objects.get(kind=Notification.Kind.REVIEW_APPROVED)
    assert told.recipient == users["events"] and told.actor == users["owner"]


def test_send_back_needs_a_comment_naming_the_field(reviewing, users):
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT)
    review.submit(item=news, user=users["events"])
    with pytest.raises(ValidationError) as refused:
        review.send_back(item=news, user=users["owner"], comment="   ")
    assert "comment" in refused.value.message_dict
    news.refresh_from_db()
    assert news.review_state == ReviewState.PENDING  # nothing changed

    review.send_back(item=news, user=users["owner"], comment="Manca la data del bando.")
    news.refresh_from_db()
    assert news.review_state == ReviewState.RETURNED and news.review_comment == "Manca la data del bando."
    assert not news.is_published
    told = Notification.objects.get(kind=Notification.Kind.REVIEW_RETURNED)
    assert told.recipient == users["events"] and told.body == "Manca la data del bando."
    assert [(e.decision, e.comment) for e in review.history(news)][-1] == ("returned", "Manca la data del bando.")


@pytest.mark.parametrize("role", ["editor", "events", "desk", "viewer", "funds"])
def test_only_plan_owners_and_administrators_decide(reviewing, users, role):
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT)
    review.submit(item=news, user=users["events"])
    with pytest.raises(PermissionDenied):
        review.approve(item=news, user=users[role])
    with pytest.raises(PermissionDenied):
        review.send_back(item=news, user=users[role], comment="No")
    news.refresh_from_db()
    assert news.review_state == ReviewState.PENDING and not news.is_published


def test_an_administrator_approves_too(reviewing, users):
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT)
    review.submit(item=news, user=users["events"])
    review.approve(item=news, user=users["admin"])
    news.refresh_from_db()
    assert news.is_published


def test_two_reviewers_at_once_only_the_first_decides(reviewing, users):
    """Both reviewers opened the pending item; the second decision finds it decided."""
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT)
    review.submit(item=news, user=users["events"])
    seen_by_owner = News.objects.get(pk=news.pk)
    seen_by_admin = News.objects.get(pk=news.pk)
    review.approve(item=seen_by_owner, user=users["owner"])
    with pytest.raises(ValidationError) as refused:
        review.send_back(item=seen_by_admin, user=users["admin"], comment="Da rivedere")
    assert "non è più in attesa di revisione" in refused.value.messages[0]
    news.refresh_from_db()
    assert news.review_state == ReviewState.APPROVED and news.is_published and news.review_comment == ""
    assert [e.decision for e in review.history(news)] == ["submitted", "approved"]
    assert not Notification.objects.filter(kind=Notification.Kind.REVIEW_RETURNED).exists()


def test_a_decision_on_a_returned_item_is_refused(reviewing, users):
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication=Publication.DRAFT)
    review.submit(item=news, user=users["events"])
    review.send_back(item=news, user=users["owner"], comment="Da rivedere")
    with pytest.raises(ValidationError):
        review.approve(item=news, user=users["admin"])
    news.refresh_from_db()
    assert not news.is_published


# ---- the news desk -----------------------------------------------------------------------------


def test_an_events_officer_sends_news_for_review(client, reviewing, users):
    client.force_login(users["events"])
    form_page = client.get(f"/{reviewing.slug}/gestione/notizie/nuova/").content.decode()
    assert "Invia in revisione" in form_page
    response = client.post(f"/{reviewing.slug}/gestione/notizie/nuova/", news_form(), follow=True)
    news = News.objects.get(slug="capitale-giovani")
    assert news.publication == Publication.DRAFT and news.review_state == ReviewState.PENDING
    assert any("Inviata in revisione" in str(m) for m in response.context["messages"])
    client.logout()
    assert client.get(f"/{reviewing.slug}/notizie/capitale-giovani/").status_code == 404

    # Sent back: the form shows the comment; saved again with "publish", it waits again.
    review.send_back(item=news, user=users["owner"], comment="Aggiungi il link al dossier.")
    client.force_login(users["events"])
    edit = f"/{reviewing.slug}/gestione/notizie/{news.pk}/modifica/"
    assert "Aggiungi il link al dossier." in client.get(edit).content.decode()
    client.post(edit, news_form(body="Il dossier è online: https://example.org"))
    news.refresh_from_db()
    assert news.review_state == ReviewState.PENDING and not news.is_published
    assert [e.decision for e in review.history(news)] == ["submitted", "returned", "submitted"]


def test_a_plan_owner_publishes_news_directly(client, reviewing, users):
    client.force_login(users["owner"])
    client.post(f"/{reviewing.slug}/gestione/notizie/nuova/", news_form())
    news = News.objects.get(slug="capitale-giovani")
    assert news.is_published and news.review_state == ReviewState.APPROVED
    assert client.get(f"/{reviewing.slug}/notizie/capitale-giovani/").status_code == 200


def test_changing_published_news_goes_back_to_review(client, reviewing, users):
    news = News.objects.create(
        city=reviewing, title="Vecchia", slug="vecchia", body="x", publication=Publication.PUBLISHED
    )
    client.force_login(users["events"])
    client.post(
        f"/{reviewing.slug}/gestione/notizie/{news.pk}/modifica/",
        news_form(title="Vecchia, corretta", slug="vecchia", body="y"),
    )
    news.refresh_from_db()
    assert news.review_state == ReviewState.PENDING and not news.is_published


def test_saving_as_draft_takes_news_out_of_the_queue(client, reviewing, users):
    client.force_login(users["events"])
    client.post(f"/{reviewing.slug}/gestione/notizie/nuova/", news_form())
    news = News.objects.get(slug="capitale-giovani")
    client.post(f"/{reviewing.slug}/gestione/notizie/{news.pk}/modifica/", news_form(publication="draft"))
    news.refresh_from_db()
    assert news.review_state == ReviewState.DRAFT and review.pending(reviewing) == []


# ---- the FAQ -----------------------------------------------------------------------------------


def faq_post(publish="1"):
    return {"faq-faq_question": "Come si partecipa a Erasmus+?", "faq-faq_answer": "Con il bando.", "publish": publish}


def test_the_desk_sends_an_faq_entry_for_review(client, reviewing, users):
    question = answered_question(reviewing)
    client.force_login(users["desk"])
    page = f"/{reviewing.slug}/eventi/europe-direct/sportello/{question.pk}/"
    response = client.post(page, faq_post(), follow=True)
    question.refresh_from_db()
    assert question.review_state == ReviewState.PENDING and not question.in_faq
    assert any("FAQ" in str(m) for m in response.context["messages"])
    client.logout()
    assert "Come si partecipa" not in client.get(f"/{reviewing.slug}/eventi/europe-direct/faq/").content.decode()

    review.approve(item=question, user=users["owner"])
    question.refresh_from_db()
    assert question.in_faq and question.review_state == ReviewState.APPROVED
    assert "Come si partecipa" in client.get(f"/{reviewing.slug}/eventi/europe-direct/faq/").content.decode()


def test_a_returned_faq_entry_shows_the_comment_to_the_desk(client, reviewing, users):
    question = answered_question(reviewing)
    client.force_login(users["desk"])
    page = f"/{reviewing.slug}/eventi/europe-direct/sportello/{question.pk}/"
    client.post(page, faq_post())
    question.refresh_from_db()
    review.send_back(item=question, user=users["owner"], comment="Togli il riferimento al bando 2024.")
    assert "Togli il riferimento al bando 2024." in client.get(page).content.decode()
    assert Notification.objects.get(kind=Notification.Kind.REVIEW_RETURNED).recipient == users["desk"]


def test_without_faq_review_the_desk_publishes(client, city, users):
    question = answered_question(city)
    client.force_login(users["desk"])
    client.post(f"/{city.slug}/eventi/europe-direct/sportello/{question.pk}/", faq_post())
    question.refresh_from_db()
    assert question.in_faq and question.review_state == ReviewState.APPROVED


# ---- the pages ---------------------------------------------------------------------------------

QUEUE_ROLES = {role: (200 if role in {"admin", "owner"} else 302 if role == "anonymous" else 403) for role in READ}


@pytest.mark.parametrize("role", list(READ))
def test_who_opens_the_queue_and_the_settings(client, reviewing, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(f"/{reviewing.slug}/gestione/da-revisionare/").status_code == QUEUE_ROLES[role]
    settings_expected = 200 if role == "admin" else 302 if role == "anonymous" else 403
    assert client.get(f"/{reviewing.slug}/gestione/impostazioni/revisione/").status_code == settings_expected


def test_the_queue_lists_pending_items_oldest_first_with_their_count(client, reviewing, users):
    first = News.objects.create(city=reviewing, title="Prima notizia", slug="a", body="x", publication="draft")
    review.submit(item=first, user=users["events"])
    question = answered_question(reviewing, faq_question="Domanda FAQ", faq_answer="Risposta")
    review.submit(item=question, user=users["desk"])
    client.force_login(users["owner"])
    page = client.get(f"/{reviewing.slug}/gestione/da-revisionare/").content.decode()
    assert page.index("Prima notizia") < page.index("Domanda FAQ")
    assert 'ponte-menu-count">2<' in page
    home = client.get(f"/{reviewing.slug}/gestione/").content.decode()  # the owner's home card
    assert "Da revisionare" in home and "Prima notizia" in home and "Domanda FAQ" in home
    assert "Tutto ciò che è da revisionare" in home and "Everything to review" not in home
    client.force_login(users["events"])
    assert "Prima notizia" not in client.get(f"/{reviewing.slug}/gestione/").content.decode()


def test_an_office_editor_cannot_decide_on_the_review_page(client, reviewing, users):
    news = News.objects.create(city=reviewing, title="N", slug="n", body="x", publication="draft")
    review.submit(item=news, user=users["events"])
    url = review.review_url(news)
    client.force_login(users["editor"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"approve": "1"}).status_code == 403
    news.refresh_from_db()
    assert news.review_state == ReviewState.PENDING


def test_the_review_page_approves_and_sends_back(client, reviewing, users):
    news = News.objects.create(city=reviewing, title="Notizia", slug="n", body="**x**", publication="draft")
    review.submit(item=news, user=users["events"])
    client.force_login(users["owner"])
    url = review.review_url(news)
    page = client.get(url).content.decode()
    assert "<strong>x</strong>" in page and 'name="approve"' in page and 'name="send_back"' in page
    empty = client.post(url, {"send_back": "1", "comment": ""})
    assert empty.status_code == 400 and "comment" in empty.context["form"].errors
    response = client.post(url, {"send_back": "1", "comment": "Titolo più chiaro"})
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.review_state == ReviewState.RETURNED
    # The author sees the page (read only) with the comment; a second decision is refused.
    again = client.post(url, {"approve": "1"}, follow=True)
    assert any("non è più in attesa di revisione" in str(m) for m in again.context["messages"])
    client.force_login(users["events"])
    page = client.get(url).content.decode()
    assert "Titolo più chiaro" in page and 'name="approve"' not in page


def test_the_authors_list_shows_state_and_comment(client, reviewing, users):
    news = News.objects.create(
        city=reviewing, title="La mia notizia", slug="n", body="x", publication="draft", author=users["events"]
    )
    review.submit(item=news, user=users["events"])
    review.send_back(item=news, user=users["owner"], comment="Manca la fonte")
    client.force_login(users["events"])
    page = client.get(f"/{reviewing.slug}/gestione/in-revisione/").content.decode()
    assert "La mia notizia" in page and "Manca la fonte" in page


def test_the_administrator_turns_review_on_and_off(client, city, users):
    client.force_login(users["admin"])
    url = f"/{city.slug}/gestione/impostazioni/revisione/"
    response = client.post(url, {"review_news": "on"}, follow=True)
    city.refresh_from_db()
    assert city.review_news and not city.review_updates and not city.review_faq
    assert response.context["messages"]
    client.post(url, {})
    city.refresh_from_db()
    assert not city.review_news


def test_city_yaml_chooses_what_is_reviewed(db, tmp_path, capsys):
    """Bologna reviews the three kinds; a city.yaml without `review` reviews nothing; a wrong
    value is refused naming the file and the key."""
    import io

    from django.core.management import CommandError, call_command

    from ponte.core.models import City
    from ponte.plan.tests.test_city_identity_loading import data_set
    from ponte.plan.tests.test_dataset import BOLOGNA

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    call_command("load_plan", str(BOLOGNA), stdout=io.StringIO())
    bologna = City.objects.get(slug="bologna")
    assert bologna.review_updates and bologna.review_news and bologna.review_faq
    call_command("load_plan", str(data_set(tmp_path / "a", "  review: {news: true}\n")), stdout=io.StringIO())
    modena = City.objects.get(slug="modena")
    assert modena.review_news and not modena.review_updates and not modena.review_faq
    with pytest.raises(CommandError):
        call_command("load_plan", str(data_set(tmp_path / "b", "  review: {news: si}\n")), stdout=io.StringIO())
    assert "city.yaml" in capsys.readouterr().err


def test_a_city_without_review_in_city_yaml_reviews_nothing(db, tmp_path):
    import io

    from django.core.management import call_command

    from ponte.core.models import City
    from ponte.plan.tests.test_city_identity_loading import data_set

    call_command("load_plan", str(data_set(tmp_path, "")), stdout=io.StringIO())
    modena = City.objects.get(slug="modena")
    assert not (modena.review_updates or modena.review_news or modena.review_faq)


def test_the_queue_and_the_authors_list_cost_the_same_queries_with_2_and_20_items(client, reviewing, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ponte.factories import ActionFactory, LineFactory

    line = LineFactory(city=reviewing)

    def add(n, start):
        for i in range(start, start + n):
            news = News.objects.create(city=reviewing, title=f"N{i}", slug=f"n{i}", body="x", publication="draft")
            review.submit(item=news, user=users["events"])
            update = ActionUpdate.objects.create(
                city=reviewing,
                action=ActionFactory(line=line),
                cadence="semester",
                year=2026,
                period=1,
                text="x",
                author=users["events"],
                review_state=ReviewState.DRAFT,
            )
            review.submit(item=update, user=users["events"])
            question = answered_question(reviewing, ticket=f"ED-{i}", faq_question="D", faq_answer="R")
            review.submit(item=question, user=users["events"])

    def queries(user, url):
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    pages = [(users["owner"], f"/{reviewing.slug}/gestione/da-revisionare/")]
    pages.append((users["events"], f"/{reviewing.slug}/gestione/in-revisione/"))
    add(2, 0)
    few = [queries(user, url) for user, url in pages]
    add(18, 2)
    assert [queries(user, url) for user, url in pages] == few


# ---- the notifications of a review are done once it is decided -----------------------------------


def bell_count(client, user, city) -> int:
    """The number on the bell, as the person reads it in the staff header."""
    import re

    client.force_login(user)
    page = client.get(f"/{city.slug}/gestione/notifiche/").content.decode()
    found = re.search(r'ponte-bell-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("decision", ["approve", "send_back"])
def test_a_decision_marks_every_reviewers_request_read(client, reviewing, users, decision):
    news = News.objects.create(city=reviewing, title="Notizia", slug="n", body="x", publication="draft")
    other = News.objects.create(city=reviewing, title="Altra", slug="altra", body="x", publication="draft")
    review.submit(item=news, user=users["events"])
    review.submit(item=other, user=users["events"])
    assert bell_count(client, users["owner"], reviewing) == 2
    assert bell_count(client, users["admin"], reviewing) == 2
    client.force_login(users["owner"])
    form = {"approve": "1"} if decision == "approve" else {"send_back": "1", "comment": "Fonte?"}
    assert client.post(review.review_url(news), form).status_code == 302
    # Done for both reviewers (the administrator did not decide, but nothing is left to do);
    # the other item still waits.
    assert bell_count(client, users["owner"], reviewing) == 1
    assert bell_count(client, users["admin"], reviewing) == 1
    page = client.get(f"/{reviewing.slug}/gestione/notifiche/?mostra=da-leggere").content.decode()
    assert "Altra" in page


def test_resubmitting_marks_the_authors_sent_back_notification_read(client, reviewing, users):
    news = News.objects.create(
        city=reviewing, title="Notizia", slug="n", body="x", publication="draft", author=users["events"]
    )
    review.submit(item=news, user=users["events"])
    review.send_back(item=news, user=users["owner"], comment="Fonte?")
    assert bell_count(client, users["events"], reviewing) == 1
    client.post(
        f"/{reviewing.slug}/gestione/notizie/{news.pk}/modifica/",
        news_form(title="Notizia", slug="n", publication="published"),
    )
    news.refresh_from_db()
    assert news.review_state == ReviewState.PENDING
    assert bell_count(client, users["events"], reviewing) == 0
    # The reviewers are asked again: a new request, unread.
    assert bell_count(client, users["owner"], reviewing) == 1


def test_the_notification_centre_names_review_steps_as_the_review_pages_do(client, reviewing, users):
    """The kinds read like the queue and the decision: "Da revisionare", "Rimandato indietro",
    "Approvato" (the menu's and the review pages' words)."""
    first = News.objects.create(city=reviewing, title="Prima", slug="prima", body="x", author=users["events"])
    second = News.objects.create(city=reviewing, title="Seconda", slug="seconda", body="x", author=users["events"])
    for news in (first, second):
        review.submit(item=news, user=users["events"])
    review.send_back(item=first, user=users["owner"], comment="Fonte?")
    review.submit(item=first, user=users["events"])  # asks the reviewers again
    client.force_login(users["owner"])
    page = client.get(f"/{reviewing.slug}/gestione/notifiche/").content.decode()
    assert "Da revisionare · Notizia: Prima" in page
    assert page.count("Da revisionare ·") >= 3  # kind and title say the same
    assert "Revisione da fare" not in page
    review.approve(item=second, user=users["owner"])
    client.force_login(users["events"])
    page = client.get(f"/{reviewing.slug}/gestione/notifiche/").content.decode()
    assert page.count("Rimandato indietro") == 2  # the kind and the title
    assert "Approvato · Notizia: Seconda" in page
    assert "Rinviat" not in page and "correzioni" not in page


def test_keeping_news_or_an_faq_entry_as_a_draft_ends_the_requests(client, reviewing, users):
    """A news item or an FAQ entry taken back as a draft leaves the queue: the reviewers' "Da
    revisionare" notifications of it are done too."""
    client.force_login(users["events"])
    client.post(f"/{reviewing.slug}/gestione/notizie/nuova/", news_form())
    news = News.objects.get(slug="capitale-giovani")
    question = answered_question(reviewing)
    client.force_login(users["desk"])
    page = f"/{reviewing.slug}/eventi/europe-direct/sportello/{question.pk}/"
    client.post(page, faq_post())
    assert bell_count(client, users["owner"], reviewing) == 2
    client.force_login(users["events"])
    client.post(f"/{reviewing.slug}/gestione/notizie/{news.pk}/modifica/", news_form(publication="draft"))
    assert bell_count(client, users["owner"], reviewing) == 1
    client.force_login(users["desk"])
    client.post(page, faq_post(publish=""))
    question.refresh_from_db()
    assert question.review_state == ReviewState.DRAFT
    assert bell_count(client, users["owner"], reviewing) == 0

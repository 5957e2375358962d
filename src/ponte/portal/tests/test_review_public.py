"""Only approved content is public (issue 17): a periodic update, a news item or an FAQ entry
awaiting review, or sent back, is on no public surface — the portal's action page and home, the
action's status and progress and the indicator's value (portal, API, open data), the newsletter
draft, the followers' changes, the news pages, feeds, sitemap, API and search, the FAQ — and is
on all of them once a plan owner approves it."""

import datetime
from decimal import Decimal

import pytest

from ponte.core import review
from ponte.core.models import Publication, ReviewState
from ponte.factories import IndicatorFactory
from ponte.participation.models import Question
from ponte.plan import services as plan_services
from ponte.plan.models import Action, ActionUpdate, Indicator
from ponte.portal.models import Change, News
from ponte.portal.tests.sitemap import sitemap_text
from ponte.testing import body

NARRATIVE = "Firmato il protocollo con la rete Eurocities"


@pytest.fixture
def reviewing(city):
    city.review_updates = city.review_news = city.review_faq = True
    city.save()
    return city


@pytest.fixture
def indicator(action):
    return IndicatorFactory(action=action, kind=Indicator.Kind.PERFORMANCE, code="IND-R", name="Partecipanti")


def written_update(action, user, indicator) -> ActionUpdate:
    """An office editor's update of the first semester of 2026: completed, 100%, 480 participants."""
    outcome = plan_services.update_submit(
        action=action,
        user=user,
        cadence="semester",
        year=2026,
        period=1,
        status=Action.Status.IN_PROGRESS,
        progress=60,
        values={indicator.pk: "480"},
        text=NARRATIVE,
        risks="Nessuno",
    )
    return outcome.update


def public_update_surfaces(client, city, action) -> dict:
    """What an anonymous reader (and the events officer's newsletter draft) sees of the update."""
    client.logout()
    action_page = client.get(f"/{city.slug}/piano/azioni/{action.code}/").content.decode()
    home = client.get(f"/{city.slug}/").content.decode()
    api = client.get(f"/api/v1/{city.slug}/actions/{action.code}/").json()
    open_data = body(client.get(f"/{city.slug}/dati/azioni.csv")).decode()
    values = body(client.get(f"/{city.slug}/dati/indicatori.csv")).decode()
    return {
        "action page": NARRATIVE in action_page,
        "home": NARRATIVE in home,
        "api status": api["status"] == Action.Status.IN_PROGRESS and api["progress"] == 60,
        "open data": ",60," in open_data or ";60;" in open_data,
        "indicator value": "480" in values,
        "followers": Change.objects.filter(kind=Change.Kind.UPDATE, action=action).exists(),
    }


def newsletter_draft(client, city, users) -> str:
    client.force_login(users["events"])
    page = client.get(f"/{city.slug}/eventi/newsletter/campagne/nuova/").content.decode()
    client.logout()
    return page


@pytest.fixture
def follower(city, action):
    """A confirmed follower of the action: a public change of it is recorded for them."""
    from ponte.portal.tests.test_follow import confirmed

    return confirmed(city, action)


def test_an_update_reaches_no_public_surface_before_approval(client, reviewing, users, action, indicator, follower):
    action.status, action.progress = Action.Status.NOT_STARTED, 0
    action.save()
    update = written_update(action, users["editor"], indicator)
    assert update.review_state == ReviewState.PENDING
    assert not any(public_update_surfaces(client, reviewing, action).values())
    assert NARRATIVE not in newsletter_draft(client, reviewing, users)
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.NOT_STARTED, 0)
    assert not indicator.values.exists()

    review.send_back(item=update, user=users["owner"], comment="Aggiungi i numeri")
    assert not any(public_update_surfaces(client, reviewing, action).values())
    assert NARRATIVE not in newsletter_draft(client, reviewing, users)

    # Corrected and submitted again, then approved: on every surface.
    update = written_update(action, users["editor"], indicator)
    assert update.review_state == ReviewState.PENDING
    assert not any(public_update_surfaces(client, reviewing, action).values())
    review.approve(item=update, user=users["owner"])
    assert all(public_update_surfaces(client, reviewing, action).values()), public_update_surfaces(
        client, reviewing, action
    )
    assert NARRATIVE in newsletter_draft(client, reviewing, users)
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 60)
    assert indicator.values.get().value == Decimal("480")
    assert indicator.values.get().reference_date == datetime.date(2026, 6, 30)


def test_without_review_an_update_is_public_at_once(client, city, users, action, indicator, follower):
    update = written_update(action, users["editor"], indicator)
    assert update.review_state == ReviewState.APPROVED
    assert all(public_update_surfaces(client, city, action).values())


def test_a_plan_owners_update_is_public_at_once(client, reviewing, users, action, indicator, follower):
    written_update(action, users["owner"], indicator)
    assert all(public_update_surfaces(client, reviewing, action).values())


@pytest.mark.parametrize("state", [ReviewState.PENDING, ReviewState.RETURNED, ReviewState.DRAFT])
def test_the_reports_leave_out_updates_not_approved(reviewing, users, action, state):
    from ponte.reports import content
    from ponte.reports.models import Report

    ActionUpdate.objects.create(
        city=reviewing, action=action, cadence="semester", year=2026, period=1, text=NARRATIVE, review_state=state
    )
    approved = ActionUpdate.objects.create(
        city=reviewing,
        action=action,
        cadence="semester",
        year=2025,
        period=2,
        text="Approvato",
        review_state="approved",
    )
    built = content.build(
        Report(city=reviewing, start_date=datetime.date(2025, 7, 1), end_date=datetime.date(2026, 6, 30))
    )
    texts = [u.text for block in built.action_blocks for u in block.updates]
    assert texts == [approved.text]


# ---- news --------------------------------------------------------------------------------------

NEWS_TITLE = "Bologna capitale europea dei giovani"


def public_news_surfaces(client, city) -> dict:
    client.logout()
    return {
        "list": NEWS_TITLE in client.get(f"/{city.slug}/notizie/").content.decode(),
        "page": client.get(f"/{city.slug}/notizie/capitale-giovani/").status_code == 200,
        "rss": NEWS_TITLE.encode() in client.get(f"/{city.slug}/notizie/rss/").content,
        "atom": NEWS_TITLE.encode() in client.get(f"/{city.slug}/notizie/atom/").content,
        "sitemap": "capitale-giovani" in sitemap_text(client),
        "api": any(n["slug"] == "capitale-giovani" for n in client.get(f"/api/v1/{city.slug}/news/").json()["results"]),
        "search": "capitale-giovani" in client.get(f"/{city.slug}/cerca/", {"q": "capitale giovani"}).content.decode(),
    }


def test_news_reaches_no_public_surface_before_approval(client, reviewing, users):
    news = News.objects.create(
        city=reviewing,
        title=NEWS_TITLE,
        slug="capitale-giovani",
        body="Il dossier è online.",
        published_on=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC),
        publication=Publication.DRAFT,
        author=users["events"],
    )
    review.submit(item=news, user=users["events"])
    assert not any(public_news_surfaces(client, reviewing).values())
    review.send_back(item=news, user=users["owner"], comment="Manca il link")
    assert not any(public_news_surfaces(client, reviewing).values())
    review.submit(item=news, user=users["events"])
    review.approve(item=news, user=users["owner"])
    found = public_news_surfaces(client, reviewing)
    assert all(found.values()), found


def test_a_published_news_item_not_approved_stays_hidden(client, reviewing):
    """Belt and braces: whatever wrote it (the Django admin), published but not approved is not public."""
    News.objects.create(
        city=reviewing,
        title=NEWS_TITLE,
        slug="capitale-giovani",
        body="x",
        published_on=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC),
        publication=Publication.PUBLISHED,
        review_state=ReviewState.PENDING,
    )
    assert not any(public_news_surfaces(client, reviewing).values())


# ---- FAQ ---------------------------------------------------------------------------------------


def public_faq_surfaces(client, city) -> dict:
    client.logout()
    return {
        "faq": "partecipare a Erasmus" in client.get(f"/{city.slug}/eventi/europe-direct/faq/").content.decode(),
        "search": "partecipare a Erasmus" in client.get(f"/{city.slug}/cerca/", {"q": "Erasmus"}).content.decode(),
    }


def test_an_faq_entry_reaches_no_public_surface_before_approval(client, reviewing, users):
    from django.utils import timezone

    from ponte.participation import desk

    question = Question.objects.create(
        city=reviewing,
        name="Maria Rossi",
        email="maria@example.org",
        subject="Erasmus",
        text="Come?",
        ticket="ED-1",
        answer="Con il bando.",
        answered_at=timezone.now(),
        status=Question.Status.ANSWERED,
    )
    faq = {"faq_question": "Come si può partecipare a Erasmus+?", "faq_answer": "Con il bando annuale."}
    desk.faq_save(question=question, user=users["desk"], publish=True, **faq)
    assert not any(public_faq_surfaces(client, reviewing).values())
    review.send_back(item=question, user=users["owner"], comment="Più breve")
    assert not any(public_faq_surfaces(client, reviewing).values())
    desk.faq_save(question=question, user=users["desk"], publish=True, **faq)
    review.approve(item=question, user=users["owner"])
    found = public_faq_surfaces(client, reviewing)
    assert all(found.values()), found

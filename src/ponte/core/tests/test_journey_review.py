"""Journeys: review before publication (issue 17), by mouse, on a desktop and on a phone.

An office editor completes the quarterly update of an action of their office (status, progress,
an indicator value, the narrative): it waits in review and is nowhere public. The plan owner finds
it in "Da revisionare" (its count in the menu), reads it as it will be published, and sends it
back with a comment. The editor reads the comment in "I miei contenuti in revisione", corrects the
update and submits it again. The owner approves it: only then do the portal's action page and the
newsletter draft show it, and the action's status and progress and the indicator's value change.

And a news item: an events officer's "Invia in revisione", approved by the plan owner, published."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, shoot
from ponte.core.models import Publication, ReviewEvent, ReviewState
from ponte.factories import IndicatorFactory
from ponte.plan.models import Action, ActionUpdate, Cadence, Indicator, ReportingCycle
from ponte.portal.models import News

FIRST = "Due incontri con la Rappresentanza della Commissione."
CORRECTED = "Due incontri con la Rappresentanza della Commissione e un seminario con 480 partecipanti."
COMMENT = "Indica anche il seminario di novembre e il numero dei partecipanti."


@pytest.fixture
def reviewing(city):
    city.review_updates = city.review_news = city.review_faq = True
    city.save()
    return city


def menu_link(page, width, name):
    """The back-office menu's entry `name` (the menu is folded on a phone)."""
    if width == "mobile":
        page.get_by_text("Menu", exact=True).click()
    return page.locator("#staff-menu").get_by_role("link", name=name)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_update_waits_for_review_is_sent_back_corrected_and_approved(
    visit, live_server, reviewing, users, action, width, transactional_db
):
    city = reviewing
    plan = action.line.macro_area.plan
    ReportingCycle.objects.create(city=city, plan=plan, cadence=Cadence.QUARTERLY)
    action.status, action.progress = Action.Status.NOT_STARTED, 0
    action.save()
    indicator = IndicatorFactory(
        action=action, kind=Indicator.Kind.PERFORMANCE, code="IND-1", name="Partecipanti ai seminari", unit="persone"
    )

    # The editor writes the quarter's update from the action's page.
    editor = visit(f"/{city.slug}/gestione/azioni/{action.code}/", user=users["editor"], width=width)
    editor.locator(".ponte-reporting").get_by_role("link", name=re.compile("^Aggiorna")).click()
    editor.get_by_label("Stato alla fine del periodo").select_option(Action.Status.IN_PROGRESS)
    editor.get_by_label(re.compile(r"^Avanzamento")).fill("60")
    editor.get_by_label(re.compile("Partecipanti ai seminari")).fill("480")
    editor.get_by_label(re.compile("^Cosa è successo")).fill(FIRST)
    editor.get_by_role("button", name="Salva").click()
    expect(editor.get_by_role("status").filter(has_text="revision")).to_be_visible()
    update = ActionUpdate.objects.get(action=action)
    period = update.period_label
    assert update.cadence == Cadence.QUARTERLY and update.review_state == ReviewState.PENDING
    assert (update.status, update.progress, update.text) == (Action.Status.IN_PROGRESS, 60, FIRST)
    assert update.values.get().value == Decimal("480")
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.NOT_STARTED, 0)  # nothing applied yet
    assert not indicator.values.exists()

    # Not public: the portal's action page does not show it.
    public = visit(f"/{city.slug}/piano/azioni/{action.code}/", width=width)
    expect(public.get_by_role("heading", level=1)).to_contain_text(action.title)
    expect(public.get_by_text(FIRST)).to_have_count(0)

    # The plan owner: "Da revisionare" with its count, the update as it will be published.
    owner = visit(f"/{city.slug}/gestione/", user=users["owner"], width=width)
    entry = menu_link(owner, width, re.compile("^Da revisionare"))
    expect(entry).to_contain_text("1")
    entry.click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Da revisionare")
    row = owner.get_by_role("row").filter(has_text=action.code)
    expect(row).to_contain_text("Aggiornamento periodico")
    shoot(owner, f"review-queue-{width}")
    assert not axe_violations(owner)
    row.get_by_role("link").click()
    content = owner.locator(".ponte-review-content")
    expect(content).to_contain_text(period)
    expect(content).to_contain_text("In corso")
    expect(content).to_contain_text("0% → 60%")
    expect(content).to_contain_text("Partecipanti ai seminari")
    expect(content).to_contain_text("480")
    expect(content).to_contain_text(FIRST)
    shoot(owner, f"review-update-{width}")
    assert not axe_violations(owner)

    # Sent back: the comment is required, then given.
    # An empty comment: the page comes back with the error where the reviewer looks, at the top
    # of the page with the focus on it, linking to the field (which its error describes).
    owner.get_by_role("button", name="Rimanda indietro").click()
    summary = owner.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Il modulo non è stato salvato")
    expect(summary).to_contain_text("Scrivi un commento")
    shoot(owner, f"review-send-back-error-{width}")
    summary.get_by_role("link", name=re.compile("^Commento per l'autore")).click()
    comment = owner.get_by_label("Commento per l'autore")
    expect(comment).to_be_focused()
    expect(comment).to_be_in_viewport()
    expect(comment).to_have_accessible_description(re.compile("Scrivi un commento"))
    expect(owner.get_by_role("button", name="Rimanda indietro")).to_be_in_viewport()
    assert update.__class__.objects.get(pk=update.pk).review_state == ReviewState.PENDING
    comment.fill(COMMENT)
    owner.get_by_role("button", name="Rimanda indietro").click()
    expect(owner.get_by_role("status").filter(has_text="Rimandato all'autore")).to_be_visible()
    expect(owner.get_by_text("Nessun contenuto in attesa di revisione.")).to_be_visible()
    expect(owner.locator(".ponte-bell-count")).to_have_count(0)  # the request is done: no longer counted
    update.refresh_from_db()
    assert update.review_state == ReviewState.RETURNED and update.review_comment == COMMENT
    assert update.reviewed_by == users["owner"]

    # The editor is told: the notification centre holds the comment.
    editor.goto(live_server.url + f"/{city.slug}/gestione/")
    bell = editor.get_by_role("link", name=re.compile("^Notifiche 1"))  # one unread, in the header
    bell.click()
    told = editor.locator(".ponte-notifications li").filter(has_text="Rimandato indietro")
    expect(told).to_contain_text(COMMENT)
    expect(told).to_contain_text(action.code)

    # They read it among their items in review and correct the update.
    menu_link(editor, width, "I miei contenuti in revisione").click()
    mine = editor.get_by_role("row").filter(has_text=action.code)
    expect(mine).to_contain_text("Rimandato indietro")
    expect(mine).to_contain_text(COMMENT)
    mine.get_by_role("link").click()
    expect(editor.get_by_role("note")).to_contain_text(COMMENT)
    editor.get_by_role("link", name="Correggi e invia di nuovo").click()
    expect(editor.get_by_text(COMMENT)).to_be_visible()  # the update form shows it too
    text = editor.get_by_label(re.compile("^Cosa è successo"))
    expect(text).to_have_value(FIRST)
    text.fill(CORRECTED)
    editor.get_by_role("button", name="Salva").click()
    expect(editor.get_by_role("status").filter(has_text="revision")).to_be_visible()
    update.refresh_from_db()
    assert update.review_state == ReviewState.PENDING and update.text == CORRECTED
    expect(editor.locator(".ponte-bell-count")).to_have_count(0)  # corrected: "sent back" is done
    public.reload()
    expect(public.get_by_text(CORRECTED)).to_have_count(0)

    # The owner approves it.
    owner.goto(live_server.url + f"/{city.slug}/gestione/da-revisionare/")
    owner.get_by_role("row").filter(has_text=action.code).get_by_role("link").click()
    expect(owner.locator(".ponte-review-content")).to_contain_text(CORRECTED)
    expect(owner.locator(".ponte-review-history")).to_contain_text(COMMENT)
    owner.get_by_role("button", name="Approva").click()
    expect(owner.get_by_role("status").filter(has_text="Approvato e pubblicato")).to_be_visible()
    update.refresh_from_db()
    assert update.review_state == ReviewState.APPROVED
    decisions = ReviewEvent.objects.filter(object_id=update.pk).values_list("decision", flat=True)
    assert list(decisions) == ["submitted", "returned", "submitted", "approved"]
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 60)
    measured = indicator.values.get()
    assert measured.value == Decimal("480") and measured.reference_date == update.period_end

    # Only now public: the portal's action page, and the newsletter draft.
    public.reload()
    expect(public.get_by_text(CORRECTED)).to_be_visible()
    expect(public.get_by_text("In corso").first).to_be_visible()
    events = visit(f"/{city.slug}/eventi/newsletter/campagne/nuova/", user=users["events"], width=width)
    expect(events.get_by_label(re.compile("^Testo"))).to_have_value(re.compile(re.escape(CORRECTED)))

    # The editor sees the approval on the action's page.
    editor.goto(live_server.url + f"/{city.slug}/gestione/azioni/{action.code}/")
    expect(editor.locator(".ponte-update").filter(has_text=CORRECTED)).to_be_visible()
    expect(editor.locator(".ponte-update").filter(has_text="In attesa")).to_have_count(0)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_news_item_waits_for_review_then_is_published(visit, reviewing, users, width, transactional_db):
    city = reviewing
    officer = visit(f"/{city.slug}/gestione/notizie/nuova/", user=users["events"], width=width)
    officer.get_by_label("Titolo").fill("Bologna capitale europea dei giovani")
    officer.get_by_label("Testo").fill("Il **dossier** della candidatura è online.")
    publication = officer.get_by_label("Pubblicazione")
    expect(publication.locator("option")).to_have_text(["Bozza", "Invia in revisione"])
    publication.select_option(Publication.PUBLISHED)
    officer.get_by_role("button", name="Salva").click()
    expect(officer.get_by_role("status").filter(has_text="Inviata in revisione")).to_be_visible()
    news = News.objects.get()
    assert news.publication == Publication.DRAFT and news.review_state == ReviewState.PENDING
    expect(officer.get_by_role("row").filter(has_text="Bologna capitale")).to_contain_text("In attesa di revisione")

    reader = visit(f"/{city.slug}/notizie/", width=width)
    expect(reader.get_by_text("Bologna capitale europea dei giovani")).to_have_count(0)

    owner = visit(f"/{city.slug}/gestione/da-revisionare/", user=users["owner"], width=width)
    owner.get_by_role("link", name="Bologna capitale europea dei giovani").click()
    expect(owner.locator(".ponte-review-content strong")).to_have_text("dossier")  # as it will be published
    shoot(owner, f"review-news-{width}")
    owner.get_by_role("button", name="Approva").click()
    expect(owner.get_by_role("status").filter(has_text="Approvato e pubblicato")).to_be_visible()
    news.refresh_from_db()
    assert news.is_published and news.review_state == ReviewState.APPROVED

    reader.reload()
    reader.get_by_role("link", name="Bologna capitale europea dei giovani").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Bologna capitale europea dei giovani")
    assert news.published_on <= datetime.datetime.now(datetime.UTC)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_administrator_chooses_what_is_reviewed(visit, reviewing, users, width, transactional_db):
    admin = visit(f"/{reviewing.slug}/gestione/", user=users["admin"], width=width)
    menu_link(admin, width, "Revisione prima della pubblicazione").click()
    news = admin.get_by_label(re.compile("revisiona le notizie", re.IGNORECASE))
    expect(news).to_be_checked()
    admin.locator("label", has_text=re.compile("revisiona le notizie", re.IGNORECASE)).click()  # the box is drawn there
    expect(news).not_to_be_checked()
    shoot(admin, f"review-settings-{width}")
    assert not axe_violations(admin)
    admin.get_by_role("button", name="Salva").click()
    expect(admin.get_by_role("status")).to_contain_text("Salvato. Revisionati prima della pubblicazione")
    reviewing.refresh_from_db()
    assert reviewing.review_updates and reviewing.review_faq and not reviewing.review_news

"""Journeys of a new user's probe of the monitoring cycle (issue 17), on a desktop and a phone:

- an office editor adds a risk from "Registro dei rischi", picking the action on the form and
  giving its first mitigation at once; the mitigation reads as one ("Segna come completata",
  "mitigazione" in the history);
- an update sent back by the plan owner waits on its author's home, "Il mio lavoro", with the
  reviewer's comment and a link to correct it; "Aggiornamenti da scrivere" lists it too;
- an indicator value reported before its quarter ends is dated the day it is reported on the
  portal, as the form said, never the quarter's end still to come."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, menu, shoot
from ponte.core import review
from ponte.core.models import FollowUp, ReviewState, Risk
from ponte.factories import IndicatorFactory
from ponte.plan import services
from ponte.plan.cycles import Period
from ponte.plan.models import Action, ActionUpdate, Cadence, Indicator, ReportingCycle

TODAY = timezone.localdate()
COMMENT = "Indica anche il numero dei partecipanti al seminario."


def short(day):
    with translation.override("it"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


@pytest.fixture
def running(action):
    action.title = "Caffè Europa"
    action.start_date, action.end_date = TODAY - datetime.timedelta(days=400), TODAY + datetime.timedelta(days=400)
    action.status, action.progress = Action.Status.IN_PROGRESS, 30
    action.save()
    return action


@pytest.fixture
def quarterly(running):
    """A quarterly cycle given today: the quarter ended before it is not asked, the current one is."""
    return ReportingCycle.objects.create(
        city=running.city, plan=running.line.macro_area.plan, cadence=Cadence.QUARTERLY, starts_on=TODAY
    )


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_risk_is_added_from_the_register_with_its_first_mitigation(visit, users, running, office, width):
    due = TODAY + datetime.timedelta(days=30)
    page = visit(f"/{running.city.slug}/gestione/", user=users["editor"], width=width)
    menu(page, "Registro dei rischi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registro dei rischi")
    page.get_by_role("link", name="Aggiungi un rischio").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Aggiungi un rischio o una criticità")
    page.get_by_label(re.compile("^Riguarda")).select_option(label=f"{running.code} Caffè Europa")
    page.get_by_label(re.compile("^Titolo")).fill("La sala non è disponibile")
    page.get_by_label(re.compile("^Probabilità")).select_option(label="3 · media")
    page.get_by_label(re.compile("^Impatto")).select_option(label="4 · alto")
    expect(page.get_by_role("group", name="Prima mitigazione (facoltativa)")).to_be_visible()
    page.get_by_label("Mitigazione", exact=True).fill("Prenotare la sala del Baraccano")
    page.get_by_label("Ufficio che la svolge").select_option(label="Ufficio A")
    page.get_by_label("Mitigazione entro il").fill(due.isoformat())
    fits_the_screen(page)
    shoot(page, f"probe-risk-new-form-{width}")
    assert not axe_violations(page)
    page.get_by_role("button", name="Aggiungi al registro").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Rischio «La sala non è disponibile» aggiunto a " + f"{running.code} Caffè Europa, con la sua mitigazione."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("La sala non è disponibile")
    expect(page.get_by_text("Prenotare la sala del Baraccano").first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Segna come completata"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Segna come completato"))).to_have_count(0)
    history = page.get_by_role("table", name="Storico delle modifiche")
    expect(history).to_contain_text("mitigazione: Prenotare la sala del Baraccano")
    expect(history).not_to_contain_text("seguito:")
    shoot(page, f"probe-risk-new-saved-{width}")

    menu(page, "Registro dei rischi")
    row = page.get_by_role("table", name="Registro dei rischi").get_by_role(
        "row", name=re.compile("La sala non è disponibile")
    )
    expect(row).to_contain_text("3 × 4 = 12")
    expect(row).to_contain_text("Prenotare la sala del Baraccano")
    fits_the_screen(page)
    shoot(page, f"probe-risk-register-{width}")

    risk = Risk.objects.get()
    assert (risk.item, risk.likelihood, risk.impact, risk.created_by) == (running, 3, 4, users["editor"])
    task = FollowUp.objects.get()
    assert (task.origin, task.owner_office, task.due_date, task.done_date) == (risk, office, due, None)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_update_sent_back_waits_on_its_authors_home(visit, users, city, quarterly, running, width):
    city.review_updates = True
    city.save()
    period = Period.of(TODAY, Cadence.QUARTERLY)
    update = services.update_submit(
        action=running,
        user=users["editor"],
        cadence=period.cadence,
        year=period.year,
        period=period.number,
        status="in_progress",
        progress=40,
        text="Due incontri.",
    ).update
    review.send_back(item=update, user=users["owner"], comment=COMMENT)

    page = visit(f"/{city.slug}/gestione/", user=users["editor"], width=width)
    box = page.get_by_role("region", name=re.compile("Rimandati indietro a te"))
    expect(box).to_contain_text(COMMENT)
    expect(box).to_contain_text("da correggere")
    expect(box).to_contain_text(f"{running.code} Caffè Europa · {period.label}")
    due_box = page.get_by_role("region", name=re.compile("^Aggiornamenti da scrivere"))
    expect(due_box).to_contain_text("Caffè Europa")  # owed again, as on the deadlines
    fits_the_screen(page)
    shoot(page, f"probe-home-sent-back-{width}")
    assert not axe_violations(page)

    menu(page, "Aggiornamenti da scrivere")
    table = page.get_by_role("table", name="Aggiornamenti da scrivere")
    expect(table).to_contain_text(period.label)
    expect(table).to_contain_text("Caffè Europa")
    shoot(page, f"probe-updates-to-write-{width}")

    page.go_back()
    box = page.get_by_role("region", name=re.compile("Rimandati indietro a te"))
    box.get_by_role("link", name=re.compile("Caffè Europa")).click()
    expect(page.get_by_role("note").filter(has_text=COMMENT)).to_be_visible()
    page.get_by_label(re.compile("^Cosa è successo")).fill("Due incontri e un seminario con 80 partecipanti.")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").filter(has_text="revision")).to_be_visible()
    assert ActionUpdate.objects.get().review_state == ReviewState.PENDING

    menu(page, "Il mio lavoro")
    expect(page.get_by_role("heading", level=1)).to_have_text("Il mio lavoro")
    expect(page.get_by_role("region", name=re.compile("Rimandati indietro a te"))).to_have_count(0)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_value_reported_early_is_dated_the_day_it_is_reported(visit, users, city, quarterly, running, width):
    period = Period.of(TODAY, Cadence.QUARTERLY)
    assert period.end > TODAY
    indicator = IndicatorFactory(
        action=running, kind=Indicator.Kind.PERFORMANCE, code="IND-1", name="Partecipanti", unit="persone"
    )
    page = visit(f"/{city.slug}/gestione/azioni/{running.code}/", user=users["editor"], width=width)
    page.locator(".ponte-reporting").get_by_role("link", name=re.compile("^Aggiorna")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(period.label)
    with translation.override("it"):
        today_long = formats.date_format(TODAY, "DATE_FORMAT")
    note = page.locator("#value-date")
    expect(note).to_contain_text("non è ancora concluso")
    expect(note).to_contain_text(f"pubblicati come misurati il {today_long}")
    page.get_by_label(re.compile(r"^Avanzamento")).fill("45")
    page.get_by_label(re.compile("^Partecipanti")).fill("80")
    page.get_by_label(re.compile("^Cosa è successo")).fill("Un seminario con 80 partecipanti.")
    fits_the_screen(page)
    shoot(page, f"probe-early-update-form-{width}")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").first).to_be_visible()

    value = indicator.values.get()
    assert (value.reference_date, value.value) == (TODAY, Decimal("80"))

    public = visit(f"/{city.slug}/piano/azioni/{running.code}/", width=width)
    expect(public.get_by_role("heading", level=1)).to_contain_text("Caffè Europa")
    row = public.get_by_role("row").filter(has_text="misurato")
    expect(row).to_contain_text(short(TODAY))
    expect(row).to_contain_text("80")
    expect(public.get_by_role("row").filter(has_text=short(period.end))).to_have_count(0)
    shoot(public, f"probe-early-portal-{width}")

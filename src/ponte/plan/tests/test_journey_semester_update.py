"""Journey: an office editor's semester update (the default cycle), by mouse, on a desktop and on a phone.

The editor opens an action of their office, saves the action form as it opens (its weight is a
decimal the browser must be able to hold), records the period's update, an indicator value typed
the Italian way, adds a milestone and marks it done, changes status and progress, and reads the
change in the history."""

import datetime as dt
import re
import shutil
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.factories import IndicatorFactory
from ponte.plan import cycles
from ponte.plan.models import Action


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_semester_update(visit, city, users, action, width, settings):
    action.weight, action.status = Decimal("1.50"), Action.Status.IN_PROGRESS
    action.save()
    indicator = IndicatorFactory(action=action, code="IND-1", name="Incontri con le istituzioni UE")
    year = dt.date.today().year
    due = cycles.due_period(cycles.cycle_for(action), dt.date.today())
    page = visit(f"/{city.slug}/gestione/azioni/{action.code}/", user=users["editor"], width=width)

    # The action form saves as it opens.
    page.get_by_role("link", name="Modifica", exact=True).click()
    expect(page.get_by_label("Peso")).to_have_value("1,50")
    shoot(page, f"semester-update-action-form-{width}")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").filter(has_text="Salvato")).to_be_visible()

    # The update of the period due (the last semester ended), offered by "Aggiorna".
    page.locator(".ponte-reporting").get_by_role("link", name=re.compile("^Aggiorna")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Aggiornamento: {due.label}")
    expect(page.get_by_label(re.compile(r"^Avanzamento \(%\)"))).to_have_value("0")
    page.get_by_label(re.compile("^Cosa è successo")).fill("Due incontri con la Rappresentanza della Commissione.")
    page.get_by_role("button", name="Salva l'aggiornamento").click()
    expect(page.get_by_text("Due incontri con la Rappresentanza della Commissione.")).to_be_visible()

    # Once written, the period's update is edited, its text in the form, never replaced by an empty one.
    page.locator("article.ponte-update").get_by_role("link", name=re.compile("^Modifica")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Modifica l'aggiornamento: {due.label}")
    expect(page.get_by_role("note").first).to_contain_text("lo stai modificando")
    text = page.get_by_label(re.compile("^Cosa è successo"))
    expect(text).to_have_value("Due incontri con la Rappresentanza della Commissione.")
    shoot(page, f"semester-update-edit-{width}")
    text.fill("Tre incontri con la Rappresentanza della Commissione.")
    page.get_by_role("button", name="Salva l'aggiornamento").click()
    updates = page.locator("article.ponte-update")
    expect(updates).to_have_count(1)
    expect(updates).to_contain_text("Tre incontri con la Rappresentanza della Commissione.")
    # The earlier text stays in the history of changes.
    expect(page.locator("main").get_by_text(re.compile("Due incontri.*Tre incontri")).first).to_be_visible()

    # A milestone added, then marked done.
    page.get_by_role("link", name="Aggiungi un traguardo").click()
    page.get_by_label(re.compile("^Titolo")).fill("Incontro con i parlamentari europei")
    page.get_by_label(re.compile("^Scadenza")).fill(f"{year}-12-15")
    page.get_by_role("button", name="Salva").click()
    milestones = page.get_by_role("table", name="Traguardi")
    row = milestones.get_by_role("row", name=re.compile("Incontro con i parlamentari europei"))
    row.get_by_role("link", name="Segna come completato").click()
    page.get_by_label(re.compile("^Completato il")).fill(f"{year}-06-10")
    page.get_by_role("button", name="Salva").click()
    expect(row).to_contain_text("10 giugno")

    # An indicator value typed the Italian way.
    page.get_by_role("link", name=re.compile("Incontri con le istituzioni UE")).first.click()
    page.get_by_label(re.compile("^Data di riferimento")).fill(f"{year}-06-30")
    page.get_by_label(re.compile("^Valore")).fill("1.250,5")
    page.get_by_role("button", name="Salva").first.click()
    values = page.get_by_role("table", name="Valori misurati")
    expect(values.get_by_role("cell", name="1250,50")).to_be_visible()

    # Status and progress changed; the history says so in words.
    page.get_by_role("link", name=re.compile(action.title)).first.click()
    page.get_by_role("link", name="Modifica", exact=True).click()
    page.get_by_label(re.compile("^Stato")).select_option(label="In ritardo")
    page.get_by_label(re.compile("^Avanzamento")).fill("40")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").filter(has_text="Salvato")).to_be_visible()
    history = page.locator("main").get_by_text(re.compile("In corso.*In ritardo"))
    expect(history.first).to_be_visible()
    path = shoot(page, f"semester-update-history-{width}")

    action.refresh_from_db()
    assert (action.status, action.progress, action.weight) == (Action.Status.DELAYED, 40, Decimal("1.50"))
    update = action.updates.get()
    assert (update.year, update.period, update.semester, update.author) == (
        due.year,
        due.number,
        due.number,
        users["editor"],
    )
    assert update.text == "Tre incontri con la Rappresentanza della Commissione."
    milestone = action.milestones.get(title="Incontro con i parlamentari europei")
    assert milestone.done_date == dt.date(year, 6, 10)
    assert indicator.values.get().value == Decimal("1250.5")
    if width == "desktop":
        shutil.copy(path, settings.BASE_DIR / "docs" / "screenshots" / "semester-update-history.png")

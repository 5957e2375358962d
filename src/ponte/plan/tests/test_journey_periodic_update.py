"""Journey (issue 17): the plan owner gives an action a quarterly reporting cycle on the
"Ciclo di monitoraggio" page; the action's office editor opens the action, presses "Aggiorna" and
completes the quarter due — status, progress, an indicator value typed the Italian way, the
narrative — in one form. Without review it reaches the action at once; when the city reviews
updates the next quarter's update waits "in attesa di revisione" and the public portal's action
page does not show it. On a desktop and on a phone."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import menu, shoot
from ponte.factories import IndicatorFactory
from ponte.plan import cycles
from ponte.plan.models import Action, ActionUpdate, Cadence, IndicatorValue, ReportingCycle

D = datetime.date


def choose(page, label, option, typed):
    """A plain select, or a searchable one (Tom Select): type a few letters, click the option."""
    field = page.get_by_label(re.compile(label)).and_(page.locator("select"))
    if field.is_visible():
        field.select_option(label=option)
        return
    page.get_by_role("combobox", name=re.compile(label)).and_(page.locator("input")).click()
    page.keyboard.type(typed)
    page.locator(".ts-dropdown").get_by_role("option", name=option, exact=True).click()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_quarterly_update_in_one_form_then_in_review(visit, city, users, action, width):
    action.status = Action.Status.IN_PROGRESS
    action.save()
    indicator = IndicatorFactory(action=action, code="IND-INC", name="Incontri con le istituzioni UE", unit="incontri")
    IndicatorValue.objects.create(city=city, indicator=indicator, reference_date=D(2025, 12, 31), value=3)
    editor = users["editor"]
    editor.username, editor.first_name, editor.last_name = "marco.bianchi", "Marco", "Bianchi"
    editor.save()
    today = timezone.localdate()
    # The quarter that ended last is asked for: the cycle applies from its start (by default it
    # would apply from today, and a quarter ended before the change would not be owed).
    last_quarter = cycles.Period.of(today, Cadence.QUARTERLY).previous()

    # The plan owner sets the action's own cycle, from the back office's menu.
    owner = visit(f"/{city.slug}/gestione/", user=users["owner"], width=width)
    menu(owner, "Ciclo di monitoraggio")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Ciclo di monitoraggio")
    owner.get_by_role("link", name="Aggiungi un ciclo per una macro area o un'azione").click()
    choose(owner, "^Azione", f"{action.code} {action.title}", action.code)
    owner.get_by_label(re.compile("^Cadenza")).select_option(label="Trimestrale")
    applies = owner.get_by_label(re.compile("^Si applica ai periodi che terminano dal"))
    expect(applies).to_have_value(today.isoformat())  # by default a new cadence asks for no past period
    applies.fill(last_quarter.start.isoformat())
    owner.get_by_role("button", name="Salva").click()
    expect(owner.get_by_role("status").filter(has_text="salvato")).to_contain_text(
        f"Si applica dal {last_quarter.label}"
    )
    expect(owner.get_by_role("table")).to_contain_text("Trimestrale")
    shoot(owner, f"cycle-page-{width}")
    assert ReportingCycle.objects.get(action=action).cadence == Cadence.QUARTERLY

    # The editor opens their action: the cycle and the update due are on its page.
    due = cycles.due_period(cycles.cycle_for(action), today)
    assert due == last_quarter
    page = visit(f"/{city.slug}/gestione/azioni/{action.code}/", user=users["editor"], width=width)
    reporting = page.locator(".ponte-reporting")
    expect(reporting).to_contain_text("Trimestrale")
    expect(reporting).to_contain_text(f"Prossimo aggiornamento: {due.label}")
    reporting.get_by_role("link", name=re.compile("^Aggiorna")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Aggiornamento: {due.label}")
    expect(page.get_by_label(re.compile("^Stato alla fine del periodo"))).to_have_value("in_progress")
    page.get_by_label(re.compile("^Stato alla fine del periodo")).select_option(label="In ritardo")
    page.get_by_label(re.compile(r"^Avanzamento \(%\)")).fill("55")
    value_field = page.get_by_label(re.compile("^Incontri con le istituzioni UE"))
    expect(value_field).to_have_attribute("placeholder", "incontri")  # not a sum of money
    form = page.locator("main form").last
    expect(form).to_contain_text("Incontri con le istituzioni UE, in incontri: il valore alla fine del periodo.")
    expect(form).to_contain_text("Ultimo valore: 3 al 31 dicembre 2025.")
    expect(page.locator("main")).not_to_contain_text("IND-INC")
    picker = page.locator("#period-picker option")
    expect(picker.first).to_have_text(cycles.Period.of(today, Cadence.QUARTERLY).label)
    expect(picker.last).to_have_text("1º trimestre 2024")  # the plan's first year, nothing before
    value_field.fill("1.250,5")
    page.get_by_label(re.compile("^Cosa è successo")).fill("Due incontri con la Rappresentanza della Commissione.")
    page.get_by_label(re.compile("^Rischi e problemi")).fill("Il calendario del Parlamento europeo.")
    shoot(page, f"periodic-update-form-{width}")
    page.get_by_role("button", name="Salva l'aggiornamento").click()

    expect(page.get_by_role("status").filter(has_text="registrato e applicato")).to_be_visible()
    updates = page.locator("article.ponte-update")
    expect(updates).to_have_count(1)
    expect(updates.first).to_contain_text("Due incontri con la Rappresentanza della Commissione.")
    expect(updates.first).to_contain_text("Avanzamento: 55%")
    expect(updates.first).to_contain_text("Incontri con le istituzioni UE: 1.250,5 incontri")
    expect(updates.first).to_contain_text("Marco Bianchi")
    expect(updates.first).not_to_contain_text("marco.bianchi")
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.DELAYED, 55)
    value = IndicatorValue.objects.get(indicator=indicator, reference_date=due.end)
    assert (value.value, value.reference_date) == (Decimal("1250.5"), due.end)
    assert ActionUpdate.objects.get(action=action).author == users["editor"]

    # Now the city reviews updates: the next quarter's update waits for a plan owner.
    city.review_updates = True
    city.save()
    page.reload()
    following = cycles.due_period(cycles.cycle_for(action), today, [(due.year, due.number)])
    page.locator(".ponte-reporting").get_by_role("link", name=re.compile("^Aggiorna")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(following.label)
    page.get_by_label(re.compile(r"^Avanzamento \(%\)")).fill("70")
    page.get_by_label(re.compile("^Cosa è successo")).fill("Firmato l'accordo con la Rappresentanza.")
    page.get_by_role("button", name="Salva l'aggiornamento").click()
    expect(page.get_by_role("status").filter(has_text="inviato in revisione")).to_be_visible()
    pending = page.locator("article.ponte-update").filter(has_text="Firmato l'accordo")
    expect(pending).to_contain_text("in attesa di revisione")
    shoot(page, f"periodic-update-in-review-{width}")
    assert (
        "/aggiornamenti/trimestrale/" in ActionUpdate.objects.get(action=action, period=due.number).get_absolute_url()
    )

    # Re-opened for a correction: the value as typed, the author by name.
    page.locator("article.ponte-update").filter(has_text="Due incontri").get_by_role("link", name="Modifica").click()
    expect(page).to_have_url(re.compile(rf"/aggiornamenti/trimestrale/{due.year}/{due.number}/$"))
    expect(page.get_by_role("note").first).to_contain_text("scritto da Marco Bianchi")
    expect(page.get_by_label(re.compile("^Incontri con le istituzioni UE"))).to_have_value("1.250,5")
    shoot(page, f"periodic-update-correction-{width}")
    action.refresh_from_db()
    assert action.progress == 55, "nothing reaches the action before approval"

    portal = visit(action.get_public_url(), width=width)
    expect(portal.get_by_text("Due incontri con la Rappresentanza della Commissione.")).to_be_visible()
    expect(portal.get_by_text("Firmato l'accordo con la Rappresentanza.")).to_have_count(0)

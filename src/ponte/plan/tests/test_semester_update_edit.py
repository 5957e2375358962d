"""A period's update is written once, then edited: never silently written over."""

from html import unescape

from auditlog.models import LogEntry

from ponte.plan import cycles
from ponte.plan.cycles import cadence_slug
from ponte.plan.models import ActionUpdate, Cadence, ReportingCycle, current_period


def detail(client, city, action):
    return unescape(client.get(f"/{city.slug}/gestione/azioni/{action.code}/").content.decode())


def form_url(city, action, year, period, cadence="semester"):
    return f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/{cadence_slug(cadence)}/{year}/{period}/"


def test_update_opens_the_period_due_and_then_offers_to_edit_it(client, users, action, city):
    client.force_login(users["editor"])
    assert "Aggiorna" in detail(client, city, action)
    due = cycles.due_period(cycles.cycle_for(action), cycles.datetime.date.today())
    response = client.get(f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/")
    assert response.status_code == 302 and response["Location"] == form_url(city, action, due.year, due.number)

    client.post(response["Location"], {"status": "in_progress", "progress": "20", "text": "Primo testo."})
    page = detail(client, city, action)
    assert "Primo testo." in page and due.label in page
    assert form_url(city, action, due.year, due.number) in page  # its "Edit" link
    # The next period due is offered next; once it has its update too, the button edits it.
    following = cycles.due_period(cycles.cycle_for(action), cycles.datetime.date.today(), [(due.year, due.number)])
    client.post(
        form_url(city, action, following.year, following.number),
        {"status": "in_progress", "progress": "30", "text": "Secondo."},
    )
    assert f"Modifica l'aggiornamento di {following.label}" in detail(client, city, action)


def test_the_edit_form_says_it_edits_and_keeps_the_history(client, users, action, city):
    year, semester = current_period()
    update = ActionUpdate.objects.create(
        city=city, action=action, year=year, period=semester, text="Primo testo.", author=users["owner"]
    )
    client.force_login(users["editor"])
    url = form_url(city, action, year, semester)

    form = unescape(client.get(url).content.decode())
    assert "Primo testo." in form
    assert f"Modifica l'aggiornamento: {semester}º semestre {year}" in form
    assert "stai modificando" in form and users["owner"].username in form

    response = client.post(url, {"status": "in_progress", "progress": "10", "text": "Testo corretto."})
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    update.refresh_from_db()
    assert (update.text, update.author) == ("Testo corretto.", users["editor"])
    assert ActionUpdate.objects.filter(action=action).count() == 1
    changes = LogEntry.objects.get_for_object(update).filter(action=LogEntry.Action.UPDATE)
    assert any(entry.changes_dict.get("text") == ["Primo testo.", "Testo corretto."] for entry in changes)


def test_a_new_cadence_opens_its_own_periods(client, users, action, city):
    ReportingCycle.objects.create(city=city, plan=action.line.macro_area.plan, action=action, cadence=Cadence.QUARTERLY)
    client.force_login(users["editor"])
    assert client.get(form_url(city, action, 2026, 2, "quarterly")).status_code == 200
    assert client.get(form_url(city, action, 2026, 5, "quarterly")).status_code == 404
    assert client.get(form_url(city, action, 2026, 1, "semester")).status_code == 404  # no such update to edit


def test_others_cannot_edit_an_update(client, users, action, city):
    year, semester = current_period()
    ActionUpdate.objects.create(city=city, action=action, year=year, period=semester, text="Primo testo.")
    url = form_url(city, action, year, semester)
    client.force_login(users["viewer"])
    assert client.post(url, {"text": "Altro."}).status_code == 403
    assert ActionUpdate.objects.get(action=action).text == "Primo testo."

"""A period's narrative update is written once, then edited: never silently written over."""

from html import unescape

from auditlog.models import LogEntry

from ponte.plan.models import ActionUpdate, current_period


def detail(client, city, action):
    return unescape(client.get(f"/{city.slug}/gestione/azioni/{action.code}/").content.decode())


def test_after_the_update_the_action_page_offers_to_edit_it(client, users, action, city):
    year, semester = current_period()
    client.force_login(users["editor"])
    assert "Scrivi l'aggiornamento di questo periodo" in detail(client, city, action)

    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/",
        {"year": year, "period": semester, "text": "Primo testo."},
    )
    page = detail(client, city, action)
    assert "Scrivi l'aggiornamento di questo periodo" not in page
    assert "Modifica l'aggiornamento di questo periodo" in page
    assert f"/aggiornamenti/semester/{year}/{semester}/" in page


def test_the_edit_form_holds_the_text_and_keeps_the_history(client, users, action, city):
    year, semester = current_period()
    update = ActionUpdate.objects.create(city=city, action=action, year=year, period=semester, text="Primo testo.")
    client.force_login(users["editor"])
    url = f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/semester/{year}/{semester}/"

    form = unescape(client.get(url).content.decode())
    assert "Primo testo." in form
    assert f"Modifica l'aggiornamento: {semester}º semestre {year}" in form
    assert "Nuovo aggiornamento semestrale" not in form

    response = client.post(url, {"text": "Testo corretto."})
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    update.refresh_from_db()
    assert (update.text, update.author) == ("Testo corretto.", users["editor"])
    assert action.updates.count() == 1
    change = LogEntry.objects.get_for_object(update).filter(action=LogEntry.Action.UPDATE).get()
    assert change.changes_dict["text"] == ["Primo testo.", "Testo corretto."]


def test_a_new_update_over_an_existing_period_is_refused(client, users, action, city):
    year, semester = current_period()
    ActionUpdate.objects.create(city=city, action=action, year=year, period=semester, text="Primo testo.")
    client.force_login(users["editor"])
    response = client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/",
        {"year": year, "period": semester, "text": "Sovrascritto."},
    )
    assert response.status_code == 200
    assert "Questo periodo ha già il suo aggiornamento" in response.content.decode()
    assert action.updates.get().text == "Primo testo."


def test_only_the_action_editors_edit_an_update(client, users, action, city, other_office):
    year, semester = current_period()
    ActionUpdate.objects.create(city=city, action=action, year=year, period=semester, text="Primo testo.")
    url = f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/semester/{year}/{semester}/"
    client.force_login(users["viewer"])
    assert client.post(url, {"text": "Altro."}).status_code == 403
    assert action.updates.get().text == "Primo testo."
    client.force_login(users["editor"])
    assert client.get(f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/{year - 5}/1/").status_code == 404

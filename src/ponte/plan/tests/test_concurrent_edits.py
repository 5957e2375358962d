"""Two people editing one action at once: the second save is refused instead of silently undoing
the first, and shows what the first one stored (optimistic locking, `core.concurrency`; issue 14)."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.concurrency import VERSION_FIELD
from ponte.plan.models import Action, ActionUpdate, current_period


def opened_form(client, url) -> dict:
    """The form's fields as the page sends them when nothing is changed."""
    form = client.get(url).context["form"]
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, (list, tuple)):
            data[field.html_name] = [str(item) for item in value]
        elif value is not None:
            data[field.html_name] = str(value)
    return data


@pytest.fixture
def edit_url(city, action):
    return f"/{city.slug}/gestione/azioni/{action.code}/modifica/"


def test_the_second_of_two_concurrent_saves_is_refused_and_the_first_kept(client, users, action, edit_url):
    client.force_login(users["owner"])
    first = opened_form(client, edit_url)
    client.force_login(users["editor"])
    second = opened_form(client, edit_url)
    assert first[VERSION_FIELD]

    client.force_login(users["owner"])
    assert client.post(edit_url, {**first, "progress": "40", "status": "in_progress"}).status_code == 302

    client.force_login(users["editor"])
    response = client.post(edit_url, {**second, "progress": "10"})
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("Qualcun altro ha salvato questo elemento dopo che l'hai aperto")
    assert "«Stato»: In corso" in error and "«Avanzamento (%)»: 40" in error
    assert "«Titolo»" not in error  # only what the other person changed
    action.refresh_from_db()
    assert (action.progress, action.status) == (40, Action.Status.IN_PROGRESS)

    # Saving again after seeing the other change is a choice, and it is kept.
    again = {**second, "progress": "10", VERSION_FIELD: response.context["form"].data[VERSION_FIELD]}
    assert client.post(edit_url, again).status_code == 302
    action.refresh_from_db()
    assert action.progress == 10


def test_a_change_to_a_field_the_form_does_not_edit_does_not_refuse_it(client, users, action, edit_url):
    client.force_login(users["owner"])
    opened = opened_form(client, edit_url)
    Action.objects.filter(pk=action.pk).update(code="1.1.1", order=7)  # not on the form
    assert client.post(edit_url, {**opened, "progress": "25"}).status_code == 302
    action.refresh_from_db()
    assert action.progress == 25


def test_the_same_guard_covers_the_generic_edit_forms(client, users, city, action):
    """A line's form (the plan's node edit view) refuses a stale save the same way."""
    line = action.line
    url = f"/{city.slug}/gestione/linee/{line.pk}/modifica/"
    client.force_login(users["owner"])
    first, second = opened_form(client, url), opened_form(client, url)
    assert client.post(url, {**first, "title": "Titolo nuovo"}).status_code == 302
    response = client.post(url, {**second, "weight": "3"})
    assert response.status_code == 200 and "«Titolo»: Titolo nuovo" in response.content.decode()
    line.refresh_from_db()
    assert line.title == "Titolo nuovo" and line.weight != 3


def test_the_guard_covers_the_rewrite_of_a_semester_update(client, users, city, action):
    year, semester = current_period()
    update = ActionUpdate.objects.create(
        city=city, action=action, year=year, period=semester, status="in_progress", progress=10, text="Primo."
    )
    url = f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/semestrale/{year}/{semester}/"
    client.force_login(users["editor"])
    first, second = opened_form(client, url), opened_form(client, url)
    assert client.post(url, {**first, "text": "Testo del collega."}).status_code == 302
    response = client.post(url, {**second, "text": "Il mio testo."})
    assert response.status_code == 200 and "Testo del collega." in response.content.decode()
    update.refresh_from_db()
    assert update.text == "Testo del collega."


def test_journey_two_pages_the_second_save_is_refused(visit, city, users, action):
    url = f"/{city.slug}/gestione/azioni/{action.code}/modifica/"
    owner = visit(url, user=users["owner"], width="desktop")
    editor = visit(url, user=users["editor"], width="desktop")

    owner.get_by_label(re.compile("^Avanzamento")).fill("40")
    owner.get_by_role("button", name="Salva").click()
    expect(owner.get_by_role("status").filter(has_text="Salvato")).to_be_visible()

    editor.get_by_label(re.compile("^Avanzamento")).fill("10")
    editor.get_by_role("button", name="Salva").click()
    alert = editor.get_by_role("alert")
    expect(alert).to_contain_text("Qualcun altro ha salvato questo elemento dopo che l'hai aperto")
    expect(alert).to_contain_text("«Avanzamento (%)»: 40")
    shoot(editor, "concurrent-edit-refused-desktop")
    action.refresh_from_db()
    assert action.progress == 40

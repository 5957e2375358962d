"""The history of changes reads in Italian: field labels, choice labels, names of offices and
alignment items, localised numbers; never stored codes such as `in_progress`."""

import re
from decimal import Decimal

from ponte.factories import AxisFactory, AxisItemFactory
from ponte.plan import services
from ponte.plan.models import Action


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_history_shows_labels_choice_names_and_localised_numbers(client, users, city, action, other_office):
    action = Action.objects.get(pk=action.pk)  # weight as stored: 1.00
    action.status, action.weight, action.owner_office = Action.Status.DELAYED, Decimal("2.5"), other_office
    services.action_save(action=action, user=users["owner"])
    goal = AxisItemFactory(axis=AxisFactory(city=city, slug="sdg"), code="16.7", name="Processi decisionali inclusivi")
    action.alignments.add(goal)
    client.force_login(users["owner"])
    page = client.get(f"/{city.slug}/gestione/azioni/{action.code}/").content.decode()
    text = visible_text(page).replace(" :", ":")
    assert "Stato: Non avviata → In ritardo" in text
    assert "Peso: 1,00 → 2,5" in text
    assert f"Ufficio responsabile: Ufficio A → {other_office.name}" in text
    assert "aggiunti 16.7 Processi decisionali inclusivi" in text
    for code in ("delayed", "not_started", "owner_office", "1.00 ", "weight"):
        assert code not in text


def test_alignment_items_read_by_name_in_the_action_list(client, users, city, action):
    action.alignments.add(
        AxisItemFactory(axis=AxisFactory(city=city, slug="sdg"), code="16.7", name="Processi decisionali inclusivi"),
        AxisItemFactory(axis=AxisFactory(city=city, slug="eu"), code="democrazia", name="Democrazia europea"),
    )
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/azioni/").content.decode()
    text = visible_text(page)
    # Short in the cell (a long list of names made every row a screen tall), whole on hover.
    assert re.search(r"SDG 16\.7 ?, Democrazia europea", text)
    assert 'title="SDG 16.7 · Processi decisionali inclusivi"' in page
    assert "sdg:" not in text and "eu:democrazia" not in text


def test_history_names_an_item_coded_by_a_slug_by_its_name_alone(client, users, city, action):
    flagship = AxisItemFactory(
        axis=AxisFactory(city=city, slug="mandato"), code="city-diplomacy", name="Diplomazia delle città"
    )
    action.alignments.add(flagship)
    client.force_login(users["owner"])
    text = visible_text(client.get(f"/{city.slug}/gestione/azioni/{action.code}/").content.decode())
    assert "aggiunti Diplomazia delle città" in text
    assert "city-diplomacy" not in text

"""Plan owners add actions and indicators; editors set targets; forms explain bad input."""

import datetime

from ponte.factories import IndicatorFactory
from ponte.plan.models import Action, Indicator


def test_plan_owner_adds_an_action_to_a_line(client, users, line, office, city):
    client.force_login(users["owner"])
    response = client.post(
        f"/{city.slug}/gestione/linee/{line.pk}/nuova-azione/",
        {
            "code": "9.1.1",
            "title": "Nuova azione",
            "status": "not_started",
            "progress": "0",
            "weight": "1",
            "owner_office": office.pk,
        },
    )
    action = Action.objects.get(code="9.1.1")
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert (action.line, action.city, action.owner_office) == (line, city, office)


def test_duplicate_action_code_is_explained(client, users, action, city):
    client.force_login(users["owner"])
    response = client.post(
        f"/{city.slug}/gestione/linee/{action.line.pk}/nuova-azione/",
        {"code": action.code, "title": "Doppia", "status": "not_started", "progress": "0", "weight": "1"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors or response.context["form"].non_field_errors()
    assert Action.objects.filter(code=action.code).count() == 1


def test_completed_action_must_be_at_100(client, users, action, city):
    client.force_login(users["editor"])
    response = client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/modifica/",
        {"title": action.title, "status": "completed", "progress": "40", "weight": "1"},
    )
    assert response.status_code == 200
    assert "progress" in response.context["form"].errors
    action.refresh_from_db()
    assert action.status == "not_started"


def test_plan_owner_creates_an_indicator_on_one_level(client, users, action, city):
    client.force_login(users["owner"])
    base = {"code": "NEW-1", "name": "Partecipanti", "kind": "performance", "unit": "persone"}
    response = client.post(
        f"/{city.slug}/gestione/indicatori/nuovo/", base | {"action": action.pk, "line": action.line.pk}
    )
    assert response.status_code == 200 and not Indicator.objects.filter(code="NEW-1").exists()
    response = client.post(
        f"/{city.slug}/gestione/indicatori/nuovo/",
        base | {"action": action.pk, "baseline_value": "10", "baseline_date": "2024-01-01"},
    )
    indicator = Indicator.objects.get(code="NEW-1")
    assert response.status_code == 302 and indicator.action == action and indicator.baseline_value == 10


def test_editor_sets_a_target_of_an_own_indicator(client, users, action, city):
    indicator = IndicatorFactory(action=action)
    client.force_login(users["editor"])
    client.post(
        f"/{city.slug}/gestione/indicatori/{indicator.pk}/obiettivi/", {"value": "50", "target_date": "2027-12-31"}
    )
    client.post(
        f"/{city.slug}/gestione/indicatori/{indicator.pk}/obiettivi/", {"value": "60", "target_date": "2027-12-31"}
    )
    target = indicator.targets.get()
    assert (target.value, target.target_date) == (60, datetime.date(2027, 12, 31))

"""Every back-office page and action, for every role: a matrix of expected answers."""

import pytest

from ponte.factories import ActionFactory, IndicatorFactory, MilestoneFactory
from ponte.testing import PLAN, READ, ROLES, answers

# The chapters' officers read the plan and change none of it.
OWN_EDIT = answers("admin", "owner", "editor")
PLAN_EDIT = PLAN
PUBLIC = dict.fromkeys(ROLES, 200)


@pytest.fixture
def objects(action, other_office):
    foreign = ActionFactory(line=action.line, owner_office=other_office, code="1.1.2")
    return {
        "action": action,
        "foreign": foreign,
        "indicator": IndicatorFactory(action=action),
        "foreign_indicator": IndicatorFactory(action=foreign),
        "milestone": MilestoneFactory(action=action),
    }


PAGES = [
    ("/{c}/", PUBLIC),
    ("/{c}/gestione/", READ),
    ("/{c}/gestione/azioni/", READ),
    ("/{c}/gestione/azioni/?export=csv", READ),
    ("/{c}/gestione/azioni/mie/", READ),
    ("/{c}/gestione/azioni/scadenze/", READ),
    ("/{c}/gestione/traguardi/scaduti/", READ),
    ("/{c}/gestione/traguardi/scaduti/?export=xlsx", READ),
    ("/{c}/gestione/organizzazioni/", READ),
    ("/{c}/gestione/organizzazioni/?export=csv", READ),
    ("/{c}/gestione/azioni/{action.code}/", READ),
    ("/{c}/gestione/azioni/{action.code}/modifica/", OWN_EDIT),
    ("/{c}/gestione/azioni/{action.code}/aggiornamenti/semestrale/2026/1/", OWN_EDIT),
    ("/{c}/gestione/azioni/{action.code}/traguardi/", OWN_EDIT),
    ("/{c}/gestione/azioni/{action.code}/documenti/", OWN_EDIT),
    ("/{c}/gestione/azioni/{action.code}/traguardi/{milestone.pk}/fatto/", OWN_EDIT),
    ("/{c}/gestione/azioni/{foreign.code}/modifica/", PLAN_EDIT),
    ("/{c}/gestione/azioni/{foreign.code}/aggiornamenti/semestrale/2026/1/", PLAN_EDIT),
    ("/{c}/gestione/ciclo/", PLAN_EDIT),
    ("/{c}/gestione/ciclo/eccezioni/nuova/", PLAN_EDIT),
    ("/{c}/gestione/indicatori/", READ),
    ("/{c}/gestione/indicatori/{indicator.pk}/", READ),
    ("/{c}/gestione/indicatori/{indicator.pk}/valori/", OWN_EDIT),
    ("/{c}/gestione/indicatori/{indicator.pk}/obiettivi/", OWN_EDIT),
    ("/{c}/gestione/indicatori/{foreign_indicator.pk}/obiettivi/", PLAN_EDIT),
    ("/{c}/gestione/indicatori/nuovo/", PLAN_EDIT),
    ("/{c}/gestione/linee/{action.line.pk}/nuova-azione/", PLAN_EDIT),
    ("/{c}/gestione/indicatori/{foreign_indicator.pk}/valori/", PLAN_EDIT),
    ("/{c}/gestione/aree/{action.line.macro_area.pk}/modifica/", PLAN_EDIT),
    ("/{c}/gestione/linee/{action.line.pk}/modifica/", PLAN_EDIT),
    ("/{c}/gestione/allineamento/", READ),
    ("/{c}/gestione/foglio/", OWN_EDIT),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_get_matrix(client, users, objects, city, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(url.format(c=city.slug, **objects))
    assert response.status_code == expected[role], f"{role} GET {url}"


@pytest.mark.parametrize("role", ROLES)
def test_only_allowed_roles_change_an_action(client, users, objects, city, role):
    if role != "anonymous":
        client.force_login(users[role])
    action = objects["action"]
    response = client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/modifica/",
        {"title": action.title, "status": "in_progress", "progress": "40", "weight": "1"},
    )
    action.refresh_from_db()
    changed = action.progress == 40
    assert changed == (OWN_EDIT[role] == 200), f"{role}: status {response.status_code}"


def test_office_editor_cannot_change_owner_or_weight(client, users, objects, city, other_office):
    client.force_login(users["editor"])
    action = objects["action"]
    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/modifica/",
        {
            "title": "Nuovo titolo",
            "status": "in_progress",
            "progress": "10",
            "weight": "9",
            "owner_office": other_office.pk,
        },
    )
    action.refresh_from_db()
    assert action.title == "Nuovo titolo"
    assert action.weight == 1 and action.owner_office.slug == "ufficio-a"


def test_admin_site_is_for_superusers_only(client, users):
    client.force_login(users["owner"])
    assert client.get("/admin/").status_code == 302

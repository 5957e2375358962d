"""The probe's findings on the risks (issue 17): "Aggiungi un rischio" on the register picks the
action or project among those the person keeps the risks of; a new risk may carry its first
mitigation (both saved, or neither); a risk's follow-up reads as a mitigation in its history and
its button agrees with "mitigazione"."""

import datetime

import pytest

from ponte.core.models import FollowUp, Risk
from ponte.factories import ActionFactory
from ponte.funding.tests.factories import ProjectFactory

DUE = datetime.date.today() + datetime.timedelta(days=20)


@pytest.fixture
def project(city):
    return ProjectFactory(programme__city=city, title="Ponti sul Reno", status="running")


@pytest.fixture
def other_action(action, other_office):
    return ActionFactory(line=action.line, owner_office=other_office, code="2.1", title="Scuole aperte")


def url(city):
    return f"/{city.slug}/gestione/rischi/nuovo/"


def test_the_register_offers_add_a_risk_to_who_keeps_some(client, users, action):
    client.force_login(users["editor"])
    html = client.get(f"/{action.city.slug}/gestione/rischi/").content.decode()
    assert "Aggiungi un rischio" in html and url(action.city) in html
    client.force_login(users["viewer"])
    html = client.get(f"/{action.city.slug}/gestione/rischi/").content.decode()
    assert url(action.city) not in html
    assert client.get(url(action.city)).status_code == 403


def test_the_choice_lists_only_the_items_whose_risks_the_person_keeps(client, users, action, other_action, project):
    client.force_login(users["editor"])
    field = client.get(url(action.city)).context["form"].fields["item"]
    offered = {value for _group, choices in field.choices[1:] for value, _label in choices}
    assert offered == {f"azione:{action.pk}"}  # their office's action only, no project
    client.force_login(users["owner"])
    field = client.get(url(action.city)).context["form"].fields["item"]
    offered = {value for _group, choices in field.choices[1:] for value, _label in choices}
    assert offered == {f"azione:{action.pk}", f"azione:{other_action.pk}", f"progetto:{project.pk}"}  # plan and funds
    client.force_login(users["funds"])
    field = client.get(url(action.city)).context["form"].fields["item"]
    offered = {value for _group, choices in field.choices[1:] for value, _label in choices}
    assert offered == {f"progetto:{project.pk}"}
    assert field.choices[1][1] == [(f"progetto:{project.pk}", f"{project.acronym} · Ponti sul Reno")]

    # Another office's action, forged into the post: refused as a choice not in the list.
    client.force_login(users["editor"])
    response = client.post(
        url(action.city),
        {"item": f"azione:{other_action.pk}", "kind": "risk", "title": "X", "likelihood": 3, "impact": 3},
    )
    assert response.status_code == 200 and "item" in response.context["form"].errors
    assert not Risk.objects.exists()


def test_a_risk_added_from_the_register_with_its_first_mitigation(client, users, action, office):
    client.force_login(users["editor"])
    response = client.post(
        url(action.city),
        {
            "item": f"azione:{action.pk}",
            "kind": "risk",
            "title": "Fornitore unico",
            "likelihood": 4,
            "impact": 5,
            "mitigation_title": "Secondo fornitore",
            "mitigation_owner_office": office.pk,
            "mitigation_due_date": DUE.isoformat(),
        },
        follow=True,
    )
    risk = Risk.objects.get()
    assert (risk.item, risk.score, risk.created_by) == (action, 20, users["editor"])
    task = FollowUp.objects.get()
    assert (task.origin, task.title, task.owner_office, task.due_date) == (risk, "Secondo fornitore", office, DUE)
    assert response.redirect_chain[-1][0] == risk.get_absolute_url()
    html = response.content.decode()
    assert "con la sua mitigazione" in html
    assert "Segna come completata" in html and "Segna come completato" not in html
    assert "mitigazione: Secondo fornitore" in html  # the history names it a mitigation
    assert "seguito:" not in html


def test_a_first_mitigation_half_given_is_refused_and_nothing_is_saved(client, users, action):
    client.force_login(users["editor"])
    base = {"item": f"azione:{action.pk}", "kind": "risk", "title": "Fornitore unico", "likelihood": 4, "impact": 5}
    response = client.post(url(action.city), base | {"mitigation_title": "Secondo fornitore"})
    assert set(response.context["form"].errors) == {"mitigation_due_date", "mitigation_owner"}
    response = client.post(url(action.city), base | {"mitigation_due_date": DUE.isoformat()})
    assert set(response.context["form"].errors) == {"mitigation_title"}
    assert not Risk.objects.exists() and not FollowUp.objects.exists()

    # From the action's own form too, the mitigation is optional.
    response = client.post(f"/{action.city.slug}/gestione/rischi/nuovo/azione/{action.pk}/", base)
    assert response.status_code == 302
    assert Risk.objects.get().mitigations.count() == 0

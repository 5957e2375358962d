"""The register of risks and issues (issue 17): who may keep an action's or a project's risks,
what a bad entry is told, closing and reopening, mitigations as follow-ups (closed by the right
people), and the city's "Registro dei rischi" with its filters, export and constant queries."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core import risks
from ponte.core.models import FollowUp, Person, Risk
from ponte.core.services import follow_up_done
from ponte.factories import ActionFactory, OrganisationFactory, PersonFactory
from ponte.funding.tests.factories import ProjectFactory
from ponte.testing import body

DUE = datetime.date.today() + datetime.timedelta(days=20)


@pytest.fixture
def project(city):
    return ProjectFactory(programme__city=city, title="Ponti sul Reno", status="running")


def add(item, user, **fields):
    return risks.risk_add(
        item=item, user=user, **({"title": "Ritardo del fornitore", "likelihood": 4, "impact": 4} | fields)
    )


# Services: permissions.


def test_the_actions_office_editor_keeps_its_risks_and_no_other_office_does(users, action, other_office):
    risk = add(action, users["editor"], owner=users["editor"])
    assert (risk.item, risk.score, risk.level, risk.status) == (action, 16, Risk.Level.HIGH, Risk.Status.OPEN)
    assert risk.owner == Person.objects.get(user=users["editor"])  # the account's person, made on first use
    assert risk.created_by == users["editor"]

    elsewhere = ActionFactory(line=action.line, owner_office=other_office)
    with pytest.raises(PermissionDenied):
        add(elsewhere, users["editor"])
    for role in ("viewer", "funds", "diplomacy"):
        with pytest.raises(PermissionDenied):
            add(action, users[role])
    assert add(elsewhere, users["owner"]).item == elsewhere  # the plan owner keeps every action's


def test_a_projects_risks_are_the_funds_officers(users, project):
    assert add(project, users["funds"]).item == project
    for role in ("editor", "viewer", "diplomacy"):
        with pytest.raises(PermissionDenied):
            add(project, users[role])


def test_only_actions_and_projects_keep_a_register(users, office):
    with pytest.raises(ValidationError):
        add(office, users["admin"])


# Services: validation, edit, close and reopen, audit.


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"likelihood": 6}, "likelihood"), ({"impact": 0}, "impact"), ({"title": ""}, "title"), ({"kind": "x"}, "kind")],
)
def test_a_bad_risk_names_its_field_and_saves_nothing(users, action, fields, field):
    with pytest.raises(ValidationError) as refused:
        add(action, users["editor"], **fields)
    assert field in refused.value.message_dict
    assert not Risk.objects.exists()


def test_edit_close_and_reopen_are_audited(users, action):
    risk = add(action, users["editor"], likelihood=1, impact=2)
    assert risk.level == Risk.Level.LOW
    risk.impact = 5
    risks.risk_save(risk=risk, user=users["editor"], owner=None)
    assert (risk.score, risk.level) == (5, Risk.Level.MEDIUM)

    risks.risk_close(risk=risk, user=users["editor"])
    risk.refresh_from_db()
    assert risk.status == Risk.Status.CLOSED and risk.closed_at is not None
    with pytest.raises(ValidationError):
        risks.risk_close(risk=risk, user=users["editor"])
    with pytest.raises(PermissionDenied):
        risks.risk_reopen(risk=risk, user=users["viewer"])
    risks.risk_reopen(risk=risk, user=users["editor"])
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OPEN and risk.closed_at is None
    entries = LogEntry.objects.get_for_object(risk)
    assert entries.count() == 4
    assert {entry.actor for entry in entries} == {users["editor"]}


# Mitigations.


def test_a_mitigation_is_a_follow_up_of_the_risk_with_owner_and_due_date(users, action):
    risk = add(action, users["editor"])
    with pytest.raises(ValidationError) as refused:
        risks.mitigation_add(risk=risk, user=users["editor"], title="Secondo fornitore", due_date=DUE)
    assert "owner" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        risks.mitigation_add(risk=risk, user=users["viewer"], title="x", due_date=DUE, owner=users["viewer"])

    task = risks.mitigation_add(
        risk=risk, user=users["editor"], title="Secondo fornitore", due_date=DUE, owner=users["viewer"]
    )
    assert (task.origin, task.owner.user, task.due_date) == (risk, users["viewer"], DUE)
    assert list(risk.mitigations.all()) == [task]

    risks.risk_close(risk=risk, user=users["editor"])
    with pytest.raises(ValidationError):
        risks.mitigation_add(risk=risk, user=users["editor"], title="Tardi", due_date=DUE, owner=users["editor"])


def test_a_mitigation_is_closed_by_its_owner_or_whoever_keeps_the_risks(users, action, other_office):
    risk = add(action, users["editor"])
    owner = PersonFactory(city=action.city, full_name="Ada Rossi")
    task = risks.mitigation_add(risk=risk, user=users["editor"], title="Piano B", due_date=DUE, owner=owner)
    for role in ("viewer", "funds", "governance"):
        with pytest.raises(PermissionDenied):
            follow_up_done(task=FollowUp.objects.get(pk=task.pk), user=users[role])
    follow_up_done(task=FollowUp.objects.get(pk=task.pk), user=users["editor"])  # the action's office
    assert FollowUp.objects.get(pk=task.pk).done_date == datetime.date.today()

    viewers_task = risks.mitigation_add(
        risk=risk, user=users["owner"], title="Verifica", due_date=DUE, owner=users["viewer"]
    )
    follow_up_done(task=FollowUp.objects.get(pk=viewers_task.pk), user=users["viewer"])  # its owner


def test_a_mitigation_shows_among_its_owners_follow_ups_and_is_marked_done_there(client, users, action):
    risk = add(action, users["editor"])
    risks.mitigation_add(risk=risk, user=users["owner"], title="Secondo fornitore", due_date=DUE, owner=users["editor"])
    client.force_login(users["editor"])
    home = client.get(f"/{action.city.slug}/gestione/")
    panel = next(p for p in home.context["panels"] if p.title == "I miei seguiti")
    row = next(row for row in panel.rows if row.label == "Secondo fornitore")
    assert row.url == risk.get_absolute_url()
    assert row.note == "Rischio: Ritardo del fornitore"  # what the task follows from
    response = client.post(row.done_url)
    assert response.status_code == 302 and response["Location"] == risk.get_absolute_url()
    assert FollowUp.objects.get().done_date is not None


# Pages: forms through HTTP.


def test_the_forms_add_edit_mitigate_close_and_refuse_with_named_fields(client, users, action):
    base = f"/{action.city.slug}/gestione"
    client.force_login(users["editor"])
    refused = client.post(f"{base}/rischi/nuovo/azione/{action.pk}/", {"kind": "risk", "title": "", "likelihood": 9})
    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"title", "likelihood", "impact"}
    assert not Risk.objects.exists()

    response = client.post(
        f"{base}/rischi/nuovo/azione/{action.pk}/",
        {"kind": "issue", "title": "Gara deserta", "likelihood": 5, "impact": 3, "owner": f"user:{users['editor'].pk}"},
        follow=True,
    )
    risk = Risk.objects.get()
    assert response.redirect_chain[-1][0] == f"{action.get_absolute_url()}#rischi"
    assert "Rischio «Gara deserta» aggiunto" in response.content.decode()

    no_owner = client.post(f"{base}/rischi/{risk.pk}/mitigazione/", {"title": "Nuova gara", "due_date": DUE})
    assert "owner" in no_owner.context["form"].errors
    client.post(
        f"{base}/rischi/{risk.pk}/mitigazione/",
        {"title": "Nuova gara", "owner": f"person:{risk.owner_id}", "due_date": DUE.isoformat()},
    )
    assert risk.mitigations.get().title == "Nuova gara"

    page = client.get(f"{base}/rischi/{risk.pk}/modifica/")
    data = {name: page.context["form"][name].value() for name in page.context["form"].fields}
    client.post(f"{base}/rischi/{risk.pk}/modifica/", data | {"impact": 1})
    assert Risk.objects.get().score == 5

    client.post(f"{base}/rischi/{risk.pk}/chiudi/")
    assert Risk.objects.get().status == Risk.Status.CLOSED
    client.force_login(users["viewer"])
    assert client.post(f"{base}/rischi/{risk.pk}/riapri/").status_code == 403
    assert client.get(f"{base}/rischi/nuovo/azione/{action.pk}/").status_code == 403
    assert client.get(f"{base}/rischi/{risk.pk}/").status_code == 200  # every staff member reads it
    assert client.get(f"{base}/rischi/nuovo/indicatore/{action.pk}/").status_code == 403


def test_the_project_page_has_its_register(client, users, project):
    add(project, users["funds"], title="Partner in ritardo")
    client.force_login(users["funds"])
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Rischi e criticità" in html and "Partner in ritardo" in html
    assert f"/rischi/nuovo/progetto/{project.pk}/" in html


# The register.


@pytest.fixture
def register(users, action, project, other_office):
    their = OrganisationFactory(city=action.city, kind="office", name="Ufficio C")
    other = ActionFactory(line=action.line, owner_office=other_office, code="2.1", title="Scuole aperte")
    mitigated = add(action, users["owner"], title="Fornitore unico", likelihood=5, impact=5)
    risks.mitigation_add(
        risk=mitigated, user=users["owner"], title="Secondo fornitore", due_date=DUE, owner=users["owner"]
    )
    add(other, users["owner"], title="Aule chiuse", likelihood=2, impact=3, kind="issue")
    add(
        project,
        users["owner"],
        title='=HYPERLINK("x")',
        likelihood=1,
        impact=1,
        owner=PersonFactory(city=action.city, organisation=their),
    )
    closed = add(action, users["owner"], title="Chiuso", likelihood=5, impact=5)
    risks.risk_close(risk=closed, user=users["owner"])
    return their


def titles(client, city, query=""):
    return [r.title for r in client.get(f"/{city.slug}/gestione/rischi/?{query}").context["object_list"]]


def test_the_register_lists_open_risks_gravest_first_and_filters(client, users, city, register, office, other_office):
    client.force_login(users["viewer"])
    assert titles(client, city) == ["Fornitore unico", "Aule chiuse", '=HYPERLINK("x")']
    assert titles(client, city, "kind=issue") == ["Aule chiuse"]
    assert titles(client, city, "level=high") == ["Fornitore unico"]
    assert titles(client, city, "level=medium") == ["Aule chiuse"]
    assert titles(client, city, f"office={office.pk}") == ["Fornitore unico"]
    assert titles(client, city, f"office={register.pk}") == ['=HYPERLINK("x")']  # its owner's office
    assert titles(client, city, "item=funding.project") == ['=HYPERLINK("x")']
    assert titles(client, city, "unmitigated=on") == ["Aule chiuse", '=HYPERLINK("x")']
    assert titles(client, city, "q=scuole") == ["Aule chiuse"]  # the action's title
    assert titles(client, city, "ordering=score") == ['=HYPERLINK("x")', "Aule chiuse", "Fornitore unico"]
    html = client.get(f"/{city.slug}/gestione/rischi/").content.decode()
    assert (
        '= 25<br><span class="badge ponte-risk-level' in html
        and ">Alto</span>" in html
        and ">Medio</span>" in html
        and ">Basso</span>" in html
    )


def test_the_register_exports_with_formulas_made_harmless(client, users, city, register):
    client.force_login(users["viewer"])
    text = body(client.get(f"/{city.slug}/gestione/rischi/?export=csv")).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "Secondo fornitore" in text and "Fornitore unico" in text and "Chiuso" not in text


def test_the_register_costs_the_same_queries_as_risks_grow(client, users, city, action, project):
    client.force_login(users["viewer"])

    def grow(n):
        for i in range(n):
            item = ActionFactory(line=action.line, owner_office=action.owner_office) if i % 2 else project
            risk = add(item, users["owner"], title=f"Rischio {i}", owner=PersonFactory(city=city))
            risks.mitigation_add(risk=risk, user=users["owner"], title=f"M {i}", due_date=DUE, owner=users["owner"])

    def queries():
        client.get(f"/{city.slug}/gestione/rischi/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/{city.slug}/gestione/rischi/").status_code == 200
        return len(captured)

    grow(2)
    few = queries()
    grow(18)
    assert queries() == few


def test_deleting_an_action_takes_its_risks_and_mitigations(users, action, project):
    risk = add(action, users["owner"])
    risks.mitigation_add(risk=risk, user=users["owner"], title="Piano B", due_date=DUE, owner=users["owner"])
    kept = add(project, users["owner"])
    action.delete()
    assert list(Risk.objects.all()) == [kept]
    assert not FollowUp.objects.exists()

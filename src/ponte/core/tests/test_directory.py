"""Organisations and people in the back office: create, edit, where used, merge."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.core import services
from ponte.core.models import Membership, Organisation, Person
from ponte.diplomacy.models import Relation
from ponte.factories import CityFactory, OrganisationFactory, PersonFactory
from ponte.funding.models import Participation
from ponte.funding.tests.factories import ParticipationFactory, ProjectFactory
from ponte.testing import ORGANISATIONS, READ, ROLES


@pytest.fixture
def org(city):
    return OrganisationFactory(city=city, slug="comune-di-rimini", name="Comune di Rimini", kind="city")


PAGES = [
    ("/{c}/gestione/organizzazioni/{o}/", READ),
    ("/{c}/gestione/persone/", READ),
    ("/{c}/gestione/persone/?export=csv", READ),
    ("/{c}/gestione/organizzazioni/nuova/", ORGANISATIONS),
    ("/{c}/gestione/organizzazioni/{o}/modifica/", ORGANISATIONS),
    ("/{c}/gestione/organizzazioni/{o}/unisci/", ORGANISATIONS),
    ("/{c}/gestione/persone/nuova/", ORGANISATIONS),
    ("/{c}/gestione/persone/{p}/modifica/", ORGANISATIONS),
    ("/{c}/gestione/persone/{p}/unisci/", ORGANISATIONS),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_matrix(client, users, city, org, role, url, expected):
    person = PersonFactory(city=city)
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(url.format(c=city.slug, o=org.pk, p=person.pk)).status_code == expected[role]


def test_create_gives_a_code_and_returns_where_asked(client, users, city, org):
    client.force_login(users["funds"])
    project = ProjectFactory(programme__city=city)
    back = f"/{city.slug}/gestione/fondi/progetti/{project.pk}/partner/"
    response = client.post(
        f"/{city.slug}/gestione/organizzazioni/nuova/?next={back}",
        {"name": "Comune di Rimini", "kind": "city", "country": "it"},
    )
    created = Organisation.objects.for_city(city).get(slug="comune-di-rimini-2")
    assert created.country == "IT"
    assert response["Location"] == f"{back}?organisation={created.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form.initial["organisation"] == str(created.pk)


def test_create_refuses_a_foreign_next(client, users, city):
    client.force_login(users["funds"])
    response = client.post(
        f"/{city.slug}/gestione/organizzazioni/nuova/?next=https://evil.example/", {"name": "Ente", "kind": "other"}
    )
    assert response["Location"] == Organisation.objects.get(name="Ente").get_absolute_url()


def test_detail_shows_where_it_is_used(client, users, city, org):
    participation = ParticipationFactory(organisation=org, project=ProjectFactory(programme__city=city, title="Acque"))
    Relation.objects.create(city=city, partner=org, kind="twinning")
    PersonFactory(city=city, organisation=org, full_name="Anna Bianchi")
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/organizzazioni/{org.pk}/").content.decode()
    assert participation.project.get_absolute_url() in page
    assert "Anna Bianchi" in page and "Relazion" in page
    assert f"/{city.slug}/gestione/organizzazioni/{org.pk}/modifica/" not in page  # a viewer does not edit


def test_merge_repoints_everything_and_is_recorded(client, users, city, org, office):
    duplicate = OrganisationFactory(
        city=city, slug="rimini", name="Rimini", kind="city", website="https://comune.rimini.it"
    )
    project = ProjectFactory(programme__city=city)
    ParticipationFactory(organisation=duplicate, project=project)
    Relation.objects.create(city=city, partner=duplicate, kind="twinning")
    person = PersonFactory(city=city, organisation=duplicate)
    child = OrganisationFactory(city=city, parent=duplicate)
    client.force_login(users["diplomacy"])
    response = client.post(
        f"/{city.slug}/gestione/organizzazioni/{org.pk}/unisci/", {"other": duplicate.pk, "confirm": "on"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert Participation.objects.get(project=project).organisation == org
    assert Relation.objects.get(city=city).partner == org
    person.refresh_from_db()
    child.refresh_from_db()
    assert person.organisation == org and child.parent == org
    org.refresh_from_db()
    assert org.website == "https://comune.rimini.it"  # an empty field filled from the duplicate
    entry = LogEntry.objects.get_for_object(org).filter(actor=users["diplomacy"]).first()
    assert "Rimini" in str(entry.changes_dict)


def test_merge_is_all_or_nothing(users, city, org):
    duplicate = OrganisationFactory(city=city, kind="city")
    project = ProjectFactory(programme__city=city)
    ParticipationFactory(organisation=org, project=project)
    ParticipationFactory(organisation=duplicate, project=project)  # both partners of one project
    PersonFactory(city=city, organisation=duplicate)
    with pytest.raises(ValidationError):
        services.merge(kept=org, removed=duplicate, user=users["funds"])
    assert Organisation.objects.filter(pk=duplicate.pk).exists()
    assert Person.objects.get(city=city).organisation == duplicate  # nothing moved


def test_merge_refuses_two_cities_and_other_roles(users, city, org):
    elsewhere = OrganisationFactory(city=CityFactory(slug="altrove"))
    with pytest.raises(ValidationError):
        services.merge(kept=org, removed=elsewhere, user=users["admin"])
    with pytest.raises(PermissionDenied):
        services.merge(kept=org, removed=OrganisationFactory(city=city), user=users["desk"])


def test_merge_keeps_an_office_with_staff(users, city, office, other_office):
    Membership.objects.filter(office=office).update(office=office)  # the editor's office
    services.merge(kept=other_office, removed=office, user=users["owner"])
    assert Membership.objects.get(user=users["editor"]).office == other_office


def test_people_created_edited_and_merged(client, users, city, org):
    client.force_login(users["governance"])
    client.post(f"/{city.slug}/gestione/persone/nuova/", {"full_name": "Marco Neri", "organisation": org.pk})
    marco = Person.objects.get(full_name="Marco Neri")
    assert marco.slug == "marco-neri"
    twin = PersonFactory(city=city, full_name="M. Neri", email="marco@example.org")
    client.post(f"/{city.slug}/gestione/persone/{marco.pk}/unisci/", {"other": twin.pk, "confirm": "on"})
    marco.refresh_from_db()
    assert marco.email == "marco@example.org" and not Person.objects.filter(pk=twin.pk).exists()
    page = client.get(f"/{city.slug}/gestione/persone/?q=neri").content.decode()
    assert "Marco Neri" in page and "Comune di Rimini" in page

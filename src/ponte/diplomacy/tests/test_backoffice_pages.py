"""What a new diplomacy officer found in the back office, through HTTP: network memberships
created and edited from their list, a relation's partner created on the way, the status form
preset on the current status, participants' lines, the signing act and a mission's actions."""

import datetime

import pytest

from ponte.core.models import Organisation
from ponte.diplomacy.models import Mission, NetworkMembership, Relation
from ponte.factories import OrganisationFactory


@pytest.fixture
def officer(client, users):
    client.force_login(users["diplomacy"])
    return users["diplomacy"]


def test_a_network_membership_is_created_and_edited_from_its_list(client, city, officer):
    eurocities = OrganisationFactory(city=city, kind="network", name="Eurocities")
    response = client.post(
        f"/{city.slug}/gestione/diplomazia/reti/nuova/",
        {"network": eurocities.pk, "role": "member", "mandate_start": "2026-01-01", "mandate_end": "2027-12-31"},
    )
    assert response.status_code == 302  # was a 500: membership_save(networkmembership=…)
    membership = NetworkMembership.objects.get(city=city, network=eurocities)

    page = client.get(f"/{city.slug}/gestione/diplomazia/reti/").content.decode()
    edit = f"/{city.slug}/gestione/diplomazia/reti/{membership.pk}/modifica/"
    assert f'href="{edit}"' in page and "Rinnova" in page

    form = client.get(edit).context["form"]
    assert list(form.fields["network"].queryset) == [eurocities]  # its own network, though joined
    response = client.post(
        edit, {"network": eurocities.pk, "role": "vice_chair", "role_detail": "Forum Ambiente", "mandate_start": ""}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.role_detail) == ("vice_chair", "Forum Ambiente")
    # A network joined already is not offered for a second membership (one per network).
    assert (
        eurocities
        not in client.get(f"/{city.slug}/gestione/diplomazia/reti/nuova/").context["form"].fields["network"].queryset
    )


def test_a_viewer_sees_no_edit_link_on_the_networks(client, city, users):
    membership = NetworkMembership.objects.create(city=city, network=OrganisationFactory(city=city, kind="network"))
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/diplomazia/reti/").content.decode()
    assert f"/reti/{membership.pk}/modifica/" not in page


def test_the_relation_form_creates_a_missing_partner_and_returns_with_it(client, city, officer):
    new = f"/{city.slug}/gestione/diplomazia/relazioni/nuova/"
    page = client.get(new).content.decode()
    assert f'href="/{city.slug}/gestione/organizzazioni/nuova/?next={new}"' in page
    assert "Crea una nuova organizzazione" in page

    response = client.post(
        f"/{city.slug}/gestione/organizzazioni/nuova/?next={new}", {"name": "Lipsia", "kind": "city", "country": "DE"}
    )
    leipzig = Organisation.objects.get(city=city, name="Lipsia")
    assert (leipzig.kind, leipzig.country) == ("city", "DE")
    assert response["Location"] == f"{new}?organisation={leipzig.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form["partner"].value() == str(leipzig.pk)


def test_a_second_agreement_with_the_same_city_is_possible_but_not_of_the_same_kind(client, city, officer):
    leipzig = OrganisationFactory(city=city, kind="city", name="Lipsia", country="DE")
    Relation.objects.create(city=city, partner=leipzig, kind="twinning")
    new = f"/{city.slug}/gestione/diplomazia/relazioni/nuova/"
    assert leipzig in client.get(new).context["form"].fields["partner"].queryset

    response = client.post(new, {"partner": leipzig.pk, "kind": "agreement"})
    assert response.status_code == 302
    assert set(Relation.objects.filter(partner=leipzig).values_list("kind", flat=True)) == {"twinning", "agreement"}
    response = client.post(new, {"partner": leipzig.pk, "kind": "twinning"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()  # the constraint, said


@pytest.mark.parametrize(
    ("status", "offered"),
    [("active", ["active", "dormant", "ended"]), ("planned", ["planned", "active", "ended"])],
)
def test_the_status_form_is_preset_on_the_current_status(client, city, officer, status, offered):
    relation = Relation.objects.create(
        city=city, partner=OrganisationFactory(city=city), kind="twinning", status=status
    )
    page = client.get(f"/{city.slug}/gestione/diplomazia/relazioni/{relation.pk}/")
    field = page.context["status_form"]["status"]
    assert field.value() == status and [value for value, _label in field.field.choices] == offered
    assert '<option value="planned" selected>' not in page.content.decode() or status == "planned"

    response = client.post(f"/{city.slug}/gestione/diplomazia/relazioni/{relation.pk}/stato/", {"status": status})
    assert response.status_code == 200 and "scegli il nuovo stato" in response.content.decode()
    relation.refresh_from_db()
    assert relation.status == status  # a click without looking changes nothing


def test_an_ended_relation_shows_no_status_form(client, city, officer):
    relation = Relation.objects.create(
        city=city, partner=OrganisationFactory(city=city), kind="twinning", status="ended"
    )
    page = client.get(f"/{city.slug}/gestione/diplomazia/relazioni/{relation.pk}/")
    assert page.context["status_form"] is None and "Cambia stato" not in page.content.decode()


def test_relation_detail_separates_the_date_from_the_signing_act(client, city, officer):
    relation = Relation.objects.create(
        city=city,
        partner=OrganisationFactory(city=city, country="DE"),
        kind="twinning",
        signed_on=datetime.date(2026, 10, 5),
        signing_act="Delibera di Giunta PG 123/2026",
    )
    page = client.get(f"/{city.slug}/gestione/diplomazia/relazioni/{relation.pk}/").content.decode()
    assert "Delibera di Giunta PG 123/2026" in page
    assert '<dt class="col-sm-3">Atto di sottoscrizione</dt><dd class="col-sm-9">Delibera di Giunta' in page
    assert "2026 Delibera" not in page
    assert '<dd class="col-sm-9">Germania</dd>' in page  # the country by name


def test_mission_detail_keeps_participants_lines_and_shows_its_actions(client, city, officer, action):
    mission = Mission.objects.create(
        city=city, direction="outgoing", title="Missione a Lipsia", country="DE", participants="Sindaco\nAssessora"
    )
    mission.actions.add(action)
    page = client.get(f"/{city.slug}/gestione/diplomazia/missioni/{mission.pk}/").content.decode()
    assert "Sindaco<br>Assessora" in page
    assert "Azioni del Piano" in page and action.get_absolute_url() in page and action.title in page
    assert "Germania" in page

"""Countries are chosen by their Italian name and kept as ISO codes: typing "Germania" in a
2-character field was silently cut to "GE" (Georgia). Pages show names, exports keep codes."""

import csv
import io
import re

import pytest
from django.utils import translation

from ponte.cooperation.models import Initiative
from ponte.core.countries import CountriesField, CountryField, country_choices, country_name
from ponte.core.models import Organisation
from ponte.diplomacy.models import Mission, Relation
from ponte.factories import OrganisationFactory
from ponte.funding.tests.factories import ProjectFactory


def test_names_in_the_active_language_sorted_by_name():
    with translation.override("it"):
        names = dict(country_choices())
        assert names["DE"] == "Germania" and names["GE"] == "Georgia" and names["KR"] == "Corea del Sud"
        labels = [label for _code, label in country_choices()]
        assert labels.index("Germania") < labels.index("Giappone") < labels.index("Grecia")
        assert country_name("de") == "Germania" and country_name("EL") == "Grecia" and country_name("XK") == "Kosovo"
        assert country_name("ZZ") == "ZZ" and country_name("") == ""
    with translation.override("en"):
        assert country_name("DE") == "Germany"


@pytest.fixture
def staff(client, users):
    client.force_login(users["admin"])
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/{c}/gestione/organizzazioni/nuova/",
        "/{c}/gestione/diplomazia/missioni/nuova/",
        "/{c}/gestione/fondi/progetti/{project}/partner/",
    ],
)
def test_every_country_field_is_a_searchable_choice_of_names(staff, city, path):
    project = ProjectFactory(programme__city=city)
    response = staff.get(path.format(c=city.slug, project=project.pk))
    field = response.context["form"].fields["country"]
    assert isinstance(field, CountryField) and field.label == "Paese"
    page = response.content.decode()
    assert '<option value="DE">Germania</option>' in page
    (select,) = re.findall(r'<select[^>]*name="country"[^>]*>', page)
    assert 'data-autocomplete="single"' in select  # searchable by typing (forms.js)
    assert "codice ISO" not in page


def test_a_typed_name_is_refused_not_cut_and_a_chosen_country_is_kept(staff, city):
    path = f"/{city.slug}/gestione/organizzazioni/nuova/"
    response = staff.post(path, {"name": "Lipsia", "kind": "city", "country": "Germania"})
    assert response.status_code == 200 and response.context["form"].errors["country"]
    assert not Organisation.objects.filter(name="Lipsia").exists()
    assert staff.post(path, {"name": "Lipsia", "kind": "city", "country": "DE"}).status_code == 302
    assert Organisation.objects.get(name="Lipsia").country == "DE"


def test_a_stored_code_outside_the_list_stays_a_choice(staff, city):
    athens = OrganisationFactory(city=city, name="Atene", kind="city", country="EL")  # an EU code
    path = f"/{city.slug}/gestione/organizzazioni/{athens.pk}/modifica/"
    assert '<option value="EL" selected>EL</option>' in staff.get(path).content.decode()
    assert staff.post(path, {"name": "Atene", "kind": "city", "country": "EL"}).status_code == 302


def test_mission_country_chosen_by_code(staff, city):
    response = staff.post(
        f"/{city.slug}/gestione/diplomazia/missioni/nuova/",
        {"direction": "outgoing", "title": "Missione a Lipsia", "country": "DE"},
    )
    assert response.status_code == 302 and Mission.objects.get(title="Missione a Lipsia").country == "DE"


def test_an_initiative_names_several_countries(staff, city):
    path = f"/{city.slug}/gestione/cooperazione/nuova/"
    field = staff.get(path).context["form"].fields["countries"]
    assert isinstance(field, CountriesField) and field.label == "Paesi"
    response = staff.post(path, {"kind": "development", "title": "Acqua", "countries": ["MA", "SN"]})
    assert response.status_code == 302, response.context["form"].errors
    initiative = Initiative.objects.get(title="Acqua")
    assert initiative.countries == "MA, SN" and initiative.country_list == ["MA", "SN"]
    edit = f"/{city.slug}/gestione/cooperazione/{initiative.pk}/modifica/"
    page = staff.get(edit).content.decode()
    assert (
        '<option value="MA" selected>Marocco</option>' in page
        and '<option value="SN" selected>Senegal</option>' in page
    )
    assert "Marocco, Senegal" in staff.get(f"/{city.slug}/gestione/cooperazione/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/{c}/gestione/diplomazia/relazioni/",
        "/{c}/gestione/diplomazia/rappresentanze/",
        "/{c}/gestione/organizzazioni/",
        "/{c}/gestione/fondi/partner/",
        "/{c}/gestione/cooperazione/",
    ],
)
def test_country_filters_are_a_choice_of_names(staff, city, path):
    page = staff.get(path.format(c=city.slug)).content.decode()
    assert '<option value="DE">Germania</option>' in page and "codice ISO" not in page


def test_relations_filtered_by_country_show_names_and_export_codes(staff, city):
    for name, country in [("Lipsia", "DE"), ("Tbilisi", "GE")]:
        Relation.objects.create(
            city=city, partner=OrganisationFactory(city=city, name=name, country=country), kind="twinning"
        )
    path = f"/{city.slug}/gestione/diplomazia/relazioni/"
    response = staff.get(path, {"country": "DE"})
    assert [r.partner.name for r in response.context["object_list"]] == ["Lipsia"]
    assert "<td>Germania</td>" in response.content.decode()
    assert [r.partner.name for r in staff.get(path, {"country": "de"}).context["object_list"]] == [
        "Lipsia"
    ]  # old links
    raw = b"".join(staff.get(path, {"country": "DE", "export": "csv"}).streaming_content)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["Lipsia", "DE"]  # exports keep the code

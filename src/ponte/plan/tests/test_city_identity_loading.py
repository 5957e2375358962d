"""The Comune's identity on the portal (issue 15) comes from city.yaml: region, contacts, social
pages and the address of the accessibility declaration; a wrong e-mail or a link that is no web
address is refused with the file and the field named, and nothing is loaded."""

import io

import pytest
from django.core.management import CommandError, call_command

from ponte.core.models import City

PLAN = "plan: {slug: p, title: Piano di Modena, start_year: 2025, end_year: 2028}\n"
PLAN_YAML = (
    "macro_areas:\n  - code: '1'\n    title: Europa\n    lines:\n      - code: '1.1'\n        title: Linea\n"
    "        actions:\n          - {code: '1.1.1', title: Prima azione}\n"
)


def data_set(tmp_path, city_lines):
    folder = tmp_path / "modena"
    folder.mkdir()
    (folder / "city.yaml").write_text("city:\n  slug: modena\n  name: Modena\n" + city_lines + PLAN, encoding="utf-8")
    (folder / "plan.yaml").write_text(PLAN_YAML, encoding="utf-8")
    return folder


def test_the_identity_is_loaded_from_city_yaml(db, tmp_path):
    folder = data_set(
        tmp_path,
        "  region: Regione Immaginaria\n"
        "  region_website: https://regione.example.org\n"
        "  address: Piazza Grande 1\n"
        "  phone: +39 000 000000\n"
        "  pec: protocollo@pec.example.org\n"
        "  email: urp@example.org\n"
        "  accessibility_declaration_url: https://form.agid.gov.it/view/abc\n"
        "  social:\n    Facebook: https://social.example.org/modena\n",
    )
    call_command("load_plan", str(folder), stdout=io.StringIO())
    city = City.objects.get(slug="modena")
    assert (city.region, city.region_website, city.address, city.phone) == (
        "Regione Immaginaria",
        "https://regione.example.org",
        "Piazza Grande 1",
        "+39 000 000000",
    )
    assert (city.pec, city.email) == ("protocollo@pec.example.org", "urp@example.org")
    assert city.accessibility_declaration_url == "https://form.agid.gov.it/view/abc"
    assert city.social_link_items == [("Facebook", "https://social.example.org/modena")]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("  pec: not-an-address\n", "pec"),
        ("  social:\n    Facebook: javascript:alert(1)\n", "Facebook"),
        ("  accessibility_declaration_url: data:text/html,x\n", "accessibility_declaration_url"),
    ],
)
def test_a_wrong_contact_or_link_is_refused(db, tmp_path, capsys, line, field):
    with pytest.raises(CommandError):
        call_command("load_plan", str(data_set(tmp_path, line)), stdout=io.StringIO())
    error = capsys.readouterr().err
    assert "city.yaml" in error and field in error
    assert not City.objects.filter(slug="modena").exists()


def test_the_bologna_data_set_names_its_region_and_invents_no_contacts(db):
    from ponte.plan.tests.test_dataset import BOLOGNA

    call_command("load_plan", str(BOLOGNA), stdout=io.StringIO())
    bologna = City.objects.get(slug="bologna")
    assert bologna.region == "Regione Emilia-Romagna"
    assert (bologna.address, bologna.phone, bologna.pec, bologna.email, bologna.social_links) == ("", "", "", "", {})

"""One identity per organisation: CORDIS participants matched to the directory's records by PIC,
VAT number or name before any is created; the city's own record recognised by its tax code; the
directory listing the records that look like one organisation twice."""

import io

import pytest
from django.core.management import call_command

from ponte.core.identity import name_key, possible_duplicates
from ponte.core.models import ImportJob, Organisation
from ponte.factories import OrganisationFactory
from ponte.funding.models import Participation, Project
from ponte.funding.tests.factories import ProgrammeFactory

ORGANISATIONS = (
    '"projectID";"projectAcronym";"organisationID";"vatNumber";"name";"shortName";"SME";"activityType";"street";'
    '"postCode";"city";"country";"nutsCode";"geolocation";"organizationURL";"contactForm";"contentUpdateDate";"rcn";'
    '"order";"role";"ecContribution";"netEcContribution";"totalCost";"endOfParticipation";"active"\n'
    '"101096817";"GREENBOL";"999840817";"IT01232710374";"COMUNE DI BOLOGNA";"";"false";"PUB";"";"";"BOLOGNA";"IT";'
    '"";"";"";"";"";"1";"1";"coordinator";"500000";"500000";"500000";"false";""\n'
    '"101096817";"GREENBOL";"999984059";"IT80007010376";"ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA";"UNIBO";'
    '"false";"HES";"";"";"BOLOGNA";"IT";"";"";"";"";"";"2";"2";"participant";"300000";"300000";"300000";"false";""\n'
    '"101096817";"GREENBOL";"999999999";"ESB66340514";"COMET GLOBAL INNOVATION, SL";"COMET";"true";"PRC";"";"";'
    '"Barcelona";"ES";"";"";"";"";"";"3";"3";"participant";"100000";"100000";"100000";"false";""\n'
    '"101096817";"GREENBOL";"888888888";"";"Fundació Ajuntament de València";"";"false";"PUB";"";"";"VALENCIA";"ES";'
    '"";"";"";"";"";"4";"4";"participant";"50000";"50000";"50000";"false";""\n'
)
PROJECTS = (
    '"id";"acronym";"status";"title";"startDate";"endDate";"totalCost";"ecMaxContribution";"legalBasis";"topics";'
    '"ecSignatureDate";"frameworkProgramme";"masterCall";"subCall";"fundingScheme";"nature";"objective";'
    '"contentUpdateDate";"rcn";"grantDoi"\n'
    '"101096817";"GREENBOL";"SIGNED";"Green Bologna";"2023-01-01";"2027-12-31";"950000";"950000";"HORIZON.2.5";"";'
    '"";"HORIZON";"";"";"IA";"";"Greener streets";"";"1";""\n'
)


@pytest.fixture
def bologna(city):
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="diretti", kind="direct")
    return city


def import_cordis(city, tmp_path):
    organisations, projects = tmp_path / "organization.csv", tmp_path / "project.csv"
    organisations.write_text(ORGANISATIONS, encoding="utf-8")
    projects.write_text(PROJECTS, encoding="utf-8")
    out = io.StringIO()
    call_command("import_funding", "cordis", str(organisations), str(projects), "--city", city.slug, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA", "Alma Mater Studiorum – Università di Bologna"),
        ("COMET GLOBAL INNOVATION, SL", "Comet Global Innovation"),
        ("Fundació Ajuntament de València", "FUNDACIO AJUNTAMENT DE VALENCIA"),
    ],
)
def test_names_as_two_sources_write_one_organisation(a, b):
    assert name_key(a) == name_key(b)


def test_participants_are_matched_to_the_directory_before_any_is_created(bologna, tmp_path):
    own = OrganisationFactory(city=bologna, slug="casa", name="City of Bologna", tax_code="01232710374", parent=None)
    unibo = OrganisationFactory(city=bologna, slug="unibo", name="Alma Mater Studiorum - Università di Bologna")
    comet = OrganisationFactory(city=bologna, slug="comet", name="Comet", tax_code="ESB66340514")
    valencia = OrganisationFactory(city=bologna, slug="fav", name="Fundació Ajuntament de València", pic="888888888")
    before = Organisation.objects.count()

    output = import_cordis(bologna, tmp_path)

    assert Organisation.objects.count() == before  # every participant was already in the directory
    project = Project.objects.get(city=bologna, origin="cordis")
    by_pic = {p.pic: p.organisation for p in Participation.objects.filter(project=project)}
    assert by_pic == {"999840817": own, "999984059": unibo, "999999999": comet, "888888888": valencia}
    unibo.refresh_from_db()
    comet.refresh_from_db()
    own.refresh_from_db()
    assert (unibo.pic, unibo.tax_code) == ("999984059", "80007010376")  # learnt from CORDIS
    assert (comet.pic, comet.name) == ("999999999", "Comet")  # staff's name kept
    assert own.pic == "999840817" and own.name == "City of Bologna"
    job = ImportJob.objects.get(kind="cordis")
    assert len(job.warnings) == 1 and "1 per partita IVA, 1 per nome" in job.warnings[0], job.warnings
    assert "1 per partita IVA, 1 per nome" in output

    # Imported again: the PIC now finds them all, nothing new, no warning of matches by name.
    import_cordis(bologna, tmp_path)
    assert Organisation.objects.count() == before
    assert ImportJob.objects.filter(kind="cordis").latest("pk").warnings == []


def test_without_a_record_of_the_city_one_is_created_under_its_own_name(bologna, tmp_path):
    import_cordis(bologna, tmp_path)
    own = Participation.objects.get(pic="999840817").organisation
    assert (own.name, own.tax_code, own.parent) == ("Comune di Bologna", "01232710374", None)
    assert Organisation.objects.filter(name__iexact="comune di bologna").count() == 1
    import_cordis(bologna, tmp_path)
    assert Organisation.objects.filter(name__iexact="comune di bologna").count() == 1


def test_possible_duplicates_share_a_pic_a_vat_number_or_a_name(bologna):
    a = OrganisationFactory(city=bologna, name="Università di Bologna", pic="999984059")
    b = OrganisationFactory(city=bologna, name="UNIVERSITA' DI BOLOGNA")
    c = OrganisationFactory(city=bologna, name="Alma Mater", pic="999984059")
    d = OrganisationFactory(city=bologna, name="ACME S.p.A.", tax_code="01234567890")
    e = OrganisationFactory(city=bologna, name="Acme Italia", tax_code="1234567890")  # lost its zero
    f = OrganisationFactory(city=bologna, name="Something else")
    groups = [set(group) for group in possible_duplicates(bologna)]
    assert {a, b} in groups and {a, c} in groups
    e.full_clean()  # the tax code normalised as it is saved from the form
    e.save()
    groups = [set(group) for group in possible_duplicates(bologna)]
    assert {d, e} in groups
    assert all(f not in group for group in groups)

"""Journey: after a CORDIS import, the officer who keeps the directory finds the records that
look like one organisation twice, opens the merge from the list with the duplicate already
chosen, confirms, and finds one organisation with the other's projects — at 1366 px and 375 px."""

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import Organisation
from ponte.factories import OrganisationFactory
from ponte.funding.models import Participation
from ponte.funding.tests.factories import ParticipationFactory, ProgrammeFactory, ProjectFactory


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_directory_keeper_merges_a_duplicate_the_list_points_at(visit, city, users, width):
    kept = OrganisationFactory(city=city, name="Alma Mater Studiorum - Università di Bologna", kind="university")
    duplicate = OrganisationFactory(
        city=city, name="ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA", pic="999984059", kind="university"
    )
    project = ProjectFactory(programme=ProgrammeFactory(city=city), title="Green Bologna")
    participation = ParticipationFactory(project=project, organisation=duplicate, pic="999984059")
    OrganisationFactory(city=city, name="Università di Padova", kind="university")

    page = visit(f"/{city.slug}/gestione/organizzazioni/", user=users["diplomacy"], width=width)
    callout = page.locator(".callout").filter(has_text="Possibili duplicati")
    expect(callout).to_contain_text("Alma Mater Studiorum - Università di Bologna")
    expect(callout).to_contain_text("PIC 999984059")
    expect(callout).not_to_contain_text("Padova")
    shoot(page, f"directory-duplicates-{width}")
    callout.get_by_role(
        "link",
        name="Unisci “ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA” a “Alma Mater Studiorum - Università di Bologna”",
    ).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Alma Mater Studiorum - Università di Bologna")
    expect(page.locator("select[name=other]")).to_have_value(str(duplicate.pk))  # chosen already
    expect(page.locator("form.col-lg-8")).to_contain_text("ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA")
    page.locator("label", has_text="Ho capito che il duplicato viene eliminato").click()  # as a person ticks it
    expect(page.get_by_label("Ho capito che il duplicato viene eliminato")).to_be_checked()
    shoot(page, f"directory-merge-{width}")
    page.get_by_role("button", name="Unisci", exact=True).click()

    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text("unito a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alma Mater Studiorum - Università di Bologna")
    expect(page.get_by_text("999984059", exact=True)).to_be_visible()  # the PIC came with the duplicate
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    participation = Participation.objects.get(pk=participation.pk)
    assert participation.organisation_id == kept.pk
    kept.refresh_from_db()
    assert kept.pic == "999984059"

    page.goto(page.url.split("/organizzazioni/")[0] + "/organizzazioni/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organizzazioni")
    expect(page.locator(".callout").filter(has_text="Possibili duplicati")).to_have_count(0)

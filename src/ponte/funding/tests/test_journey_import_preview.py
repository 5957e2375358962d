"""Journey: an EU funds officer previews Italia Domani's 2023 release before importing it, at
1366 px and 375 px: the columns as the file names them and as Ponte reads them, the first
projects as they would be stored (readable titles, Italian amounts), what the import would do,
and nothing written; then imports it with one click and finds the 9 projects."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import ImportJob
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory

RELEASE_2023 = Path(settings.BASE_DIR) / "data" / "bologna" / "pnrr-comune-di-bologna-2023-02.csv"


@pytest.fixture
def comune(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    return city


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_funds_officer_previews_the_pnrr_release_then_imports_it(visit, comune, users, width):
    page = visit(f"/{comune.slug}/gestione/importazioni/", user=users["funds"], width=width)
    page.get_by_label("Fonte").select_option(label="Italia Domani – PNRR_Progetti.csv")
    page.get_by_label(re.compile(r"^File\b")).set_input_files(str(RELEASE_2023))
    page.get_by_role("button", name="Anteprima", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Anteprima: Italia Domani (PNRR)")
    expect(page.locator("#import-state")).to_contain_text("Anteprima: nulla è stato scritto")
    expect(page.get_by_text("9 progetti creati, 0 aggiornati, 0 invariati")).to_be_visible()
    expect(page.get_by_text("Versione riconosciuta: Italia Domani, PNRR_Progetti_Dati_Validati (2023")).to_be_visible()
    page.get_by_text("Le 50 colonne di pnrr-comune-di-bologna-2023-02.csv").click()  # folded: a long list
    columns = page.get_by_role("region", name="Colonne di pnrr-comune-di-bologna-2023-02.csv")
    expect(columns.get_by_role("row").filter(has_text="Codice CID")).to_contain_text("non usata")
    title_row = columns.get_by_role("row").filter(has_text="Titolo progetto")
    expect(title_row).to_contain_text("Titolo Progetto")  # the 2023 lower-case name, read as today's
    expect(columns.get_by_role("row").filter(has_text="Data aggiornamento")).to_contain_text("Data di Estrazione")
    expect(page.get_by_text("1.2c_a944Comune di Bologna")).to_be_visible()  # the title as published…
    expect(page.get_by_text("Implementazione di un piano di migrazione al cloud", exact=False)).to_be_visible()
    expect(page.get_by_text("4.479.314,00").first).to_be_visible()
    shoot(page, f"import-preview-{width}")
    assert not Project.objects.exists()  # a preview writes nothing
    assert ImportJob.objects.get().dry_run

    page.get_by_role("button", name="Importalo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importazione da Italia Domani (PNRR)")
    expect(page.locator("#import-state")).to_contain_text("Completata")
    expect(page.get_by_text("9 progetti creati, 0 aggiornati, 0 invariati")).to_be_visible()
    assert Project.objects.filter(city=comune, origin="pnrr").count() == 9
    preview, job = ImportJob.objects.order_by("pk")
    assert job.file.name == preview.file.name and not job.dry_run  # the file stored once, imported as previewed

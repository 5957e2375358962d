"""Journeys through the Imports page in Chromium at 1366 px and 375 px: an EU funds officer
uploads the CSV Excel saved on Windows (Windows-1252) and sees it complete with the projects and
their accented names right; then uploads a PNG by mistake and sees the job fail with the reason,
within seconds; a running job's page follows it by itself until it ends."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.jobs import progress_key
from ponte.core.models import ImportJob
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


@pytest.fixture
def comune(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city.istat_code, city.tax_code = "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    return city


def upload(page, source, path):
    page.get_by_label("Fonte").select_option(label=source)
    page.get_by_label(re.compile(r"^File\b")).set_input_files(str(path))
    page.get_by_role("button", name="Importa", exact=True).click()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_funds_officer_imports_an_excel_csv_then_a_png(visit, comune, users, width):
    page = visit(f"/{comune.slug}/gestione/importazioni/", user=users["funds"], width=width)
    expect(page.get_by_role("heading", level=1)).to_have_text("Importazione di dati aperti")

    upload(page, "OpenCoesione – progetti_esteso (CSV o Parquet)", FIXTURES / "opencoesione_windows1252.csv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importazione da OpenCoesione")
    expect(page).to_have_title(re.compile(r"^Importazione da OpenCoesione · Ponte"))
    expect(page.locator("#import-state")).to_contain_text("Completata")
    expect(page.get_by_text("2 progetti creati, 0 aggiornati, 0 invariati")).to_be_visible()
    expect(page.get_by_text("Codifica del file: Windows-1252 (opencoesione_windows1252.csv)")).to_be_visible()
    shoot(page, f"import-windows1252-done-{width}")
    titles = dict(Project.objects.filter(city=comune).values_list("external_id", "title"))
    assert titles == {
        "1BO-CITTA-VERDE": "Città più verde: alberi in periferia",
        "2BO-SCUOLE-EFF": "Scuole più efficienti – lotto è",
    }
    assert Project.objects.get(external_id="1BO-CITTA-VERDE").description == "Cantiere è partito – costo 1.000 €"

    page.get_by_role("link", name="Tutte le importazioni").click()
    upload(page, "Italia Domani – PNRR_Progetti.csv", FIXTURES / "image.png")
    alert = page.locator("#import-state")
    expect(alert).to_contain_text("Non riuscita: nulla è cambiato")
    expect(alert).to_contain_text("image.png: Questo non è un file di testo: è un'immagine PNG.")
    expect(page.locator("progress")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("%")
    shoot(page, f"import-png-failed-{width}")
    assert ImportJob.objects.order_by("pk").last().status == ImportJob.Status.FAILED
    assert Project.objects.count() == 2

    page.get_by_role("link", name="Tutte le importazioni").click()
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Italia Domani (PNRR)")
    expect(rows.first).to_contain_text("Non riuscita")
    expect(rows.nth(1)).to_contain_text("OpenCoesione")
    expect(rows.nth(1)).to_contain_text("Completata")
    shoot(page, f"import-list-{width}")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_running_import_is_followed_until_it_ends(visit, comune, users, width):
    job = ImportJob.objects.create(
        city=comune, kind="opencoesione", status="running", started_at=timezone.now(), source_name="progetti.csv"
    )
    cache.set(progress_key(job.pk), {"rows": 1200, "bytes": 40, "total": 100, "at": timezone.now().timestamp()})
    page = visit(f"/{comune.slug}/gestione/importazioni/{job.pk}/", user=users["owner"], width=width)
    state = page.locator("#import-state [role=status]")
    expect(state).to_contain_text("In corso")
    expect(state).to_contain_text("40%")
    shoot(page, f"import-running-{width}")

    # The worker reads on, then finishes: the page shows it without anyone reloading it.
    cache.set(progress_key(job.pk), {"rows": 2400, "bytes": 80, "total": 100, "at": timezone.now().timestamp()})
    expect(state).to_contain_text("80%")
    expect(state).to_contain_text("2.400")
    ImportJob.objects.filter(pk=job.pk).update(
        status="done",
        rows_read=3000,
        summary={"created": {"projects": 3}, "updated": {}, "unchanged": {"projects": 0}},
        finished_at=timezone.now(),
    )
    expect(page.get_by_text("3 progetti creati, 0 aggiornati, 0 invariati")).to_be_visible()
    expect(page.locator("#import-state")).to_contain_text("Completata")
    expect(page.locator("progress")).to_have_count(0)

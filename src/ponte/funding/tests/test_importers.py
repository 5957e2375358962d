"""Each importer on its fixture: what it keeps, idempotent re-import, bad rows change nothing."""

import datetime
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ponte.core.models import City, ImportJob, Organisation
from ponte.funding.models import Call, Participation, Programme, Project
from ponte.funding.tests.factories import ProgrammeFactory

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def bologna(city):
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    for slug, kind in (("diretti", "direct"), ("indiretti", "indirect")):
        ProgrammeFactory(city=city, slug=slug, kind=kind)
    ProgrammeFactory(city=city, slug="horizon", kind="direct", name="Horizon Europe")
    ProgrammeFactory(city=city, slug="erasmus", kind="direct", name="Erasmus+")
    return city


def run(source, *files, city, **options):
    call_command(
        "import_funding",
        source,
        *[str(FIXTURES / f) for f in files],
        "--city",
        city.slug,
        stdout=io.StringIO(),
        **options,
    )


def snapshot():
    return (
        sorted(Project.objects.values_list("origin", "external_id", "title", "eu_contribution", "status")),
        Participation.objects.count(),
        Organisation.objects.count(),
        Call.objects.count(),
    )


def test_opencoesione_keeps_the_citys_projects(bologna):
    run("opencoesione", "progetti_esteso_sample.csv", city=bologna)
    projects = {p.external_id: p for p in Project.objects.filter(origin="opencoesione")}
    assert set(projects) == {"1BO-PONMETRO-BO1.1.1a", "2DEF-BO"}  # Ragusa and Bari are left out
    first = projects["1BO-PONMETRO-BO1.1.1a"]
    assert first.eu_contribution == Decimal("1500000.50") and first.total_budget == Decimal("2000000.00")
    assert (first.start_date, first.status, first.cup) == (datetime.date(2017, 3, 1), "closed", "F31B16000150007")
    # No mapping in this city's data set: a programme of its own, its capitals written as a sentence.
    assert first.programme.parent.slug == "indiretti" and first.programme.name == "PON citta' metropolitane"
    assert projects["2DEF-BO"].status == "running"
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


def test_pnrr_keeps_the_projects_the_city_implements(bologna):
    run("pnrr", "PNRR_Progetti_sample.csv", city=bologna)
    projects = {p.external_id: p for p in Project.objects.filter(origin="pnrr").select_related("programme__parent")}
    assert set(projects) == {"BO-PUI-RIGENERAZIONE-01", "BO-TRAM-LINEA-ROSSA"}
    tram = projects["BO-TRAM-LINEA-ROSSA"]
    assert tram.eu_contribution == Decimal("508500000.00") and tram.cofinancing == Decimal("1000000.00")
    assert tram.total_budget == tram.eu_contribution + tram.cofinancing
    assert tram.programme.slug == "pnrr-m2" and tram.programme.parent.slug == "pnrr"
    assert projects["BO-PUI-RIGENERAZIONE-01"].start_date == datetime.date(2022, 9, 1)  # 00/01/1900 means none


def test_cordis_imports_projects_and_consortia(bologna):
    run("cordis", "cordis_organization.csv", "cordis_project.csv", city=bologna)
    project = Project.objects.get(origin="cordis")
    assert (project.external_id, project.acronym, project.role) == ("101096817", "GREENBOL", "coordinator")
    assert project.total_budget == Decimal("9600619.95") and project.city_share == Decimal("1200000")
    assert project.programme.slug == "horizon"
    partners = {p.organisation.name: p for p in project.participations.select_related("organisation")}
    assert len(partners) == 3
    greek = partners["EREVNITIKO PANEPISTIMIAKO INSTITOUTO SYSTIMATON EPIKOINONION KAI YPOLOGISTON"]
    assert (greek.country, greek.pic, greek.eu_contribution) == ("GR", "999654356", Decimal("520625"))
    assert greek.organisation.kind == Organisation.Kind.UNIVERSITY
    assert not Project.objects.filter(external_id="101060884").exists()


def test_funding_tenders_reference_file_and_search_response(bologna):
    run("funding-tenders", "grantsTenders_sample.json", city=bologna)
    run("funding-tenders", "search_api_sample.json", city=bologna)
    calls = {c.identifier: c for c in Call.objects.select_related("programme")}
    assert len(calls) == 5
    erasmus = calls["ERASMUS-EDU-2022-ECHE-CERT-FP"]
    # "Open" in the file, but its last deadline (24 March 2026) has passed: closed in Ponte.
    assert erasmus.programme.slug == "erasmus" and erasmus.status == "closed"
    assert erasmus.deadline == datetime.date(2026, 3, 24)
    assert erasmus.opening_date == datetime.date(2022, 2, 23)
    assert calls["NEAR/BEG/2023/EA-RP/0169"].is_tender
    mission = calls["HORIZON-MISS-2027-CIT-01-01"]
    assert (mission.status, mission.deadline, mission.programme.slug) == (
        "forthcoming",
        datetime.date(2027, 4, 20),
        "horizon",
    )
    assert "digital twin" in mission.keywords


@pytest.mark.parametrize(
    ("source", "files"),
    [
        ("opencoesione", ["progetti_esteso_sample.csv"]),
        ("pnrr", ["PNRR_Progetti_sample.csv"]),
        ("cordis", ["cordis_organization.csv", "cordis_project.csv"]),
        ("funding-tenders", ["grantsTenders_sample.json"]),
    ],
)
def test_reimport_changes_nothing(bologna, source, files):
    run(source, *files, city=bologna)
    before = snapshot()
    run(source, *files, city=bologna)
    assert snapshot() == before
    assert ImportJob.objects.filter(status="done").count() == 2
    assert ImportJob.objects.order_by("-pk").first().summary["created"] == {}


def broken(tmp_path, name, old, new):
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    text = target.read_text(encoding="utf-8-sig" if name.endswith(".csv") else "utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8-sig" if name.endswith(".csv") else "utf-8")
    return target


@pytest.mark.parametrize(
    ("source", "name", "old", "new", "expected"),
    [
        ("opencoesione", "progetti_esteso_sample.csv", "20240115", "20241501", ("riga 4", "OC_DATA_INIZIO_PROGETTO")),
        ("opencoesione", "progetti_esteso_sample.csv", "F31B16000150007", "F31B1600015", ("riga 2", "CUP")),
        ("pnrr", "PNRR_Progetti_sample.csv", "12500000,00", "dodici milioni", ("riga 3", "Finanziamento PNRR")),
        ("funding-tenders", "search_api_sample.json", "2027-04-20T00", "2027-20-04T00", ("riga 2", "deadlineDate")),
    ],
)
def test_a_bad_row_changes_nothing(bologna, tmp_path, capsys, source, name, old, new, expected):
    run("opencoesione", "progetti_esteso_sample.csv", city=bologna)  # something already there
    before = snapshot()
    bad = broken(tmp_path, name, old, new)
    with pytest.raises(CommandError):
        call_command("import_funding", source, str(bad), "--city", bologna.slug)
    assert snapshot() == before
    errors = capsys.readouterr().err
    assert all(part in errors for part in expected), errors
    assert ImportJob.objects.filter(status=ImportJob.Status.FAILED).count() == 1


def test_missing_columns_are_named(bologna, tmp_path, capsys):
    bad = broken(tmp_path, "PNRR_Progetti_sample.csv", "Codice Fiscale Soggetto Attuatore", "CF Attuatore")
    with pytest.raises(CommandError):
        call_command("import_funding", "pnrr", str(bad), "--city", bologna.slug)
    assert "riga 1" in capsys.readouterr().err
    assert not Programme.objects.filter(slug="pnrr").exists()


def test_back_office_upload_runs_in_the_background_and_reports(client, users, bologna, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["editor"])
    assert client.get(f"/{bologna.slug}/gestione/importazioni/").status_code == 403
    client.force_login(users["owner"])
    with (FIXTURES / "cordis_organization.csv").open("rb") as orgs, (FIXTURES / "cordis_project.csv").open("rb") as prj:
        response = client.post(
            f"/{bologna.slug}/gestione/importazioni/", {"source": "cordis", "file": orgs, "extra_file": prj}
        )
    job = ImportJob.objects.get()
    assert response["Location"].endswith(f"/importazioni/{job.pk}/")
    page = client.get(response["Location"])
    assert page.context["job"].status == "done" and page.context["job"].percent == 100
    assert job.created_by == users["owner"] and Project.objects.filter(origin="cordis").count() == 1
    assert "http-equiv" not in page.content.decode()  # finished: no more refreshing


def test_back_office_upload_shows_every_error(client, users, bologna, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    bad = broken(tmp_path, "PNRR_Progetti_sample.csv", "12500000,00", "dodici milioni")
    client.force_login(users["owner"])
    with bad.open("rb") as handle:
        response = client.post(f"/{bologna.slug}/gestione/importazioni/", {"source": "pnrr", "file": handle})
    page = client.get(response["Location"]).content.decode()
    assert "dodici milioni" in page and "Finanziamento PNRR" in page
    assert not Project.objects.exists()


def test_ranking_puts_the_matching_call_first_with_its_reasons(db, django_capture_on_commit_callbacks):
    call_command("load_plan", str(Path(__file__).resolve().parents[4] / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get(slug="bologna")
    with django_capture_on_commit_callbacks(execute=True) as ranking:
        run("funding-tenders", "grantsTenders_sample.json", city=bologna)
        run("funding-tenders", "search_api_sample.json", city=bologna)
    assert ranking, "the ranking is queued once the import commits"
    calls = list(Call.objects.filter(city=bologna).order_by("-fit_score"))
    best = calls[0]
    assert best.identifier == "HORIZON-MISS-2027-CIT-01-01"
    assert best.fit_score >= 40 and all(best.fit_score > call.fit_score for call in calls[1:])
    reasons = " ".join(best.fit_reasons)
    assert "3.1.10" in reasons or "3.3.2" in reasons or "Missione clima" in reasons, reasons
    tender = Call.objects.get(identifier="NEAR/BEG/2023/EA-RP/0169")
    assert tender.fit_score == 0 and "gara" in tender.fit_reasons[0] or "tender" in tender.fit_reasons[0]
    assert Call.objects.get(identifier="HORIZON-EIC-2026-STEP").fit_score == 0


@pytest.mark.parametrize(
    ("source", "files", "rows"),
    [
        ("opencoesione", ["progetti_esteso_sample.csv"], 4),
        ("pnrr", ["PNRR_Progetti_sample.csv"], 3),
        ("cordis", ["cordis_organization.csv", "cordis_project.csv"], 6),
        ("funding-tenders", ["grantsTenders_sample.json"], 3),
    ],
)
def test_jobs_count_the_data_rows_read(bologna, source, files, rows):
    run(source, *files, city=bologna)
    job = ImportJob.objects.get()
    assert job.rows_read == rows and job.percent == 100

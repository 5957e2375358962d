"""The Italia Domani importer on each release as published, one test a quirk: the 2023 validated
release (the Comune di Bologna's real 9 projects, shipped in the data set), a 2022-style release
and the Italian ways of writing amounts. Run through `import_funding`, as staff and `make` do."""

import datetime
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from ponte.core.models import ImportJob
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory
from ponte.testing import body

FIXTURES = Path(__file__).parent / "fixtures"
BOLOGNA_2023 = Path(__file__).resolve().parents[4] / "data" / "bologna" / "pnrr-comune-di-bologna-2023-02.csv"


@pytest.fixture
def bologna(city):
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    return city


def imported(path, city):
    out = io.StringIO()
    call_command("import_funding", "pnrr", str(path), "--city", city.slug, stdout=out)
    return out.getvalue()


def test_the_2023_release_in_lower_case_with_the_tax_code_missing_its_zero(bologna):
    """Column names in lower case (`Titolo progetto`) and `1232710374` for 01232710374: all 9
    projects of the Comune are kept, with the release's published totals."""
    assert "1232710374;" in BOLOGNA_2023.read_text(encoding="utf-8-sig")  # the quirk is in the file
    imported(BOLOGNA_2023, bologna)
    projects = Project.objects.filter(city=bologna, origin="pnrr")
    assert projects.count() == 9
    assert sum(p.eu_contribution for p in projects) == Decimal("476662567")
    assert sum(p.total_budget for p in projects) == Decimal("836963127")
    assert set(projects.values_list("source_date", flat=True)) == {
        datetime.date(2023, 2, 21),
        datetime.date(2023, 2, 20),
        datetime.date(2023, 1, 20),
    }  # `Data aggiornamento`, the 2023 name of `Data di Estrazione`
    job = ImportJob.objects.get(kind="pnrr")
    assert job.status == ImportJob.Status.DONE and not job.warnings


def test_titles_that_are_codes_read_as_what_the_project_is(bologna):
    """`Prot num: 77763`, `1.2c_a944Comune di Bologna`, `CUP Comune di Bologna - Bus` and titles in
    capitals are shown from the source's own description; the published title is kept."""
    imported(BOLOGNA_2023, bologna)
    titles = dict(Project.objects.filter(city=bologna).values_list("source_title", "title"))
    assert (
        titles["Prot num: 77763"]
        == "Demolizione e ricostruzione di un nuovo edificio pubblico adibito ad uso scolastico"
    )
    assert titles["1.2c_a944Comune di Bologna"].startswith("Implementazione di un piano di migrazione al cloud")
    # The works as the CUP summary names them (the source itself cut the accent of "mobilità").
    assert titles["CUP Comune di Bologna"] == "Rafforzamento della mobilit ciclistica"
    assert titles["1.4.3 - app c_a944Comune di Bologna"] == (
        "Realizzazione di interventi di attivazione dei servizi su app IO"
    )
    red_line = "LINEA TRANVIARIA*TERRITORIO COMUNALE*PRIMA LINEA TRANVIARIA DI BOLOGNA - LINEA ROSSA"
    assert titles[red_line] == "Prima linea tranviaria di Bologna - linea rossa"
    # A title that says what the project is stays as published, with no second title.
    garden = Project.objects.get(city=bologna, title="Giardino all'italiana Villa Zambeccari")
    assert garden.source_title == ""
    assert garden.attribution == "Fonte: Italia Domani – open data PNRR (CC BY 4.0)"


def test_the_2022_release_windows_1252_trailing_spaces_n_d_and_thousands_dots(bologna):
    out = imported(FIXTURES / "PNRR_Progetti_2022.csv", bologna)
    assert "Windows-1252" in out or "Latin-1" in out  # the encoding it was read in is said
    tram = Project.objects.get(city=bologna, external_id="BO-TRAM-2022-01")  # `Codice Locale Progetto `
    assert tram.eu_contribution == Decimal("114000000")  # `114.000.000`
    assert tram.cofinancing == Decimal("40000")  # `40.000` is forty thousand euros, never 40
    assert tram.total_budget == Decimal("114040000")
    assert tram.cup == "F31E19000080001"  # `CUP ` with its trailing space
    assert tram.source_date == datetime.date(2022, 12, 15)
    centre = Project.objects.get(city=bologna, external_id="BO-PUI-2022-02")
    assert centre.cofinancing == Decimal("1250.50")  # `1.250,50`
    assert centre.title == "Riqualificazione del centro civico di quartiere e degli spazi pubblici"
    assert Project.objects.filter(city=bologna).count() == 2  # Piovene Rocchette's project is not the city's


def test_n_d_is_no_amount_and_an_unreadable_amount_is_named_with_its_row(bologna, tmp_path):
    target = tmp_path / "PNRR_Progetti_2022.csv"
    shutil.copy(FIXTURES / "PNRR_Progetti_2022.csv", target)
    imported(target, bologna)
    assert Project.objects.get(external_id="BO-TRAM-2022-01").city_share is None
    text = target.read_text(encoding="cp1252").replace("114.000.000", "centoquattordici milioni")
    target.write_text(text, encoding="cp1252")
    with pytest.raises(Exception, match="problem"):
        imported(target, bologna)
    job = ImportJob.objects.filter(status=ImportJob.Status.FAILED).get()
    [error] = job.errors
    assert (error["row"], error["field"]) == (2, "Finanziamento PNRR")
    assert "“centoquattordici milioni”" in error["message"]  # as written, not as read
    assert Project.objects.get(external_id="BO-TRAM-2022-01").eu_contribution == Decimal("114000000")  # unchanged


def test_zero_projects_kept_says_why(bologna):
    """A wrong tax code in city.yaml: the import keeps nothing and the warning names the rows that
    call themselves the Comune with another code."""
    bologna.tax_code = "80000000000"
    bologna.save()
    out = imported(BOLOGNA_2023, bologna)
    assert not Project.objects.exists()
    job = ImportJob.objects.get(kind="pnrr")
    warning = " ".join(job.warnings)
    assert "0 di 9 righe" in warning or "0 of 9 rows" in warning, warning
    assert "9" in warning and "COMUNE DI BOLOGNA" in warning and "1232710374" in warning
    assert "COMUNE DI BOLOGNA" in out


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1706633,17", "1706633.17"),
        ("1.706.633,17", "1706633.17"),
        ("114.000.000", "114000000"),
        ("40.000", "40000"),
        ("4479314.00", "4479314.00"),
        ("1,234,567.89", "1234567.89"),
        ("€ 1 500", "1500"),
        ("0,5", "0.5"),
        ("N/D", None),
        ("n.d.", None),
        ("", None),
    ],
)
def test_amounts_as_italian_sources_write_them(bologna, tmp_path, written, amount):
    source = (FIXTURES / "PNRR_Progetti_2022.csv").read_text(encoding="cp1252")
    target = tmp_path / "PNRR_Progetti_2022.csv"
    target.write_text(source.replace(";40.000;", f";{written};"), encoding="cp1252")
    imported(target, bologna)
    cofinancing = Project.objects.get(external_id="BO-TRAM-2022-01").cofinancing
    assert cofinancing == (Decimal(amount) if amount else None)


def test_summaries_in_capitals_read_as_italian(bologna):
    """The CUP summary "NAME*PLACE*WORKS" in capitals: name and place as names, works as a sentence."""
    imported(BOLOGNA_2023, bologna)
    school = Project.objects.get(city=bologna, source_title="Prot num: 77763")
    assert school.description == (
        "Scuole Armandi Avogli — Via Saragozza 238 — Demolizione e ricostruzione di un nuovo edificio pubblico "
        "adibito ad uso scolastico"
    )
    garden = Project.objects.get(city=bologna, title="Giardino all'italiana Villa Zambeccari")
    assert garden.description.startswith("Parco di Villa Spada — Via Casaglia 3 — Recupero di tutti gli elementi")


def test_a_fresh_data_set_reconciles_the_pnrr_with_the_plan_and_says_why_it_differs(db, client):
    """The data set loads the 9 projects; the portfolio sets them against the plan's "oltre 660
    milioni" and explains the difference (projects granted after the release)."""
    from django.conf import settings

    from ponte.core.models import City, Membership
    from ponte.factories import MembershipFactory

    call_command("load_plan", str(Path(settings.BASE_DIR) / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get()
    client.force_login(MembershipFactory(city=bologna, role=Membership.Role.FUNDS_OFFICER).user)
    page = client.get(f"/{bologna.slug}/gestione/fondi/").content.decode()
    assert "476.662.567,00" in page and "660.000.000,00" in page and "-183.337.433,00" in page
    assert "Informazioni sulle differenze" in page and "rilascio di Italia Domani di febbraio 2023" in page
    call_command("load_plan", str(Path(settings.BASE_DIR) / "data" / "bologna"), stdout=io.StringIO())
    assert Project.objects.filter(city=bologna, origin="pnrr").count() == 9  # a second load adds nothing


def import_calls(path, city):
    out = io.StringIO()
    call_command("import_funding", "funding-tenders", str(path), "--city", city.slug, stdout=out)
    return out.getvalue()


def test_a_topic_published_without_identifier_is_kept_under_its_call_never_refusing_the_file(bologna, tmp_path):
    """A real search result had `identifier: null` (an MSCA topic with a `callIdentifier`): it is
    kept under its call's identifier, an item with neither is skipped, each with a warning."""
    import json

    from ponte.funding.models import Call

    document = json.loads((FIXTURES / "search_api_sample.json").read_text(encoding="utf-8"))
    document["results"][1]["metadata"]["identifier"] = None
    orphan = json.loads(json.dumps(document["results"][0]))
    orphan["metadata"]["identifier"], orphan["metadata"]["callIdentifier"] = [None], None
    document["results"].append(orphan)
    target = tmp_path / "search.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    import_calls(target, bologna)
    assert set(Call.objects.values_list("identifier", flat=True)) == {
        "HORIZON-EIC-2026-STEP",
        "HORIZON-MISS-2027-CIT-01",
    }
    warnings = " ".join(ImportJob.objects.get(kind="funding-tenders").warnings)
    assert "HORIZON-MISS-2027-CIT-01" in warnings and "3" in warnings  # the skipped item, by its position


def test_calls_past_their_deadline_are_closed_on_import_and_daily(bologna, tmp_path):
    from ponte.funding.models import Call

    import_calls(FIXTURES / "search_api_sample.json", bologna)
    # The file says "open" (31094502) for a topic whose deadline, 25 November 2026, has passed.
    passed = Call.objects.get(identifier="HORIZON-EIC-2026-STEP")
    assert passed.deadline < datetime.date.today() and passed.status == Call.Status.CLOSED
    upcoming = Call.objects.get(identifier="HORIZON-MISS-2027-CIT-01-01")
    assert upcoming.status == Call.Status.FORTHCOMING
    # A day after its deadline, the daily run closes it and says so.
    Call.objects.filter(pk=upcoming.pk).update(deadline=datetime.date.today() - datetime.timedelta(days=1))
    out = io.StringIO()
    call_command("rank_calls", "--city", bologna.slug, stdout=out)
    assert Call.objects.get(pk=upcoming.pk).status == Call.Status.CLOSED
    assert "1" in out.getvalue() and bologna.slug in out.getvalue()


def cordis_files(tmp_path, replace=()):
    paths = []
    for name in ("cordis_organization.csv", "cordis_project.csv"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        for old, new in replace:
            text = text.replace(old, new)
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    return paths


def import_cordis(paths, city, *options):
    call_command("import_funding", "cordis", *paths, "--city", city.slug, *options, stdout=io.StringIO())


def test_cordis_the_city_is_its_own_organisation_never_a_second_one(bologna, tmp_path, client):
    """Found by its VAT number (no PIC given, another spelling of its name), the city's row links
    to the directory's "Comune di Bologna", which keeps its name; no "COMUNE DI BOLOGNA" is added."""
    from ponte.core.models import Organisation
    from ponte.factories import OrganisationFactory
    from ponte.funding.models import Participation

    own = OrganisationFactory(city=bologna, name="Comune di Bologna", kind="public", country="IT")
    paths = cordis_files(tmp_path, [('"COMUNE DI BOLOGNA";"CDB"', '"COMUNE DI BOLOGNA - AREA NUOVO WELFARE";"CDB"')])
    import_cordis(paths, bologna)
    names = [name.casefold() for name in Organisation.objects.filter(city=bologna).values_list("name", flat=True)]
    assert not [name for name in names if name.startswith("comune di bologna") and name != "comune di bologna"]
    assert names.count("comune di bologna") == 1
    project = Project.objects.get(city=bologna, origin="cordis", external_id="101096817")
    assert Participation.objects.get(project=project, organisation=own).role == "coordinator"
    own.refresh_from_db()
    assert own.name == "Comune di Bologna"
    assert project.city_share == Decimal("1200000")  # the city's share, apart from the project's EU total
    assert project.eu_contribution == Decimal("8000000")
    # The portal never adds the consortium's money to the city's.
    page = client.get(f"/{bologna.slug}/progetti/").content.decode()
    assert "contributo 8.000.000,00 €" in page and "al Comune 1.200.000,00 €" in page


def test_cordis_a_third_partys_money_is_in_net_ec_contribution(bologna, tmp_path):
    """A third party's `ecContribution` is 0 and its money is in `netEcContribution`."""
    city_row = '"coordinator";"1200000";"1200000";"1500000"'
    paths = cordis_files(tmp_path, [(city_row, '"thirdParty";"0";"350000";"400000"')])
    import_cordis(paths, bologna, "--pic", "999887766")
    project = Project.objects.get(city=bologna, origin="cordis", external_id="101096817")
    assert project.city_share == Decimal("350000")


def test_cordis_with_no_participation_of_the_city_warns_and_keeps_nothing(bologna, tmp_path):
    paths = cordis_files(
        tmp_path, [('"COMUNE DI BOLOGNA"', '"COMUNE DI MODENA"'), ('"IT01232710374"', '"IT00221940364"')]
    )
    import_cordis(paths, bologna)
    assert not Project.objects.exists()
    job = ImportJob.objects.get(kind="cordis")
    assert job.status == ImportJob.Status.DONE and "COMUNE DI BOLOGNA" in " ".join(job.warnings)


def test_opencoesione_projects_count_under_the_plans_programmes(db, tmp_path):
    """The data set maps OpenCoesione's programme codes onto the plan's programmes
    (`source_codes`): the PON Metro and PN Metro Plus projects reconcile with the plan's figures
    instead of landing in new ALL-CAPS programmes."""
    from django.conf import settings

    from ponte.core.models import City
    from ponte.funding.models import Programme

    call_command("load_plan", str(Path(settings.BASE_DIR) / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get()
    before = Programme.objects.filter(city=bologna).count()
    call_command(
        "import_funding",
        "opencoesione",
        str(FIXTURES / "progetti_esteso_sample.csv"),
        "--city",
        "bologna",
        stdout=io.StringIO(),
    )
    programmes = dict(
        Project.objects.filter(city=bologna, origin="opencoesione").values_list("external_id", "programme__slug")
    )
    assert set(programmes.values()) == {"pon-metro", "pn-metro-plus"}, programmes
    assert Programme.objects.filter(city=bologna).count() == before  # no "PON CITTA' METROPOLITANE" beside it


def parquet_from_sample(target, *, lower_case=False):
    """OpenCoesione's `progetti_esteso` as the Parquet file published for 2021-2027: typed
    columns (amounts as numbers, a date as a date), built from the CSV fixture's rows."""
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    from ponte.core.importing import parse_amount

    with (FIXTURES / "progetti_esteso_sample.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    columns = {}
    for name in rows[0]:
        values = [row[name] for row in rows]
        if name.startswith("FINANZ_"):
            columns[name] = pa.array([float(parse_amount(v)) if v else None for v in values], pa.float64())
        elif name == "OC_DATA_INIZIO_PROGETTO":
            columns[name] = pa.array(
                [datetime.datetime.strptime(v, "%Y%m%d").date() if v else None for v in values], pa.date32()
            )
        else:
            columns[name] = pa.array([v or None for v in values], pa.string())
    table = pa.table({(name.lower() if lower_case else name): array for name, array in columns.items()})
    pq.write_table(table, target, row_group_size=2)
    return target


@pytest.mark.parametrize("lower_case", [False, True], ids=["published", "lower-case names"])
def test_opencoesione_parquet_reads_as_the_csv_does(bologna, tmp_path, lower_case):
    def imported_projects(path):
        call_command("import_funding", "opencoesione", str(path), "--city", bologna.slug, stdout=io.StringIO())
        fields = ("external_id", "title", "eu_contribution", "total_budget", "cofinancing", "start_date", "end_date")
        return sorted(Project.objects.filter(city=bologna, origin="opencoesione").values_list(*fields))

    from_csv = imported_projects(FIXTURES / "progetti_esteso_sample.csv")
    Project.objects.all().delete()
    parquet = parquet_from_sample(tmp_path / "progetti_esteso_2127.parquet", lower_case=lower_case)
    assert parquet.read_bytes()[:4] == b"PAR1"
    assert imported_projects(parquet) == from_csv and len(from_csv) == 2
    job = ImportJob.objects.filter(kind="opencoesione").latest("created_at")
    assert job.status == ImportJob.Status.DONE and job.encoding.startswith("Parquet") and job.rows_read == 4


def test_a_truncated_parquet_fails_with_its_reason_and_changes_nothing(bologna, tmp_path):
    from django.core.management import CommandError

    parquet = parquet_from_sample(tmp_path / "progetti_esteso_2127.parquet")
    parquet.write_bytes(parquet.read_bytes()[:-200])  # cut off, as an interrupted download
    with pytest.raises(CommandError):
        call_command("import_funding", "opencoesione", str(parquet), "--city", bologna.slug, stdout=io.StringIO())
    job = ImportJob.objects.get(kind="opencoesione")
    assert job.status == ImportJob.Status.FAILED and "Parquet" in str(job.errors)
    assert not Project.objects.exists()


def test_a_dry_run_shows_the_columns_and_first_rows_and_writes_nothing(bologna):
    out = io.StringIO()
    call_command("import_funding", "pnrr", str(BOLOGNA_2023), "--city", bologna.slug, "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "Titolo progetto → Titolo Progetto" in printed and "Codice CID (not used)" in printed
    assert "1.2c_a944Comune di Bologna" in printed and "Preview: nothing was written." in printed
    assert "9 progetti creati" in printed  # what the import would do
    assert not Project.objects.exists()
    job = ImportJob.objects.get()
    assert job.dry_run and job.status == ImportJob.Status.DONE and len(job.preview["rows"]) == 5


def test_a_command_line_preview_cannot_be_imported_from_the_page(bologna, client, users):
    """Its file was read in place, not stored: the page says how to import it instead."""
    call_command("import_funding", "pnrr", str(BOLOGNA_2023), "--city", bologna.slug, "--dry-run", stdout=io.StringIO())
    job = ImportJob.objects.get()
    client.force_login(users["funds"])
    page = client.get(f"/{bologna.slug}/gestione/importazioni/{job.pk}/").content.decode()
    assert "Importalo" not in page and "--dry-run" in page
    response = client.post(f"/{bologna.slug}/gestione/importazioni/{job.pk}/importa/")
    assert response.status_code == 302 and ImportJob.objects.count() == 1 and not Project.objects.exists()


def test_periods_read_in_words_on_the_portal(bologna, client, uncached):
    """Only a start: "dal …"; only an end: "fino al …"; neither: "—", never "— – —". (The dates are
    changed with `update()` behind the services' back, so the page is computed each time.)"""
    imported(FIXTURES / "PNRR_Progetti_sample.csv", bologna)
    project = Project.objects.get(external_id="BO-PUI-RIGENERAZIONE-01")
    page = lambda: client.get(f"/{bologna.slug}/progetti/{project.pk}/").content.decode()  # noqa: E731
    assert "dal 1 settembre 2022 – 30 giugno 2026" not in page() and "1 settembre 2022 – 30 giugno 2026" in page()
    Project.objects.filter(pk=project.pk).update(end_date=None)
    assert "dal 1 settembre 2022" in page()
    Project.objects.filter(pk=project.pk).update(start_date=None, end_date=datetime.date(2026, 6, 30))
    assert "fino al 30 giugno 2026" in page()
    Project.objects.filter(pk=project.pk).update(end_date=None)
    assert "— – —" not in page() and "—–—" not in client.get(f"/{bologna.slug}/progetti/").content.decode()


def test_the_api_and_the_open_data_carry_the_source_and_the_citys_money(bologna, client):
    imported(BOLOGNA_2023, bologna)
    project = Project.objects.get(city=bologna, source_title="Prot num: 77763")
    item = client.get(f"/api/v1/{bologna.slug}/projects/{project.pk}/").json()
    assert item["attribution"] == "Fonte: Italia Domani – open data PNRR (CC BY 4.0)"
    assert (item["source_title"], item["source_date"]) == ("Prot num: 77763", "2023-02-21")
    assert item["city_funds"] == "3000000.00" and item["title"].startswith("Demolizione e ricostruzione")
    rows = json.loads(body(client.get(f"/{bologna.slug}/dati/progetti.json")))["data"]
    row = next(r for r in rows if r["titolo_alla_fonte"] == "Prot num: 77763")
    assert row["attribuzione"] == "Fonte: Italia Domani – open data PNRR (CC BY 4.0)"
    assert row["data_fonte"] == "2023-02-21" and float(row["fondi_al_comune"]) == 3_000_000


def test_cordis_a_city_in_two_projects_with_no_record_gets_one_organisation(bologna, tmp_path):
    """With no record of the city in the directory, the import creates one "Comune di Bologna"
    and links both of the city's participations to it, not one new record a project."""
    from ponte.core.models import Organisation
    from ponte.funding.models import Participation

    second = (
        '"101060884";"DIVINE";"999887766";"IT01232710374";"COMUNE DI BOLOGNA";"CDB";"false";"PUB";'
        '"PIAZZA MAGGIORE 6";"40124";"BOLOGNA";"IT";"ITH55";"";"";"";"2023-02-01 10:00:00";"2";"2";'
        '"participant";"100000";"100000";"100000";"false";""\n'
    )
    paths = cordis_files(tmp_path, [])
    with open(paths[0], "a", encoding="utf-8") as organisations:
        organisations.write(second)
    import_cordis(paths, bologna)
    cities = Organisation.objects.filter(city=bologna, name__iexact="Comune di Bologna")
    assert cities.count() == 1
    city = cities.get()
    assert city.pic == "999887766" and city.tax_code == "01232710374"
    linked = Participation.objects.filter(organisation=city).values_list("project__external_id", flat=True)
    assert sorted(linked) == ["101060884", "101096817"]

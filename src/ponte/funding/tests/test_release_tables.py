"""Every row of every source's table of releases (`funding/releases.py`) imported from a file in
that release's layout: the release is recognised and said with the result, and its columns read
under the importer's names. Also the date formats and ISTAT codes each source writes, and rows
skipped before parsing (the row filter) never changing what is kept."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from ponte.core.importing import RowFilter, csv_rows, normalise_istat_code, parse_source_date
from ponte.core.models import ImportJob
from ponte.funding import releases
from ponte.funding.models import Participation, Project
from ponte.funding.tests.factories import ProgrammeFactory
from ponte.funding.tests.test_importer_releases import BOLOGNA_2023, FIXTURES, parquet_from_sample


@pytest.fixture
def bologna(city):
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    ProgrammeFactory(city=city, slug="diretti", kind="direct")
    return city


def run(source, *paths, city, fail=False):
    out, err = io.StringIO(), io.StringIO()
    args = ["import_funding", source, *map(str, paths), "--city", city.slug]
    if fail:
        with pytest.raises(CommandError):
            call_command(*args, stdout=out, stderr=err)
    else:
        call_command(*args, stdout=out, stderr=err)
    return ImportJob.objects.filter(kind=source).latest("pk"), out.getvalue() + err.getvalue()


OLD_OC_HEADER = (
    "COD_LOCALE_PROGETTO;CUP;DPS_TITOLO_PROGETTO;DPS_CODICE_PROGRAMMA;DPS_DESCRIZIONE_PROGRAMMA;FINANZ_UE;"
    "FINANZ_TOTALE_PUBBLICO;DATA_INIZIO_EFFETTIVA;DATA_FINE_PREVISTA;DATA_AGGIORNAMENTO"
)
OLD_CORDIS_ORGANISATIONS = (
    "projectID;projectAcronym;role;id;name;shortName;activityType;endOfParticipation;ecContribution;country;"
    "street;city;postCode;organizationUrl;vatNumber\n"
    "634401;OLDTOWN;coordinator;999840817;COMUNE DI BOLOGNA;;PUB;false;1234567,5;IT;PIAZZA MAGGIORE 6;BOLOGNA;"
    "40124;http://www.comune.bologna.it;IT01232710374\n"
    "634401;OLDTOWN;participant;999984059;ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA;UNIBO;HES;false;"
    "50000;IT;VIA ZAMBONI 33;BOLOGNA;40126;http://www.unibo.it;IT80007010376\n"
)
OLD_CORDIS_PROJECTS = (
    "rcn;id;acronym;status;programme;topics;frameworkProgramme;title;startDate;endDate;projectUrl;objective;"
    "totalCost;ecMaxContribution;call;fundingScheme;coordinator;coordinatorCountry;participants;"
    "participantCountries\n"
    '199999;634401;OLDTOWN;CLOSED;H2020-EU.3.5.2.;SCC-01-2014;H2020;Old town, smart city;2015-01-01;2018-12-31;;"A '
    'project; with a separator in quotes";2500000,75;2000000;H2020-SCC-2014;IA;COMUNE DI BOLOGNA;IT;'
    "ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA;IT\n"
)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def test_every_release_in_the_tables_has_a_case_here():
    """A release added to a table without a file below fails here, not silently."""
    covered = {str(name) for name in RELEASE_FILES}
    listed = {
        str(release.name)
        for table in (
            releases.PNRR_RELEASES,
            releases.OPENCOESIONE_RELEASES,
            releases.CORDIS_RELEASES,
            releases.FUNDING_TENDERS_RELEASES,
        )
        for release in table
    }
    assert listed == covered


RELEASE_FILES = {
    releases.PNRR_RELEASES[0].name: ("pnrr", lambda tmp: [FIXTURES / "PNRR_Progetti_sample.csv"]),
    releases.PNRR_RELEASES[1].name: ("pnrr", lambda tmp: [BOLOGNA_2023]),
    releases.PNRR_RELEASES[2].name: ("pnrr", lambda tmp: [FIXTURES / "PNRR_Progetti_2022.csv"]),
    releases.OPENCOESIONE_RELEASES[0].name: (
        "opencoesione",
        lambda tmp: [parquet_from_sample(tmp / "progetti_esteso_2127.parquet")],
    ),
    releases.OPENCOESIONE_RELEASES[1].name: ("opencoesione", lambda tmp: [FIXTURES / "progetti_esteso_sample.csv"]),
    releases.CORDIS_RELEASES[0].name: (
        "cordis",
        lambda tmp: [FIXTURES / "cordis_organization.csv", FIXTURES / "cordis_project.csv"],
    ),
    releases.CORDIS_RELEASES[1].name: (
        "cordis",
        lambda tmp: [
            write(tmp, "cordis-h2020organizations.csv", OLD_CORDIS_ORGANISATIONS),
            write(tmp, "cordis-h2020projects.csv", OLD_CORDIS_PROJECTS),
        ],
    ),
    releases.FUNDING_TENDERS_RELEASES[0].name: (
        "funding-tenders",
        lambda tmp: [FIXTURES / "grantsTenders_sample.json"],
    ),
    releases.FUNDING_TENDERS_RELEASES[1].name: ("funding-tenders", lambda tmp: [FIXTURES / "search_api_sample.json"]),
}
# Recognised with their partner file above; the 2007-2013 OpenCoesione release is refused below.
RELEASE_FILES[releases.CORDIS_RELEASES[2].name] = RELEASE_FILES[releases.CORDIS_RELEASES[0].name]
RELEASE_FILES[releases.CORDIS_RELEASES[3].name] = RELEASE_FILES[releases.CORDIS_RELEASES[1].name]
RELEASE_FILES[releases.OPENCOESIONE_RELEASES[2].name] = None


@pytest.mark.parametrize("name", [name for name, case in RELEASE_FILES.items() if case], ids=str)
def test_each_release_is_recognised_and_read(bologna, tmp_path, name):
    source, files = RELEASE_FILES[name]
    job, output = run(source, *files(tmp_path), city=bologna)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert str(name) in job.release and str(name) in output
    if source != "funding-tenders":
        kept = Project.objects.filter(city=bologna, origin=source)
        assert kept.exists()
        assert all(project.title for project in kept)


def test_the_old_opencoesione_release_is_refused_with_what_to_download(bologna, tmp_path):
    path = write(
        tmp_path,
        "progetti_FS0713.csv",
        OLD_OC_HEADER
        + "\n1BO-OLD;;RIQUALIFICAZIONE;2007IT161PO006;POR FESR;1000,00;2000,00;20090101;20111231;20130630\n",
    )
    job, output = run("opencoesione", path, city=bologna, fail=True)
    assert job.status == ImportJob.Status.FAILED
    assert "COD_COMUNE" in output and "localizzazioni" in output
    assert str(releases.OPENCOESIONE_RELEASES[2].name) in output
    assert not Project.objects.exists()


def test_the_old_cordis_export_reads_the_pic_from_id_and_the_amounts_with_a_comma(bologna, tmp_path):
    job, _output = run(
        "cordis",
        write(tmp_path, "cordis-h2020organizations.csv", OLD_CORDIS_ORGANISATIONS),
        write(tmp_path, "cordis-h2020projects.csv", OLD_CORDIS_PROJECTS),
        city=bologna,
    )
    project = Project.objects.get(city=bologna, origin="cordis")
    assert (project.external_id, project.title, project.role) == ("634401", "Old town, smart city", "coordinator")
    assert project.total_budget == Decimal("2500000.75") and project.city_share == Decimal("1234567.5")
    assert project.description == "A project; with a separator in quotes"
    assert project.status == "closed" and project.start_date == datetime.date(2015, 1, 1)
    partner = Participation.objects.get(project=project, pic="999984059")
    assert partner.organisation.name == "ALMA MATER STUDIORUM - UNIVERSITA DI BOLOGNA"
    assert partner.eu_contribution == Decimal("50000")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("28/02/2023", datetime.date(2023, 2, 28)),
        ("28-02-2023", datetime.date(2023, 2, 28)),
        ("28.02.2023", datetime.date(2023, 2, 28)),
        ("2023-02-28", datetime.date(2023, 2, 28)),
        ("2023-02-28 12:21:14", datetime.date(2023, 2, 28)),
        ("2023-02-28T00:00:00.000+0100", datetime.date(2023, 2, 28)),
        ("20230228", datetime.date(2023, 2, 28)),
        (20230228, datetime.date(2023, 2, 28)),
        (20230228.0, datetime.date(2023, 2, 28)),
        (datetime.date(2023, 2, 28), datetime.date(2023, 2, 28)),
        ("00/01/1900", None),
        ("01/01/1900", None),
        ("N/D", None),
        ("", None),
    ],
)
def test_dates_as_the_sources_write_them(written, expected):
    assert parse_source_date(written) == expected


@pytest.mark.parametrize("written", ["31/02/2023", "2023-13-01", "domani", "2023/02"])
def test_a_date_that_is_none_is_named(written):
    with pytest.raises(ValueError, match="gg/mm/aaaa, AAAA-MM-GG o AAAAMMGG"):
        parse_source_date(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("037006", "037006"),
        ("37006", "037006"),  # a number that lost its zero
        ("008037006", "037006"),  # OpenCoesione: region, province, municipality
        ("8037006", "037006"),
        (8037006, "037006"),  # typed as a number in Parquet
        (" 037 006 ", "037006"),
        ("", ""),
        ("000000", ""),
    ],
)
def test_istat_codes_as_the_sources_write_them(written, expected):
    assert normalise_istat_code(written) == expected


def test_opencoesione_reads_a_comune_code_that_lost_its_zeros(bologna, tmp_path):
    text = (FIXTURES / "progetti_esteso_sample.csv").read_text(encoding="utf-8-sig")
    assert ";008037006;" in text
    path = write(tmp_path, "progetti_esteso_numbers.csv", text.replace(";008037006;", ";8037006;"), "utf-8-sig")
    run("opencoesione", FIXTURES / "progetti_esteso_sample.csv", city=bologna)
    expected = sorted(Project.objects.values_list("external_id", flat=True))
    Project.objects.all().delete()
    run("opencoesione", path, city=bologna)
    assert sorted(Project.objects.values_list("external_id", flat=True)) == expected


def rows(text, row_filter=None, tally=None):
    raw = io.BytesIO(text.encode())
    return list(csv_rows(raw, delimiter=";", row_filter=row_filter, tally=tally))


@pytest.mark.parametrize(
    "text",
    [
        "a;b\r\n1;BOLOGNA\r\n2;BARI\r\n3;bologna\r\n",
        'a;b\n1;"BOLOGNA\nsu due righe"\n2;"BARI\n""citata"""\n3;"x";\n',
        'a;b\n1;5" pollici BOLOGNA\n2;5" pollici\n3;BOLOGNA\n',
        "a;b\n1;BARI\n\n2;BARI\n3;BOLOGNA",
    ],
    ids=["plain", "line breaks and quotes in values", "a stray quote", "blank line, no final newline"],
)
def test_the_row_filter_keeps_what_a_full_parse_would_keep(text):
    """Skipping rows unparsed changes neither the rows kept, their numbers, nor the count."""
    tally = {}
    everything = [(n, row) for n, row in rows(text) if "bologna" in str(row).lower()]
    assert rows(text, RowFilter(("BOLOGNA",)), tally) == everything
    assert tally["rows"] == max(n for n, _row in rows(text)) - 1


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_blocks_of_lines_read_as_lines_one_by_one(monkeypatch, chunk):
    """The file is read a block of lines at a time (issue 16): whatever the block size, a record
    with a quoted line break, a lone carriage return, a stray quote or a blank line across a
    block's end gives the same rows, numbers and count, filtered or not."""
    from ponte.core import importing

    text = (
        'a;b\r\n1;"BOLOGNA\r\nsu due righe"\r\n2;BARI\r3;5" pollici bologna\r\n\r\n'
        '4;"x";\n5;"BARI\n""citata"""\n6;Comune di Bologna\n7;BARI'
    )
    expected = rows(text)
    assert [n for n, _row in expected] == [2, 3, 4, 6, 7, 8, 9]
    monkeypatch.setattr(importing, "CHUNK", chunk)
    assert rows(text) == expected
    tally = {}
    kept = rows(text, RowFilter(("037006", "COMUNE DI BOLOGNA", "BOLOGNA")), tally)
    assert kept == [(n, row) for n, row in expected if "bologna" in str(row).lower()]
    assert [n for n, _row in kept] == [2, 4, 8] and tally["rows"] == 8


def test_the_row_filter_finds_a_name_in_any_case_and_a_code_as_written():
    """Codes are matched as written (no casefolded copy of the row is needed for them, issue 16),
    names whatever their case, ß included."""
    city = RowFilter(("037006", "COMUNE DI BOLOGNA"))
    assert city("X;Comune di Bologna;1") and city("X;008037006;1") and not city("X;BARI;016072006")
    assert not RowFilter(("01232710374",))("X;COMUNE DI BOLOGNA;1")
    assert RowFilter(("Straße",))("x;STRASSE;1")


def test_the_row_filter_still_sees_a_truncated_last_row(tmp_path):
    from ponte.core.importing import ImportFailed

    text = "a;b;c\n1;BOLOGNA;x\n2;BARI"
    raw = io.BytesIO(text.encode())
    with pytest.raises(ImportFailed, match="troncato|truncated"):
        list(csv_rows(raw, delimiter=";", row_filter=RowFilter(("BOLOGNA",)), ends_with_newline=False))


def test_a_parquet_file_is_read_only_in_the_rows_and_columns_needed(bologna, tmp_path):
    parquet = parquet_from_sample(tmp_path / "progetti_esteso_2127.parquet")
    job, _output = run("opencoesione", parquet, city=bologna)
    assert job.status == ImportJob.Status.DONE and Project.objects.count() == 2
    assert job.rows_read == 4

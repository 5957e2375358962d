"""Imports that never hang: every upload ends done or failed with its reason, in Italian, on the
Imports page and from the command line; files in any of the encodings people save them in."""

import datetime
import html
import io
import logging
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from ponte.core.jobs import progress_key
from ponte.core.models import ImportJob
from ponte.funding.importers import OpenCoesioneImporter
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
ACCENTED = {
    "1BO-CITTA-VERDE": "Città più verde: alberi in periferia",
    "2BO-SCUOLE-EFF": "Scuole più efficienti – lotto è",
}


@pytest.fixture
def comune(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="indiretti", kind="indirect")
    return city


def upload(client, city, name, source="opencoesione"):
    """Upload one fixture through the Imports page; the job's page as a person sees it."""
    with (FIXTURES / name).open("rb") as handle:
        response = client.post(f"/{city.slug}/gestione/importazioni/", {"source": source, "file": handle})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return html.unescape(page.content.decode()), ImportJob.objects.get(pk=page.context["job"].pk)


@pytest.mark.parametrize(
    ("name", "encoding", "euro"),
    [
        ("opencoesione_windows1252.csv", "Windows-1252", True),
        ("opencoesione_utf8_bom.csv", "UTF-8 con BOM", True),
        ("opencoesione_latin1.csv", "Latin-1 (ISO-8859-1)", False),
    ],
)
def test_each_encoding_is_read_and_named(client, users, comune, name, encoding, euro):
    client.force_login(users["funds"])
    page, job = upload(client, comune, name)
    assert job.status == ImportJob.Status.DONE and job.percent == 100
    assert f"Codifica del file: {encoding} ({name})" in page
    assert "2 progetti creati, 0 aggiornati, 0 invariati" in page
    assert "Importazione da OpenCoesione" in page
    titles = dict(Project.objects.filter(city=comune).values_list("external_id", "title"))
    if not euro:
        titles["2BO-SCUOLE-EFF"] = titles["2BO-SCUOLE-EFF"].replace(", lotto", " – lotto")
    assert titles == ACCENTED
    description = Project.objects.get(external_id="1BO-CITTA-VERDE").description
    assert description == ("Cantiere è partito – costo 1.000 €" if euro else "Cantiere è partito, costo mille euro")


def test_importing_again_counts_the_unchanged(client, users, comune):
    client.force_login(users["owner"])
    upload(client, comune, "opencoesione_windows1252.csv")
    page, job = upload(client, comune, "opencoesione_utf8_bom.csv")  # the same text, another encoding
    assert "0 progetti creati, 0 aggiornati, 2 invariati" in page
    assert Project.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("image.png", "Questo non è un file di testo: è un'immagine PNG."),
        (
            "opencoesione_header_only.csv",
            "Il file contiene solo la riga d'intestazione: non ci sono dati da importare.",
        ),
        (
            "opencoesione_truncated.csv",
            "riga 3: Il file è troncato: la sua ultima riga ha 4 delle 14 colonne dell'intestazione.",
        ),
    ],
)
def test_a_file_that_cannot_be_read_fails_with_its_reason(client, users, comune, name, reason):
    client.force_login(users["funds"])
    upload(client, comune, "opencoesione_windows1252.csv")  # something already there
    before = list(Project.objects.values_list("external_id", "title", "updated_at"))
    page, job = upload(client, comune, name)
    assert job.status == ImportJob.Status.FAILED and job.percent is None and job.finished_at
    assert "Non riuscita: nulla è cambiato" in page and reason in page
    assert "<progress" not in page and "%" not in page.split("<main", 1)[1].split("</main>")[0]
    assert "http-equiv" not in page and "import-progress.js" not in page  # ended: no more following
    assert list(Project.objects.values_list("external_id", "title", "updated_at")) == before


def test_an_empty_file_is_refused_by_the_form_and_by_the_command(client, users, comune, capsys):
    client.force_login(users["funds"])
    with (FIXTURES / "empty.csv").open("rb") as handle:
        response = client.post(f"/{comune.slug}/gestione/importazioni/", {"source": "pnrr", "file": handle})
    assert response.status_code == 200 and "Il file inviato è vuoto." in response.content.decode()
    with pytest.raises(CommandError):
        call_command("import_funding", "pnrr", str(FIXTURES / "empty.csv"), "--city", comune.slug)
    assert "empty.csv: Il file è vuoto." in capsys.readouterr().err
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED and not Project.objects.exists()


def test_a_binary_file_with_nul_bytes_names_the_line(client, users, comune, tmp_path):
    client.force_login(users["funds"])
    target = tmp_path / "dati.csv"
    target.write_bytes(b"COD_LOCALE_PROGETTO;CUP\r\nA;B\r\n\x00\x01\x02binary")
    with target.open("rb") as handle:
        response = client.post(f"/{comune.slug}/gestione/importazioni/", {"source": "opencoesione", "file": handle})
    page = client.get(response["Location"]).content.decode()
    assert "dati.csv, riga 3: Questo non è un file di testo: contiene byte di controllo (come NUL)." in page


def test_nothing_of_the_city_is_a_warning_that_says_why(client, users, comune):
    client.force_login(users["funds"])
    page, job = upload(client, comune, "opencoesione_other_city.csv")
    assert job.status == ImportJob.Status.DONE
    assert (
        "Nessun progetto del Comune: 0 di 1 righe hanno il codice ISTAT 037006 in COD_COMUNE "
        "o “COMUNE DI BOLOGNA” in OC_DENOM_BENEFICIARIO." in page
    )
    assert "0 progetti creati, 0 aggiornati, 0 invariati" in page
    listing = client.get(f"/{comune.slug}/gestione/importazioni/").content.decode()
    assert "con avvisi" in listing


def test_an_unexpected_error_fails_the_job_with_a_readable_reason(client, users, comune, monkeypatch, caplog):
    def broken(self, key):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(OpenCoesioneImporter, "programme_for", broken)
    client.force_login(users["funds"])
    with caplog.at_level(logging.ERROR, logger="ponte.core.jobs"):
        page, job = upload(client, comune, "opencoesione_windows1252.csv")
    assert job.status == ImportJob.Status.FAILED
    assert "errore imprevisto (RuntimeError); non è stato modificato nulla" in page
    assert "secret" not in page and "Traceback" not in page
    assert "SELECT secret" in caplog.text and "Traceback" in caplog.text  # the log has it all
    assert not Project.objects.exists()


def stalled(city, status, minutes_ago):
    moment = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    job = ImportJob.objects.create(city=city, kind="pnrr", status=status, source_name="PNRR_Progetti.csv")
    ImportJob.objects.filter(pk=job.pk).update(created_at=moment, started_at=moment if status == "running" else None)
    return job


def test_a_job_whose_worker_died_is_failed_when_looked_at(client, users, comune, settings):
    settings.PONTE_IMPORT_STALL_MINUTES = 30
    dead = stalled(comune, "running", 31)
    never_taken = stalled(comune, "queued", 45)
    alive = stalled(comune, "running", 40)
    cache.set(progress_key(alive.pk), {"rows": 10, "bytes": 50, "total": 100, "at": timezone.now().timestamp()})
    client.force_login(users["funds"])

    page = client.get(f"/{comune.slug}/gestione/importazioni/{dead.pk}/").content.decode()
    assert "Non riuscita" in page and "nessun avanzamento da 30 minuti" in page
    assert ImportJob.objects.get(pk=dead.pk).status == "failed"

    listing = client.get(f"/{comune.slug}/gestione/importazioni/").content.decode()
    assert ImportJob.objects.get(pk=never_taken.pk).status == "failed"
    assert "manage.py worker" in ImportJob.objects.get(pk=never_taken.pk).errors[0]["message"]
    assert "In corso · 50%" in listing  # the live one goes on, with the progress its worker reported
    page = client.get(f"/{comune.slug}/gestione/importazioni/{alive.pk}/").content.decode()
    assert "data-import-status-url" in page and "import-progress.js" in page and "http-equiv" in page
    assert ImportJob.objects.get(pk=alive.pk).status == "running"


def test_the_status_endpoint_says_when_the_job_has_ended(client, users, comune):
    job = stalled(comune, "running", 1)
    cache.set(progress_key(job.pk), {"rows": 1234, "bytes": 25, "total": 100, "at": timezone.now().timestamp()})
    client.force_login(users["funds"])
    url = f"/{comune.slug}/gestione/importazioni/{job.pk}/stato/"
    assert client.get(url).json() == {
        "status": "running",
        "label": "In corso",
        "finished": False,
        "percent": 25,
        "rows": 1234,
    }
    ImportJob.objects.filter(pk=job.pk).update(status="failed")
    assert client.get(url).json()["finished"] is True and client.get(url).json()["percent"] is None
    client.force_login(users["diplomacy"])
    assert client.get(url).status_code == 403


def test_an_upload_above_the_limit_is_refused_before_it_is_queued(client, users, comune, settings):
    settings.PONTE_IMPORT_MAX_MB = 0
    client.force_login(users["funds"])
    with (FIXTURES / "opencoesione_windows1252.csv").open("rb") as handle:
        response = client.post(f"/{comune.slug}/gestione/importazioni/", {"source": "opencoesione", "file": handle})
    assert response.status_code == 200
    assert "oltre il limite di 0 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_page_names_the_sources(client, users, comune):
    client.force_login(users["funds"])
    upload(client, comune, "image.png", source="funding-tenders")
    upload(client, comune, "opencoesione_header_only.csv", source="pnrr")
    listing = html.unescape(client.get(f"/{comune.slug}/gestione/importazioni/").content.decode())
    assert "Funding & Tenders" in listing and "Italia Domani (PNRR)" in listing
    assert "funding-tenders</td>" not in listing


def test_the_command_reads_windows_1252_and_refuses_a_png(comune, capsys):
    out = io.StringIO()
    call_command(
        "import_funding",
        "opencoesione",
        str(FIXTURES / "opencoesione_windows1252.csv"),
        "--city",
        comune.slug,
        stdout=out,
    )
    assert "2 progetti creati, 0 aggiornati, 0 invariati" in out.getvalue()
    assert "Windows-1252" in out.getvalue()
    assert Project.objects.get(external_id="1BO-CITTA-VERDE").title == ACCENTED["1BO-CITTA-VERDE"]
    with pytest.raises(CommandError):
        call_command("import_funding", "funding-tenders", str(FIXTURES / "image.png"), "--city", comune.slug)
    assert "image.png: Questo non è un file di testo: è un'immagine PNG." in capsys.readouterr().err
    assert list(ImportJob.objects.values_list("status", flat=True).order_by("pk")) == ["done", "failed"]


def test_excel_unicode_text_utf16_is_read_too(comune, tmp_path):
    text = (FIXTURES / "opencoesione_windows1252.csv").read_bytes().decode("cp1252")
    target = tmp_path / "progetti_unicode.csv"
    target.write_bytes(text.encode("utf-16"))  # with its BOM, as Excel's "Unicode text" writes it
    out = io.StringIO()
    call_command("import_funding", "opencoesione", str(target), "--city", comune.slug, stdout=out)
    assert "UTF-16 (progetti_unicode.csv)" in out.getvalue()
    assert dict(Project.objects.values_list("external_id", "title")) == ACCENTED


def test_a_row_with_more_values_than_columns_fails_naming_the_row(client, users, comune, tmp_path):
    """A “;” inside a text that is not between quotes shifts every later value under the wrong
    column: the import stops there, naming the row, instead of dropping or misreading it."""
    client.force_login(users["funds"])
    lines = (FIXTURES / "opencoesione_utf8_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace("Caldaie sostituite", "Caldaie sostituite; impianti nuovi")
    target = tmp_path / "progetti.csv"
    target.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with target.open("rb") as handle:
        response = client.post(f"/{comune.slug}/gestione/importazioni/", {"source": "opencoesione", "file": handle})
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert (
        "progetti.csv, riga 3: Questa riga ha 15 valori ma l'intestazione ha 14 colonne: un “;” dentro un testo "
        "non racchiuso tra virgolette?"
    ) in page
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED and not Project.objects.exists()

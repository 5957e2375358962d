"""Journey: an office editor's workbook round trip, by mouse, on a desktop and on a phone.

The editor downloads the plan workbook from its page (only their office's actions, in Italian),
changes one of their rows in the spreadsheet, uploads the file through the form and reads what
changed; a file that changes a row of another office is refused naming the row and the column,
and changes nothing."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.factories import ActionFactory
from ponte.plan.models import Action


def download_from_page(page):
    with page.expect_download() as info:
        page.get_by_role("link", name="Scarica il foglio (XLSX)").click()
    download = info.value
    assert download.suggested_filename == "piano.xlsx"
    return load_workbook(io.BytesIO(Path(download.path()).read_bytes()))


def upload_by_mouse(page, book, path):
    book.save(path)
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Cartella di lavoro XLSX").click()
    chooser.value.set_files(str(path))
    page.get_by_role("button", name="Importa").click()


def rows_by_code(sheet):
    return {row[0].value: row for row in sheet.iter_rows(min_row=2)}


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_workbook_round_trip(visit, city, users, action, other_office, width, tmp_path):
    foreign = ActionFactory(line=action.line, owner_office=other_office, code="1.1.2", title="Azione altrui")
    page = visit(f"/{city.slug}/gestione/foglio/", user=users["editor"], width=width)
    expect(
        page.get_by_text("Il foglio contiene le azioni e i valori degli indicatori che puoi modificare.")
    ).to_be_visible()
    shoot(page, f"workbook-page-{width}")

    book = download_from_page(page)
    rows = rows_by_code(book["Azioni"])
    assert list(rows) == ["1.1.1"]  # only the editor's office
    assert rows["1.1.1"][3].value == "Non avviata"
    rows["1.1.1"][3].value, rows["1.1.1"][4].value = "In corso", 40
    upload_by_mouse(page, book, tmp_path / "piano.xlsx")
    expect(page.get_by_text("File importato: 1 azione aggiornata")).to_be_visible()
    shoot(page, f"workbook-imported-{width}")
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 40)

    # A row of another office, changed: refused with its row and column, nothing applied.
    book = download_from_page(page)
    sheet = book["Azioni"]
    sheet.append(["1.1.2", foreign.line.code, foreign.title, "Sospesa", 0])
    rows_by_code(sheet)["1.1.1"][4].value = 45
    upload_by_mouse(page, book, tmp_path / "piano-altrui.xlsx")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("1 problema trovato")
    expect(alert).to_contain_text("Azioni, riga 3, campo “Stato”: non puoi modificare l'azione 1.1.2")
    shoot(page, f"workbook-refused-{width}")
    action.refresh_from_db()
    foreign.refresh_from_db()
    assert action.progress == 40 and foreign.status == Action.Status.NOT_STARTED

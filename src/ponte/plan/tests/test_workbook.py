"""Bulk XLSX round trip of actions and indicator values: all or nothing, with row/column errors."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from ponte.factories import ActionFactory, IndicatorFactory, IndicatorValueFactory
from ponte.plan.models import Action, IndicatorValue, WorkbookUpload


def workbook_bytes(actions=(), values=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "actions"
    sheet.append(["code", "line", "title", "status", "progress", "start", "end", "owner", "weight"])
    for row in actions:
        sheet.append(row)
    values_sheet = book.create_sheet("indicator_values")
    values_sheet.append(["indicator", "date", "value", "source", "note"])
    for row in values:
        values_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "piano.xlsx"
    return buffer


@pytest.fixture
def setup(action, other_office):
    foreign = ActionFactory(line=action.line, owner_office=other_office, code="1.1.2")
    indicator = IndicatorFactory(action=action, code="IND-A")
    return action, foreign, indicator


def upload(client, city, buffer):
    """Post the file and follow to its upload's page (the test worker runs the task at once)."""
    response = client.post(f"/{city.slug}/gestione/foglio/", {"file": buffer}, follow=True)
    assert response.status_code == 200
    return response


def imported(response):
    assert "errors" not in response.context, [str(e) for e in response.context["errors"]]
    return response.context["imported"]


def test_export_then_import_is_a_no_op(client, users, setup, city):
    client.force_login(users["owner"])
    exported = client.get(f"/{city.slug}/gestione/foglio/?download=1")
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(exported.content))
    assert book.sheetnames[:2] == ["Azioni", "Valori indicatori"]
    assert book["Azioni"]["A1"].value == "Codice" and book["Azioni"].max_row == 3
    buffer = io.BytesIO(exported.content)
    buffer.name = "piano.xlsx"
    response = upload(client, city, buffer)
    assert response.redirect_chain[0][0].startswith(f"/{city.slug}/gestione/foglio/caricamenti/")
    assert "nulla da cambiare" in imported(response)


def test_import_updates_actions_and_values(client, users, setup, city):
    action, _foreign, indicator = setup
    client.force_login(users["owner"])
    response = upload(
        client,
        city,
        workbook_bytes(
            actions=[["1.1.1", "", "", "in_progress", 60, "2024-01-01", "2025-12-31", "ufficio-a", 2]],
            values=[["IND-A", "2025-06-30", "12,5", "Ufficio statistica", ""]],
        ),
    )
    assert "1 azione aggiornata" in imported(response)
    action.refresh_from_db()
    assert (action.status, action.progress, action.weight) == ("in_progress", 60, Decimal("2"))
    assert indicator.values.get().value == Decimal("12.5")


def test_a_bad_row_in_the_middle_changes_nothing(client, users, setup, city):
    client.force_login(users["owner"])
    response = upload(
        client,
        city,
        workbook_bytes(
            actions=[
                ["1.1.1", "", "", "in_progress", 60],
                ["1.1.2", "", "", "in_progress", 140],
                ["1.1.1", "", "", "in_progress", 70, "2025-12-31", "2024-01-01"],
            ],
            values=[["IND-A", "not a date", "3"], ["NOPE", "2025-01-01", "1"], ["IND-A", "2025-02-01", None]],
        ),
    )
    errors = [str(e) for e in response.context["errors"]]
    assert any("Azioni, riga 3" in e and "Avanzamento (%)" in e for e in errors), errors
    assert any("Azioni, riga 4" in e and "Fine" in e for e in errors), errors
    assert any("Valori indicatori, riga 2" in e and "Data di riferimento" in e for e in errors), errors
    assert any("Valori indicatori, riga 3" in e and "NOPE" in e for e in errors), errors
    assert any("Valori indicatori, riga 4" in e and "“Valore”" in e and "obbligatorio" in e for e in errors), errors
    assert Action.objects.get(code="1.1.1").progress == 0
    assert not IndicatorValue.objects.exists()


def test_office_editor_imports_only_own_actions(client, users, setup, city):
    client.force_login(users["editor"])
    response = upload(client, city, workbook_bytes(actions=[["1.1.1", "", "", "", 10], ["1.1.2", "", "", "", 10]]))
    errors = [str(e) for e in response.context["errors"]]
    assert len(errors) == 1 and "1.1.2" in errors[0]
    assert set(Action.objects.values_list("progress", flat=True)) == {0}


def test_plan_owner_adds_a_new_action_to_a_line(client, users, setup, city):
    action = setup[0]
    client.force_login(users["owner"])
    upload(client, city, workbook_bytes(actions=[["1.1.9", action.line.code, "Nuova azione", "not_started", 0]]))
    assert Action.objects.get(code="1.1.9").line == action.line


def test_a_file_that_is_not_xlsx_is_refused(client, users, setup, city):
    client.force_login(users["owner"])
    buffer = io.BytesIO(b"code;title\n1;x\n")
    buffer.name = "azioni.csv"
    response = client.post(f"/{city.slug}/gestione/foglio/", {"file": buffer})
    assert response.status_code == 200 and "XLSX" in str(response.context["form"].errors)
    assert not WorkbookUpload.objects.exists()


def download(client, city):
    return load_workbook(io.BytesIO(client.get(f"/{city.slug}/gestione/foglio/?download=1").content))


def as_upload(book):
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "piano.xlsx"
    return buffer


def rows_by_code(sheet):
    header = [cell.value for cell in sheet[1]]
    return header, {row[0].value: row for row in sheet.iter_rows(min_row=2)}


def test_download_speaks_italian_with_drop_downs_and_holds_only_what_the_user_may_edit(client, users, setup, city):
    action, _foreign, indicator = setup
    IndicatorValueFactory(indicator=indicator, reference_date="2024-12-31", value=Decimal("3"))
    client.force_login(users["editor"])
    book = download(client, city)
    header, rows = rows_by_code(book["Azioni"])
    assert header[:5] == ["Codice", "Linea", "Titolo", "Stato", "Avanzamento (%)"]
    assert list(rows) == ["1.1.1"]  # not the other office's 1.1.2
    assert rows["1.1.1"][3].value == "Non avviata" and rows["1.1.1"][7].value == "Ufficio A"
    validations = {str(v.sqref): v.formula1 for v in book["Azioni"].data_validations.dataValidation}
    assert any(ref.startswith("D2:") and "Elenchi" in formula for ref, formula in validations.items())
    assert any(ref.startswith("H2:") and "Elenchi" in formula for ref, formula in validations.items())
    lists = book["Elenchi"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"][1:]] == ["Non avviata", "In corso", "Conclusa", "In ritardo", "Sospesa"]
    assert "Ufficio A" in [c.value for c in lists["B"][1:]]
    assert [c.value for c in book["Valori indicatori"][2]][:4] == ["IND-A", indicator.name, datetime(2024, 12, 31), 3]
    client.force_login(users["owner"])
    assert list(rows_by_code(download(client, city)["Azioni"])[1]) == ["1.1.1", "1.1.2"]


def test_editor_sends_back_the_whole_plan_with_one_own_row_changed(client, users, setup, city):
    action, foreign, _indicator = setup
    client.force_login(users["owner"])
    book = download(client, city)  # the plan owner's file: every action
    _header, rows = rows_by_code(book["Azioni"])
    rows["1.1.1"][3].value, rows["1.1.1"][4].value = "In corso", 30
    client.force_login(users["editor"])
    response = upload(client, city, as_upload(book))
    assert imported(response) == "File importato: 1 azione aggiornata"
    action.refresh_from_db()
    foreign.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 30)
    assert (foreign.status, foreign.progress) == ("not_started", 0)


def test_a_changed_row_of_another_office_is_refused_naming_row_and_column(client, users, setup, city):
    client.force_login(users["owner"])
    book = download(client, city)
    _header, rows = rows_by_code(book["Azioni"])
    rows["1.1.1"][4].value = 30
    rows["1.1.2"][4].value = 50
    client.force_login(users["editor"])
    response = upload(client, city, as_upload(book))
    errors = [str(e) for e in response.context["errors"]]
    assert errors == ["Azioni, riga 3, campo “Avanzamento (%)”: non puoi modificare l'azione 1.1.2"]
    assert set(Action.objects.values_list("progress", flat=True)) == {0}  # not even the own row

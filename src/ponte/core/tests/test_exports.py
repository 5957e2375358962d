"""List exports for Italian offices: CSV that Italian Excel opens in columns, a CSV for
programs, XLSX with fitted columns, frozen header and autofilter; formulas never run."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ponte.core.exports import Column, csv_response, defuse, xlsx_response
from ponte.factories import ActionFactory, IndicatorFactory, LineFactory


@pytest.fixture
def staff(client, users):
    client.force_login(users["viewer"])
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


COLUMNS = [
    Column("Titolo", lambda row: row["title"]),
    Column("Importo", lambda row: row["amount"]),
    Column("Data", lambda row: row["date"]),
    Column("Firmato", lambda row: row["signed"]),
]
ROWS = [
    {
        "title": '=HYPERLINK("http://x")',
        "amount": Decimal("533000.50"),
        "date": datetime.date(2025, 3, 31),
        "signed": True,
    },
    {"title": "Caffè Europa", "amount": 12, "date": None, "signed": False},
]


def test_italian_csv_has_bom_semicolons_and_decimal_comma():
    raw = b"".join(csv_response(ROWS, COLUMNS, "x").streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Titolo", "Importo", "Data", "Firmato"]
    assert rows[1] == ['\'=HYPERLINK("http://x")', "533000,50", "2025-03-31", "Sì"]
    assert rows[2] == ["Caffè Europa", "12", "", "No"]


def test_machine_csv_has_commas_and_decimal_points(staff, city):
    ActionFactory(line=LineFactory(city=city), code="1", title="@SUM(A1)", progress=10)
    response = staff.get(f"/{city.slug}/gestione/azioni/?export=csv-macchina")
    raw = body(response)
    assert not raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0][:2] == ["Codice", "Titolo"]
    assert rows[1][:2] == ["1", "'@SUM(A1)"]


@pytest.mark.parametrize("text", ["=1+1", "+39 051", "-2", "@cmd", "\tx", "\rx"])
def test_formula_like_text_is_defused(text):
    assert defuse(text) == "'" + text
    assert defuse("Bologna") == "Bologna"


def test_xlsx_has_fitted_columns_frozen_header_autofilter_and_typed_cells():
    sheet = load_workbook(io.BytesIO(xlsx_response(ROWS, COLUMNS, "prova").content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet["A1"].font.bold
    title_width = sheet.column_dimensions["A"].width
    assert title_width >= len('=HYPERLINK("http://x")') and sheet.column_dimensions["D"].width < title_width
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"  # text, not a formula
    assert sheet["B2"].value == 533000.5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == datetime.datetime(2025, 3, 31) and sheet["C2"].is_date
    assert sheet["D2"].value is True


def test_indicator_list_csv_writes_decimal_commas(staff, city, action):
    IndicatorFactory(action=action, code="IND-1", baseline_value=Decimal("12.5"), baseline_date="2024-12-31")
    raw = body(staff.get(f"/{city.slug}/gestione/indicatori/?export=csv"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert rows[1][header.index("Valore di partenza")].startswith("12,5")


def test_list_links_offer_both_csv_variants(staff, city, action):
    page = staff.get(f"/{city.slug}/gestione/azioni/").content.decode()
    assert "export=csv-macchina" in page and "export=xlsx" in page

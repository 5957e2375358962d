"""Text a spreadsheet would run as a formula (issue 14): a public registrant's name, a Europe
Direct question's subject or an event's title starting with = + - @, a tab or a carriage return.
Every CSV and XLSX that Ponte writes goes through `ponte.core.exports`: in XLSX such text is a
string cell (read back exactly as typed), in CSV it gets a leading apostrophe; numbers stay
numbers."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ponte.participation.models import Event, Question, Registration
from ponte.reports import content, writers
from ponte.reports.models import Report

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(1)", "\t=1+1", "\r=1+1"]


def formulas(workbook) -> list:
    return [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
        or (isinstance(cell.value, str) and cell.value.startswith("="))
        and cell.data_type != "s"
    ]


def texts(workbook) -> set:
    return {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}


@pytest.fixture
def event(city):
    return Event.objects.create(
        city=city,
        publication="published",
        title=PAYLOADS[0],
        capacity=200,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        venue="-1+1",
    )


@pytest.fixture
def registrations(city, event):
    return [
        Registration.objects.create(
            city=city, event=event, name=payload, email=f"p{number}@example.org", status="confirmed"
        )
        for number, payload in enumerate(PAYLOADS)
    ]


@pytest.fixture
def questions(city):
    return [
        Question.objects.create(
            city=city, name="Anna", email="anna@example.org", subject=payload, text="?", ticket=f"ED-{number}"
        )
        for number, payload in enumerate(PAYLOADS)
    ]


def staff_export(client, user, url, fmt):
    client.force_login(user)
    response = client.get(url, {"export": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("what", ["registrants", "desk"])
def test_staff_xlsx_keeps_formula_like_text_as_text(client, city, users, event, registrations, questions, what):
    url, user = {
        "registrants": (f"/{city.slug}/eventi/gestione/{event.pk}/iscritti/", users["events"]),
        "desk": (f"/{city.slug}/eventi/europe-direct/sportello/", users["desk"]),
    }[what]
    workbook = load_workbook(io.BytesIO(staff_export(client, user, url, "xlsx")))
    assert formulas(workbook) == []
    assert set(PAYLOADS) <= texts(workbook)


@pytest.mark.parametrize("fmt", ["csv", "csv-macchina"])
def test_staff_csv_defuses_formula_like_text(client, city, users, questions, fmt):
    body = staff_export(client, users["desk"], f"/{city.slug}/eventi/europe-direct/sportello/", fmt)
    cells = {
        cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";,"[fmt != "csv"]) for cell in row
    }
    assert {"'" + payload for payload in PAYLOADS} <= cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_open_data_csv_defuses_formula_like_text_and_keeps_numbers(client, city, event):
    response = client.get(f"/{city.slug}/dati/eventi.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[0]["titolo"] == "'" + PAYLOADS[0]
    assert rows[0]["luogo"] == "'-1+1"
    assert rows[0]["id"] == str(event.pk)  # a number is not text: no apostrophe


def test_yearly_report_xlsx_keeps_formula_like_text_as_text(city, action, event):
    for number, payload in enumerate(PAYLOADS[1:], start=1):
        Event.objects.create(
            city=city, publication="published", title=payload, starts_at=event.starts_at, venue=str(number)
        )
    today = timezone.localdate()
    scope = Report(city=city, start_date=today, end_date=today + datetime.timedelta(days=30))
    workbook = load_workbook(io.BytesIO(writers.write_xlsx(content.build(scope), "=1+1")))
    assert formulas(workbook) == []
    assert set(PAYLOADS) | {"=1+1"} <= texts(workbook)
    events = list(workbook.worksheets[-1].iter_rows(values_only=True))[1:]
    assert all(isinstance(row[1], datetime.datetime) for row in events)  # dates stay dates


def test_plan_workbook_keeps_a_formula_like_office_name_as_text(city, users, action):
    from ponte.plan.spreadsheets import export_workbook

    action.owner_office.name = PAYLOADS[0]
    action.owner_office.save()
    buffer = io.BytesIO()
    export_workbook(city, users["owner"]).save(buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert formulas(workbook) == []
    assert PAYLOADS[0] in texts(workbook)

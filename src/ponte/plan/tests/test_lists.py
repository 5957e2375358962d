"""Lists filter, sort, search and export; their query count does not grow with the rows."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ponte.factories import (
    ActionFactory,
    AxisItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    LineFactory,
    MilestoneFactory,
    OrganisationFactory,
)
from ponte.plan.models import Action


@pytest.fixture
def staff(client, users):
    client.force_login(users["viewer"])
    return client


def grow(city, line, office, axis_item, n):
    fixed = Action.objects.filter(code="FIXED").first()
    for _ in range(n):
        action = ActionFactory(line=line, owner_office=office, status="in_progress")
        OrganisationFactory(city=city)
        if fixed:  # the detail page grows too: milestones, indicators, partners, updates
            MilestoneFactory(action=fixed)
            IndicatorValueFactory(indicator=IndicatorFactory(action=fixed))
            fixed.partners.add(OrganisationFactory(city=city))
            fixed.alignments.add(AxisItemFactory(axis=axis_item.axis))
        action.alignments.add(axis_item)
        action.partners.add(office)
        MilestoneFactory(action=action, due_date="2020-01-01")
        IndicatorValueFactory(indicator=IndicatorFactory(action=action))


@pytest.mark.parametrize(
    "url",
    [
        "/{c}/gestione/",
        "/{c}/gestione/azioni/",
        "/{c}/gestione/azioni/mie/",
        "/{c}/gestione/azioni/scadenze/",
        "/{c}/gestione/indicatori/",
        "/{c}/gestione/allineamento/{axis}/",
        "/{c}/gestione/allineamento/{axis}/{item}/",
        "/{c}/gestione/azioni/?export=csv",
    ],
)
def test_query_count_is_constant_as_actions_grow_tenfold(staff, city, office, url):
    line = LineFactory(city=city)
    item = AxisItemFactory(axis__city=city)
    ActionFactory(line=line, code="FIXED", owner_office=office)
    address = url.format(c=city.slug, axis=item.axis.slug, item=item.code, action="FIXED")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = staff.get(address)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(captured)

    grow(city, line, office, item, 3)
    queries()  # a first request fills the per-process caches (content types), as any server's has
    few = queries()
    grow(city, line, office, item, 27)
    assert queries() == few


def test_filter_search_and_sort(staff, city, office, other_office):
    line = LineFactory(city=city)
    ActionFactory(line=line, code="1", title="Caffè Europa", status="in_progress", owner_office=office, progress=10)
    ActionFactory(line=line, code="2", title="Sportello Europe Direct", status="completed", progress=100)
    ActionFactory(line=line, code="3", title="Giramondo", status="in_progress", owner_office=other_office, progress=50)

    def codes(query):
        return [a.code for a in staff.get(f"/{city.slug}/gestione/azioni/?{query}").context["object_list"]]

    assert codes("status=in_progress&ordering=code") == ["1", "3"]
    assert codes("q=europ&ordering=-code") == ["2", "1"]
    assert codes(f"owner_office={office.pk}") == ["1"]
    assert codes("ordering=-progress") == ["2", "3", "1"]


def test_exports_carry_the_filtered_rows(staff, city):
    line = LineFactory(city=city)
    ActionFactory(line=line, code="1", title="Caffè Europa", status="in_progress", progress=10)
    ActionFactory(line=line, code="2", title="Altro", status="completed", progress=100)
    response = staff.get(f"/{city.slug}/gestione/azioni/?status=in_progress&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][:2] == ["1", "Caffè Europa"]
    response = staff.get(f"/{city.slug}/gestione/azioni/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3
    assert sheet.cell(row=2, column=6).value == 10  # progress is a number, not text


def test_indicator_list_exports(staff, city, action):
    IndicatorValueFactory(indicator=IndicatorFactory(action=action, name="Iscritti"), value=42)
    response = staff.get(f"/{city.slug}/gestione/indicatori/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).value == "Iscritti"
    assert sheet.cell(row=2, column=8).value == 42


def test_overdue_milestones_list_filters_and_exports(staff, city, action, other_office):
    MilestoneFactory(action=action, title="Scaduto", due_date="2020-01-01")
    MilestoneFactory(action=action, title="Futuro", due_date="2999-01-01")
    MilestoneFactory(
        action=ActionFactory(line=action.line, owner_office=other_office), title="Altrui", due_date="2020-01-01"
    )
    titles = [
        m.title
        for m in staff.get(f"/{city.slug}/gestione/traguardi/scaduti/?owner_office={action.owner_office.pk}").context[
            "object_list"
        ]
    ]
    assert titles == ["Scaduto"]
    sheet = load_workbook(io.BytesIO(staff.get(f"/{city.slug}/gestione/traguardi/scaduti/?export=xlsx").content)).active
    assert sheet.max_row == 3


def test_organisation_directory(staff, city, office, other_office):
    OrganisationFactory(city=city, kind="network", name="Eurocities", country="BE")
    names = [o.name for o in staff.get(f"/{city.slug}/gestione/organizzazioni/?kind=network").context["object_list"]]
    assert names == ["Eurocities"]
    assert [o.name for o in staff.get(f"/{city.slug}/gestione/organizzazioni/?country=be").context["object_list"]] == [
        "Eurocities"
    ]
    rows = (
        b"".join(staff.get(f"/{city.slug}/gestione/organizzazioni/?export=csv").streaming_content)
        .decode("utf-8-sig")
        .splitlines()
    )
    assert len(rows) == 4

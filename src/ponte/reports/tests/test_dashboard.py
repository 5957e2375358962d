"""The dashboard: progress, late actions, actions without an update, funding, deadlines, relations;
charts drawn by Chart.js served by the app; query count constant as the plan grows."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.diplomacy.models import Candidacy
from ponte.factories import ActionFactory, LineFactory, MilestoneFactory
from ponte.funding.tests.factories import CallFactory, ProjectFactory


@pytest.fixture
def staff(client, users):
    client.force_login(users["viewer"])
    return client


def test_dashboard_shows_what_needs_attention(staff, city):
    today = timezone.localdate()
    line = LineFactory(city=city)
    late = ActionFactory(line=line, code="L.1", title="In ritardo", status="delayed")
    overdue = ActionFactory(
        line=line, code="L.2", title="Scaduta", status="in_progress", end_date=today - datetime.timedelta(days=3)
    )
    ActionFactory(
        line=line,
        code="L.3",
        title="Conclusa",
        status="completed",
        progress=100,
        end_date=today - datetime.timedelta(days=3),
    )
    MilestoneFactory(action=late, title="Consegna del dossier", due_date=today + datetime.timedelta(days=10))
    CallFactory(city=city, title="Bando LIFE", deadline=today + datetime.timedelta(days=20))
    Candidacy.objects.create(
        city=city, title="Capitale verde europea", year=today.year, deadline=today + datetime.timedelta(days=30)
    )
    ProjectFactory(programme__city=city, status="running", eu_contribution=500000, start_date="2025-03-01")
    response = staff.get(f"/{city.slug}/gestione/cruscotto/")
    assert response.status_code == 200
    data = response.context["data"]
    assert [a.code for a in data["late"]] == [late.code, overdue.code]
    kinds = [(d.kind, d.title) for d in data["deadlines"] if d.kind != "update"]  # updates: test_deadlines
    assert kinds[0][1].endswith("Consegna del dossier") and "Bando LIFE" in kinds[1][1]
    assert kinds[2][1] == "Capitale verde europea"
    assert data["by_year"] == [{"label": "2025", "value": 500000.0, "projects": 1}]
    page = response.content.decode()
    assert "vendor/chart.js/chart.umd.js" in page and 'id="dashboard-data"' in page
    assert finders.find("vendor/chart.js/chart.umd.js")  # from npm, served by the app


def test_dashboard_query_count_is_constant(staff, city):
    line = LineFactory(city=city)

    def grow(n):
        for _ in range(n):
            action = ActionFactory(line=line, status="delayed")
            MilestoneFactory(action=action, due_date=timezone.localdate() + datetime.timedelta(days=5))
            ProjectFactory(programme__city=city, status="running", eu_contribution=1000, start_date="2025-01-01")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(f"/{city.slug}/gestione/cruscotto/").status_code == 200
        return len(captured)

    grow(3)
    queries()  # a first request fills the per-process caches (content types), as any server's has
    few = queries()
    grow(27)
    assert queries() == few


def test_progress_by_any_alignment_axis(staff, city):
    from ponte.factories import AxisItemFactory

    line = LineFactory(city=city)
    sdg = AxisItemFactory(axis__city=city, axis__slug="sdg", axis__name="SDG", code="11")
    eu = AxisItemFactory(axis__city=city, axis__slug="eu", axis__name="Priorità UE", code="green")
    ActionFactory(line=line, progress=40).alignments.add(sdg)
    ActionFactory(line=line, progress=80).alignments.add(eu)
    default = staff.get(f"/{city.slug}/gestione/cruscotto/").context["data"]
    assert default["axis"] == sdg.axis and [g["value"] for g in default["goals"]] == [40.0]
    chosen = staff.get(f"/{city.slug}/gestione/cruscotto/?asse=eu")
    assert chosen.context["data"]["axis"] == eu.axis and [g["value"] for g in chosen.context["data"]["goals"]] == [80.0]
    assert 'href="?asse=sdg"' in chosen.content.decode()

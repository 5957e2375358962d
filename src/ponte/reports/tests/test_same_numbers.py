"""Same numbers everywhere: for the Bologna data set, the totals of the report, the dashboard,
the API and the open-data downloads agree."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from ponte.core.models import City, Membership
from ponte.factories import MembershipFactory
from ponte.plan.models import Action
from ponte.reports.figures import totals
from ponte.reports.models import Report
from ponte.testing import body


@pytest.fixture
def bologna(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_plan", str(settings.BASE_DIR / "data" / "bologna"), verbosity=0)
    return City.objects.get(slug="bologna")


def test_report_dashboard_api_and_open_data_agree(client, bologna, django_capture_on_commit_callbacks):
    # One action past its end and not completed: late for the dashboard, the figures and the report.
    overdue = Action.objects.for_city(bologna).exclude(status="completed").order_by("sort_key").first()
    overdue.end_date = datetime.date(2024, 12, 31)
    overdue.save()
    figures = totals(bologna)
    assert figures.actions == 86 and figures.progress is not None and figures.late >= 1

    # API (public)
    plan = json.loads(client.get("/api/v1/bologna/plan/").content)
    actions = json.loads(client.get("/api/v1/bologna/actions/?page_size=500").content)
    projects = json.loads(client.get("/api/v1/bologna/projects/?page_size=500").content)
    assert Decimal(plan["progress"]) == figures.progress
    assert actions["count"] == figures.actions
    assert sum(1 for row in actions["results"] if row["status"] == "completed") == figures.completed
    assert projects["count"] == figures.funded_projects
    # open data (public)
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get("/bologna/dati/azioni.csv").streaming_content).decode("utf-8-sig"))
        )
    )
    assert len(rows) == figures.actions
    assert sum(1 for row in rows if row["stato"] == "completed") == figures.completed
    funded = json.loads(body(client.get("/bologna/dati/progetti.json")))["data"]
    assert sum(Decimal(str(row["contributo"] or 0)) for row in funded) == figures.funds

    # dashboard (staff)
    client.force_login(MembershipFactory(city=bologna, role=Membership.Role.PLAN_OWNER).user)
    dashboard = client.get("/bologna/gestione/cruscotto/")
    assert dashboard.status_code == 200
    shown = dashboard.context["data"]["totals"]
    assert shown == figures
    assert len(dashboard.context["data"]["late"]) == figures.late
    page = dashboard.content.decode()
    assert f'data-figure="actions">{figures.actions}<' in page

    # report (staff), whole plan over the plan's period
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bologna/gestione/relazioni/nuova/", {"start_date": "2024-01-01", "end_date": "2027-12-31"}
        )
    assert response.status_code == 302
    report = Report.objects.get()
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(f"/bologna/gestione/relazioni/{report.pk}/xlsx/").streaming_content))
    )
    total = next(row for row in workbook["Sintesi"].iter_rows(values_only=True) if row[0] == "Totale")
    assert (total[1], total[2], total[9]) == (figures.actions, figures.completed, float(figures.funds))
    assert total[4] == figures.late
    assert total[5] == pytest.approx(float(figures.progress))

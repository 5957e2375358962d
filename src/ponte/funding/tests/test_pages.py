"""Portfolio pages: permissions, totals reconciled with the plan, lists, iCal feed."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from ponte.factories import ActionFactory, AxisFactory, AxisItemFactory, IndicatorFactory
from ponte.funding.models import Call, Project
from ponte.funding.tests.factories import CallFactory, ParticipationFactory, ProgrammeFactory, ProjectFactory
from ponte.testing import FUNDS, READ


@pytest.fixture
def portfolio(city, action):
    stated = IndicatorFactory(
        action=action, baseline_value=Decimal("660000000"), baseline_date=datetime.date(2023, 12, 31)
    )
    pnrr = ProgrammeFactory(city=city, slug="pnrr", name="PNRR", kind="indirect", stated_total=stated)
    mission = ProgrammeFactory(city=city, slug="pnrr-m5", name="M5", kind="indirect", parent=pnrr)
    horizon = ProgrammeFactory(city=city, slug="horizon", name="Horizon Europe", kind="direct")
    running = ProjectFactory(
        programme=mission,
        status="running",
        eu_contribution=Decimal("1000000.50"),
        total_budget=Decimal("1200000"),
        start_date=datetime.date(2023, 1, 1),
    )
    running.actions.add(action)
    ProjectFactory(
        programme=pnrr, status="granted", eu_contribution=Decimal("2000000.25"), start_date=datetime.date(2024, 3, 1)
    )
    ProjectFactory(programme=horizon, status="submitted", eu_contribution=Decimal("999"))  # not obtained: left out
    call = CallFactory(city=city, programme=horizon, deadline=datetime.date(2027, 2, 15), status="open")
    return {"pnrr": pnrr, "horizon": horizon, "project": running, "call": call}


PAGES = [
    ("/{c}/gestione/fondi/", READ),
    ("/{c}/gestione/fondi/progetti/", READ),
    ("/{c}/gestione/fondi/progetti/?export=xlsx", READ),
    ("/{c}/gestione/fondi/progetti/{project.pk}/", READ),
    ("/{c}/gestione/fondi/progetti/nuovo/", FUNDS),
    ("/{c}/gestione/fondi/progetti/{project.pk}/modifica/", FUNDS),
    ("/{c}/gestione/fondi/progetti/{project.pk}/stato/", FUNDS),
    ("/{c}/gestione/fondi/progetti/{project.pk}/partner/", FUNDS),
    ("/{c}/gestione/fondi/progetti/{project.pk}/scadenze/", FUNDS),
    ("/{c}/gestione/fondi/bandi/", READ),
    ("/{c}/gestione/fondi/bandi/{call.pk}/", READ),
    ("/{c}/gestione/fondi/bandi/nuovo/", FUNDS),
    ("/{c}/gestione/fondi/bandi/{call.pk}/modifica/", FUNDS),
    ("/{c}/gestione/fondi/bandi/scadenze.ics", READ),
    ("/{c}/gestione/fondi/progetti/{project.pk}/documenti/", FUNDS),
    ("/{c}/gestione/fondi/partner/", READ),
    ("/{c}/gestione/importazioni/", FUNDS),
]


@pytest.mark.parametrize("role", list(READ))
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_permission_matrix(client, users, city, portfolio, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(url.format(c=city.slug, **portfolio)).status_code == expected[role]


def test_totals_roll_up_the_programme_tree_and_reconcile_with_the_plan(client, users, city, portfolio):
    client.force_login(users["viewer"])
    lines = {line.programme.slug: line for line in client.get(f"/{city.slug}/gestione/fondi/").context["programmes"]}
    assert lines["pnrr"].total.projects == 2
    assert lines["pnrr"].total.eu_contribution == Decimal("3000000.75")
    assert lines["pnrr"].stated == Decimal("660000000")
    assert lines["pnrr"].difference == Decimal("3000000.75") - Decimal("660000000")
    assert lines["horizon"].total.projects == 0 and lines["horizon"].difference is None
    context = client.get(f"/{city.slug}/gestione/fondi/").context
    assert context["by_year"][2023].eu_contribution == Decimal("1000000.50")
    assert list(context["by_kind"].values())[0].projects == 2
    assert sum(total.projects for total in context["by_area"].values()) == 1


def test_totals_by_sdg_use_project_and_action_alignment(client, users, city, portfolio, action):
    sdg = AxisFactory(city=city, slug="sdg")
    goal = AxisItemFactory(axis=sdg, code="11", name="Città")
    action.alignments.add(AxisItemFactory(axis=sdg, code="11.2", parent=goal))
    client.force_login(users["viewer"])
    by_sdg = client.get(f"/{city.slug}/gestione/fondi/").context["by_sdg"]
    assert list(by_sdg) == ["11 Città"] and by_sdg["11 Città"].projects == 1


def test_project_created_and_moved_through_http(client, users, city, portfolio):
    client.force_login(users["owner"])
    response = client.post(
        f"/{city.slug}/gestione/fondi/progetti/nuovo/",
        {
            "title": "Scuole aperte",
            "programme": portfolio["pnrr"].pk,
            "cup": "j22f24000140002",
            "role": "beneficiary",
            "total_budget": "1500000,50",
            "eu_contribution": "1500000.50",
        },
    )
    project = Project.objects.get(title="Scuole aperte")
    assert response.status_code == 302 and project.cup == "J22F24000140002"
    assert project.total_budget == Decimal("1500000.50")
    bad = client.post(
        f"/{city.slug}/gestione/fondi/progetti/{project.pk}/stato/", {"to_status": "running", "date": "2025-01-01"}
    )
    assert bad.status_code == 200 and "to_status" in bad.context["form"].errors
    client.post(
        f"/{city.slug}/gestione/fondi/progetti/{project.pk}/stato/", {"to_status": "proposal", "date": "2025-01-01"}
    )
    project.refresh_from_db()
    assert project.status == "proposal"


def test_bad_cup_is_explained_on_the_form(client, users, city, portfolio):
    client.force_login(users["owner"])
    response = client.post(
        f"/{city.slug}/gestione/fondi/progetti/nuovo/",
        {"title": "X", "programme": portfolio["pnrr"].pk, "cup": "123", "role": "beneficiary"},
    )
    assert response.status_code == 200 and "cup" in response.context["form"].errors
    assert not Project.objects.filter(title="X").exists()


def test_calls_calendar_parses_back(client, users, city, portfolio):
    CallFactory(city=city, deadline=datetime.date(2026, 1, 1), status="closed")
    client.force_login(users["viewer"])
    response = client.get(f"/{city.slug}/gestione/fondi/bandi/scadenze.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == datetime.date(2027, 2, 15)
    assert portfolio["call"].identifier in str(events[0]["summary"])


def test_start_a_proposal_through_http(client, users, city, portfolio):
    client.force_login(users["owner"])
    response = client.post(f"/{city.slug}/gestione/fondi/bandi/{portfolio['call'].pk}/proposta/")
    project = Project.objects.get(call=portfolio["call"])
    assert response["Location"].endswith(f"/fondi/progetti/{project.pk}/modifica/")


@pytest.mark.parametrize(
    "url",
    [
        "/{c}/gestione/fondi/",
        "/{c}/gestione/fondi/progetti/",
        "/{c}/gestione/fondi/bandi/",
        "/{c}/gestione/fondi/progetti/{pk}/",
        "/{c}/gestione/fondi/partner/",
        "/{c}/gestione/fondi/bandi/{call}/",
    ],
)
def test_query_counts_do_not_grow_with_the_portfolio(client, users, city, portfolio, action, url):
    client.force_login(users["viewer"])
    project = portfolio["project"]

    def grow(n):
        for _ in range(n):
            other = ProjectFactory(programme=portfolio["pnrr"], status="running", eu_contribution=Decimal("10"))
            other.actions.add(ActionFactory(line=action.line))
            ParticipationFactory(project=project)
            CallFactory(city=city, programme=portfolio["horizon"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(c=city.slug, pk=project.pk, call=portfolio["call"].pk)).status_code == 200
        return len(queries)

    grow(3)
    count()  # a first request fills the per-process caches (content types), as any server's has
    few = count()
    grow(27)
    assert count() == few


def test_funds_to_the_city_count_its_share_of_a_consortium(client, users, city, portfolio):
    ProjectFactory(
        programme=portfolio["horizon"],
        status="running",
        role="partner",
        eu_contribution=Decimal("8000000"),
        city_share=Decimal("1200000"),
    )
    client.force_login(users["viewer"])
    lines = {line.programme.slug: line for line in client.get(f"/{city.slug}/gestione/fondi/").context["programmes"]}
    assert lines["horizon"].total.eu_contribution == Decimal("8000000")
    assert lines["horizon"].total.city_funds == Decimal("1200000")
    assert lines["pnrr"].total.city_funds == Decimal("3000000.75")  # sole beneficiary: the whole contribution


def test_a_typed_call_is_saved_and_scored(client, users, city, portfolio, django_capture_on_commit_callbacks):
    client.force_login(users["owner"])
    with django_capture_on_commit_callbacks(execute=True):  # scored in the background once saved
        response = client.post(
            f"/{city.slug}/gestione/fondi/bandi/nuovo/",
            {
                "identifier": "LIFE-2027-CLIMA",
                "title": "Adattamento climatico urbano",
                "status": "open",
                "decision": "undecided",
                "deadline": "2099-01-31",
                "url": "ec.europa.eu/life",
            },
        )
    call = Call.objects.get(identifier="LIFE-2027-CLIMA")
    assert response["Location"] == call.get_absolute_url()
    assert (call.source, call.url) == ("manual", "https://ec.europa.eu/life")
    assert call.fit_score is not None and call.fit_reasons


def test_the_new_call_form_says_what_identifier_and_parent_call_are(client, users, city):
    """Two bare fields "Identificativo" and "Bando" said nothing of their difference."""
    client.force_login(users["owner"])
    content = client.get(f"/{city.slug}/gestione/fondi/bandi/nuovo/").content.decode()
    assert "Identificativo (codice del topic o del bando)" in content
    assert "Bando di appartenenza" in content
    assert "HORIZON-CL5-2024-D6-01-01" in content and "HORIZON-CL5-2024-D6-01;" in content
    assert 'id="id_call_identifier_help"' in content


def test_a_saved_call_says_it_is_being_scored_until_the_ranking_ran(
    client, users, city, portfolio, django_capture_on_commit_callbacks
):
    client.force_login(users["owner"])
    with django_capture_on_commit_callbacks() as queued:
        client.post(
            f"/{city.slug}/gestione/fondi/bandi/nuovo/",
            {
                "identifier": "CERV-2027-TWIN",
                "title": "Gemellaggi tra città",
                "status": "open",
                "decision": "undecided",
            },
        )
    call = Call.objects.get(identifier="CERV-2027-TWIN")
    assert call.fit_score is None and len(queued) == 1
    assert "punteggio in calcolo" in client.get(call.get_absolute_url()).content.decode()
    queued[0]()
    call.refresh_from_db()
    assert call.fit_score is not None
    assert "punteggio in calcolo" not in client.get(call.get_absolute_url()).content.decode()


def test_a_project_without_acronym_is_opened_by_its_title(client, users, city, portfolio):
    project = ProjectFactory(programme=portfolio["horizon"], acronym="", title="Prima linea tranviaria")
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/fondi/progetti/").content.decode()
    assert f'<a href="{project.get_absolute_url()}">Prima linea tranviaria</a>' in page
    assert f'<a href="{project.get_absolute_url()}"></a>' not in page

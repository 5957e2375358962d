"""Reporting cycles and the one update form per period (issue 17): the period arithmetic on its
edges, which cycle applies, and the service that writes, corrects and applies an update."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ponte.core.models import ReviewState
from ponte.factories import ActionFactory, IndicatorFactory, LineFactory, MacroAreaFactory
from ponte.plan import cycles, services
from ponte.plan.cycles import Period
from ponte.plan.models import Action, ActionUpdate, Cadence, IndicatorValue, ReportingCycle

D = datetime.date


# -- periods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "cadence", "expected"),
    [
        (D(2026, 1, 1), Cadence.MONTHLY, (2026, 1)),
        (D(2026, 12, 31), Cadence.MONTHLY, (2026, 12)),
        (D(2026, 3, 31), Cadence.QUARTERLY, (2026, 1)),
        (D(2026, 4, 1), Cadence.QUARTERLY, (2026, 2)),
        (D(2026, 12, 31), Cadence.QUARTERLY, (2026, 4)),
        (D(2026, 6, 30), Cadence.SEMESTER, (2026, 1)),
        (D(2026, 7, 1), Cadence.SEMESTER, (2026, 2)),
        (D(2026, 12, 31), Cadence.YEARLY, (2026, 1)),
    ],
)
def test_the_period_of_a_date(day, cadence, expected):
    assert cycles.period_of(day, cadence) == expected


def test_period_bounds_on_leap_years_and_year_boundaries():
    assert Period(2024, 2, Cadence.MONTHLY).end == D(2024, 2, 29)
    assert Period(2025, 2, Cadence.MONTHLY).end == D(2025, 2, 28)
    assert Period(2024, 1, Cadence.QUARTERLY).end == D(2024, 3, 31)
    assert (Period(2026, 2, Cadence.QUARTERLY).start, Period(2026, 2, Cadence.QUARTERLY).end) == (
        D(2026, 4, 1),
        D(2026, 6, 30),
    )
    assert Period(2026, 2, Cadence.SEMESTER).end == D(2026, 12, 31)
    assert (Period(2026, 1, Cadence.YEARLY).start, Period(2026, 1, Cadence.YEARLY).end) == (
        D(2026, 1, 1),
        D(2026, 12, 31),
    )
    assert Period(2026, 4, Cadence.QUARTERLY).next() == Period(2027, 1, Cadence.QUARTERLY)
    assert Period(2027, 1, Cadence.MONTHLY).previous() == Period(2026, 12, Cadence.MONTHLY)
    assert Period(2026, 1, Cadence.YEARLY).previous() == Period(2025, 1, Cadence.YEARLY)
    with pytest.raises(ValueError):
        Period(2026, 5, Cadence.QUARTERLY)
    with pytest.raises(ValueError):
        Period(2026, 0, Cadence.MONTHLY)


def test_period_labels_in_italian_and_english():
    with translation.override("it"):
        assert cycles.period_label(Cadence.QUARTERLY, 2026, 2) == "2º trimestre 2026"
        assert cycles.period_label(Cadence.MONTHLY, 2026, 6) == "giugno 2026"
        assert cycles.period_label(Cadence.SEMESTER, 2026, 1) == "1º semestre 2026"
        assert cycles.period_label(Cadence.YEARLY, 2026, 1) == "2026"
    with translation.override("en"):
        assert cycles.period_label(Cadence.QUARTERLY, 2026, 2) == "Q2 2026"
        assert cycles.period_label(Cadence.MONTHLY, 2026, 6) == "June 2026"


def test_the_dates_of_a_cycle_across_the_year_end():
    cycle = ReportingCycle(cadence=Cadence.QUARTERLY, due_days=15, remind_days_before=7, grace_days=10)
    q4 = Period(2026, 4, Cadence.QUARTERLY)
    assert cycles.due_date(cycle, q4) == D(2027, 1, 15)
    assert cycles.reminder_date(cycle, q4) == D(2027, 1, 8)
    assert cycles.escalation_date(cycle, q4) == D(2027, 1, 25)
    assert not cycles.is_late(cycle, q4, D(2027, 1, 15)) and cycles.is_late(cycle, q4, D(2027, 1, 16))
    leap = ReportingCycle(cadence=Cadence.MONTHLY, due_days=1, remind_days_before=0, grace_days=0)
    assert cycles.due_date(leap, Period(2028, 2, Cadence.MONTHLY)) == D(2028, 3, 1)


def test_the_period_due_is_the_last_ended_one_not_yet_reported():
    cycle = ReportingCycle(cadence=Cadence.QUARTERLY)
    today = D(2027, 1, 10)
    assert cycles.due_period(cycle, today) == Period(2026, 4, Cadence.QUARTERLY)
    assert cycles.due_period(cycle, today, reported=[(2026, 4)]) == Period(2027, 1, Cadence.QUARTERLY)


# -- which cycle applies -----------------------------------------------------------------------------


def test_the_most_specific_cycle_applies_and_a_plan_without_one_reports_every_semester(city):
    macro = MacroAreaFactory(city=city)
    own, of_area, of_plan = (ActionFactory(line=LineFactory(city=city, macro_area=macro)) for _ in range(3))
    plan = macro.plan
    assert cycles.cycle_for(own).cadence == Cadence.SEMESTER and cycles.cycle_for(own).pk is None

    ReportingCycle.objects.create(city=city, plan=plan, cadence=Cadence.YEARLY)
    ReportingCycle.objects.create(city=city, plan=plan, macro_area=macro, cadence=Cadence.QUARTERLY)
    ReportingCycle.objects.create(city=city, plan=plan, action=own, cadence=Cadence.MONTHLY)
    other_area = ActionFactory(line=LineFactory(city=city, macro_area=MacroAreaFactory(city=city, plan=plan)))
    found = cycles.cycles_for(Action.objects.with_tree().filter(pk__in=[own.pk, of_area.pk, of_plan.pk, other_area.pk]))
    assert found[own.pk].cadence == Cadence.MONTHLY
    assert found[of_area.pk].cadence == Cadence.QUARTERLY
    assert found[other_area.pk].cadence == Cadence.YEARLY


def test_cycles_of_many_actions_in_one_query(city):
    macro = MacroAreaFactory(city=city)
    for _ in range(12):
        ActionFactory(line=LineFactory(city=city, macro_area=macro))
    actions = list(Action.objects.with_tree().filter(city=city))
    with CaptureQueriesContext(connection) as queries:
        found = cycles.cycles_for(actions)
    assert len(found) == 12 and len(queries) == 1


# -- the service -------------------------------------------------------------------------------------


@pytest.fixture
def quarterly(action):
    plan = action.line.macro_area.plan
    return ReportingCycle.objects.create(city=action.city, plan=plan, action=action, cadence=Cadence.QUARTERLY)


@pytest.fixture
def indicator(action):
    return IndicatorFactory(action=action, code="IND-PART", name="Partecipanti", unit="persone")


def submit(action, user, **fields):
    values = {"cadence": Cadence.QUARTERLY, "year": 2026, "period": 2, "status": "in_progress", "progress": 40}
    values |= {"text": "Due incontri.", **fields}
    return services.update_submit(action=action, user=user, **values)


def test_without_review_the_update_reaches_the_action_and_its_indicators(users, action, quarterly, indicator):
    outcome = submit(action, users["editor"], values={indicator.pk: "1.250,5"})
    assert outcome.created and outcome.applied
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.reference_date, value.value) == (D(2026, 6, 30), Decimal("1250.5"))
    assert value.source.startswith("Aggiornamento") or value.source.startswith("Update")
    update = outcome.update
    assert update.review_state == ReviewState.APPROVED and update.period_label in ("2º trimestre 2026", "Q2 2026")


def test_with_review_nothing_reaches_the_action_before_approval(users, city, action, quarterly, indicator):
    city.review_updates = True
    city.save()
    outcome = submit(action, users["editor"], status="delayed", progress=30, values={indicator.pk: 12})
    assert outcome.pending and outcome.created
    action.refresh_from_db()
    assert (action.status, action.progress) == ("not_started", 0)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()
    assert outcome.update.review_state == ReviewState.PENDING
    assert not ActionUpdate.objects.public().filter(pk=outcome.update.pk).exists()


def test_a_second_update_for_the_period_edits_the_first(users, action, quarterly, indicator):
    first = submit(action, users["editor"], values={indicator.pk: 10}).update
    second = submit(action, users["owner"], text="Tre incontri.", progress=50, values={})
    assert not second.created and second.update.pk == first.pk
    assert ActionUpdate.objects.filter(action=action).count() == 1
    first.refresh_from_db()
    assert (first.text, first.progress, first.author) == ("Tre incontri.", 50, users["owner"])
    assert not first.values.exists()  # the value left empty is no longer reported


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"progress": 120}, "progress"),
        ({"progress": "molto"}, "progress"),
        ({"status": "completed", "progress": 80}, "progress"),
        ({"status": ""}, "status"),
        ({"text": "  "}, "text"),
        ({"period": 5}, "period"),
        ({}, None),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(users, action, quarterly, indicator, fields, field):
    if field is None:
        fields, field = {"values": {indicator.pk: "dodici"}}, f"value_{indicator.pk}"
    with pytest.raises(ValidationError) as refused:
        submit(action, users["editor"], **fields)
    assert field in refused.value.message_dict
    assert not ActionUpdate.objects.exists()
    action.refresh_from_db()
    assert action.progress == 0


def test_completed_means_100_and_what_the_cycle_does_not_ask_is_not_required(users, action, quarterly):
    quarterly.asks_narrative = quarterly.asks_progress = False
    quarterly.save()
    outcome = submit(action, users["editor"], status="completed", progress=None, text="")
    action.refresh_from_db()
    assert (action.status, action.progress, outcome.update.progress) == ("completed", 100, 100)


def test_an_editor_of_another_office_cannot_write_it(users, action, quarterly, other_office):
    from django.core.exceptions import PermissionDenied

    from ponte.core.models import Membership
    from ponte.factories import MembershipFactory

    stranger = MembershipFactory(city=action.city, role=Membership.Role.OFFICE_EDITOR, office=other_office).user
    with pytest.raises(PermissionDenied):
        submit(action, stranger)


def test_cycles_are_set_by_plan_owners_only(users, action):
    from django.core.exceptions import PermissionDenied

    plan = action.line.macro_area.plan
    cycle = ReportingCycle(plan=plan, cadence=Cadence.MONTHLY)
    with pytest.raises(PermissionDenied):
        services.cycle_save(cycle=cycle, user=users["editor"])
    services.cycle_save(cycle=cycle, user=users["owner"])
    assert cycles.cycle_for(action).cadence == Cadence.MONTHLY
    duplicate = ReportingCycle(plan=plan, action=action, cadence=Cadence.YEARLY)
    services.cycle_save(cycle=duplicate, user=users["owner"])
    with pytest.raises(ValidationError) as refused:
        services.cycle_save(cycle=ReportingCycle(plan=plan, action=action), user=users["owner"])
    assert "action" in refused.value.message_dict


# -- the API: the same rules, and readers of `semester` keep working -----------------------------


def test_the_api_writes_through_the_same_rules(client, users, city, action, quarterly):
    from ponte.core.tokens import create_api_token

    client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user=users['editor'])[1]}"
    url = f"/api/v1/{city.slug}/actions/{action.code}/updates/"
    body = client.post(url, {"year": 2026, "cadence": "quarterly", "period": 2, "text": "Fatto."}, "application/json")
    assert body.status_code == 201, body.content
    written = body.json()
    assert (written["cadence"], written["period"], written["semester"]) == ("quarterly", 2, None)
    assert (written["period_start"], written["period_end"]) == ("2026-04-01", "2026-06-30")
    assert written["status"] == action.status and written["review_state"] == "approved"

    again = client.post(
        url, {"year": 2026, "cadence": "quarterly", "period": 2, "text": "Corretto."}, "application/json"
    )
    assert again.status_code == 200 and ActionUpdate.objects.get(action=action).text == "Corretto."

    old_style = client.post(url, {"year": 2026, "semester": 1, "text": "Semestre."}, "application/json")
    assert old_style.status_code == 201 and old_style.json()["semester"] == 1

    refused = client.post(url, {"year": 2026, "cadence": "quarterly", "period": 5, "text": "No."}, "application/json")
    assert refused.status_code == 400 and "period" in refused.content.decode()
    refused = client.post(
        url, {"year": 2026, "cadence": "quarterly", "period": 3, "progress": 101, "text": "No."}, "application/json"
    )
    assert refused.status_code == 400 and ActionUpdate.objects.filter(action=action).count() == 2


def test_the_api_update_waits_for_review_when_the_city_reviews(client, users, city, action, quarterly):
    from ponte.core.tokens import create_api_token

    city.review_updates = True
    city.save()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user=users['editor'])[1]}"
    url = f"/api/v1/{city.slug}/actions/{action.code}/updates/"
    body = client.post(
        url,
        {"year": 2026, "cadence": "quarterly", "period": 2, "status": "delayed", "text": "Fatto."},
        "application/json",
    )
    assert body.status_code == 201 and body.json()["review_state"] == "pending"
    action.refresh_from_db()
    assert action.status == "not_started"


def test_bologna_declares_its_semester_cycle_and_a_reload_keeps_the_plan_owners_choice(db):
    import io
    from pathlib import Path

    from django.core.management import call_command

    bologna = Path(__file__).resolve().parents[4] / "data" / "bologna"
    call_command("load_plan", str(bologna), stdout=io.StringIO())
    cycle = ReportingCycle.objects.get(city__slug="bologna", macro_area=None, action=None)
    assert (cycle.cadence, cycle.due_days, cycle.remind_days_before, cycle.grace_days) == ("semester", 15, 7, 10)
    cycle.cadence = Cadence.QUARTERLY
    cycle.save()
    call_command("load_plan", str(bologna), stdout=io.StringIO())
    assert ReportingCycle.objects.get(pk=cycle.pk).cadence == Cadence.QUARTERLY
    assert ReportingCycle.objects.filter(city__slug="bologna").count() == 1


def test_the_action_editor_reports_a_value_of_an_indicator_kept_by_another_office(
    users, action, quarterly, other_office
):
    kept_elsewhere = IndicatorFactory(action=action, code="IND-ALTRO", owner_office=other_office)
    submit(action, users["editor"], values={kept_elsewhere.pk: "7"})
    assert IndicatorValue.objects.get(indicator=kept_elsewhere).value == Decimal("7")


def test_approval_applies_the_update_that_waited(users, city, action, quarterly, indicator):
    from ponte.core import review

    city.review_updates = True
    city.save()
    update = submit(action, users["editor"], status="delayed", progress=30, values={indicator.pk: "4"}).update
    review.approve(item=update, user=users["owner"])
    action.refresh_from_db()
    assert (action.status, action.progress) == ("delayed", 30)
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal("4")
    assert ActionUpdate.objects.public().filter(pk=update.pk).exists()

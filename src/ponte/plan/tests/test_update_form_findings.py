"""What a new user found in the update form (issue 17, QA): authors by name, reported values as
typed, indicator fields that say what they ask, the periods an action may report, a new cadence
that does not make the past late, Italian addresses and a readable change history."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from ponte.collaboration.models import Notification
from ponte.factories import IndicatorFactory
from ponte.plan import cycles, queries, services
from ponte.plan.cycles import Period
from ponte.plan.models import Cadence, IndicatorTarget, IndicatorValue, ReportingCycle
from ponte.reports import deadlines

D = datetime.date


@pytest.fixture
def editor(users):
    user = users["editor"]
    user.username, user.first_name, user.last_name = "marco.bianchi", "Marco", "Bianchi"
    user.save()
    return user


@pytest.fixture
def running(action):
    action.start_date, action.end_date = D(2024, 1, 1), D(2027, 12, 31)
    action.save()
    return action


@pytest.fixture
def meetings(action):
    indicator = IndicatorFactory(action=action, code="PERF-CAFFE-EUROPA", name="Caffè Europa", unit="incontri")
    IndicatorValue.objects.create(city=action.city, indicator=indicator, reference_date=D(2026, 6, 30), value=12)
    IndicatorTarget.objects.create(city=action.city, indicator=indicator, target_date=D(2099, 12, 31), value=40)
    return indicator


def edit_url(action, period):
    return f"/{action.city.slug}/gestione/azioni/{action.code}/aggiornamenti/{cycles.cadence_slug(period.cadence)}/{period.year}/{period.number}/"


def write(action, user, period, **fields):
    values = {"status": "in_progress", "progress": 30, "text": "Due incontri."} | fields
    return services.update_submit(
        action=action, user=user, cadence=period.cadence, year=period.year, period=period.number, **values
    )


def main(response) -> str:
    return response.content.decode().partition("<main")[2]


def test_updates_name_their_author_by_full_name(client, editor, action):
    period = Period(2026, 1, Cadence.SEMESTER)
    write(action, editor, period)
    client.force_login(editor)
    detail = main(client.get(f"/{action.city.slug}/gestione/azioni/{action.code}/"))
    form = main(client.get(edit_url(action, period)))
    assert "Marco Bianchi" in detail and "marco.bianchi" not in detail
    assert "scritto da Marco Bianchi" in form and "marco.bianchi" not in form


def test_reported_values_show_as_typed_without_trailing_zeros(client, editor, action, meetings):
    period = Period(2026, 1, Cadence.SEMESTER)
    write(action, editor, period, values={meetings.pk: "3"})
    client.force_login(editor)
    form = main(client.get(edit_url(action, period)))
    assert re.search(rf'name="value_{meetings.pk}"[^>]*value="3"', form), form
    assert "3,0000" not in form
    detail = main(client.get(f"/{action.city.slug}/gestione/azioni/{action.code}/"))
    assert "Caffè Europa: 3 incontri" in detail and "3,0000" not in detail
    write(action, editor, period, values={meetings.pk: "1.250,5"})
    assert 'value="1.250,5"' in main(client.get(edit_url(action, period)))


def test_an_indicator_field_says_what_it_asks_without_internal_codes(client, editor, action, meetings):
    client.force_login(editor)
    form = main(client.get(edit_url(action, Period(2026, 1, Cadence.SEMESTER))))
    field = re.search(rf'<input[^>]*name="value_{meetings.pk}"[^>]*>', form).group(0)
    assert 'placeholder="incontri"' in field and "1.500.000" not in form
    assert "PERF-CAFFE-EUROPA" not in form
    assert "Caffè Europa, in incontri: il valore alla fine del periodo." in form
    assert "Ultimo valore: 12 al 30 giugno 2026." in form
    assert "Obiettivo: 40 entro il 31 dicembre 2099." in form


def test_the_period_picker_offers_the_periods_of_the_action_up_to_the_current_one(client, editor, running):
    client.force_login(editor)
    today = timezone.localdate()
    page = main(client.get(edit_url(running, Period.of(today, Cadence.SEMESTER))))
    picker = re.search(r'<select id="period-picker".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", picker)
    expected, period = [], Period.of(min(today, running.end_date), Cadence.SEMESTER)
    while period.end >= running.start_date:
        expected.append(period.label)
        period = period.previous()
    assert options == expected
    assert options[-1] == "1º semestre 2024" and "2022" not in picker
    assert re.search(r"<option[^>]*selected[^>]*>" + re.escape(Period.of(today, Cadence.SEMESTER).label), picker)


def test_a_new_cadence_asks_for_no_period_that_ended_before_it(client, users, editor, running, city):
    plan = running.line.macro_area.plan
    client.force_login(users["owner"])
    page = main(client.get(f"/{city.slug}/gestione/ciclo/"))
    today = timezone.localdate()
    assert f'name="starts_on" value="{today.isoformat()}"' in page
    assert "I periodi conclusi prima di questa data" in page  # the help text says what the date does
    response = client.post(
        f"/{city.slug}/gestione/ciclo/",
        {"cadence": "quarterly", "due_days": 15, "remind_days_before": 7, "grace_days": 10, "starts_on": today},
        follow=True,
    )
    first = Period.of(today, Cadence.QUARTERLY)
    assert f"Si applica dal {first.label}" in response.content.decode()
    assert f"aggiornamenti richiesti dal {first.label}" in main(response)  # the plan's cycle, as summed up
    cycle = ReportingCycle.objects.get(plan=plan, macro_area=None, action=None)
    assert (cycle.cadence, cycle.starts_on) == (Cadence.QUARTERLY, today)
    # The quarter that ended before the change is not late on the action's page …
    client.force_login(editor)
    detail = main(client.get(f"/{city.slug}/gestione/azioni/{running.code}/"))
    assert f"Prossimo aggiornamento: {first.label}" in detail and 'bg-danger">in ritardo' not in detail
    # … nor among the updates to write, the deadlines, or the reminders (one rule: cycles.owes):
    # the update to write is the current quarter's, not the ended one.
    assert queries.updates_owed([running], today)[running.pk][0] == first
    assert not any(d.overdue for d in deadlines.for_user(editor, city, today) if d.kind == "update")


def test_reminders_and_deadlines_skip_the_periods_before_the_cycle_took_effect(editor, running, city):
    plan = running.line.macro_area.plan
    cycle = ReportingCycle.objects.create(
        city=city, plan=plan, macro_area=running.line.macro_area, cadence=Cadence.QUARTERLY, starts_on=D(2026, 10, 18)
    )
    today = D(2026, 10, 20)  # Q3 2026 was due on 15 October, under a cadence set on the 18th
    run = services.send_update_reminders(city=city, today=today)
    assert not Notification.objects.exists() and run.sent == 0
    assert queries.updates_owed([running], today)[running.pk][0] == Period(2026, 4, Cadence.QUARTERLY)  # not Q3
    period, _due = cycles.next_due(cycle, today, (), running)
    assert period == Period(2026, 4, Cadence.QUARTERLY)
    assert [d for d in deadlines.for_user(editor, city, today) if d.kind == "update" and d.overdue] == []
    cycle.starts_on = D(2026, 9, 1)  # set before Q3 ended: Q3 is owed and late
    cycle.save()
    assert services.send_update_reminders(city=city, today=today).sent > 0
    assert queries.updates_owed([running], today)[running.pk][0] == Period(2026, 3, Cadence.QUARTERLY)


def test_update_addresses_are_italian_and_the_old_ones_redirect(client, editor, action):
    update = write(action, editor, Period(2026, 1, Cadence.SEMESTER)).update
    assert "/aggiornamenti/semestrale/2026/1/" in update.get_absolute_url()
    client.force_login(editor)
    old = client.get(f"/{action.city.slug}/gestione/azioni/{action.code}/aggiornamenti/semester/2026/1/")
    assert old.status_code == 301 and old["Location"].endswith("/aggiornamenti/semestrale/2026/1/")
    quarter = client.get(f"/{action.city.slug}/gestione/azioni/{action.code}/aggiornamenti/quarterly/2026/2/")
    assert quarter.status_code == 301 and quarter["Location"].endswith("/aggiornamenti/trimestrale/2026/2/")
    assert client.get(update.get_absolute_url()).status_code == 200
    assert (
        client.get(f"/{action.city.slug}/gestione/azioni/{action.code}/aggiornamenti/weekly/2026/1/").status_code == 404
    )
    with translation.override("it"):
        assert str(update) == f"{action.code} · 1º semestre 2026"
    assert {cycles.cadence_of_slug(cycles.cadence_slug(c))[0] for c in Cadence} == set(Cadence)


def test_a_value_is_shown_as_typed_in_the_review_page_too():
    from ponte.core import money

    with translation.override("it"):
        assert (money.figure(Decimal("3.0000")), money.figure(Decimal("1250.5000"))) == ("3", "1.250,5")
        assert money.figure(Decimal("300.0000")) == "300"
    assert money.plain(Decimal("300.0000")) == Decimal("300")

"""What a new user's probe found in the monitoring cycle (issue 17): "Aggiornamenti da scrivere"
and the deadlines follow one rule (`queries.updates_owed`), a sent-back update waits on its
author's home with the reviewer's comment, a value reported before its period ends is dated the
day it is reported (never in the future), and the update form records a risk in the register."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from ponte.core import review
from ponte.core.models import ReviewState, Risk
from ponte.factories import IndicatorFactory
from ponte.plan import cycles, queries, services
from ponte.plan.cycles import Period
from ponte.plan.models import Cadence, IndicatorValue, ReportingCycle
from ponte.reports import deadlines

TODAY = timezone.localdate()


@pytest.fixture
def quarterly(action):
    """A quarterly cycle given today: the quarter that ended before today is not asked for."""
    action.start_date, action.end_date = TODAY - datetime.timedelta(days=400), TODAY + datetime.timedelta(days=400)
    action.save()
    return ReportingCycle.objects.create(
        city=action.city, plan=action.line.macro_area.plan, cadence=Cadence.QUARTERLY, starts_on=TODAY
    )


@pytest.fixture
def indicator(action):
    return IndicatorFactory(action=action, code="IND-PART", name="Partecipanti", unit="persone")


def current():
    return Period.of(TODAY, Cadence.QUARTERLY)


def write(action, user, period, **fields):
    values = {"status": "in_progress", "progress": 40, "text": "Due incontri."} | fields
    return services.update_submit(
        action=action, user=user, cadence=period.cadence, year=period.year, period=period.number, **values
    )


def owed_in_deadlines(user, city):
    return [d for d in deadlines.for_user(user, city, TODAY) if d.kind == "update"]


def test_updates_to_write_and_the_deadlines_agree(client, users, action, quarterly):
    period = current()
    due = cycles.due_date(quarterly, period)
    # The quarter that ended is not asked (the cycle began today): the current one is owed, on
    # both pages — the probe saw "75 updates due" on the home and "Nessuna azione" here.
    assert list(queries.actions_due_update(action.city)) == [action]
    [deadline] = owed_in_deadlines(users["editor"], action.city)
    assert (deadline.day, period.label in deadline.title) == (due, True)
    client.force_login(users["editor"])
    page = client.get(f"/{action.city.slug}/gestione/azioni/scadenze/").content.decode()
    assert period.label in page and due.strftime("%d/%m/%Y") in page
    assert f"/aggiornamenti/trimestrale/{period.year}/{period.number}/" in page
    home = client.get(f"/{action.city.slug}/gestione/")
    panel = next(p for p in home.context["panels"] if p.title == "Aggiornamenti da scrivere")
    assert panel.count == 1

    # Reported early: owed nowhere any more.
    write(action, users["editor"], period)
    assert not queries.actions_due_update(action.city).exists()
    assert owed_in_deadlines(users["editor"], action.city) == []
    page = client.get(f"/{action.city.slug}/gestione/azioni/scadenze/").content.decode()
    assert "Nessun aggiornamento da scrivere" in page


def test_a_sent_back_update_is_owed_again_and_waits_on_its_authors_home(client, users, city, action, quarterly):
    city.review_updates = True
    city.save()
    update = write(action, users["editor"], current()).update
    assert update.review_state == ReviewState.PENDING
    assert not queries.actions_due_update(city).exists()  # written: waiting for the reviewer
    client.force_login(users["editor"])
    home = client.get(f"/{city.slug}/gestione/")
    assert "Rimandati indietro a te" not in [p.title for p in home.context["panels"]]

    review.send_back(item=update, user=users["owner"], comment="Manca il numero dei partecipanti.")
    assert list(queries.actions_due_update(city)) == [action]  # the same rule as the deadlines
    assert len(owed_in_deadlines(users["editor"], city)) == 1
    home = client.get(f"/{city.slug}/gestione/")
    panel = next(p for p in home.context["panels"] if p.title == "Rimandati indietro a te")
    [row] = panel.rows
    assert row.url == f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/{update.pk}/"
    assert "Manca il numero dei partecipanti." in row.note and "Aggiornamento periodico" in row.note
    assert row.alert == "da correggere"
    assert home.context["panels"].index(panel) == 0  # first on the page
    html = home.content.decode()
    assert "Manca il numero dei partecipanti." in html
    # Someone else's home does not show it.
    client.force_login(users["viewer"])
    home = client.get(f"/{city.slug}/gestione/")
    assert "Rimandati indietro a te" not in [p.title for p in home.context["panels"]]


def test_a_value_reported_before_its_period_ends_is_dated_the_day_it_is_reported(
    client, users, action, quarterly, indicator
):
    period = current()
    assert period.end > TODAY  # the probe's 31/12/2026 seen on 07/12/2026
    client.force_login(users["editor"])
    url = f"/{action.city.slug}/gestione/azioni/{action.code}/aggiornamenti/trimestrale/{period.year}/{period.number}/"
    form = client.get(url).content.decode()
    with translation.override("it"):
        today = date_format(TODAY, "DATE_FORMAT")
    assert "non è ancora concluso" in form and f"pubblicati come misurati il {today}" in form
    write(action, users["editor"], period, values={indicator.pk: 12})
    value = IndicatorValue.objects.get(indicator=indicator)
    assert value.reference_date == TODAY and value.value == 12

    # A period already ended keeps its end date.
    ended = Period(TODAY.year - 1, 4, Cadence.QUARTERLY)
    write(action, users["editor"], ended, values={indicator.pk: 9})
    assert IndicatorValue.objects.get(indicator=indicator, value=9).reference_date == ended.end
    form = client.get(
        f"/{action.city.slug}/gestione/azioni/{action.code}/aggiornamenti/trimestrale/{ended.year}/4/"
    ).content.decode()
    assert "la fine del periodo" in form and "non è ancora concluso" not in form


def test_the_value_date_is_never_in_the_future():
    from ponte.plan.models import value_date_of

    end = datetime.date(2026, 12, 31)
    assert value_date_of(end, datetime.date(2026, 12, 7)) == datetime.date(2026, 12, 7)
    assert value_date_of(end, datetime.date(2027, 1, 10)) == end
    assert value_date_of(end, end) == end


def test_the_update_form_records_a_risk_in_the_register(client, users, action, quarterly):
    period = current()
    client.force_login(users["editor"])
    url = f"/{action.city.slug}/gestione/azioni/{action.code}/aggiornamenti/trimestrale/{period.year}/{period.number}/"
    form = client.get(url).content.decode()
    assert "Registra come rischio" in form and f"/azioni/{action.code}/#rischi" in form
    data = {
        "status": "in_progress",
        "progress": 40,
        "text": "Due incontri.",
        "risks": "Il fornitore potrebbe ritardare.",
        "risk_title": "Ritardo del fornitore",
        "risk_likelihood": 4,
        "risk_impact": 3,
    }
    # The update is refused (no narrative): no risk either.
    refused = client.post(url, data | {"text": ""})
    assert refused.status_code == 200 and not Risk.objects.exists()
    response = client.post(url, data, follow=True)
    risk = Risk.objects.get()
    assert (risk.item, risk.title, risk.likelihood, risk.impact, risk.created_by) == (
        action,
        "Ritardo del fornitore",
        4,
        3,
        users["editor"],
    )
    assert risk.description == "Il fornitore potrebbe ritardare."
    assert "registrato nel registro dei rischi" in response.content.decode()
    # No risk named: none recorded.
    client.post(url, data | {"risk_title": ""})
    assert Risk.objects.count() == 1

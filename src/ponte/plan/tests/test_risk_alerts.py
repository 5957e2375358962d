"""The alert "in ritardo senza mitigazione" (issue 17): an action behind its planned progress
whose open risks have no open mitigation is flagged on its page, on the staff's home, and once a
week by `check_risk_alerts` to its responsible person (or its office's editors) and the plan
owners."""

import datetime

import pytest
from django.core.management import call_command

from ponte.collaboration.models import Notification
from ponte.core import risks
from ponte.core.models import Membership, Risk
from ponte.core.services import follow_up_done
from ponte.factories import ActionFactory, MembershipFactory, PersonFactory
from ponte.plan.risk_alerts import is_flagged, send_risk_alerts

TODAY = datetime.date.today()
DUE = TODAY + datetime.timedelta(days=20)


def behind(action, progress=0):
    """Started 300 days ago, ends in 100: 75 % expected today (the plan's gaps: 10 and 25)."""
    action.start_date, action.end_date = TODAY - datetime.timedelta(300), TODAY + datetime.timedelta(100)
    action.progress, action.status = progress, "in_progress"
    action.save()
    return action


@pytest.fixture
def late(action):
    return behind(action)


def risk_of(action, user, **fields):
    return risks.risk_add(item=action, user=user, title="Fornitore unico", likelihood=4, impact=4, **fields)


def test_behind_with_no_risk_is_flagged(users, late):
    assert is_flagged(late, TODAY)


def test_behind_with_an_open_risk_but_no_mitigation_is_flagged(users, late):
    risk_of(late, users["editor"])
    assert is_flagged(late, TODAY)


def test_an_open_mitigation_of_an_open_risk_lifts_the_alert(users, late):
    risk = risk_of(late, users["editor"])
    risks.mitigation_add(
        risk=risk, user=users["editor"], title="Secondo fornitore", due_date=DUE, owner=users["editor"]
    )
    assert not is_flagged(late, TODAY)


def test_a_mitigation_done_leaves_the_action_flagged(users, late):
    risk = risk_of(late, users["editor"])
    task = risks.mitigation_add(risk=risk, user=users["editor"], title="Piano B", due_date=DUE, owner=users["editor"])
    follow_up_done(task=task, user=users["editor"])
    assert is_flagged(late, TODAY)


def test_a_mitigation_of_a_closed_risk_does_not_count(users, late):
    risk = risk_of(late, users["editor"])
    risks.mitigation_add(risk=risk, user=users["editor"], title="Piano B", due_date=DUE, owner=users["editor"])
    risks.risk_close(risk=risk, user=users["editor"])
    assert is_flagged(late, TODAY)


def test_at_risk_or_on_track_is_not_flagged(users, action):
    assert not is_flagged(behind(action, progress=55), TODAY)  # 20 points behind: at risk
    assert not is_flagged(behind(action, progress=75), TODAY)  # on track


def test_completed_is_not_flagged(users, late):
    late.status, late.progress = "completed", 100
    late.save()
    assert not is_flagged(late, TODAY)


def test_another_actions_mitigation_does_not_count(users, late):
    other = ActionFactory(line=late.line, owner_office=late.owner_office)
    risk = risk_of(other, users["owner"])
    risks.mitigation_add(risk=risk, user=users["owner"], title="Piano B", due_date=DUE, owner=users["owner"])
    assert is_flagged(late, TODAY)


# Notifications.


def test_the_office_editors_and_the_plan_owners_are_told_once_a_week(users, late):
    assert send_risk_alerts(city=late.city, today=TODAY) == (1, 2)
    told = Notification.objects.filter(kind=Notification.Kind.RISK_ALERT)
    assert {n.recipient for n in told} == {users["editor"], users["owner"]}
    note = told.first()
    assert note.title == f"{late} è in ritardo e non ha mitigazioni in corso"
    assert note.url == f"{late.get_absolute_url()}#rischi"
    assert "Stato calcolato: in ritardo (atteso 75%, raggiunto 0%)" in note.body

    assert send_risk_alerts(city=late.city, today=TODAY) == (1, 0)  # the same week: nothing again
    next_week = TODAY + datetime.timedelta(days=7)
    assert send_risk_alerts(city=late.city, today=next_week) == (1, 2)
    assert Notification.objects.filter(kind=Notification.Kind.RISK_ALERT).count() == 4


def test_the_responsible_person_is_told_instead_of_the_office(users, late, city):
    responsible = MembershipFactory(city=city, role=Membership.Role.VIEWER).user
    late.responsible = PersonFactory(city=city, user=responsible)
    late.save()
    send_risk_alerts(city=city, today=TODAY)
    told = {n.recipient for n in Notification.objects.filter(kind=Notification.Kind.RISK_ALERT)}
    assert told == {responsible, users["owner"]}


def test_a_mitigated_action_is_not_notified(users, late):
    risk = risk_of(late, users["editor"])
    risks.mitigation_add(risk=risk, user=users["editor"], title="Piano B", due_date=DUE, owner=users["editor"])
    assert send_risk_alerts(city=late.city, today=TODAY) == (0, 0)
    assert not Notification.objects.exists()


def test_the_command_says_what_it_did(users, late, capsys):
    call_command("check_risk_alerts", "--now", "--city", late.city.slug)
    assert capsys.readouterr().out == (
        f"{late.city.slug}: 1 action(s) behind without mitigation, 2 notification(s) created\n"
    )
    call_command("check_risk_alerts", "--now", "--city", late.city.slug)
    assert "1 action(s) behind without mitigation, 0 notification(s) created" in capsys.readouterr().out


# Pages.


def test_the_action_page_shows_the_alert_until_a_mitigation_is_open(client, users, late):
    client.force_login(users["editor"])
    html = client.get(late.get_absolute_url()).content.decode()
    assert "In ritardo senza mitigazione." in html
    risk = risk_of(late, users["editor"])
    risks.mitigation_add(risk=risk, user=users["editor"], title="Piano B", due_date=DUE, owner=users["editor"])
    html = client.get(late.get_absolute_url()).content.decode()
    assert "In ritardo senza mitigazione." not in html
    assert "Fornitore unico" in html and "Piano B" in html


def test_the_home_lists_the_actions_behind_without_mitigation(client, users, late, other_office):
    elsewhere = behind(ActionFactory(line=late.line, owner_office=other_office, code="9.9", title="Altrove"))
    client.force_login(users["editor"])
    panel = next(
        p
        for p in client.get(f"/{late.city.slug}/gestione/").context["panels"]
        if p.title == "In ritardo senza mitigazione"
    )
    assert [row.label for row in panel.rows] == [f"{late.code} {late.title}"]  # their office's only
    assert panel.rows[0].url == late.get_absolute_url()
    client.force_login(users["owner"])
    panel = next(
        p
        for p in client.get(f"/{late.city.slug}/gestione/").context["panels"]
        if p.title == "In ritardo senza mitigazione"
    )
    assert panel.count == 2 and elsewhere.get_absolute_url() in {row.url for row in panel.rows}
    client.force_login(users["events"])
    titles = [p.title for p in client.get(f"/{late.city.slug}/gestione/").context["panels"]]
    assert "In ritardo senza mitigazione" not in titles  # not theirs to mitigate
    assert Risk.objects.count() == 0

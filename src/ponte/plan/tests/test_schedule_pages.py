"""Planned against actual on the back office's pages (issue 17): the computed status beside the
editor's on the action list (with its filter), the action page, the overview and the dashboard;
the schedule thresholds; milestone weights; dependencies between actions; the timeline."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format

from ponte.core.models import Membership, Organisation
from ponte.factories import (
    ActionFactory,
    LineFactory,
    MacroAreaFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    PlanFactory,
)
from ponte.plan import dependencies
from ponte.plan.models import Action
from ponte.testing import body

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def plan(city):
    return PlanFactory(city=city, start_year=TODAY.year - 1, end_year=TODAY.year + 2)


@pytest.fixture
def line(plan):
    area = MacroAreaFactory(city=plan.city, plan=plan, title="Città internazionale")
    return LineFactory(city=plan.city, macro_area=area, title="Reti europee")


def make_action(line, code, progress, days_before=60, days_after=40, **fields):
    return ActionFactory(
        line=line,
        city=line.city,
        code=code,
        title=f"Azione {code}",
        start_date=TODAY - days_before * DAY,
        end_date=TODAY + days_after * DAY,
        progress=progress,
        status=Action.Status.IN_PROGRESS,
        **fields,
    )


@pytest.fixture
def owner(city):
    return MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user


@pytest.fixture
def actions(line):
    return {
        "behind": make_action(line, "1.1.1", 20),  # expected 60
        "at_risk": make_action(line, "1.1.2", 45),
        "on_track": make_action(line, "1.1.3", 60),
    }


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_action_list_shows_and_filters_the_computed_status(client, owner, actions, settings):
    settings.LANGUAGE_CODE = "it"
    city = actions["behind"].city
    content = page(client, owner, f"/{city.slug}/gestione/azioni/")
    assert "Andamento" in content
    assert "In ritardo" in content and "A rischio" in content and "In linea" in content
    assert "atteso 60%, raggiunto 20%" in content
    behind = page(client, owner, f"/{city.slug}/gestione/azioni/?rag=behind")
    assert "Azione 1.1.1" in behind
    assert "Azione 1.1.2" not in behind and "Azione 1.1.3" not in behind


def test_the_action_page_compares_expected_and_reached(client, owner, actions):
    action = actions["at_risk"]
    content = page(client, owner, action.get_absolute_url())
    assert "Atteso oggi" in content and "60%" in content
    assert "Raggiunto" in content and "45%" in content
    assert "Atteso 60%, raggiunto 45%" in content  # the reason, capitalised
    assert "A rischio" in content


def test_overview_and_dashboard_count_and_link_to_the_filtered_list(client, owner, actions):
    city = actions["behind"].city
    for url in (f"/{city.slug}/gestione/piano/", f"/{city.slug}/gestione/cruscotto/"):
        content = page(client, owner, url)
        assert "1 azione in ritardo" in content, url
        assert "1 azione a rischio" in content, url
        assert f"/{city.slug}/gestione/azioni/?rag=behind" in content, url


def test_plan_owners_set_the_thresholds(client, owner, actions, plan):
    client.force_login(owner)
    url = f"/{plan.city.slug}/gestione/piano/soglie/"
    response = client.post(url, {"rag_at_risk_gap": "30", "rag_behind_gap": "20"})
    assert response.status_code == 200
    assert "non può essere inferiore alla soglia" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.rag_at_risk_gap, plan.rag_behind_gap) == (10, 25)

    response = client.post(url, {"rag_at_risk_gap": "20", "rag_behind_gap": "50"}, follow=True)
    assert "Soglie di andamento salvate" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.rag_at_risk_gap, plan.rag_behind_gap) == (20, 50)
    behind = page(client, owner, f"/{plan.city.slug}/gestione/azioni/?rag=behind")
    assert "Azione 1.1.1" not in behind  # 40 points behind is now only at risk


def test_editors_cannot_set_the_thresholds(client, city, plan, users):
    client.force_login(users["editor"])
    url = f"/{city.slug}/gestione/piano/soglie/"
    assert client.post(url, {"rag_at_risk_gap": "1", "rag_behind_gap": "2"}).status_code == 403
    plan.refresh_from_db()
    assert plan.rag_at_risk_gap == 10


def test_milestone_weights_are_set_and_shape_the_expectation(client, owner, actions):
    action = actions["on_track"]
    client.force_login(owner)
    base = f"/{action.city.slug}/gestione/azioni/{action.code}/traguardi/"
    response = client.post(base, {"title": "Bando pubblicato", "due_date": (TODAY - DAY).isoformat(), "weight": "3"})
    assert response.status_code == 302
    client.post(base, {"title": "Progetto concluso", "due_date": (TODAY + 40 * DAY).isoformat(), "weight": "1"})
    first = action.milestones.get(title="Bando pubblicato")
    assert first.weight == Decimal("3")
    content = page(client, owner, action.get_absolute_url())
    assert "Atteso oggi" in content and "76%" in content  # ¾ of the work was due yesterday, and 1/41 of the rest since

    response = client.post(
        f"{base}{first.pk}/modifica/", {"title": first.title, "due_date": first.due_date.isoformat(), "weight": "0"}
    )
    assert response.status_code == 200  # refused: a weight is positive
    first.refresh_from_db()
    assert first.weight == Decimal("3")
    response = client.post(
        f"{base}{first.pk}/modifica/",
        {"title": first.title, "due_date": first.due_date.isoformat(), "weight": "1"},
        follow=True,
    )
    assert "Traguardo salvato" in response.content.decode()
    first.refresh_from_db()
    assert first.weight == Decimal("1")


def _edit_data(action, **changes):
    data = {
        "title": action.title,
        "description": "",
        "status": action.status,
        "progress": action.progress,
        "start_date": action.start_date.isoformat(),
        "end_date": action.end_date.isoformat(),
        "weight": "1",
        "source": "",
        "publication": action.publication,
        "updated_at": "",
    }
    data.update(changes)
    return data


def test_dependencies_are_edited_shown_both_ways_and_refuse_a_circle(client, owner, actions):
    needed, dependent = actions["behind"], actions["on_track"]
    client.force_login(owner)
    response = client.post(
        f"/{dependent.city.slug}/gestione/azioni/{dependent.code}/modifica/",
        _edit_data(dependent, depends_on=[needed.pk]),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    # Back on the page's dependencies: a redirect without a fragment would keep the form's
    # `#id_depends_on` ("Change the dependencies"), which the action's page does not have.
    assert response["Location"] == f"{dependent.get_absolute_url()}#dependencies-heading"
    assert list(dependent.depends_on.all()) == [needed]

    content = page(client, owner, dependent.get_absolute_url())
    assert "Dipende da" in content and "Azione 1.1.1" in content
    assert "1.1.1, da cui questa azione dipende, è in ritardo" in content
    content = page(client, owner, needed.get_absolute_url())
    assert "Azioni che dipendono da questa" in content and "Azione 1.1.3" in content

    response = client.post(
        f"/{needed.city.slug}/gestione/azioni/{needed.code}/modifica/", _edit_data(needed, depends_on=[dependent.pk])
    )
    assert response.status_code == 200
    assert "Dipende da: 1.1.3 dipende già da 1.1.1 (1.1.3 → 1.1.1)" in response.content.decode()
    assert not needed.depends_on.exists()


def test_a_dependency_ending_later_is_a_warning(client, owner, line):
    dependent = make_action(line, "2.1", 60, days_after=10)
    needed = make_action(line, "2.2", 60, days_after=30)
    dependent.depends_on.add(needed)
    content = page(client, owner, dependent.get_absolute_url())
    assert "2.2, da cui questa azione dipende, termina il" in content


def test_the_timeline_draws_lines_actions_and_milestones(client, owner, actions, line):
    action = actions["behind"]
    MilestoneFactory(action=action, title="Rete avviata", due_date=TODAY - 10 * DAY, done_date=TODAY - 10 * DAY)
    MilestoneFactory(action=action, title="Accordo firmato", due_date=TODAY - 5 * DAY)
    actions["on_track"].depends_on.add(action)
    content = page(client, owner, f"/{action.city.slug}/gestione/piano/cronoprogramma/")
    assert "Cronoprogramma" in content
    assert "Città internazionale" in content and "Reti europee" in content
    assert content.count('class="ponte-timeline-action"') == 3
    assert "ponte-ms ponte-ms-done" in content and "ponte-ms ponte-ms-overdue" in content
    assert "Traguardo “Accordo firmato”" in content and "scaduto" in content
    assert 'class="ponte-today"' in content
    assert "ponte-bar ponte-bar-behind" in content and "In ritardo" in content
    assert "dipende da" in content
    assert "<style" not in content and "style=" not in content.split("<main", 1)[1]


def test_the_timeline_filters_by_macro_area_and_office(client, owner, actions, plan):
    office = OrganisationFactory(city=plan.city, kind=Organisation.Kind.CITY_OFFICE, name="Ufficio Europa")
    other_area = MacroAreaFactory(city=plan.city, plan=plan, title="Altra area")
    other = make_action(LineFactory(city=plan.city, macro_area=other_area), "9.1", 50, owner_office=office)
    base = f"/{plan.city.slug}/gestione/piano/cronoprogramma/"
    content = page(client, owner, f"{base}?macro_area={other_area.pk}")
    assert "Azione 9.1" in content and "Azione 1.1.1" not in content
    content = page(client, owner, f"{base}?owner_office={office.pk}")
    assert other.title in content and "Azione 1.1.2" not in content


def test_the_timeline_keeps_its_queries_as_actions_grow(client, owner, line):
    url = f"/{line.city.slug}/gestione/piano/cronoprogramma/"

    def add(n):
        for i in range(n):
            action = make_action(line, f"Q{Action.objects.count()}-{i}", 30)
            MilestoneFactory(action=action, due_date=TODAY)
            action.depends_on.add(Action.objects.first())

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(owner)
    add(2)
    client.get(url)
    few = count()
    add(18)
    assert count() == few


def test_an_action_cannot_depend_on_itself(client, owner, actions):
    action = actions["on_track"]
    client.force_login(owner)
    response = client.post(
        f"/{action.city.slug}/gestione/azioni/{action.code}/modifica/", _edit_data(action, depends_on=[action.pk])
    )
    assert response.status_code == 200  # not among the choices: the form says so at the field
    assert 'id="id_depends_on"' in response.content.decode() and "is-invalid" in response.content.decode()
    assert not action.depends_on.exists()
    with pytest.raises(ValidationError) as refused, translation.override("it"):
        dependencies.check(action, [action])
    assert refused.value.message_dict["depends_on"] == ["Dipende da: un’azione non può dipendere da se stessa."]


def test_a_longer_circle_is_refused_naming_the_chain(actions, line):
    first, second, third = actions["behind"], actions["at_risk"], actions["on_track"]
    second.depends_on.add(first)
    third.depends_on.add(second)
    with pytest.raises(ValidationError) as refused, translation.override("it"):
        dependencies.check(first, [third])
    assert "(1.1.3 → 1.1.2 → 1.1.1)" in refused.value.message_dict["depends_on"][0]
    dependencies.check(third, [first])  # depending on what is already upstream is no circle


def test_the_export_holds_the_computed_status_in_constant_queries(client, owner, actions, line):
    client.force_login(owner)
    url = f"/{line.city.slug}/gestione/azioni/?export=csv"

    def export():
        with CaptureQueriesContext(connection) as captured:
            text = body(client.get(url)).decode("utf-8-sig")
        return text, len(captured)

    text, few = export()
    assert "Andamento;Avanzamento atteso oggi (%);Perché" in text
    assert "In ritardo;60;atteso 60%, raggiunto 20%" in text
    for n in range(5):
        MilestoneFactory(action=make_action(line, f"7.{n}", 10), due_date=TODAY)
    assert export()[1] == few


def test_the_timeline_spans_the_plans_period_and_cuts_longer_bars(client, owner, actions, line, plan):
    """An action begun years before the plan does not stretch the axis: its bar is cut at the
    edge with an arrow, and its real dates are written beside it and in the bar's description."""
    old = make_action(line, "3.2.3", 50, days_before=365 * 9, days_after=365 * 6)
    MilestoneFactory(action=old, title="Adesione", due_date=old.start_date + 30 * DAY)
    content = page(client, owner, f"/{line.city.slug}/gestione/piano/cronoprogramma/")
    years = re.findall(r'class="ponte-tick-label"[^>]*>(\d{4})<', content)
    assert years == [str(y) for y in range(plan.start_year, plan.end_year + 1)]
    assert content.count('class="ponte-bar-cut"') == 3  # both ends of the old action, and the legend
    with translation.override("it"):
        start = date_format(old.start_date, "SHORT_DATE_FORMAT")
    assert "inizia prima del periodo del piano" in content and "termina dopo il periodo del piano" in content
    assert start in content
    assert "Traguardo “Adesione”" not in content  # a milestone out of the period is not drawn at the edge
    # The other actions' bars are drawn on the plan's period: the 100-day bars are not slivers.
    widths = [
        float(w) for w in re.findall(r'class="ponte-bar ponte-bar-[a-z_]+" x="[\d.]+" y="7" width="([\d.]+)"', content)
    ]
    assert min(widths) > 40

"""Planned against actual (issue 17): the expected progress and the computed RAG status on the
edges — before the start, on the start day, after the end, without dates, with only one date,
with weighted milestones, completed and suspended actions, thresholds exactly on the boundary."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ponte.factories import ActionFactory, LineFactory, MilestoneFactory, PlanFactory
from ponte.plan import schedule
from ponte.plan.models import Action
from ponte.plan.schedule import Rag, assess, expected_progress, rag

TODAY = datetime.date(2026, 6, 30)
DAY = datetime.timedelta(days=1)


def action_for(plan=None, **fields):
    city_fields = {"city": plan.city, "macro_area__city": plan.city, "macro_area__plan": plan} if plan else {}
    line = LineFactory(**city_fields)
    return ActionFactory(line=line, city=line.city, **fields)


def spanning(days_before, days_after, **fields):
    """An action started `days_before` today and ending `days_after` it."""
    return action_for(start_date=TODAY - days_before * DAY, end_date=TODAY + days_after * DAY, **fields)


@pytest.mark.django_db
class TestExpectedProgress:
    def test_linear_between_start_and_end(self):
        assert expected_progress(spanning(60, 40), TODAY) == 60

    def test_nothing_before_the_start(self):
        assert expected_progress(spanning(-5, 40), TODAY) == 0

    def test_nothing_on_the_start_day(self):
        assert expected_progress(spanning(0, 40), TODAY) == 0

    def test_everything_on_the_end_day_and_after(self):
        assert expected_progress(spanning(40, 0), TODAY) == 100
        assert expected_progress(spanning(40, -10), TODAY) == 100

    def test_start_and_end_on_the_same_day(self):
        assert expected_progress(spanning(0, 0), TODAY) == 100
        assert expected_progress(action_for(start_date=TODAY + DAY, end_date=TODAY + DAY), TODAY) == 0

    def test_halves_round_up(self):
        assert expected_progress(spanning(1, 7), TODAY) == 13  # 12.5

    def test_no_dates_no_milestones(self):
        assert expected_progress(action_for(), TODAY) is None

    def test_only_a_start(self):
        assert expected_progress(action_for(start_date=TODAY + DAY), TODAY) == 0
        assert expected_progress(action_for(start_date=TODAY - DAY), TODAY) is None

    def test_only_an_end(self):
        assert expected_progress(action_for(end_date=TODAY + DAY), TODAY) is None
        assert expected_progress(action_for(end_date=TODAY), TODAY) == 100

    def test_unequal_milestone_weights_shape_the_trajectory(self):
        action = spanning(100, 100)
        MilestoneFactory(action=action, due_date=TODAY - 50 * DAY, weight=Decimal("1"))
        MilestoneFactory(action=action, due_date=TODAY, weight=Decimal("3"))
        MilestoneFactory(action=action, due_date=TODAY + 100 * DAY, weight=Decimal("4"))
        # On a due date: the share of the weight due by then, (1 + 3) / 8.
        assert expected_progress(action, TODAY) == 50
        # Between the start and the first due date: linear up to 1/8.
        assert expected_progress(action, TODAY - 75 * DAY) == 6  # 6.25
        # Between two due dates: linear from 1/8 to 4/8.
        assert expected_progress(action, TODAY - 25 * DAY) == 31  # 31.25
        assert expected_progress(action, TODAY + 50 * DAY) == 75
        assert expected_progress(action, TODAY - 101 * DAY) == 0
        # Not the linear 50 % the dates alone would give halfway:
        assert expected_progress(action, TODAY - 50 * DAY) == 13  # 12.5

    def test_milestones_without_action_dates(self):
        action = action_for()
        MilestoneFactory(action=action, due_date=TODAY - 10 * DAY, weight=Decimal("1"))
        MilestoneFactory(action=action, due_date=TODAY + 10 * DAY, weight=Decimal("1"))
        assert expected_progress(action, TODAY - 11 * DAY) == 0  # nothing before the first due date
        assert expected_progress(action, TODAY) == 75
        assert expected_progress(action, TODAY + 10 * DAY) == 100

    def test_milestones_sharing_a_due_date_count_together(self):
        action = spanning(10, 10)
        MilestoneFactory(action=action, due_date=TODAY, weight=Decimal("1"))
        MilestoneFactory(action=action, due_date=TODAY, weight=Decimal("1"))
        MilestoneFactory(action=action, due_date=TODAY + 10 * DAY, weight=Decimal("2"))
        assert expected_progress(action, TODAY) == 50

    def test_the_end_date_expects_everything_even_before_the_last_milestone(self):
        action = spanning(10, 0)
        MilestoneFactory(action=action, due_date=TODAY + 5 * DAY)
        assert expected_progress(action, TODAY) == 100

    def test_milestones_passed_in_are_used_without_a_query(self):
        action = spanning(10, 10)
        points = [schedule.Point(TODAY, None, Decimal("1")), schedule.Point(TODAY + 10 * DAY, None, Decimal("1"))]
        with CaptureQueriesContext(connection) as queries:
            assert expected_progress(action, TODAY, milestones=points) == 50
        assert len(queries) == 0


@pytest.mark.django_db
class TestRag:
    def test_on_track_with_the_reason(self):
        action = spanning(60, 40, progress=55, status=Action.Status.IN_PROGRESS)
        with translation.override("it"):
            result = assess(action, TODAY)
            assert str(result.label) == "In linea"
        assert result.rag == Rag.ON_TRACK
        assert (result.expected, result.actual) == (60, 55)

    def test_behind_reads_expected_and_reached(self):
        action = spanning(60, 40, progress=25, status=Action.Status.IN_PROGRESS)
        with translation.override("it"):
            result = assess(action, TODAY)
            assert result.reason == "atteso 60%, raggiunto 25%"
            assert str(result.label) == "In ritardo"
        assert result.rag == Rag.BEHIND

    def test_thresholds_exactly_on_the_boundary(self):
        # default thresholds: more than 10 points is at risk, more than 25 behind
        assert rag(spanning(60, 40, progress=50), TODAY) == Rag.ON_TRACK  # gap 10
        assert rag(spanning(60, 40, progress=49), TODAY) == Rag.AT_RISK  # gap 11
        assert rag(spanning(60, 40, progress=35), TODAY) == Rag.AT_RISK  # gap 25
        assert rag(spanning(60, 40, progress=34), TODAY) == Rag.BEHIND  # gap 26

    def test_the_plans_thresholds_apply(self):
        plan = PlanFactory(rag_at_risk_gap=5, rag_behind_gap=15)
        action = action_for(plan, start_date=TODAY - 60 * DAY, end_date=TODAY + 40 * DAY, progress=50)
        assert rag(action, TODAY) == Rag.AT_RISK
        plan.rag_at_risk_gap, plan.rag_behind_gap = 10, 25
        plan.save()
        action.refresh_from_db()
        assert rag(action, TODAY) == Rag.ON_TRACK
        other = PlanFactory(rag_at_risk_gap=1, rag_behind_gap=5)
        assert rag(action, TODAY, plan=other) == Rag.BEHIND

    def test_not_yet_due_to_start(self):
        with translation.override("it"):
            result = assess(spanning(-5, 40), TODAY)
            assert result.reason == "inizia il 5 luglio 2026"
        assert result.rag == Rag.NOT_STARTED
        assert rag(spanning(-5, 40, progress=10), TODAY) == Rag.ON_TRACK  # started early

    def test_on_the_start_day_nothing_is_late(self):
        assert rag(spanning(0, 40), TODAY) == Rag.ON_TRACK

    def test_after_the_end_and_not_complete_is_behind(self):
        with translation.override("it"):
            result = assess(spanning(100, -1, progress=95), TODAY)
            assert result.reason == "da concludere entro il 29 giugno 2026, raggiunto 95%"
        assert result.rag == Rag.BEHIND
        assert rag(spanning(100, -1, progress=100), TODAY) == Rag.ON_TRACK

    def test_completed(self):
        action = spanning(100, -10, progress=100, status=Action.Status.COMPLETED)
        assert rag(action, TODAY) == Rag.COMPLETED

    def test_no_dates_is_not_assessable(self):
        with translation.override("it"):
            result = assess(action_for(progress=30), TODAY)
            assert result.reason == "nessuna data prevista"
            assert str(result.label) == "Non valutabile"
        assert result.rag == Rag.UNKNOWN
        assert result.expected is None

    def test_only_a_start_or_only_an_end(self):
        assert assess(action_for(start_date=TODAY - DAY), TODAY).rag == Rag.UNKNOWN
        assert assess(action_for(start_date=TODAY + DAY), TODAY).rag == Rag.NOT_STARTED
        assert assess(action_for(end_date=TODAY + DAY), TODAY).rag == Rag.UNKNOWN
        assert assess(action_for(end_date=TODAY - DAY, progress=50), TODAY).rag == Rag.BEHIND

    def test_suspended_actions_are_measured_like_any_other(self):
        assert rag(spanning(60, 40, progress=60, status=Action.Status.SUSPENDED), TODAY) == Rag.ON_TRACK
        assert rag(spanning(60, 40, progress=20, status=Action.Status.SUSPENDED), TODAY) == Rag.BEHIND

    def test_weighted_milestones_done_count_as_progress(self):
        action = spanning(100, 100, progress=0)
        MilestoneFactory(action=action, due_date=TODAY - 50 * DAY, done_date=TODAY - 50 * DAY, weight=Decimal("1"))
        MilestoneFactory(action=action, due_date=TODAY, done_date=TODAY, weight=Decimal("3"))
        MilestoneFactory(action=action, due_date=TODAY + 100 * DAY, weight=Decimal("4"))
        result = assess(action, TODAY)
        assert (result.expected, result.actual, result.rag) == (50, 50, Rag.ON_TRACK)

    def test_weighted_milestone_missed(self):
        action = spanning(100, 100, progress=10)
        MilestoneFactory(action=action, due_date=TODAY - 50 * DAY, done_date=TODAY - 50 * DAY, weight=Decimal("1"))
        MilestoneFactory(action=action, due_date=TODAY, weight=Decimal("3"))
        MilestoneFactory(action=action, due_date=TODAY + 100 * DAY, weight=Decimal("4"))
        result = assess(action, TODAY)
        assert (result.expected, result.actual, result.rag) == (50, 13, Rag.BEHIND)

    def test_all_milestones_done(self):
        action = spanning(100, -5, progress=40)
        MilestoneFactory(action=action, due_date=TODAY - 50 * DAY, done_date=TODAY - 50 * DAY)
        MilestoneFactory(action=action, due_date=TODAY - 6 * DAY, done_date=TODAY - 6 * DAY)
        result = assess(action, TODAY)
        assert (result.expected, result.actual, result.rag) == (100, 100, Rag.ON_TRACK)


@pytest.mark.django_db
def test_the_batch_agrees_with_one_by_one_in_constant_queries(django_assert_max_num_queries):
    plan = PlanFactory(rag_at_risk_gap=5, rag_behind_gap=20)
    actions = [
        action_for(plan, start_date=TODAY - 60 * DAY, end_date=TODAY + 40 * DAY, progress=p) for p in (65, 50, 30)
    ]
    actions.append(action_for(plan))
    MilestoneFactory(action=actions[0], due_date=TODAY, weight=Decimal("2"))  # expects 67 %
    MilestoneFactory(action=actions[0], due_date=TODAY + 40 * DAY)
    one_by_one = {a.pk: assess(a, TODAY) for a in actions}
    expected = {Rag.ON_TRACK: 1, Rag.AT_RISK: 1, Rag.BEHIND: 1, Rag.UNKNOWN: 1}
    assert {r.rag for r in one_by_one.values()} == set(expected)

    queryset = Action.objects.filter(pk__in=[a.pk for a in actions])
    plain = list(queryset)
    with django_assert_max_num_queries(2):
        assert {pk: r.rag for pk, r in schedule.assess_actions(plain, TODAY).items()} == {
            pk: r.rag for pk, r in one_by_one.items()
        }
    tree = list(queryset.with_tree().prefetch_related("milestones"))
    with django_assert_max_num_queries(0):
        assert schedule.assess_actions(tree, TODAY) == one_by_one
    with django_assert_max_num_queries(2):
        assert schedule.rag_by_action(queryset, TODAY) == {pk: r.rag for pk, r in one_by_one.items()}
    with django_assert_max_num_queries(2):
        assert schedule.rag_counts(queryset, TODAY) == expected
    behind = [pk for pk, r in one_by_one.items() if r.rag == Rag.BEHIND]
    assert list(schedule.filter_by_rag(queryset, TODAY, Rag.BEHIND).values_list("pk", flat=True)) == behind

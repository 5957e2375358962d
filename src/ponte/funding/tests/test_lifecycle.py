"""Projects move through their life by allowed steps only; CUP and amounts are validated."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.funding import services
from ponte.funding.models import Project, ProjectTransition
from ponte.funding.tests.factories import CallFactory, ProgrammeFactory, ProjectFactory


def test_full_life_of_a_granted_project(users, city):
    project = ProjectFactory(programme=ProgrammeFactory(city=city), status="idea")
    for step in ("proposal", "submitted", "granted", "running", "closed", "audited"):
        services.project_transition(project=project, to_status=step, user=users["owner"])
    project.refresh_from_db()
    assert project.status == "audited"
    steps = list(ProjectTransition.objects.filter(project=project).values_list("from_status", "to_status", "user"))
    assert steps[0] == ("idea", "proposal", users["owner"].pk)
    assert steps[-1] == ("closed", "audited", users["owner"].pk)


@pytest.mark.parametrize(
    ("start", "illegal"),
    [
        ("idea", "granted"),
        ("proposal", "running"),
        ("submitted", "closed"),
        ("rejected", "granted"),
        ("running", "idea"),
        ("audited", "running"),
        ("granted", "nonsense"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(users, city, start, illegal):
    project = ProjectFactory(programme=ProgrammeFactory(city=city), status=start)
    with pytest.raises(ValidationError):
        services.project_transition(project=project, to_status=illegal, user=users["owner"])
    project.refresh_from_db()
    assert project.status == start
    assert not ProjectTransition.objects.filter(project=project).exists()


def test_only_plan_owners_move_projects(users, city):
    project = ProjectFactory(programme=ProgrammeFactory(city=city), status="idea")
    for role in ("editor", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            services.project_transition(project=project, to_status="proposal", user=users[role])


@pytest.mark.parametrize("cup", ["J22F24000140002", "B11B21001610005", " b11b21006680006 "])
def test_valid_cups(city, cup):
    project = ProjectFactory.build(city=city, programme=ProgrammeFactory(city=city), cup=cup)
    project.full_clean()
    assert project.cup == cup.strip().upper()


@pytest.mark.parametrize(
    "cup", ["J22F2400014000", "J22F240001400021", "122F24000140002", "J2XF24000140002", "J22F24-00140002"]
)
def test_invalid_cups(city, cup):
    project = ProjectFactory.build(city=city, programme=ProgrammeFactory(city=city), cup=cup)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "cup" in error.value.message_dict


def test_amounts_are_decimal_and_consistent(city):
    programme = ProgrammeFactory(city=city)
    project = ProjectFactory(
        programme=programme,
        total_budget=Decimal("1000000.10"),
        eu_contribution=Decimal("800000.05"),
        cofinancing=Decimal("200000.05"),
    )
    project.refresh_from_db()
    assert isinstance(project.total_budget, Decimal)
    assert project.eu_contribution + project.cofinancing == Decimal("1000000.10")
    project.cofinancing = Decimal("200000.06")
    with pytest.raises(ValidationError):
        project.full_clean()


def test_start_a_proposal_from_a_call(users, city):
    call = CallFactory(city=city, programme=ProgrammeFactory(city=city))
    project = services.proposal_from_call(call=call, user=users["owner"])
    call.refresh_from_db()
    assert (project.status, project.call, call.decision) == (Project.Status.PROPOSAL, call, "go")
    assert project.transitions.get().to_status == "proposal"

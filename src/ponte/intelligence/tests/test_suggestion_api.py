"""The SDG suggestions in the REST API: a staff token lists the suggestions it may decide and
accepts or rejects them through the same services as the back office; others are refused."""

import pytest

from ponte.core.tokens import create_api_token
from ponte.factories import ActionFactory, LineFactory
from ponte.intelligence import suggestions
from ponte.intelligence.models import SDGSuggestion

from .test_suggestion_views import SOLAR, TRAM


@pytest.fixture
def action(city, sdg_axis, fake_classifier):
    action = ActionFactory(line=LineFactory(city=city), code="2.1.1", description=f"{TRAM} {SOLAR}")
    suggestions.compute(action)
    return action


def as_user(client, user):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user=user)[1]}"


def test_a_plan_owner_lists_accepts_and_rejects(client, city, action, users):
    as_user(client, users["owner"])
    url = f"/api/v1/{city.slug}/sdg-suggestions/"
    found = client.get(url, {"state": "pending", "kind": "azione"}).json()["results"]
    assert {row["goal"] for row in found} == {11, 7, 4}
    tram = next(row for row in found if row["goal"] == 11)
    assert tram["kind"] == "azione" and tram["object_id"] == action.pk
    assert [t["code"] for t in tram["targets"]] == ["11.2", "11.6", "11.3"]

    response = client.post(f"{url}{tram['id']}/accept/", {"targets": ["11.3"]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted" and response.json()["accepted_targets"] == ["11.3"]
    solar = next(row for row in found if row["goal"] == 7)
    assert client.post(f"{url}{solar['id']}/reject/").json()["state"] == "rejected"
    assert set(action.alignments.values_list("code", flat=True)) == {"11.3"}  # the target implies 11
    assert SDGSuggestion.objects.get(pk=solar["id"]).decided_by == users["owner"]

    bad = client.post(f"{url}{found[0]['id']}/accept/", {"targets": ["1.1"]}, content_type="application/json")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"


def test_who_may_not_decide_sees_nothing_and_is_refused(client, city, action, users):
    pk = SDGSuggestion.objects.get(goal=11).pk
    url = f"/api/v1/{city.slug}/sdg-suggestions/"
    assert client.get(url).status_code == 401
    as_user(client, users["viewer"])
    assert client.get(url).json()["results"] == []
    assert client.post(f"{url}{pk}/accept/").status_code == 403
    as_user(client, users["funds"])  # the funds' officers decide on projects and calls, not actions
    assert client.get(url).json()["results"] == []
    assert client.post(f"{url}{pk}/reject/").status_code == 403
    assert not action.alignments.exists()
    assert client.post(f"{url}999999/reject/").status_code == 404


def test_the_list_leaves_out_a_goal_aligned_since_through_a_target_as_the_review_page(client, city, action, users):
    from ponte.plan.models import AxisItem

    action.alignments.add(AxisItem.objects.get(axis__slug="sdg", code="7.2"))  # from the action's form
    as_user(client, users["owner"])
    url = f"/api/v1/{city.slug}/sdg-suggestions/"
    assert {row["goal"] for row in client.get(url, {"state": "pending"}).json()["results"]} == {11, 4}
    client.defaults.pop("HTTP_AUTHORIZATION")
    client.force_login(users["owner"])
    html = client.get(f"/{city.slug}/gestione/suggerimenti-sdg/").content.decode()
    assert "3 obiettivi da valutare" not in html and "2 obiettivi da valutare" in html

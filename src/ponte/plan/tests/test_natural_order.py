"""Codes sort naturally (3.1.2 before 3.1.10) in lists, exports, the API and the workbook, on
SQLite and PostgreSQL alike: the order comes from a stored sort key, not from the database's
string collation."""

import csv
import io

import pytest

from ponte.core.sorting import natural_key
from ponte.factories import ActionFactory, AxisFactory, AxisItemFactory, LineFactory, MacroAreaFactory, PlanFactory
from ponte.plan.models import Action, AxisItem

CODES = ["3.1.10", "3.1.2", "3.1.1", "10.1.1", "3.2.1"]
NATURAL = ["3.1.1", "3.1.2", "3.1.10", "3.2.1", "10.1.1"]


@pytest.fixture
def actions(city):
    plan = PlanFactory(city=city)
    line = LineFactory(city=city, macro_area=MacroAreaFactory(city=city, plan=plan))
    for code in CODES:
        ActionFactory(line=line, code=code, title=f"Azione {code}")


def test_natural_key_pads_numbers():
    assert sorted(CODES, key=natural_key) == NATURAL
    assert natural_key("PERF-2") < natural_key("perf-10")


def test_sort_key_follows_code_changes(actions):
    action = Action.objects.get(code="3.1.10")
    action.code = "3.1.0"
    action.save(update_fields=["code"])
    assert list(Action.objects.values_list("code", flat=True))[0] == "3.1.0"


def test_action_list_page_and_its_exports_in_natural_order(client, users, city, actions):
    client.force_login(users["viewer"])
    url = f"/{city.slug}/gestione/azioni/"
    assert [a.code for a in client.get(url).context["object_list"]] == NATURAL
    assert [a.code for a in client.get(url + "?ordering=-code").context["object_list"]] == NATURAL[::-1]
    raw = b"".join(client.get(url + "?export=csv").streaming_content).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(raw), delimiter=";")][1:] == NATURAL


def test_api_lists_actions_in_natural_order(client, city, actions):
    url = f"/api/v1/{city.slug}/actions/"
    assert [a["code"] for a in client.get(url).json()["results"]] == NATURAL
    assert [a["code"] for a in client.get(url + "?ordering=-code").json()["results"]] == NATURAL[::-1]


def test_alignment_items_in_natural_order(city):
    axis = AxisFactory(city=city, slug="sdg")
    for code in ["16.10", "16.2", "16", "2"]:
        AxisItemFactory(axis=axis, code=code)
    assert list(AxisItem.objects.filter(axis=axis).values_list("code", flat=True)) == ["2", "16", "16.2", "16.10"]

"""Fixtures of the suggestion tests: a city's SDG axis as the data set ships it (goals and targets),
and a stand-in for the classifier that reads obvious words (tram → 11, solar energy → 7), for the
tests of what staff do with suggestions rather than of the classifier's quality."""

import csv
from pathlib import Path

import pytest

from ponte.core.sorting import natural_key
from ponte.intelligence import sdg
from ponte.plan.models import Axis, AxisItem

SDG_CSV = Path(__file__).resolve().parents[4] / "data" / "bologna" / "sdg.csv"


def add_sdg_axis(city) -> Axis:
    axis = Axis.objects.create(city=city, slug="sdg", name="Obiettivi di sviluppo sostenibile", name_en="SDGs")
    with open(SDG_CSV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    goals = {}
    for order, row in enumerate(rows):
        if not row["parent"]:
            goals[row["code"]] = AxisItem.objects.create(
                city=city, axis=axis, code=row["code"], name=row["name"], name_en=row["name_en"], order=order
            )
    AxisItem.objects.bulk_create(
        AxisItem(
            city=city,
            axis=axis,
            parent=goals[row["parent"]],
            code=row["code"],
            name=row["name"],
            name_en=row["name_en"],
            order=order,
            sort_key=natural_key(row["code"]),
        )
        for order, row in enumerate(rows)
        if row["parent"]
    )
    return axis


WORDS = {
    "tram": (11, ["11.2", "11.6", "11.3"], "tram"),
    "solari": (7, ["7.2", "7.1", "7.3"], "pannelli solari"),
    "solar": (7, ["7.2", "7.1", "7.3"], "solar"),
    "scuol": (4, ["4.1", "4.a", "4.7"], "scuole"),
}


def fake_suggest_many(texts, langs=None, **kwargs):
    results = []
    for text in texts:
        found = {}
        for word, (goal, targets, evidence) in WORDS.items():
            if word in text.lower() and goal not in found:
                score = 0.9 - 0.2 * len(found)
                found[goal] = sdg.GoalSuggestion(
                    goal,
                    score,
                    [sdg.TargetScore(code, score - 0.1 * i) for i, code in enumerate(targets)],
                    [evidence],
                )
        results.append(list(found.values()))
    return results


@pytest.fixture
def fake_classifier(monkeypatch):
    calls = []

    def counting(texts, langs=None, **kwargs):
        calls.append(list(texts))
        return fake_suggest_many(texts, langs, **kwargs)

    monkeypatch.setattr(sdg, "suggest_many", counting)
    return calls


@pytest.fixture
def sdg_axis(city):
    return add_sdg_axis(city)


@pytest.fixture(autouse=True)
def _suggest_on_view(settings):
    """The suggestion tests see the panel compute on the page, as a deployment does."""
    settings.PONTE_SDG_SUGGEST_ON_VIEW = True

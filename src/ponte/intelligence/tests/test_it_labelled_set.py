"""The Italian hand-labelled SDG test set (tests/data/sdg_it_labelled.csv, described in
tests/data/README.md) stays what its README says: at least 150 real Italian texts, unique ids,
goals 1–17 with at most three per text, a source per row, every plan row an action of the Bologna
data set. The checks run on the file as shipped and on broken copies, so each one can fail."""

import csv
import re
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).parent / "data"
CSV = DATA / "sdg_it_labelled.csv"
ROOT = Path(__file__).resolve().parents[4]
PLAN = ROOT / "data" / "bologna" / "plan.yaml"

COLUMNS = ["id", "source", "text", "goals"]
MIN_ROWS = 150
MAX_GOALS = 3
MAX_UNLABELLED = 0.05  # a text relevant to no goal is allowed, but rare
# Function words; "in" and "a" belong to both languages and count for neither.
ITALIAN_WORDS = (
    "di del della dei delle degli dello e il la le gli per con nel nella nei alla alle al ai da dal"
    " dalla sul sulla tra fra che un una uno ed è dell all nell sull dall l d"
)
ENGLISH_WORDS = "the and of for with to on by from is are under"
ITALIAN, ENGLISH = frozenset(ITALIAN_WORDS.split()), frozenset(ENGLISH_WORDS.split())
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def read(path=CSV):
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # fails loudly on any other encoding
    reader = csv.DictReader(text.splitlines(keepends=True))
    return reader.fieldnames, list(reader)


def goals_of(row):
    return [g for g in (row["goals"] or "").split(";") if g != ""]


def problems(fieldnames, rows, plan_codes=None):
    """Every way the set breaks its README, one sentence each."""
    found = []
    if fieldnames != COLUMNS:
        found.append(f"columns are {fieldnames}, expected {COLUMNS}")
        return found
    if len(rows) < MIN_ROWS:
        found.append(f"{len(rows)} rows, fewer than {MIN_ROWS}")
    seen_ids, seen_texts = set(), set()
    unlabelled = 0
    for n, row in enumerate(rows, start=2):
        rid, text, source = (row["id"] or "").strip(), (row["text"] or "").strip(), (row["source"] or "").strip()
        if not rid:
            found.append(f"line {n}: no id")
        elif rid in seen_ids:
            found.append(f"line {n}: id {rid} repeated")
        seen_ids.add(rid)
        if not text:
            found.append(f"line {n}: empty text")
        elif text in seen_texts:
            found.append(f"line {n}: text repeated")
        seen_texts.add(text)
        if not source:
            found.append(f"line {n}: no source")
        elif not (source.startswith("Comune di Bologna") or "CC BY 4.0" in source):
            found.append(f"line {n}: source names neither the plan nor the licence")
        goals = goals_of(row)
        if not goals:
            unlabelled += 1
        for g in goals:
            if not g.isdigit() or not 1 <= int(g) <= 17:
                found.append(f"line {n}: goal {g!r} is not 1–17")
        if len(set(goals)) != len(goals):
            found.append(f"line {n}: a goal repeated")
        if len(goals) > MAX_GOALS:
            found.append(f"line {n}: {len(goals)} goals, more than {MAX_GOALS}")
        words = [w.lower() for w in WORD.findall(text)]
        it = sum(w in ITALIAN for w in words)
        en = sum(w in ENGLISH for w in words)
        if it == 0 or it <= en:
            found.append(f"line {n}: text does not read as Italian ({it} Italian, {en} English function words)")
        if plan_codes is not None and rid.startswith("bo-plan-") and rid.removeprefix("bo-plan-") not in plan_codes:
            found.append(f"line {n}: {rid} is no action of data/bologna/plan.yaml")
    if rows and unlabelled / len(rows) > MAX_UNLABELLED:
        found.append(f"{unlabelled} texts without a goal, more than {MAX_UNLABELLED:.0%}")
    return found


def plan_codes():
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    return {a["code"] for m in plan["macro_areas"] for line in m["lines"] for a in line.get("actions", [])}


@pytest.fixture(scope="module")
def shipped():
    return read()


def test_the_shipped_set_has_no_problem(shipped):
    fieldnames, rows = shipped
    assert problems(fieldnames, rows, plan_codes()) == []


def test_every_goal_is_represented_and_every_plan_action_is_labelled(shipped):
    _, rows = shipped
    counts = dict.fromkeys(range(1, 18), 0)
    for row in rows:
        for g in goals_of(row):
            counts[int(g)] += 1
    assert all(counts[g] >= 1 for g in counts), counts
    plan_rows = {r["id"].removeprefix("bo-plan-") for r in rows if r["id"].startswith("bo-plan-")}
    assert plan_rows == plan_codes()
    projects = [r for r in rows if not r["id"].startswith("bo-plan-")]
    assert len(projects) >= 60
    assert all(len(r["text"].split()) >= 15 for r in projects)


def test_the_readme_states_how_it_was_labelled_and_the_figures_match(shipped):
    _, rows = shipped
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "labelled by hand by the Ponte developers" in readme
    assert "must not be used to fit or tune" in readme
    assert f"**{len(rows)} texts**" in readme
    for g in range(1, 18):
        n = sum(str(g) in goals_of(r) for r in rows)
        assert re.search(rf"^\| {g} \| [^|]+\| {n} \|", readme, re.M), f"goal {g}: {n} rows not in the README table"


def _broken(shipped, change):
    fieldnames, rows = shipped
    rows = [dict(r) for r in rows]
    change(rows)
    return problems(fieldnames, rows, plan_codes())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda rows: rows.__setitem__(1, {**rows[1], "id": rows[0]["id"]}), "repeated"),
        (lambda rows: rows.__setitem__(0, {**rows[0], "goals": "18"}), "is not 1–17"),
        (lambda rows: rows.__setitem__(0, {**rows[0], "goals": "0;3"}), "is not 1–17"),
        (lambda rows: rows.__setitem__(0, {**rows[0], "goals": "3;3"}), "a goal repeated"),
        (lambda rows: rows.__setitem__(0, {**rows[0], "goals": "1;2;3;4"}), "more than 3"),
        (lambda rows: rows.__setitem__(0, {**rows[0], "text": "  "}), "empty text"),
        (lambda rows: rows.__setitem__(0, {**rows[0], "source": ""}), "no source"),
        (
            lambda rows: rows.__setitem__(
                0, {**rows[0], "text": "Support for the tram lines of the city and the cycle lanes to the station"}
            ),
            "does not read as Italian",
        ),
        (lambda rows: rows.__setitem__(0, {**rows[0], "id": "bo-plan-9.9.9"}), "no action of"),
        (lambda rows: rows.__delitem__(slice(0, len(rows) - MIN_ROWS + 1)), "fewer than 150"),
        (lambda rows: [r.__setitem__("goals", "") for r in rows[:20]], "without a goal"),
    ],
)
def test_a_broken_copy_is_caught(shipped, change, expected):
    assert any(expected in p for p in _broken(shipped, change))


def test_a_file_with_other_columns_or_encoding_is_caught(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id;text;goals\nx;testo di prova;3\n", encoding="utf-8")
    fieldnames, rows = read(bad)
    assert "columns are" in problems(fieldnames, rows)[0]
    bad.write_bytes("id,source,text,goals\nx,Comune di Bologna,attivit\xe0 della citt\xe0,11\n".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        read(bad)

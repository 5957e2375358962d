"""manage.py suggest_sdgs INPUT.csv OUTPUT.csv: goals and targets per row, best first; bad input
stops with an error naming the row or column, and nothing is written."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

TRAM = "Il Comune estende la rete del tram e potenzia il trasporto pubblico locale con nuove linee."
SOLAR = "Solar panels are installed on public buildings to raise the share of renewable energy."


def _run(tmp_path, content: bytes | str):
    source = tmp_path / "in.csv"
    if isinstance(content, str):
        content = content.encode("utf-8")
    source.write_bytes(content)
    target = tmp_path / "out.csv"
    out = StringIO()
    call_command("suggest_sdgs", str(source), str(target), "--batch-size", "2", stdout=out)
    return target, out.getvalue()


def test_goals_and_targets_per_row_best_first(tmp_path):
    target, printed = _run(tmp_path, f'id,text,lang\nA1,"{TRAM}",it\nB2,"{SOLAR}",\nC3,"{SOLAR}",en\n')
    with open(target, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == ["A1", "B2", "C3"]
    assert rows[0]["goals"].split(";")[0] == "11"
    assert rows[1]["goals"].split(";")[0] == "7" and rows[2]["goals"].split(";")[0] == "7"
    for row in rows:
        goals = row["goals"].split(";")
        targets = row["targets"].split(";")
        assert len(targets) >= 2 * len(goals)
        assert {code.split(".")[0] for code in targets} == set(goals)
        assert targets[0].split(".")[0] == goals[0]
    assert "2/3 texts" in printed and "3/3 texts" in printed
    assert "3 texts in" in printed and "written to" in printed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"identifier,text\nA,hello world\n", "missing column(s) id"),
        (b"id,body\nA,hello world\n", "missing column(s) text"),
        (b"id,text\n", "no rows"),
        (b"id,text\nA,ok text here\nB,\n", "row 3, column text is empty"),
        (b"id,text\n,some text\n", "row 2, column id is empty"),
        (b"id,text\nA,some text\nA,other text\n", "row 3, column id: 'A' repeats row 2"),
        ("id,text\nA,città\n".encode("latin-1"), "line 2 is not UTF-8"),
    ],
)
def test_bad_input_names_the_problem_and_writes_nothing(tmp_path, content, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _run(tmp_path, content)
    assert not (tmp_path / "out.csv").exists()
    assert [path.name for path in tmp_path.iterdir()] == ["in.csv"]

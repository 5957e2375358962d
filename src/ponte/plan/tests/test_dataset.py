"""The Bologna data set: loaded whole by a command, all-or-nothing, idempotent."""

import io
import shutil
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from ponte.core.models import City, DatasetNote, Organisation
from ponte.plan.models import Action, Axis, AxisItem, Indicator, Line, MacroArea, Milestone

BOLOGNA = Path(__file__).resolve().parents[4] / "data" / "bologna"


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (City, Organisation, MacroArea, Line, Action, Milestone, Axis, AxisItem, Indicator, DatasetNote)
    }


@pytest.fixture
def loaded(db):
    call_command("load_plan", str(BOLOGNA), stdout=io.StringIO())


def test_the_whole_plan_is_loaded(loaded):
    bologna = City.objects.get(slug="bologna")
    assert MacroArea.objects.for_city(bologna).count() == 7
    assert [area.title for area in MacroArea.objects.for_city(bologna)][:2] == [
        "Bologna nell'Unione Europea",
        "Bologna e i fondi europei e internazionali",
    ]
    assert Action.objects.for_city(bologna).count() >= 80
    assert not Action.objects.for_city(bologna).filter(source="").exists(), "every action names its chapter"
    sdg = Axis.objects.get(city=bologna, slug="sdg")
    assert sdg.items.filter(parent__isnull=True).count() == 17
    assert sdg.items.filter(parent__isnull=False).count() == 169
    assert sdg.items.exclude(name_en="").count() == 186
    assert AxisItem.objects.get(axis__slug="mandate", code="III").name == "Bologna verde e sostenibile"
    for flagship in ("missione-clima", "impronta-verde", "citta-conoscenza", "gemello-digitale"):
        assert AxisItem.objects.filter(axis__slug="flagship", code=flagship).exists()
    for network in ("eurocities", "iclei", "polis", "eccar", "efus", "fast-track-cities", "mufpp", "c40"):
        assert Organisation.objects.get(slug=network).kind == Organisation.Kind.NETWORK
    figures = {i.code: i.baseline_value for i in Indicator.objects.all()}
    assert figures["FUND-PNRR"] == 660000000
    assert figures["FUND-PON-METRO"] == 118000000
    assert figures["FUND-PN-METRO-PLUS"] == 149000000
    assert figures["DIP-TWINNINGS"] == 13 and figures["DIP-CONSULATES-HONORARY"] == 28
    assert figures["POP-FOREIGN-RESIDENTS"] == 60947
    assert DatasetNote.objects.filter(slug="annex-twin-cities").exists()


def test_loading_twice_changes_nothing(loaded):
    before, log_entries = table_counts(), LogEntry.objects.count()
    call_command("load_plan", str(BOLOGNA), stdout=io.StringIO())
    assert table_counts() == before
    assert LogEntry.objects.count() == log_entries


@pytest.fixture
def broken_copy(tmp_path):
    target = tmp_path / "dataset"
    shutil.copytree(BOLOGNA, target)
    return target


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_bad_row_in_the_middle_changes_nothing(db, broken_copy, capsys):
    replace_in(
        broken_copy / "plan.yaml",
        "status: completed\n            progress: 100\n            start: 2021-01-01",
        "status: finished\n            progress: 100\n            start: 2021-01-01",
    )
    replace_in(
        broken_copy / "indicators.yaml",
        "baseline: {value: 60947, date: 2022-12-31}",
        "baseline: {value: sessantamila, date: 2022-12-31}",
    )
    before = table_counts()
    with pytest.raises(CommandError, match="2 problema"):
        call_command("load_plan", str(broken_copy))
    errors = capsys.readouterr().err
    # Messages are in the default language, Italian.
    assert "plan.yaml, riga" in errors and "campo “status”" in errors and "finished" in errors
    assert "indicators.yaml" in errors and "campo “value”" in errors and "sessantamila" in errors
    assert table_counts() == before == dict.fromkeys(before, 0)


def test_a_bad_reload_keeps_the_loaded_data(loaded, broken_copy):
    replace_in(broken_copy / "plan.yaml", "title: Caffè Europa", "title: Caffè Europa rinominato")
    replace_in(broken_copy / "plan.yaml", "partners: [oim]", "partners: [nessuno]")
    with pytest.raises(CommandError):
        call_command("load_plan", str(broken_copy), stderr=io.StringIO())
    assert Action.objects.get(code="1.2.1").title == "Caffè Europa"


def test_malformed_yaml_names_file_and_line(db, broken_copy, capsys):
    (broken_copy / "organisations.yaml").write_text("organisations:\n  - {slug: x, name: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_plan", str(broken_copy))
    assert "organisations.yaml, riga 3" in capsys.readouterr().err
    assert City.objects.count() == 0


def test_another_city_loads_its_own_files(loaded, tmp_path):
    folder = tmp_path / "modena"
    folder.mkdir()
    (folder / "city.yaml").write_text(
        "city: {slug: modena, name: Modena}\nplan: {slug: p, title: Piano di Modena, start_year: 2025, end_year: 2028}\n",
        encoding="utf-8",
    )
    (folder / "plan.yaml").write_text(
        "macro_areas:\n  - code: '1'\n    title: Europa\n    lines:\n      - code: '1.1'\n        title: Linea\n"
        "        actions:\n          - {code: '1.1.1', title: Prima azione}\n",
        encoding="utf-8",
    )
    call_command("load_plan", str(folder), stdout=io.StringIO())
    modena = City.objects.get(slug="modena")
    assert Action.objects.for_city(modena).get().title == "Prima azione"
    assert Action.objects.for_city(City.objects.get(slug="bologna")).get(code="1.1.1").title.startswith("Promuovere")

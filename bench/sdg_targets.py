"""How far the SDG classifier's target shares can be trusted to pre-tick a target when staff are
offered a goal (`intelligence.suggestions.default_targets`). Not a test; prints figures.

Texts: the 86 plan actions of the Italian hand-labelled set
(`src/ponte/intelligence/tests/data/sdg_it_labelled.csv`, ids `bo-plan-<code>`). The set labels
goals only, so the targets that count as right are the editors' target-level alignments of the same
action in `data/bologna/plan.yaml` (`sdg:16.7`). A pair (action, goal) is measured when the goal is
suggested, is among the hand labels (staff accept right goals) and the editors aligned the action
to at least one target of it; each offered target is then right or wrong, and the figures say how
many of those above each share threshold are right.

Run: `.venv/bin/python bench/sdg_targets.py`. The threshold chosen with it is a tuning on the
Italian set: the goal-level figures on that set stay clean (the threshold changes no goal), this
target-level precision does not."""

import csv
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")
ITALIAN = ROOT / "src" / "ponte" / "intelligence" / "tests" / "data" / "sdg_it_labelled.csv"
PLAN = ROOT / "data" / "bologna" / "plan.yaml"
THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def plan_targets() -> dict[str, set[str]]:
    found = {}
    for area in yaml.safe_load(PLAN.read_text(encoding="utf-8"))["macro_areas"]:
        for line in area.get("lines") or []:
            for action in line.get("actions") or []:
                refs = action.get("alignments") or []
                found[str(action["code"])] = {ref[4:] for ref in refs if ref.startswith("sdg:") and "." in ref}
    return found


def main():
    import django

    django.setup()
    from ponte.intelligence import sdg

    with ITALIAN.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["id"].startswith("bo-plan-")]
    editors = plan_targets()
    found = sdg.suggest_many([row["text"] for row in rows], ["it"] * len(rows), evidence=False)
    pairs = []  # (share, right, rank)
    measured = 0
    for row, suggestions in zip(rows, found, strict=True):
        labels = {int(goal) for goal in row["goals"].split(";") if goal}
        targets = editors.get(row["id"].removeprefix("bo-plan-"), set())
        for suggestion in suggestions:
            truth = {code for code in targets if code.split(".")[0] == str(suggestion.goal)}
            if suggestion.goal not in labels or not truth:
                continue
            measured += 1
            for rank, target in enumerate(suggestion.targets):
                pairs.append((target.score, target.code in truth, rank))
    print(f"{len(rows)} plan actions; {measured} (action, right goal) pairs with editors' targets")
    print(f"{len(pairs)} targets offered, {sum(right for _, right, _ in pairs)} right")
    print("share ≥   ticked   right   precision   (top-ranked only: ticked right precision)")
    for threshold in THRESHOLDS:
        chosen = [right for share, right, _ in pairs if share >= threshold]
        top = [right for share, right, rank in pairs if share >= threshold and rank == 0]
        precision = sum(chosen) / len(chosen) if chosen else float("nan")
        top_precision = sum(top) / len(top) if top else float("nan")
        print(
            f"  {threshold:4.2f}   {len(chosen):6d}  {sum(chosen):6d}   {precision:8.1%}"
            f"     {len(top):6d} {sum(top):5d} {top_precision:8.1%}"
        )


if __name__ == "__main__":
    main()

"""Grow a loaded city's plan by a factor, fast, to measure Ponte at 10× and 100× its data.

Every action the city has is copied (factor − 1) times under the same line — so under the same
macro area and objective — with the code of the original and a suffix (1.1.1 → 1.1.1.1, 1.1.1.2,
…), the original's title, public text, owner office, partners, alignments (SDGs, EU priorities,
mandate…) and source, a status and a progress that vary, dates in the plan's period, and
published. Each new action comes with what an action has at work: a milestone, an indicator
measured once (its value) and a funded project (a programme of the city's, a valid and unique
CUP, budget and contribution, running, on the whole comune) linked to it and to its SDGs.

At 10× Bologna has 860 actions, each of the 774 new ones with its milestone, indicator value and
project; at 100× 8,600 actions and 8,514 more projects. Rows are written with `bulk_create` in
batches (no factories, no per-row `save()`, no signals): the 100× growth takes seconds on
PostgreSQL. Run it on a freshly loaded city: growing twice multiplies twice.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python manage.py load_plan data/bologna
    DATABASE_URL=... .venv/bin/python bench/scale.py --factor 10 [--city bologna]

or from Python, with Django set up: `from scale import grow; grow(city, 10)` (bench/ on sys.path).
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 2000
STATUSES = ["in_progress", "in_progress", "in_progress", "not_started", "completed", "delayed"]
QUARTIERI = ["Borgo Panigale-Reno", "Navile", "Porto-Saragozza", "San Donato-San Vitale", "Santo Stefano", "Savena"]
PROJECT_KINDS = [
    "Riqualificazione",
    "Rete europea per",
    "Progetto pilota di",
    "Laboratorio cittadino su",
    "Scambio di buone pratiche su",
]


def grow(city, factor: int, stdout=None) -> dict:
    """Add (factor − 1) copies of each of `city`'s actions, each with a milestone, an indicator
    with one measured value and a funded project; return the counts of rows written."""
    from django.db import transaction

    from ponte.core.models import Publication
    from ponte.core.sorting import natural_key
    from ponte.funding.models import Programme, Project
    from ponte.plan.models import Action, Indicator, IndicatorValue, Milestone

    if factor < 2:
        return {}
    started = time.perf_counter()
    base = list(Action.objects.filter(city=city).select_related("line__macro_area").order_by("sort_key"))
    if not base:
        raise SystemExit(f"{city.slug} has no actions: load its data set first")
    alignments = _links(Action.alignments.through, "action_id", "axisitem_id")
    partners = _links(Action.partners.through, "action_id", "organisation_id")
    sdg_of = {
        action_id: [item for item in items if item in _sdg_items(city)] for action_id, items in alignments.items()
    }
    programmes = list(Programme.objects.filter(city=city, children__isnull=True).order_by("order", "pk"))
    if not programmes:
        raise SystemExit(f"{city.slug} has no funding programme: load its data set first")
    published = Publication.PUBLISHED
    counts = {}
    with transaction.atomic():
        actions = []
        for copy in range(1, factor):
            for number, original in enumerate(base):
                status = STATUSES[(number + copy) % len(STATUSES)]
                start = datetime.date(2024 + (number + copy) % 3, 1 + (number * 5 + copy) % 12, 1)
                code = f"{original.code}.{copy}"
                actions.append(
                    Action(
                        city=city,
                        line_id=original.line_id,
                        code=code,
                        sort_key=natural_key(code),
                        title=original.title,
                        description=original.description,
                        owner_office_id=original.owner_office_id,
                        responsible_id=original.responsible_id,
                        start_date=start,
                        end_date=start.replace(year=start.year + 1 + copy % 3),
                        status=status,
                        progress=100 if status == "completed" else (number * 7 + copy * 13) % 100,
                        weight=original.weight,
                        order=original.order,
                        source=original.source,
                        publication=published,
                    )
                )
        Action.objects.bulk_create(actions, batch_size=BATCH)
        originals = [base[i % len(base)] for i in range(len(actions))]
        counts["actions"] = len(actions)

        through = Action.alignments.through
        through.objects.bulk_create(
            [
                through(action_id=action.pk, axisitem_id=item)
                for action, original in zip(actions, originals, strict=True)
                for item in alignments.get(original.pk, [])
            ],
            batch_size=BATCH * 5,
        )
        through = Action.partners.through
        through.objects.bulk_create(
            [
                through(action_id=action.pk, organisation_id=organisation)
                for action, original in zip(actions, originals, strict=True)
                for organisation in partners.get(original.pk, [])
            ],
            batch_size=BATCH * 5,
        )

        Milestone.objects.bulk_create(
            [
                Milestone(
                    city=city,
                    action=action,
                    title=f"Avvio delle attività dell'azione {action.code}",
                    due_date=action.start_date + datetime.timedelta(days=90),
                    done_date=action.start_date + datetime.timedelta(days=80) if action.progress >= 50 else None,
                    source=original.source,
                )
                for action, original in zip(actions, originals, strict=True)
            ],
            batch_size=BATCH,
        )
        counts["milestones"] = len(actions)

        indicators = []
        for action, original in zip(actions, originals, strict=True):
            code = f"IND-{action.code}"
            indicators.append(
                Indicator(
                    city=city,
                    plan_id=original.line.macro_area.plan_id,
                    action=action,
                    code=code,
                    sort_key=natural_key(code),
                    name=f"Persone raggiunte dall'azione {action.code}",
                    name_en=f"People reached by action {action.code}",
                    kind=Indicator.Kind.PERFORMANCE,
                    unit="persone",
                    description="Partecipanti alle attività dell'azione, dai registri delle presenze.",
                    baseline_value=Decimal(0),
                    baseline_date=datetime.date(2023, 12, 31),
                    owner_office_id=original.owner_office_id,
                    source=original.source,
                    publication=published,
                )
            )
        Indicator.objects.bulk_create(indicators, batch_size=BATCH)
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    city=city,
                    indicator=indicator,
                    reference_date=datetime.date(2025, 12, 31),
                    value=Decimal(50 + (number * 37) % 950),
                    source="Registro delle presenze",
                )
                for number, indicator in enumerate(indicators)
            ],
            batch_size=BATCH,
        )
        counts["indicators"] = counts["indicator values"] = len(indicators)

        projects = []
        for number, (action, original) in enumerate(zip(actions, originals, strict=True)):
            budget = Decimal(50_000 + (number * 7919) % 2_000_000)
            contribution = (budget * Decimal("0.8")).quantize(Decimal("0.01"))
            start = action.start_date
            quartiere = QUARTIERI[number % len(QUARTIERI)] if number % 3 == 0 else ""
            projects.append(
                Project(
                    city=city,
                    title=f"{PROJECT_KINDS[number % len(PROJECT_KINDS)]} {original.title[:400].lower()}",
                    description=original.description,
                    programme=programmes[number % len(programmes)],
                    # CUP: letter, 2 digits, letter, the year (2 digits), 9 characters; unique.
                    cup=f"F3{number % 10}B{start.year % 100:02d}{number:09d}",
                    role=Project.Role.BENEFICIARY,
                    status=Project.Status.RUNNING,
                    total_budget=budget,
                    eu_contribution=contribution,
                    cofinancing=budget - contribution,
                    start_date=start,
                    end_date=start.replace(year=start.year + 2),
                    place="Bologna",
                    location=Project.Location.QUARTIERE if quartiere else Project.Location.COMUNE,
                    quartiere=quartiere,
                    responsible_office_id=original.owner_office_id,
                    publication=published,
                )
            )
        Project.objects.bulk_create(projects, batch_size=BATCH)
        counts["projects"] = len(projects)
        through = Project.actions.through
        through.objects.bulk_create(
            [
                through(project_id=project.pk, action_id=action.pk)
                for project, action in zip(projects, actions, strict=True)
            ],
            batch_size=BATCH * 5,
        )
        through = Project.alignments.through
        through.objects.bulk_create(
            [
                through(project_id=project.pk, axisitem_id=item)
                for project, original in zip(projects, originals, strict=True)
                for item in sdg_of.get(original.pk, [])
            ],
            batch_size=BATCH * 5,
        )
        _after_bulk_writes(city)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    if stdout is not None:
        print(
            f"{city.slug} grown ×{factor}: " + ", ".join(f"{value} {name}" for name, value in counts.items()),
            file=stdout,
        )
    return counts


def _links(through, own, other) -> dict:
    links = {}
    for source, target in through.objects.values_list(own, other).order_by(own, other):
        links.setdefault(source, []).append(target)
    return links


_SDG_ITEMS = {}


def _sdg_items(city) -> set:
    if city.pk not in _SDG_ITEMS:
        from ponte.plan.models import AxisItem

        _SDG_ITEMS[city.pk] = set(AxisItem.objects.filter(city=city, axis__slug="sdg").values_list("pk", flat=True))
    return _SDG_ITEMS[city.pk]


def _after_bulk_writes(city):
    """What the services do after a write and `bulk_create` skips: stored roll-ups and the public
    cache's version, when this version of Ponte has them."""
    import importlib

    for module_name, function_name in [
        ("ponte.plan.rollups", "refresh_city"),
        ("ponte.core.publiccache", "bump"),
    ]:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, function_name, None)
        if function is not None:
            function(city)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factor", type=int, required=True, help="10 for 10× the city's actions")
    parser.add_argument("--city", default="bologna", help="the city's slug (default: bologna)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from ponte.core.models import City

    grow(City.objects.get(slug=args.city), args.factor, stdout=sys.stdout)


if __name__ == "__main__":
    main()

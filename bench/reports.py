"""Benchmark of the yearly implementation report: time to gather the content and to write
each format for the Bologna plan, then for the plan grown tenfold.

Run: `make bench` (or `.venv/bin/python bench/reports.py [--actions 86 860]`). Prints seconds per
step and the size of each file; uses a throw-away test database like `plan_pages.py`.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, nargs="+", default=[86, 860])
    args = parser.parse_args()

    import django
    from django.test.utils import get_runner, setup_test_environment

    django.setup()
    from django.conf import settings

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        run(args)
    finally:
        runner.teardown_databases(old_config)


def run(args):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation
    from pypdf import PdfReader

    from ponte.core.models import City
    from ponte.factories import ActionFactory, IndicatorFactory, IndicatorValueFactory, MilestoneFactory
    from ponte.funding.models import Programme
    from ponte.funding.tests.factories import ProjectFactory
    from ponte.plan.models import Action, ActionUpdate, Line
    from ponte.reports import content, writers
    from ponte.reports.models import Report

    translation.activate("it")
    call_command("load_plan", str(ROOT / "data" / "bologna"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    city = City.objects.get(slug="bologna")
    lines = list(Line.objects.for_city(city))
    programme = Programme.objects.for_city(city).first()
    print(f"database: {connection.vendor}")
    print(f"{'actions':>8} {'content':>9} {'XLSX':>9} {'DOCX':>9} {'PDF':>9} {'PDF pages':>10} {'PDF size':>10}")
    for size in args.actions:
        for i in range(size - Action.objects.for_city(city).count()):
            action = ActionFactory(line=lines[i % len(lines)], status="in_progress", progress=i % 101)
            MilestoneFactory(action=action, due_date=datetime.date(2025, 1 + i % 12, 1))
            IndicatorValueFactory(indicator=IndicatorFactory(action=action), reference_date=datetime.date(2025, 6, 30))
            ActionUpdate.objects.create(
                city=city, action=action, year=2025, semester=1 + i % 2, text="Attività svolte."
            )
            project = ProjectFactory(
                programme=programme, status="running", eu_contribution=10000 + i, start_date=datetime.date(2025, 1, 1)
            )
            project.actions.add(action)
        scope = Report(
            city=city,
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2025, 12, 31),
            title="Relazione annuale di attuazione 2025",
        )
        timings, sizes = {}, {}
        start = time.perf_counter()
        data = content.build(scope)
        timings["content"] = time.perf_counter() - start
        for name, writer in (("xlsx", writers.write_xlsx), ("docx", writers.write_docx), ("pdf", writers.write_pdf)):
            start = time.perf_counter()
            sizes[name] = writer(data, scope.title)
            timings[name] = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(sizes["pdf"])).pages)
        print(
            f"{size:>8} {timings['content']:>8.2f}s {timings['xlsx']:>8.2f}s {timings['docx']:>8.2f}s "
            f"{timings['pdf']:>8.2f}s {pages:>10} {len(sizes['pdf']) / 1024:>8.0f}kB"
        )


if __name__ == "__main__":
    main()

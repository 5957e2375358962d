"""Benchmark of the plan back office: data-set load and the main pages as the plan grows.

Run: `make bench` (or `.venv/bin/python bench/plan_pages.py [--actions 86 860 8600]`).
Prints, for each size, the median time and the query count of each page, and the time to
load (and reload) the Bologna data set. Uses a throw-away SQLite database, or PostgreSQL
when DATABASE_URL points at one (the database named there gets a `bench_` prefix).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, nargs="+", default=[86, 860, 4300])
    parser.add_argument("--repeat", type=int, default=5)
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


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(function, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(args):
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ponte.core.models import City
    from ponte.factories import ActionFactory, IndicatorFactory, IndicatorValueFactory, MilestoneFactory, UserFactory
    from ponte.plan.models import Action, AxisItem, Line

    devnull = open(os.devnull, "w")  # noqa: SIM115
    print(f"database: {connection.vendor}")
    load = timed(lambda: call_command("load_plan", str(ROOT / "data" / "bologna"), stdout=devnull), 1)
    reload = timed(lambda: call_command("load_plan", str(ROOT / "data" / "bologna"), stdout=devnull), args.repeat)
    print(f"load Bologna data set: first {load * 1000:.0f} ms, reload (no change) {reload * 1000:.0f} ms")

    city = City.objects.get(slug="bologna")
    client = Client()
    client.force_login(UserFactory(is_superuser=True))
    sdg11 = AxisItem.objects.get(axis__slug="sdg", code="11")
    pages = {
        "overview": "/bologna/",
        "action list": "/bologna/azioni/",
        "action list CSV (all)": "/bologna/azioni/?export=csv",
        "action list XLSX (all)": "/bologna/azioni/?export=xlsx",
        "due updates": "/bologna/azioni/scadenze/",
        "indicators": "/bologna/indicatori/",
        "SDG axis (186 items)": "/bologna/allineamento/sdg/",
        "SDG 11 actions": "/bologna/allineamento/sdg/11/",
        "action detail": "/bologna/azioni/1.1.1/",
    }

    def fetch(url):
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        assert response.status_code == 200, url

    lines = list(Line.objects.for_city(city))
    print(f"{'page':28}" + "".join(f"{f'{n} actions':>22}" for n in args.actions))
    results = {name: [] for name in pages}
    for size in args.actions:
        missing = size - Action.objects.for_city(city).count()
        for i in range(max(missing, 0)):
            action = ActionFactory(line=lines[i % len(lines)], status="in_progress", progress=i % 101)
            action.alignments.add(sdg11)
            MilestoneFactory(action=action)
            IndicatorValueFactory(indicator=IndicatorFactory(action=action))
        for name, url in pages.items():
            fetch(url)  # warm up
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                fetch(url)
            results[name].append((timed(lambda url=url: fetch(url), args.repeat), counter.count))
    for name, figures in results.items():
        print(f"{name:28}" + "".join(f"{ms * 1000:>12.1f} ms {q:>3} q" for ms, q in figures))


if __name__ == "__main__":
    main()

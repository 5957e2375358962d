"""Benchmark of the plan's pages: data-set load, the back office's main pages and the public
portal's (pages, open data, API, DCAT catalogue) as the plan and the funded projects grow.

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
        from django.test.utils import override_settings

        with override_settings(PONTE_PUBLIC_CACHE_SECONDS=0):  # the pages computed; hits apart below
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
    from ponte.funding.models import Programme
    from ponte.funding.tests.factories import ProjectFactory
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
    public = Client()
    pages = {
        "staff home (my work)": "/bologna/gestione/",
        "plan overview": "/bologna/gestione/piano/",
        "staff event list": "/bologna/eventi/gestione/",
        "organisations": "/bologna/gestione/organizzazioni/",
        "action list": "/bologna/gestione/azioni/",
        "action list CSV (all)": "/bologna/gestione/azioni/?export=csv",
        "action list XLSX (all)": "/bologna/gestione/azioni/?export=xlsx",
        "due updates": "/bologna/gestione/azioni/scadenze/",
        "indicators": "/bologna/gestione/indicatori/",
        "SDG axis (186 items)": "/bologna/gestione/allineamento/sdg/",
        "SDG 11 actions": "/bologna/gestione/allineamento/sdg/11/",
        "action detail": "/bologna/gestione/azioni/1.1.1/",
        "portal: home": "/bologna/",
        "portal: plan": "/bologna/piano/",
        "portal: action": "/bologna/piano/azioni/1.1.1/",
        "portal: SDG axis": "/bologna/piano/allineamento/sdg/",
        "portal: projects (page 1)": "/bologna/progetti/",
        "open data: actions CSV": "/bologna/dati/azioni.csv",
        "open data: projects JSON": "/bologna/dati/progetti.json",
        "open data: DCAT Turtle": "/bologna/dati/catalogo.ttl",
        "API: actions (50)": "/api/v1/bologna/actions/",
        "API: projects (500)": "/api/v1/bologna/projects/?page_size=500",
        "sitemap.xml": "/sitemap.xml",
    }

    def fetch(url):
        response = (client if "/gestione/" in url else public).get(url)  # the portal as the public sees it
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        assert response.status_code == 200, url

    hits = {name: [] for name, url in pages.items() if "/gestione/" not in url}

    def cached(url):
        """(miss, hit) seconds and the hit's queries, with the public cache on."""
        from django.core.cache import cache
        from django.test.utils import override_settings

        with override_settings(PONTE_PUBLIC_CACHE_SECONDS=600):
            miss = timed(lambda: (cache.clear(), fetch(url)), args.repeat)
            fetch(url)
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                fetch(url)
            return miss, timed(lambda: fetch(url), args.repeat), counter.count

    lines = list(Line.objects.for_city(city))
    programme = Programme.objects.for_city(city).first()
    print("each added action comes with a milestone, an indicator value and a funded project")
    print(f"{'page':28}" + "".join(f"{f'{n} actions':>22}" for n in args.actions))
    results = {name: [] for name in pages}
    for size in args.actions:
        missing = size - Action.objects.for_city(city).count()
        for i in range(max(missing, 0)):
            action = ActionFactory(line=lines[i % len(lines)], status="in_progress", progress=i % 101)
            action.alignments.add(sdg11)
            MilestoneFactory(action=action)
            IndicatorValueFactory(indicator=IndicatorFactory(action=action))
            project = ProjectFactory(programme=programme, status="running", total_budget=1000 + i, place="Bologna")
            project.actions.add(action)
        for name, url in pages.items():
            fetch(url)  # warm up
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                fetch(url)
            results[name].append((timed(lambda url=url: fetch(url), args.repeat), counter.count))
        for name, url in pages.items():  # the same public pages from the public cache (issue 16)
            if "/gestione/" not in url:
                hits[name].append(cached(url))
    for name, figures in results.items():
        print(f"{name:28}" + "".join(f"{ms * 1000:>12.1f} ms {q:>3} q" for ms, q in figures))
    print("public pages with the public cache on: first request (miss, computed and stored) → later ones (hit)")
    print(f"{'page':28}" + "".join(f"{f'{n} actions':>30}" for n in args.actions))
    for name, figures in hits.items():
        print(
            f"{name:28}" + "".join(f"{miss * 1000:>10.1f} → {hit * 1000:>6.2f} ms {q:>3} q" for miss, hit, q in figures)
        )


if __name__ == "__main__":
    main()

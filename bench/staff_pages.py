"""Benchmark of the back office: every staff page reachable from the navigation, its queries and
its server time, on the database DATABASE_URL names (PostgreSQL: create it, migrate, load Bologna).

Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/staff_bench .venv/bin/python bench/staff_pages.py \
        [--grow-to 860] [--json out.json]

The pages are found the way a person finds them: each entry of the staff menu, then the staff
links on those pages, then the links on these (one page per URL name, three levels), each opened
by a superuser who passed the second factor. `--grow-to N` first adds actions until the plan has N,
each with a milestone, an indicator value and a funded project (bench/scale.py does it faster when
present). Prints, for each page, its status, query count and median server time (Django's test client).
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")

HREF = re.compile(r'href="(/[^"#?]*)"')


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def grow(city, size):
    from ponte.factories import ActionFactory, IndicatorFactory, IndicatorValueFactory, MilestoneFactory
    from ponte.funding.models import Programme
    from ponte.funding.tests.factories import ProjectFactory
    from ponte.plan.models import Action, AxisItem, Line

    lines = list(Line.objects.for_city(city))
    programme = Programme.objects.for_city(city).first()
    sdg11 = AxisItem.objects.get(axis__slug="sdg", code="11")
    missing = size - Action.objects.for_city(city).count()
    for i in range(max(missing, 0)):
        action = ActionFactory(line=lines[i % len(lines)], status="in_progress", progress=i % 101)
        action.alignments.add(sdg11)
        MilestoneFactory(action=action)
        IndicatorValueFactory(indicator=IndicatorFactory(action=action))
        project = ProjectFactory(programme=programme, status="running", total_budget=1000 + i, place="Bologna")
        project.actions.add(action)


def staff_client(city):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ponte.core import twofactor

    user, _ = get_user_model().objects.get_or_create(
        username="staff-bench", defaults={"is_superuser": True, "is_staff": True, "email": "staff-bench@example.org"}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[twofactor.SESSION_KEY] = ""
    session.save()
    return client


def crawl(client, city, depth=3):
    from ponte.core.menu import all_items
    from ponte.testing import staff_page_name

    found = {}
    level = []
    for item in all_items():
        url = item.url(city) if item.city_url else None
        if url and (name := staff_page_name(url, city)) and name not in found:
            found[name] = url
            level.append(url)
    home = f"/{city.slug}/gestione/"
    found.setdefault(staff_page_name(home, city), home)
    level.append(home)
    for _ in range(depth - 1):
        following = []
        for url in level:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for path in HREF.findall(response.content.decode()):
                name = staff_page_name(path, city)
                if name and name not in found:
                    found[name] = path
                    following.append(path)
        level = following
    return found


def measure(client, url, repeat):
    from django.db import connection

    response = client.get(url)  # warm up
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = client.get(url)
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return (
        response.status_code,
        counter.count,
        statistics.median(samples) * 1000,
        statistics.median(cpu) * 1000,
        len(response.content),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grow-to", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--only", help="measure only URL names containing this")
    args = parser.parse_args()

    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.db import connection

    from ponte.core.models import City
    from ponte.plan.models import Action

    city = City.objects.get(slug="bologna")
    if args.grow_to:
        start = time.perf_counter()
        grow(city, args.grow_to)
        print(f"grown to {args.grow_to} actions in {time.perf_counter() - start:.0f} s")
    print(f"database: {connection.vendor}, {Action.objects.for_city(city).count()} actions")
    client = staff_client(city)
    pages = crawl(client, city)
    results = {}
    for name, url in sorted(pages.items()):
        if args.only and args.only not in name:
            continue
        status, queries, ms, cpu, size = measure(client, url, args.repeat)
        results[name] = {
            "url": url,
            "status": status,
            "queries": queries,
            "ms": round(ms, 1),
            "cpu_ms": round(cpu, 1),
            "kb": size // 1024,
        }
        print(f"{name:34} {url:56} {status} {queries:4} q {ms:7.1f} ms {cpu:7.1f} cpu ms {size // 1024:5} kB")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

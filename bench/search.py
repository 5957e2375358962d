"""Benchmark of the portal's search over the Bologna data set: keyword only against keyword blended
with meaning (ponte.intelligence.search), and what each finds.

Run: `.venv/bin/python bench/search.py [--repeat 20]`. Loads the data set into a throw-away
database (SQLite, or PostgreSQL when DATABASE_URL points at one: the database named there gets a
`test_` prefix), computes the vectors of every embedded object once (as the background refresh
does), then times each query's search: p50 and p95 over the repetitions, and the query count.
The model is warmed first (its load is the web process's first search only).

`--centres` also measures the centres the search subtracts (the mean passage vector of the data
set's public texts, the mean query vector of REFERENCE_QUERIES) and writes them to
src/ponte/intelligence/data/search-centres.npz.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")

QUERIES = [
    "trasporto pubblico sostenibile",
    "sustainable public transport",
    "peace and human rights",
    "pace e diritti umani",
    "gemellaggio",
    "cooperazione internazionale",
    "tram",
    "ornitorinco",
]

# Queries a person might type, in Italian and English, on the city's subjects and on others: their
# mean vector is what every query shares (the "query: " prefix, the language), not what it asks.
REFERENCE_QUERIES = """orari della biblioteca; calcio; ricetta della pizza; meteo domani; parcheggio in centro;
football match; weather tomorrow; how to pay taxes; musica jazz; libri per bambini; ospedale; scuola; lavoro;
casa; energia solare; turismo; acqua; rifiuti; sport; cultura; europa; salute; sicurezza; giovani; anziani;
arte; cinema; teatro; treni; bandi europei; fondi europei per la cultura; cooperazione internazionale;
città gemellate; clima; emissioni di CO2; mobilità sostenibile; piste ciclabili; diritti umani; migranti;
parità di genere; digitalizzazione; innovazione; università; ricerca scientifica; imprese; occupazione
giovanile; povertà; casa popolare; verde pubblico; parchi; patrimonio UNESCO; eventi in piazza; newsletter;
contatti dell'ufficio; come partecipare; volontariato; pace; educazione; formazione del personale;
indicatori di risultato; EU funding; twin towns; climate neutrality; public transport; youth exchange;
refugees; gender equality; digital services; research and innovation; cultural heritage; jobs; housing;
health care; green spaces; events; volunteering; peace education; city diplomacy; smart city; air quality"""


def reference_queries() -> list[str]:
    return [query.strip() for query in REFERENCE_QUERIES.replace("\n", " ").split(";") if query.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--centres", action="store_true", help="measure and write the search centres")
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


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(args):
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ponte.core.models import City
    from ponte.intelligence import embeddings, services
    from ponte.intelligence import search as semantic
    from ponte.portal import search

    start = time.perf_counter()
    call_command("load_plan", str(ROOT / "data" / "bologna"), stdout=io.StringIO())
    print(f"Bologna data set loaded in {time.perf_counter() - start:.1f} s ({connection.vendor})")
    city = City.objects.get(slug="bologna")
    start = time.perf_counter()
    computed = services.refresh(city)
    print(f"vectors computed in {time.perf_counter() - start:.1f} s: {computed}")

    if args.centres:
        from ponte.intelligence.models import Embedding

        visible = {kind.key: set(kind.visible(city).values_list("pk", flat=True)) for kind in search.KINDS}
        rows = [
            embeddings.from_bytes(vector)
            for vector in Embedding.objects.filter(city=city, model=embeddings.MODEL_NAME).values_list(
                "vector", flat=True
            )
        ]
        queries = np.vstack([embeddings.embed_query(query) for query in reference_queries()])
        np.savez(
            semantic.CENTRES,
            model=np.array(embeddings.MODEL_NAME),
            passage=np.vstack(rows).mean(axis=0).astype(np.float32),
            query=queries.mean(axis=0).astype(np.float32),
        )
        semantic.centres.cache_clear()
        print(f"centres of {len(rows)} passages and {len(queries)} queries written to {semantic.CENTRES}")
        print("visible:", {key: len(pks) for key, pks in visible.items()})

    embeddings.embed_query("riscaldamento")  # the model loaded: its load is the process's first search only
    print(f"\n{'query':34} {'keyword p50/p95 ms':>20} {'blended p50/p95 ms':>20} {'queries':>9}  found by meaning")
    for query in QUERIES:
        timings = {}
        for mode in ("keyword", "blended"):
            samples = []
            for _ in range(args.repeat):
                if hasattr(embeddings, "clear_cache"):
                    embeddings.clear_cache()  # each search embeds its query, as a new one would
                began = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    results = search.search(city, query, meaning=mode == "blended")
                samples.append((time.perf_counter() - began) * 1000)
            timings[mode] = (statistics.median(samples), percentile(samples, 0.95), len(captured), results)
        keyword, blended = timings["keyword"], timings["blended"]
        meant = [hit.title[:38] for group in blended[3].groups for hit in group.hits if hit.by_meaning]
        print(
            f"{query:34} {keyword[0]:9.1f} /{keyword[1]:7.1f} {blended[0]:10.1f} /{blended[1]:7.1f}"
            f" {keyword[2]:4}/{blended[2]:<4}  {len(meant)}: {'; '.join(meant[:6])}"
        )


if __name__ == "__main__":
    main()

"""Evaluation and timing of the calls ranking (issue 18): which plan actions each call serves.

    .venv/bin/python bench/calls_ranking.py [--database-url sqlite:////tmp/calls.sqlite3] [--calls 1000]

1. A database with the Bologna plan (`load_plan data/bologna`; a fresh SQLite file unless
   --database-url names one that already has it) and the 30 real Funding & Tenders topics of
   `src/ponte/funding/tests/data/ft_topics.json` imported with `import_funding funding-tenders`.
2. For each topic labelled with at least one action (`ft_topics_relevance.json`, rules in the
   README next to it), the plan's actions ranked by: the TF-IDF of stems the ranking used until
   issue 18 (`funding.ranking_tfidf`), meaning alone (the multilingual embeddings), and the
   ranking Ponte uses (`funding.ranking.action_rankings`: meaning fused with the words). Prints
   precision@5 and nDCG@10 (binary relevance), the mean over topics.
3. Timing: the embedding of the topics and actions (texts per second, once per text: vectors are
   stored), then `rank_calls` on --calls calls (the 30 topics' texts, repeated) × the plan's
   actions with every vector already stored — the daily re-ranking.
"""

import argparse
import io
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src/ponte/funding/tests/data"


def precision_at(ranked, relevant, k=5):
    return sum(1 for code in ranked[:k] if code in relevant) / k


def ndcg_at(ranked, relevant, k=10):
    gain = sum(1 / math.log2(position + 2) for position, code in enumerate(ranked[:k]) if code in relevant)
    ideal = sum(1 / math.log2(position + 2) for position in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def evaluate(rankings, labels, calls):
    """Mean precision@5 and nDCG@10 over the calls labelled with at least one action."""
    precisions, gains = [], []
    for call in calls:
        relevant = set(labels[call.identifier]["relevant"])
        if not relevant:
            continue
        precisions.append(precision_at(rankings[call.pk], relevant))
        gains.append(ndcg_at(rankings[call.pk], relevant))
    return sum(precisions) / len(precisions), sum(gains) / len(gains), len(precisions)


def rankings_by_method(city, calls):
    """{method: {call pk: [action codes best first]}} for the three rankings compared."""
    import numpy as np

    from ponte.funding import ranking, ranking_tfidf

    words = ranking_tfidf.action_rankings(city, calls)
    fused = ranking.action_rankings(city, calls)
    matcher = ranking.Matcher(city, calls)
    meaning = {
        call.pk: [matcher.actions[i].code for i in np.argsort(-matcher.meaning(call), kind="stable")] for call in calls
    }
    return {
        "TF-IDF of stems (before)": {pk: [action.code for action, _ in ranked] for pk, ranked in words.items()},
        "meaning alone": meaning,
        "meaning + words (Ponte)": {pk: [action.code for action, _ in ranked] for pk, ranked in fused.items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a database to use (default: a fresh SQLite file)")
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    temporary = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{temporary.name}/calls.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["PONTE_EMBED_ON_SAVE"] = "0"  # the ranking embeds what it reads: its own cost is measured
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from ponte.core.models import City
    from ponte.funding.models import Call
    from ponte.funding.ranking import rank_calls
    from ponte.intelligence.models import Embedding
    from ponte.plan.models import Action

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    if not City.objects.filter(slug="bologna").exists():
        call_command("load_plan", str(ROOT / "data" / "bologna"), stdout=quiet)
    city = City.objects.get(slug="bologna")
    labels = json.loads((DATA / "ft_topics_relevance.json").read_text())
    before = Embedding.objects.count()
    start = time.perf_counter()
    call_command("import_funding", "funding-tenders", str(DATA / "ft_topics.json"), "--city", "bologna", stdout=quiet)
    first = time.perf_counter() - start
    embedded = Embedding.objects.count() - before
    calls = list(Call.objects.filter(city=city, identifier__in=labels).prefetch_related("alignments__axis"))
    actions = Action.objects.for_city(city).count()
    print(f"{len(calls)} topics, {actions} actions of the Bologna plan")
    print(
        f"import + first ranking: {first:.1f} s ({embedded} vector rows stored: topics, their sentences, "
        "actions and the sentences quoted; 0 when the database already had them)"
    )

    print(f"\n{'ranking':<28} {'P@5':>6} {'nDCG@10':>8}  topics")
    results = {}
    for method, rankings in rankings_by_method(city, calls).items():
        precision, ndcg, n = evaluate(rankings, labels, calls)
        results[method] = (precision, ndcg)
        print(f"{method:<28} {precision:>6.3f} {ndcg:>8.3f}  {n}")

    texts = [(call.title, call.description, call.keywords) for call in calls]
    Call.objects.filter(city=city, identifier__startswith="BENCH-").delete()
    Call.objects.bulk_create(
        [
            Call(
                city=city,
                identifier=f"BENCH-{i}",
                title=texts[i % len(texts)][0],
                description=texts[i % len(texts)][1],
                keywords=texts[i % len(texts)][2],
            )
            for i in range(args.calls)
        ],
        batch_size=1000,
    )
    total = Call.objects.filter(city=city).count()
    start = time.perf_counter()
    rank_calls(city)
    stored = time.perf_counter() - start
    start = time.perf_counter()
    rank_calls(city)
    again = time.perf_counter() - start
    print(
        f"\nrank_calls, {total:,} calls × {actions} actions: {stored:.1f} s the first time (vector rows written "
        f"for the new calls, texts already embedded), {again:.1f} s again (every vector stored: the daily run)"
    )
    Call.objects.filter(city=city, identifier__startswith="BENCH-").delete()
    return results


if __name__ == "__main__":
    main()

"""Benchmark of the SDG classifier (`ponte.intelligence.sdg`): accuracy, precision and recall as the
SDG Classification Benchmark defines them (per goal, then the unweighted mean over the goals), in
cross-validation on `../shared/data/sdg/train.csv` for the English and the language-independent
paths, and on the Italian hand-labelled test set
(`src/ponte/intelligence/tests/data/sdg_it_labelled.csv`); texts per second, the load time of the
fitted model and of the embedding model, and the peak resident memory.

Run: `.venv/bin/python bench/sdg.py [--shuffles 3] [--speed-texts 60] [--no-cv]`. Prints figures,
it is not a test. The cross-validation reuses the shipped training vectors (`sdg_train_vectors.npy`,
the same texts in file order), so it embeds nothing; the speed and the Italian set embed for real,
and the machine's other load changes them.

On the Italian set every text is a row for each of the 17 goals: relevant when the goal is among its
labels, predicted when it is among the suggested goals (those with a probability of 0.5 or more, or
the best one alone when none reaches it). Texts labelled with no goal count as negatives for all 17.
"""

import argparse
import csv
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")
TRAIN = ROOT / "src" / "ponte" / "intelligence" / "data" / "sdg-train.csv"  # ../shared/data/sdg/train.csv
ITALIAN = ROOT / "src" / "ponte" / "intelligence" / "tests" / "data" / "sdg_it_labelled.csv"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(label: str, figures: dict) -> str:
    return (
        f"{label:<32} accuracy {figures['accuracy']:6.1%}   precision {figures['precision']:6.1%}   "
        f"recall {figures['recall']:6.1%}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=TRAIN)
    parser.add_argument("--italian", type=Path, default=ITALIAN)
    parser.add_argument("--shuffles", type=int, default=3, help="repeats of the 5-fold cross-validation")
    parser.add_argument("--speed-texts", type=int, default=60)
    parser.add_argument("--no-cv", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    import numpy as np

    from ponte.intelligence import embeddings, fitting, sdg, sdg_queries

    print(f"peak RSS after Django start-up: {peak_rss_mb():.0f} MB")
    started = time.perf_counter()
    sdg.model()
    print(f"fitted model loaded in {time.perf_counter() - started:.2f} s (peak RSS {peak_rss_mb():.0f} MB)")
    started = time.perf_counter()
    embeddings.embed_passages(["Il Comune estende la rete del tram."])
    print(
        f"embedding model loaded and a first text embedded in {time.perf_counter() - started:.2f} s "
        f"(peak RSS {peak_rss_mb():.0f} MB)"
    )

    started = time.perf_counter()
    sdg.suggest_many(["Solar panels on schools raise the share of renewable energy."], ["en"], evidence=False)
    print(f"first English text (queries parsed, TF-IDF built): {time.perf_counter() - started:.2f} s")

    examples = fitting.read_examples(args.train)
    if not args.no_cv:
        vectors = np.load(sdg.TRAIN_VECTORS_FILE).astype(np.float32)
        un_vectors = np.load(sdg.UN_VECTORS_FILE).astype(np.float32)
        if len(vectors) != len(examples):
            sys.exit(f"{args.train} has {len(examples)} rows, the shipped vectors {len(vectors)}: refit first")
        print(f"\nCross-validation on {args.train.name} ({len(examples)} pairs, 5 folds × {args.shuffles} shuffles):")
        for path, label in (("en", "English (every feature)"), ("multi", "language-independent")):
            started = time.perf_counter()
            figures, _ = fitting.cross_validate(examples, vectors, un_vectors, path, seeds=tuple(range(args.shuffles)))
            print(line(label, figures) + f"   ({time.perf_counter() - started:.0f} s)")

    texts = list(dict.fromkeys(examples.texts))[: args.speed_texts]
    print(
        f"\nSpeed on {len(texts)} English texts of train.csv (median {int(np.median([len(t) for t in texts]))} chars):"
    )
    for evidence in (False, True):
        embeddings._cache.clear()
        sdg_queries.hits.cache_clear()
        started = time.perf_counter()
        sdg.suggest_many(texts, ["en"] * len(texts), evidence=evidence)
        elapsed = time.perf_counter() - started
        what = "with evidence (sentences embedded too)" if evidence else "goals and targets (as suggest_sdgs)"
        print(f"  {what:<42} {len(texts) / elapsed:5.1f} texts/s")
    embeddings._cache.clear()
    started = time.perf_counter()
    sdg.suggest_many(texts, ["it"] * len(texts), evidence=False)
    print(f"  {'language-independent path':<42} {len(texts) / (time.perf_counter() - started):5.1f} texts/s")
    sdg_queries.hits.cache_clear()
    started = time.perf_counter()
    sdg.suggest_many(texts, ["en"] * len(texts), evidence=False)
    print(
        f"  {'the same texts again (vectors cached)':<42} {len(texts) / (time.perf_counter() - started):5.1f} texts/s"
    )

    if not args.italian.is_file():
        print(f"\n{args.italian} is not there yet: Italian figures skipped.")
    else:
        with open(args.italian, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        ordered = [[int(goal) for goal in row["goals"].split(";") if goal.strip()] for row in rows]
        labels = [set(goals) for goals in ordered]
        embeddings._cache.clear()
        started = time.perf_counter()
        found = sdg.suggest_many([row["text"] for row in rows], [None] * len(rows), evidence=False)
        elapsed = time.perf_counter() - started
        predicted = [{s.goal for s in suggestions} for suggestions in found]
        goals, truth, guess = [], [], []
        for label, prediction in zip(labels, predicted, strict=True):
            for goal in sdg.GOALS:
                goals.append(goal)
                truth.append(goal in label)
                guess.append(goal in prediction)
        figures = fitting.benchmark_scores(goals, truth, guess)
        paths = [sdg.path_for(None, row["text"]) for row in rows]
        print(
            f"\nItalian hand-labelled set ({len(rows)} texts, {sum(len(x) for x in labels)} labels; "
            f"{paths.count('multi')} read by the language-independent path, {paths.count('en')} as English):"
        )
        print(line("per goal, then mean", figures) + f"   ({len(rows) / elapsed:.1f} texts/s)")
        truth, guess = np.array(truth), np.array(guess)
        print(
            f"{'micro (all pairs pooled)':<32} precision {(truth & guess).sum() / guess.sum():6.1%}   "
            f"recall {(truth & guess).sum() / truth.sum():6.1%}"
        )
        labelled = [(goals, suggestions) for goals, suggestions in zip(ordered, found, strict=True) if goals]
        top = sum(suggestions[0].goal in goals for goals, suggestions in labelled) / len(labelled)
        first = sum(suggestions[0].goal == goals[0] for goals, suggestions in labelled) / len(labelled)
        print(
            f"{'best suggested goal':<32} is a label for {top:6.1%}, the first label for {first:6.1%} "
            f"of the {len(labelled)} texts with labels"
        )
        print(
            f"suggested goals per text: {np.mean([len(p) for p in predicted]):.2f} (labels: "
            f"{np.mean([len(x) for x in labels]):.2f})"
        )
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

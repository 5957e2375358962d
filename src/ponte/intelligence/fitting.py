"""Fitting the SDG classifier's combiners on the labelled examples, with honest cross-validation.

`train.csv` (id, text, sdg, label) pairs a text with one goal and says whether the text is relevant
to it. The two combiners of `sdg.py` ("en": every feature; "multi": embeddings only) are logistic
regressions over the features of such (text, goal) pairs. Cross-validation: 5 folds, stratified by
goal and label, grouped by text (a text that appears twice stays in one fold), repeated with three
shuffles; in each fold the neighbours, the centring of the vectors and the combiner come from the
training part only. Figures as the benchmark defines them: accuracy, precision and recall per goal,
then their unweighted mean over the 17 goals.

`fit()` embeds the training texts and the UN texts (or reuses vectors given), cross-validates,
fits on everything and writes the artefacts `sdg.py` loads (see its docstring)."""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import embeddings, sdg

C = 0.01  # inverse regularisation of the combiners, chosen in cross-validation on train.csv
FOLDS = 5
SEEDS = (0, 1, 2)
COLUMNS = ("id", "text", "sdg", "label")


@dataclass
class Examples:
    ids: list[str]
    texts: list[str]
    goals: np.ndarray  # 1–17
    labels: np.ndarray  # bool
    groups: np.ndarray  # the same number for the same text

    def __len__(self):
        return len(self.texts)


def read_examples(path) -> Examples:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(missing)}")
        rows = list(reader)
    group_of: dict[str, int] = {}
    for row in rows:
        group_of.setdefault(" ".join(row["text"].split()), len(group_of))
    return Examples(
        ids=[row["id"] for row in rows],
        texts=[row["text"] for row in rows],
        goals=np.array([int(row["sdg"]) for row in rows]),
        labels=np.array([row["label"].strip().lower() in ("true", "1", "yes") for row in rows]),
        groups=np.array([group_of[" ".join(row["text"].split())] for row in rows]),
    )


def benchmark_scores(goals, labels, predicted) -> dict[str, float]:
    """Accuracy, precision and recall per goal, then their unweighted mean over the goals present."""
    goals, labels, predicted = np.asarray(goals), np.asarray(labels, dtype=bool), np.asarray(predicted, dtype=bool)
    per_goal = {"accuracy": [], "precision": [], "recall": []}
    for goal in sorted(set(goals.tolist())):
        mask = goals == goal
        truth, guess = labels[mask], predicted[mask]
        per_goal["accuracy"].append(float((truth == guess).mean()))
        per_goal["precision"].append(float((truth & guess).sum() / guess.sum()) if guess.sum() else 0.0)
        per_goal["recall"].append(float((truth & guess).sum() / truth.sum()) if truth.sum() else 0.0)
    return {name: float(np.mean(values)) for name, values in per_goal.items()}


def _resources(un_vectors, vectors, examples: Examples, rows) -> sdg.Resources:
    return sdg.Resources(
        un_vectors,
        vectors[rows],
        examples.goals[rows],
        examples.labels[rows],
        examples.groups[rows],
        text_mean=vectors[rows].mean(axis=0),
        un_mean=un_vectors.mean(axis=0),
    )


def _features(resources, vectors, examples: Examples, rows, path, exclude_own: bool):
    matrices = sdg.goal_matrices(
        resources,
        vectors[rows],
        [examples.texts[i] for i in rows],
        english=path == "en",
        exclude_groups=examples.groups[rows] if exclude_own else None,
    )
    return sdg.pair_features(matrices, np.arange(len(rows)), examples.goals[rows] - 1)


def _fit_combiner(features, labels, names) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(features)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    regression = LogisticRegression(C=C, max_iter=5000).fit((features - scaler.mean_) / scale, labels)
    return {
        "features": names,
        "mean": scaler.mean_.tolist(),
        "scale": scale.tolist(),
        "coef": regression.coef_[0].tolist(),
        "intercept": float(regression.intercept_[0]),
    }


def cross_validate(examples: Examples, vectors, un_vectors, path: str, seeds=SEEDS, progress=None) -> dict:
    """Out-of-fold figures of one path, averaged over the shuffles; also the out-of-fold
    probabilities of the first shuffle."""
    from sklearn.model_selection import StratifiedGroupKFold

    figures, first = [], None
    strata = examples.goals * 2 + examples.labels
    for seed in seeds:
        probabilities = np.zeros(len(examples))
        splitter = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
        for fold, (train, test) in enumerate(splitter.split(vectors, strata, examples.groups)):
            resources = _resources(un_vectors, vectors, examples, train)
            x_train, names = _features(resources, vectors, examples, train, path, exclude_own=True)
            x_test, _ = _features(resources, vectors, examples, test, path, exclude_own=False)
            combiner = sdg.Combiner.from_json(_fit_combiner(x_train, examples.labels[train], names))
            probabilities[test] = combiner.probability(x_test)
            if progress:
                progress(f"{path}: shuffle {seed}, fold {fold + 1}/{FOLDS}")
        figures.append(benchmark_scores(examples.goals, examples.labels, probabilities >= sdg.THRESHOLD))
        if first is None:
            first = probabilities
    result = {name: float(np.mean([f[name] for f in figures])) for name in figures[0]}
    result["folds"] = FOLDS
    result["shuffles"] = len(seeds)
    return result, first


def fit(train_path, *, vectors=None, un_vectors=None, out_dir=None, seeds=SEEDS, progress=print) -> dict:
    """Cross-validate both paths, fit them on every example and write the artefacts; returns the
    cross-validation figures. `vectors`/`un_vectors`: embeddings computed before (rows in the
    order of the file and of `sdg.un_items()`), else they are computed (about 0.1 s a text)."""
    out_dir = Path(out_dir or sdg.DATA)
    examples = read_examples(train_path)
    items = sdg.un_items()
    if un_vectors is None:
        progress(f"embedding {len(items)} UN texts…")
        un_vectors = embeddings.embed_passages([item.text for item in items])
    if vectors is None:
        progress(f"embedding {len(examples)} training texts…")
        vectors = embeddings.embed_passages(examples.texts)
    if len(vectors) != len(examples) or len(un_vectors) != len(items):
        raise ValueError("the vectors given do not match the texts")
    # The shipped vectors are float16: fit on exactly what is loaded.
    vectors = np.asarray(vectors, dtype=np.float16).astype(np.float32)
    un_vectors = np.asarray(un_vectors, dtype=np.float16).astype(np.float32)

    figures, combiners = {}, {}
    everything = np.arange(len(examples))
    for path in ("en", "multi"):
        figures[path], _ = cross_validate(examples, vectors, un_vectors, path, seeds=seeds, progress=progress)
        progress(
            f"{path}: cross-validated accuracy {figures[path]['accuracy']:.1%}, precision "
            f"{figures[path]['precision']:.1%}, recall {figures[path]['recall']:.1%}"
        )
        resources = _resources(un_vectors, vectors, examples, everything)
        features, names = _features(resources, vectors, examples, everything, path, exclude_own=True)
        combiners[path] = _fit_combiner(features, examples.labels, names)

    data = {
        "model": embeddings.MODEL_NAME,
        "trained_on": Path(train_path).name,
        "examples": len(examples),
        "C": C,
        "threshold": sdg.THRESHOLD,
        "cross_validation": figures,
        "un_texts_digest": sdg.un_items_digest(),
        "text_mean": [round(float(v), 7) for v in vectors.mean(axis=0)],
        "un_mean": [round(float(v), 7) for v in un_vectors.mean(axis=0)],
        "train": {
            "ids": examples.ids,
            "goals": examples.goals.tolist(),
            "labels": examples.labels.tolist(),
            "groups": examples.groups.tolist(),
        },
        "combiners": combiners,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    np.save(out_dir / sdg.UN_VECTORS_FILE.name, un_vectors.astype(np.float16))
    np.save(out_dir / sdg.TRAIN_VECTORS_FILE.name, vectors.astype(np.float16))
    (out_dir / sdg.MODEL_FILE.name).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return figures

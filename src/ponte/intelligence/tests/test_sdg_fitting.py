"""manage.py fit_sdg_classifier on a small slice of train.csv, from the shipped vectors (nothing is
embedded): it prints the cross-validated figures of both paths and writes artefacts that load."""

import csv
import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ponte.intelligence import sdg
from ponte.intelligence.management.commands.fit_sdg_classifier import DEFAULT_TRAIN


def test_fit_writes_artefacts_that_load_and_prints_cross_validated_figures(tmp_path):
    with open(DEFAULT_TRAIN, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept, seen = [], {}
    for index, row in enumerate(rows):  # six pairs per goal and label at most
        key = (row["sdg"], row["label"])
        if seen.get(key, 0) < 6:
            seen[key] = seen.get(key, 0) + 1
            kept.append(index)
    train = tmp_path / "train.csv"
    with open(train, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "sdg", "label"])
        writer.writeheader()
        writer.writerows(rows[i] for i in kept)
    np.save(tmp_path / "vectors.npy", np.load(sdg.TRAIN_VECTORS_FILE)[kept])
    out = StringIO()
    call_command(
        "fit_sdg_classifier",
        "--train",
        str(train),
        "--vectors",
        str(tmp_path / "vectors.npy"),
        "--un-vectors",
        str(sdg.UN_VECTORS_FILE),
        "--out",
        str(tmp_path / "model"),
        "--shuffles",
        "1",
        stdout=out,
    )
    printed = out.getvalue()
    assert "English: accuracy" in printed and "language-independent: accuracy" in printed
    data = json.loads((tmp_path / "model" / sdg.MODEL_FILE.name).read_text(encoding="utf-8"))
    assert data["examples"] == len(kept) and set(data["combiners"]) == {"en", "multi"}
    assert 0.5 < data["cross_validation"]["en"]["accuracy"] <= 1
    model = sdg.Model(
        data,
        np.load(tmp_path / "model" / sdg.UN_VECTORS_FILE.name),
        np.load(tmp_path / "model" / sdg.TRAIN_VECTORS_FILE.name),
    )
    vectors = np.load(sdg.TRAIN_VECTORS_FILE)[:2].astype(np.float32)
    texts = [rows[0]["text"], rows[1]["text"]]
    for path in ("en", "multi"):
        probabilities = model.probabilities(vectors, texts, path)
        assert probabilities.shape == (2, 17) and ((probabilities >= 0) & (probabilities <= 1)).all()


def test_vectors_that_do_not_match_the_texts_are_refused(tmp_path):
    np.save(tmp_path / "vectors.npy", np.zeros((3, 384), dtype=np.float32))
    with pytest.raises(CommandError, match="do not match"):
        call_command(
            "fit_sdg_classifier",
            "--vectors",
            str(tmp_path / "vectors.npy"),
            "--un-vectors",
            str(sdg.UN_VECTORS_FILE),
            "--out",
            str(tmp_path / "model"),
            stdout=StringIO(),
        )
    assert not (tmp_path / "model").exists()

from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from ponte.intelligence import fitting, sdg

# train.csv of the shared data set (one half of the SDG Classification Benchmark 1.0.0, MIT), shipped
# here so that the classifier can be refitted from a clean checkout; see data/README.md.
DEFAULT_TRAIN = Path(__file__).resolve().parents[2] / "data" / "sdg-train.csv"


class Command(BaseCommand):
    help = (
        "Fit the SDG classifier on the labelled examples (train.csv: id, text, sdg, label) with 5-fold "
        "cross-validation grouped by text, print the cross-validated accuracy, precision and recall "
        "(per goal, then their mean) of the English and language-independent paths, and write the "
        "artefacts sdg.py loads (the UN texts' and training texts' vectors are embedded unless given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
        parser.add_argument("--out", type=Path, default=sdg.DATA, help="where to write the artefacts")
        parser.add_argument(
            "--vectors", type=Path, help=".npy of the training texts' passage embeddings, in file order"
        )
        parser.add_argument("--un-vectors", type=Path, help=".npy of the UN texts' embeddings, as sdg.un_items()")
        parser.add_argument("--shuffles", type=int, default=len(fitting.SEEDS), help="repeats of the 5-fold CV")

    def handle(self, train, out, vectors=None, un_vectors=None, shuffles=3, **options):
        if not train.is_file():
            raise CommandError(f"{train}: no such file")
        try:
            figures = fitting.fit(
                train,
                vectors=np.load(vectors) if vectors else None,
                un_vectors=np.load(un_vectors) if un_vectors else None,
                out_dir=out,
                seeds=tuple(range(max(1, shuffles))),
                progress=lambda message: self.stdout.write(message),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for path, label in (("en", "English"), ("multi", "language-independent")):
            f = figures[path]
            self.stdout.write(
                f"{label}: accuracy {f['accuracy']:.1%}, precision {f['precision']:.1%}, recall {f['recall']:.1%} "
                f"({f['folds']}-fold cross-validation, {f['shuffles']} shuffles)"
            )
        self.stdout.write(self.style.SUCCESS(f"artefacts written to {out}"))

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ponte.core.importing import ImportFailed
from ponte.intelligence.services import embedding_status
from ponte.plan.loading import DatasetLoader


class Command(BaseCommand):
    help = (
        "Load or reload a city's plan data set from a folder of YAML/CSV files "
        "(city.yaml, organisations.yaml, axes.yaml, plan.yaml, indicators.yaml, notes.yaml). "
        "All or nothing; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder of the data set, e.g. data/bologna")

    def handle(self, folder, **options):
        try:
            loader = DatasetLoader(Path(folder))
            report = loader.load()
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(n)d problem(s) found; nothing was loaded.") % {"n": len(failure.errors)}) from None
        self.stdout.write(self.style.SUCCESS(_("Data set loaded: %(summary)s") % {"summary": report.summary()}))
        # Vectors for suggestions and semantic search: queued for the worker, and said.
        self.stdout.write(embedding_status(loader.city))

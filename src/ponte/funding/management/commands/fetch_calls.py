from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ponte.funding.fetching import SEARCH_URL, fetch_topics


class Command(BaseCommand):
    help = (
        "Fetch open and forthcoming EU Funding & Tenders topics from the portal's search API into a "
        "JSON file, then import that file into the calls register (unless --no-import)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "var" / "funding-tenders.json")
        parser.add_argument("--url", default=SEARCH_URL)
        parser.add_argument("--max-pages", type=int, default=200)
        parser.add_argument("--city", default=None)
        parser.add_argument("--no-import", action="store_true")

    def handle(self, out, url, max_pages, city=None, no_import=False, **options):
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            count = fetch_topics(out, url=url, max_pages=max_pages)
        except OSError as exc:
            raise CommandError(f"The search API could not be reached ({exc}); import a saved file instead.") from exc
        self.stdout.write(f"{count} topics saved to {out}")
        if not no_import:
            call_command(
                "import_funding",
                "funding-tenders",
                str(out),
                *(["--city", city] if city else []),
                stdout=self.stdout,
                stderr=self.stderr,
            )

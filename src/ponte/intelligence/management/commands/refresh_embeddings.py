import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ponte.core.models import City
from ponte.intelligence import embeddings
from ponte.intelligence.registry import REGISTRY
from ponte.intelligence.services import refresh


class Command(BaseCommand):
    help = (
        "Compute the embeddings of every action, indicator, project and call whose text is new or "
        "changed (all cities, or one with --city), remove those of deleted objects, and say what "
        "was computed. Running it twice computes nothing the second time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", help="Only this city (its slug, e.g. bologna)")

    def handle(self, *args, city=None, **options):
        cities = City.objects.order_by("slug")
        if city:
            cities = cities.filter(slug=city)
            if not cities.exists():
                raise CommandError(_("No city with the code “%(slug)s”.") % {"slug": city})
        started = time.monotonic()
        for each in cities:
            report = refresh(each, progress=self._progress if options["verbosity"] > 1 else None)
            for label in REGISTRY:
                self.stdout.write(
                    _("%(city)s · %(what)s: %(computed)d of %(total)d computed")
                    % {
                        "city": each.slug,
                        "what": REGISTRY[label].model._meta.verbose_name_plural,
                        "computed": report.computed.get(label, 0),
                        "total": report.total.get(label, 0),
                    }
                )
            if report.pruned:
                self.stdout.write(
                    _("%(city)s: %(n)d vectors of deleted objects removed") % {"city": each.slug, "n": report.pruned}
                )
        self.stdout.write(
            self.style.SUCCESS(
                _("Embeddings up to date (%(model)s, %(seconds).1f s).")
                % {"model": embeddings.MODEL_NAME, "seconds": time.monotonic() - started}
            )
        )

    def _progress(self, label, done, total):
        self.stdout.write(f"  {label}: {done}/{total}")

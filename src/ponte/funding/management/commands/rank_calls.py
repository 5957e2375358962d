import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ponte.core.models import City
from ponte.funding.ranking import rank_calls
from ponte.funding.services import close_past_calls


class Command(BaseCommand):
    help = (
        "Close the calls whose deadline has passed and score every call by its fit with the city's plan "
        "(run daily: deadlines move)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", action="append", help="City slug (default: every city)")

    def handle(self, city=None, **options):
        for each in City.objects.filter(slug__in=city) if city else City.objects.all():
            closed = close_past_calls(city=each)
            if closed:
                self.stdout.write(
                    _("%(city)s: %(n)s calls closed, their deadline has passed") % {"city": each.slug, "n": closed}
                )
            start = time.perf_counter()
            count = rank_calls(each)
            self.stdout.write(f"{each.slug}: {count} calls ranked in {time.perf_counter() - start:.2f} s")

from django.core.management.base import BaseCommand

from ponte.core.models import City
from ponte.plan.risk_alerts import check_risk_alerts_task


class Command(BaseCommand):
    help = (
        "Notify the people who answer for each action that is behind with no open mitigation (at most once "
        "a week per action); run it daily from cron. --now checks in this process instead of queueing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", action="append", help="City slug (default: every city)")
        parser.add_argument("--now", action="store_true", help="Check in this process instead of queueing")

    def handle(self, city=None, now=False, **options):
        cities = City.objects.filter(slug__in=city) if city else City.objects.all()
        for each in cities:
            if now:
                self.stdout.write(f"{each.slug}: {check_risk_alerts_task.call(each.slug)}")
            else:
                self.stdout.write(f"{each.slug}: queued as {check_risk_alerts_task.enqueue(each.slug).id}")

from django.core.management.base import BaseCommand

from ponte.core.models import City
from ponte.plan.tasks import send_update_reminders_task


class Command(BaseCommand):
    help = (
        "Queue the reminder mails for actions whose update for the current semester is missing "
        "(run it from cron, e.g. daily; `manage.py worker` sends them). --now sends at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", action="append", help="City slug (default: every city)")
        parser.add_argument("--now", action="store_true", help="Send in this process instead of queueing")

    def handle(self, city=None, now=False, **options):
        cities = City.objects.filter(slug__in=city) if city else City.objects.all()
        for each in cities:
            if now:
                sent = send_update_reminders_task.call(each.slug)
                self.stdout.write(f"{each.slug}: {sent} reminder(s) sent")
            else:
                result = send_update_reminders_task.enqueue(each.slug)
                self.stdout.write(f"{each.slug}: queued as {result.id}")

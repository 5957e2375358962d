from django.core.management.base import BaseCommand

from ponte.core.models import City
from ponte.core.tasks import send_follow_up_reminders_task


class Command(BaseCommand):
    help = "Queue the reminders of overdue follow-up tasks (missions, meetings); run daily from cron."

    def add_arguments(self, parser):
        parser.add_argument("--city", action="append", help="City slug (default: every city)")
        parser.add_argument("--now", action="store_true", help="Send in this process instead of queueing")

    def handle(self, city=None, now=False, **options):
        for each in City.objects.filter(slug__in=city) if city else City.objects.all():
            if now:
                self.stdout.write(f"{each.slug}: {send_follow_up_reminders_task.call(each.slug)} reminder(s) sent")
            else:
                self.stdout.write(f"{each.slug}: queued as {send_follow_up_reminders_task.enqueue(each.slug).id}")

import datetime

from django.core.management.base import BaseCommand

from ponte.collaboration.delivery import send_digests


class Command(BaseCommand):
    help = (
        "Mail each person who chose a daily or weekly digest their notifications not mailed yet, one "
        "digest per period (a second run in the same day or week sends nothing again), and again the "
        "immediate notification mails the relay refused. Run it daily from cron (e.g. at 7:00)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="The day whose period is sent, YYYY-MM-DD (default: today)",
        )

    def handle(self, date=None, **options):
        for line in send_digests(today=date).lines():
            self.stdout.write(line)

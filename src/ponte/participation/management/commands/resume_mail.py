from django.core.management.base import BaseCommand

from ponte.participation import newsletter, services


class Command(BaseCommand):
    help = (
        "Queue again the newsletter sends that stopped half-way (their worker died or was stopped) "
        "and the registration and subscription mails the relay refused. Run it from cron (e.g. every "
        "ten minutes, at least daily); `manage.py db_worker` sends them. Nothing is ever sent twice. "
        "It also deletes the event registrations whose address was never confirmed, once their link expired."
    )

    def handle(self, **options):
        resumed = newsletter.resume_stalled_campaigns()
        self.stdout.write(f"{len(resumed)} newsletter send(s) resumed")
        sent = services.retry_unsent_mail()
        self.stdout.write(f"{sent} registration or subscription mail(s) sent again")
        forgotten = services.forget_unconfirmed()
        self.stdout.write(f"{forgotten} unconfirmed registration(s) deleted")

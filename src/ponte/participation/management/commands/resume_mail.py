from django.core.management.base import BaseCommand

from ponte.participation import newsletter, services
from ponte.portal import follow


class Command(BaseCommand):
    help = (
        "Queue again the newsletter sends that stopped half-way (their worker died or was stopped) "
        "and the registration and subscription mails the relay refused, and the changes mailed to the "
        "portal's followers. Run it from cron (e.g. every ten minutes, at least daily); `manage.py worker` "
        "sends them. Nothing is ever sent twice. "
        "It also deletes the event registrations and the requests to follow whose address was never confirmed, "
        "once their link expired."
    )

    def handle(self, **options):
        resumed = newsletter.resume_stalled_campaigns()
        self.stdout.write(f"{len(resumed)} newsletter send(s) resumed")
        sent = services.retry_unsent_mail()
        self.stdout.write(f"{sent} registration or subscription mail(s) sent again")
        resumed = follow.resume_stalled_changes()
        sent = follow.retry_confirmations()
        self.stdout.write(
            f"{len(resumed)} change(s) queued again for their followers, {sent} confirmation(s) sent again"
        )
        forgotten = follow.forget_unconfirmed()
        self.stdout.write(f"{forgotten} unconfirmed request(s) to follow deleted")
        forgotten = services.forget_unconfirmed()
        self.stdout.write(f"{forgotten} unconfirmed registration(s) deleted")

import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ponte.core.models import City
from ponte.participation import newsletter


class Command(BaseCommand):
    help = (
        "Read the bounces (delivery status notifications) of the newsletter's return address from a "
        "Maildir or mbox and mark those deliveries as bounced; addresses that fail permanently stop "
        "receiving campaigns. Run it from cron on the mailbox the SMTP relay delivers bounces to."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="MAILBOX", help="Path of a Maildir directory or of an mbox file")
        parser.add_argument("--city", required=True, help="City slug")

    def handle(self, path: str, city: str, **options):
        place = City.objects.filter(slug=city).first()
        if place is None:
            raise CommandError(f"--city: no city with slug {city!r}")
        if Path(path).is_dir():
            box = mailbox.Maildir(path, create=False)
        elif Path(path).is_file():
            box = mailbox.mbox(path, create=False)
        else:
            raise CommandError(f"{path}: neither a Maildir directory nor an mbox file")
        counts = {"bounced": 0, "unknown": 0, "other": 0}
        with transaction.atomic():  # all of the mailbox or nothing
            for key, message in box.iteritems():
                found = newsletter.bounces_in(message)
                counts["other"] += not found
                for bounce in found:
                    if newsletter.record_bounce(place, bounce):
                        counts["bounced"] += 1
                    else:
                        counts["unknown"] += 1
                        self.stderr.write(f"message {key}: {bounce.recipient} received no campaign of {place.slug}")
        self.stdout.write(
            f"{counts['bounced']} bounce(s) recorded, {counts['unknown']} for unknown recipients, "
            f"{counts['other']} message(s) that are not bounces"
        )

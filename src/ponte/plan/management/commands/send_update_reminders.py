import datetime

from django.core.management.base import BaseCommand, CommandError

from ponte.core.models import City
from ponte.plan.tasks import send_update_reminders_task

KINDS = [
    ("update_due", "reminder(s) before the due date"),
    ("update_late", "late reminder(s)"),
    ("escalation", "escalation(s) to the plan owners"),
]


def describe(slug: str, result: dict) -> str:
    """One line saying what a run did, and why when it did nothing."""
    if result.get("busy"):
        return f"{slug}: another run for this city is under way; nothing done"
    counts = result.get("counts", {})
    done = ", ".join(f"{counts.get(kind, 0)} {label}" for kind, label in KINDS)
    line = f"{slug}: {result['actions']} running action(s) checked; {done}"
    if result.get("already"):
        line += f"; {result['already']} already notified by an earlier run"
    if not any(counts.values()):
        line += (
            " — nothing new: every update due in the current and the two previous periods is written, "
            "not yet within its reminder days, or already notified"
            if result["actions"]
            else " — nothing to check: the city has no running action"
        )
    return line


class Command(BaseCommand):
    help = (
        "Notify the people responsible for actions whose periodic update is due (before the due date), "
        "late (after it), and the plan owners when it is still missing after the grace period — per each "
        "action's reporting cycle. Run it daily from cron; re-runs never notify twice. By default it is "
        "queued (`manage.py worker` runs it); --now runs it here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", action="append", help="City slug (default: every city)")
        parser.add_argument("--now", action="store_true", help="Run in this process instead of queueing")
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD), e.g. to catch up")

    def handle(self, city=None, now=False, date=None, **options):
        if date:
            try:
                datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date: {date!r} is not a date as YYYY-MM-DD") from None
        cities = City.objects.filter(slug__in=city) if city else City.objects.all()
        if not cities:
            self.stdout.write("No city to remind: " + (", ".join(city) + " not found" if city else "none exists"))
        for each in cities:
            if now:
                self.stdout.write(describe(each.slug, send_update_reminders_task.call(each.slug, date)))
            else:
                result = send_update_reminders_task.enqueue(each.slug, date)
                self.stdout.write(f"{each.slug}: queued as {result.id}")

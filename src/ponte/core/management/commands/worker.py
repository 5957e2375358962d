"""`manage.py worker`: the background worker of the configured queue (imports, reports,
newsletters, reminders) — RQ's `rqworker` (django-rq) when TASKS_BACKEND is
`django_tasks_rq.RQBackend`, the database queue's `db_worker` otherwise. One command for the
Makefile, the systemd unit and the container, whichever queue the installation uses."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the background worker of the configured task queue: rqworker (RQ on Redis, with its "
        "scheduler for deferred tasks) or db_worker (the database queue)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run the tasks waiting now, then stop")
        parser.add_argument("--worker-class", help="RQ only: the worker class (e.g. rq.worker.SimpleWorker)")

    def handle(self, burst=False, worker_class=None, **options):
        queues = settings.TASKS["default"].get("QUEUES") or ["default"]
        if settings.PONTE_TASKS_ON_RQ:
            # Called as an object: it works whether or not django_rq is among the installed apps.
            from django_rq.management.commands.rqworker import Command as RQWorker

            call_command(
                RQWorker(),
                *queues,
                job_class=settings.RQ["JOB_CLASS"],
                with_scheduler=True,  # runs the deferred tasks (a refused mail tried again later)
                burst=burst,
                worker_class=worker_class,
                verbosity=options["verbosity"],
            )
        else:
            arguments = ["--batch", "--no-startup-delay"] if burst else []
            call_command("db_worker", "--queue-name", ",".join(queues), *arguments, verbosity=options["verbosity"])

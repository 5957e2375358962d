"""Running an importer as a background job: queue, progress, result, all or nothing.

Every job ends done or failed, with its reason shown to people: an importer's row errors, a
refused file (binary, empty, truncated, unknown encoding), any unexpected exception (its
traceback goes to the log, not to the page), or a worker that stopped giving signs of life
(`PONTE_IMPORT_STALL_MINUTES`), declared failed the next time anyone looks at the job.
"""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .importing import IMPORTERS, ImportFailed, Progress, RowError
from .models import ImportJob
from .storage import local_paths

logger = logging.getLogger(__name__)


def progress_key(job_id) -> str:
    return f"ponte:import-progress:{job_id}"


def start_import(*, city, user, kind: str, file, extra_file=None, dry_run=False) -> ImportJob:
    """Store the uploaded file(s), create the job and queue it; a `dry_run` (preview) reads and
    checks everything and shows it as it would be stored, and writes nothing."""
    names = " + ".join(f.name for f in (file, extra_file) if f)
    job = ImportJob.objects.create(
        city=city,
        kind=kind,
        file=file,
        extra_file=extra_file or "",
        source_name=names,
        created_by=user,
        dry_run=dry_run,
    )
    run_import_task.enqueue(job.pk)
    return job


def import_previewed(*, preview: ImportJob, user) -> ImportJob:
    """Import for real the files a preview read (they are stored once, for both jobs)."""
    if not preview.dry_run or preview.status != ImportJob.Status.DONE or not preview.file:
        raise ValueError("only a finished preview of an uploaded file can be imported")
    job = ImportJob.objects.create(
        city=preview.city,
        kind=preview.kind,
        file=preview.file.name,
        extra_file=preview.extra_file.name or "",
        source_name=preview.source_name,
        created_by=user,
    )
    run_import_task.enqueue(job.pk)
    return job


class _Rollback(Exception):
    """Ends a preview's transaction: everything it wrote is undone."""


def _failure(message: str) -> list[dict]:
    return [RowError("-", "-", "-", message).__dict__]


def run_import(job: ImportJob, paths: list[Path] | None = None, **options) -> ImportJob:
    """Run one job in this process (the worker's task, or a management command with its own
    file paths, which are read in place rather than copied). Whatever happens, the job ends
    done or failed with its reason."""
    if paths is None:  # the uploaded files, wherever the storage keeps them (ponte.core.storage)
        stored = [job.file] + ([job.extra_file] if job.extra_file else [])
        with local_paths(*stored) as paths:
            return run_import(job, paths, **options)
    total = 0
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    importer = None
    try:
        importer_class = IMPORTERS[job.kind]
        total = sum(path.stat().st_size for path in paths)
        ImportJob.objects.filter(pk=job.pk).update(total_bytes=total)
        importer = importer_class(city=job.city, progress=Progress(progress_key(job.pk), total), **options)
        if not job.dry_run:
            importer.on_applied = lambda report: ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE, summary=report.as_dict(), finished_at=timezone.now()
            )
        if job.dry_run:
            try:
                with transaction.atomic():
                    report = importer.run(*paths)
                    used = set(importer.columns)  # empty: the importer does not list its columns
                    job.preview = {
                        "columns": [
                            [name, [[published, read_as, not used or read_as in used] for published, read_as in found]]
                            for name, found in importer.columns_found.items()
                        ],
                        "rows": importer.preview_rows(),
                    }
                    raise _Rollback
            except _Rollback:
                pass
        else:
            report = importer.run(*paths)
    except ImportFailed as failure:
        job.status, job.errors = ImportJob.Status.FAILED, [error.__dict__ for error in failure.errors]
    except Exception as exc:  # noqa: BLE001 - a job must end, whatever went wrong
        logger.exception("Import job %s (%s) failed", job.pk, job.kind)
        job.status = ImportJob.Status.FAILED
        job.errors = _failure(
            _(
                "The import stopped on an unexpected error (%(error)s); nothing was changed. "
                "The technical details are in the server's log."
            )
            % {"error": exc.__class__.__name__}
        )
    else:
        job.status, job.summary = ImportJob.Status.DONE, report.as_dict()
    if importer is not None:
        job.encoding = ", ".join(f"{label} ({name})" for name, label in importer.encodings.items())[:100]
        job.release = importer.release_names()[:300]
        job.warnings = importer.warnings
    state = cache.get(progress_key(job.pk)) or {}
    job.rows_read, job.bytes_read, job.total_bytes = state.get("rows", 0), state.get("bytes", total), total
    job.finished_at = timezone.now()
    try:
        job.save()
    except Exception as exc:  # noqa: BLE001 - the job must not stay "running" because its record failed
        logger.exception("Import job %s (%s): its outcome could not be recorded", job.pk, job.kind)
        # Still running unless the rows were applied (then it is done, with its summary).
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED,
            finished_at=job.finished_at,
            errors=_failure(
                _(
                    "The import stopped on an unexpected error (%(error)s); nothing was changed. "
                    "The technical details are in the server's log."
                )
                % {"error": exc.__class__.__name__}
            ),
        )
    cache.delete(progress_key(job.pk))
    _tell_who_started(job)
    return job


def _tell_who_started(job: ImportJob) -> None:
    """The person who started the import finds its outcome in their notifications, once."""
    from ponte.collaboration.services import job_finished

    stored = ImportJob.objects.filter(pk=job.pk).values("status", "errors").first()
    finished = (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    if job.created_by_id is None or stored is None or stored["status"] not in finished:
        return
    what = _("Preview of %(file)s") if job.dry_run else _("Import of %(file)s")
    job_finished(
        user=job.created_by,
        city=job.city,
        what=what % {"file": job.source_name or job.kind},
        url=reverse("core:import-detail", kwargs={"city": job.city.slug, "pk": job.pk}),
        done=stored["status"] == ImportJob.Status.DONE,
        errors=stored["errors"],
        key=f"job:import:{job.pk}",
    )


def live_progress(job: ImportJob) -> ImportJob:
    """A running job with the progress its worker has reported so far."""
    state = cache.get(progress_key(job.pk))
    if state and job.status == ImportJob.Status.RUNNING:
        job.rows_read, job.bytes_read, job.total_bytes = state["rows"], state["bytes"], state["total"]
    return job


def _last_sign_of_life(job: ImportJob) -> datetime.datetime:
    moments = [job.created_at, job.started_at]
    state = cache.get(progress_key(job.pk)) or {}
    if state.get("at"):
        moments.append(datetime.datetime.fromtimestamp(state["at"], tz=datetime.UTC))
    return max(moment for moment in moments if moment)


def fail_stalled(jobs) -> list[ImportJob]:
    """Declare failed the queued or running jobs without a sign of life for longer than
    `PONTE_IMPORT_STALL_MINUTES` (their worker died, or none is running); returns `jobs`
    with their current state. Called by the pages that show jobs and by each new import."""
    minutes = settings.PONTE_IMPORT_STALL_MINUTES
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    jobs = list(jobs)
    for job in jobs:
        if job.is_finished or _last_sign_of_life(job) >= cutoff:
            continue
        if job.status == ImportJob.Status.RUNNING:
            reason = _(
                "The worker running this import stopped: no progress for %(minutes)d minutes. "
                "Nothing was changed; upload the file again."
            )
        else:
            reason = _(
                "No worker took this import in %(minutes)d minutes: is the background worker "
                "(manage.py worker) running? Nothing was changed; upload the file again."
            )
        job.status, job.errors = ImportJob.Status.FAILED, _failure(reason % {"minutes": minutes})
        job.finished_at = timezone.now()
        # Only if it is still where we saw it: a worker that has just finished wins.
        if ImportJob.objects.filter(pk=job.pk, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).update(
            status=job.status, errors=job.errors, finished_at=job.finished_at
        ):
            _tell_who_started(job)
        logger.warning("Import job %s declared failed: no sign of life for %s minutes", job.pk, minutes)
    return jobs


@task()
def run_import_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("city").get(pk=job_id)
    fail_stalled(ImportJob.objects.filter(city=job.city, status__in=["queued", "running"]).exclude(pk=job.pk))
    if job.status != ImportJob.Status.QUEUED:
        return job.status  # already declared failed while it waited: people were told so
    return run_import(job).status

"""Running an importer as a background job: queue, progress, result, all or nothing."""

from pathlib import Path

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from .importing import IMPORTERS, ImportFailed, Progress
from .models import ImportJob


def progress_key(job_id) -> str:
    return f"ponte:import-progress:{job_id}"


def start_import(*, city, user, kind: str, file, extra_file=None) -> ImportJob:
    """Store the uploaded file(s), create the job and queue it."""
    names = " + ".join(f.name for f in (file, extra_file) if f)
    job = ImportJob.objects.create(
        city=city, kind=kind, file=file, extra_file=extra_file or "", source_name=names, created_by=user
    )
    run_import_task.enqueue(job.pk)
    return job


def run_import(job: ImportJob, paths: list[Path] | None = None, **options) -> ImportJob:
    """Run one job in this process (the worker's task, or a management command with its own
    file paths, which are read in place rather than copied)."""
    importer_class = IMPORTERS[job.kind]
    if paths is None:
        paths = [Path(job.file.path)] + ([Path(job.extra_file.path)] if job.extra_file else [])
    total = sum(path.stat().st_size for path in paths)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, total_bytes=total)
    importer = importer_class(city=job.city, progress=Progress(progress_key(job.pk), total), **options)
    try:
        report = importer.run(*paths)
    except ImportFailed as failure:
        job.status, job.errors = ImportJob.Status.FAILED, [error.__dict__ for error in failure.errors]
    else:
        job.status, job.summary = ImportJob.Status.DONE, {"created": report.created, "updated": report.updated}
    state = cache.get(progress_key(job.pk)) or {}
    job.rows_read, job.bytes_read, job.total_bytes = state.get("rows", 0), state.get("bytes", total), total
    job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))
    return job


def live_progress(job: ImportJob) -> ImportJob:
    """A running job with the progress its worker has reported so far."""
    state = cache.get(progress_key(job.pk))
    if state and job.status == ImportJob.Status.RUNNING:
        job.rows_read, job.bytes_read, job.total_bytes = state["rows"], state["bytes"], state["total"]
    return job


@task()
def run_import_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("city").get(pk=job_id)
    return run_import(job).status

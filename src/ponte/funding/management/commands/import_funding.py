from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ponte.core.importing import IMPORTERS, result_lines
from ponte.core.jobs import run_import
from ponte.core.models import City, ImportJob


class Command(BaseCommand):
    # The system checks (every URL module, template library and the reports' charts imported)
    # took longer than reading 100,000 rows: an import has nothing to learn from them (issue 16).
    requires_system_checks = []
    help = (
        "Import open data into the funding portfolio or the calls register, all or nothing and "
        "idempotent. Sources: opencoesione (progetti_esteso CSV), pnrr (PNRR_Progetti.csv), "
        "cordis (organization.csv and project.csv), funding-tenders (grantsTenders.json or a "
        "search API response). Files are read where they are; every problem is listed with row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=sorted(IMPORTERS))
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--city", default=None, help="City slug (default: PONTE_DEFAULT_CITY)")
        parser.add_argument("--pic", action="append", default=[], help="CORDIS: the city's PIC (repeatable)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything and show the columns found and the first rows as they would be "
            "stored; write nothing.",
        )

    def handle(self, source, files, city=None, pic=(), dry_run=False, **options):
        from django.conf import settings

        city = City.objects.filter(slug=city or settings.PONTE_DEFAULT_CITY).first()
        if city is None:
            raise CommandError("Unknown city; load its data set first (manage.py load_plan).")
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        job = ImportJob.objects.create(
            city=city, kind=source, source_name=" + ".join(p.name for p in files), dry_run=dry_run
        )
        importer_options = {"pics": pic} if source == "cordis" else {}
        job = run_import(job, paths=files, **importer_options)
        if job.encoding:
            self.stdout.write(f"{job.encoding}")
        if job.release:
            self.stdout.write(f"{job.release}")
        if job.status == ImportJob.Status.FAILED:
            for error in job.errors:
                where = [error["file"]] if error["file"] != "-" else []
                if error["row"] != "-":
                    where.append(f"riga {error['row']}")
                if error["field"] != "-":
                    where.append(f"campo “{error['field']}”")
                self.stderr.write(f"{', '.join(where)}: {error['message']}" if where else error["message"])
            raise CommandError(f"{len(job.errors)} problem(s); nothing was imported.")
        for warning in job.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if dry_run:
            for file, columns in job.preview.get("columns", []):
                self.stdout.write(f"{file}:")
                for published, read_as, used in columns:
                    if not used:
                        self.stdout.write(f"  {published} (not used)")
                    else:
                        self.stdout.write(f"  {published} → {read_as}" if published != read_as else f"  {published}")
            for number, row in enumerate(job.preview.get("rows", []), start=1):
                self.stdout.write(f"#{number} " + " · ".join(f"{label}: {value}" for label, value in row))
            self.stdout.write(self.style.WARNING("Preview: nothing was written."))
        self.stdout.write(self.style.SUCCESS(f"{job.rows_read} rows read; " + "; ".join(result_lines(job.summary))))

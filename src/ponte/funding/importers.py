"""Importers of real open data into the portfolio and the calls register.

Each reads its file(s) as a stream, validates every row it keeps (reporting row, column and
reason), and only then applies everything in one transaction with bulk writes, upserting by
the source's own identifier: re-importing updates, never duplicates. Formats and licences:
docs/open-data.md and the fixtures' README."""

import csv
import datetime
import json
import tempfile
from collections import defaultdict
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core.identity import name_key
from ponte.core.importing import (
    CountingReader,
    ImportReport,
    RowFilter,
    RowImporter,
    normalise_istat_code,
    normalise_tax_code,
    parse_amount,
    parse_source_date,
    register_importer,
)
from ponte.core.models import Organisation, Publication
from ponte.core.webaddress import web_address_or_blank

from .models import CUP_PATTERN, Call, Participation, Programme, Project, city_funds_of
from .readable import readable_text, readable_title, sentence_case
from .releases import CORDIS_RELEASES, FUNDING_TENDERS_RELEASES, OPENCOESIONE_RELEASES, PNRR_RELEASES

PROJECT_FIELDS = [
    "acronym",
    "title",
    "description",
    "programme_id",
    "cup",
    "role",
    "status",
    "total_budget",
    "eu_contribution",
    "city_share",
    "cofinancing",
    "start_date",
    "end_date",
    "source_title",
    "source_date",
    "measure_code",
    "measure_name",
    "submeasure_code",
    "submeasure_name",
]
SPOOLED_FIELDS = [name for name in PROJECT_FIELDS if name != "programme_id"]
COPY_COLUMNS = ["external_id", *PROJECT_FIELDS]
NULLABLE = {"total_budget", "eu_contribution", "city_share", "cofinancing", "start_date", "end_date", "source_date"}
BATCH = 2000


def parse_cup(value):
    value = (value or "").strip().upper()
    if value and not CUP_PATTERN.match(value):
        raise ValueError(_("“%(value)s” is not a valid CUP") % {"value": value})
    return value


def clip(value, length):
    value = (value or "").strip()
    return value if len(value) <= length else value[: length - 1] + "…"


class ProjectImporter(RowImporter):
    """Shared apply step: spool validated rows to a temporary file, then upsert them in batches
    inside one transaction (bounded memory whatever the file size)."""

    origin = ""
    # Where a new project is located (`Project.Location`); set at creation only, so a place staff
    # refine (a quartiere, an address) survives the next import.
    location = ""

    def __init__(self, *, city, progress=None):
        super().__init__(city=city, progress=progress)
        # The spool lives as long as the importer; the OS removes it when it is closed or collected.
        self.spool = tempfile.TemporaryFile(mode="w+", newline="", encoding="utf-8")  # noqa: SIM115
        self.writer = csv.writer(self.spool)
        self.kept = 0
        self.seen_ids = set()
        self.programme_keys = set()  # of the rows kept, so the apply need not read the spool for them

    def keep(self, external_id, programme_key, fields, *, file="", number="-", column=""):
        if external_id in self.seen_ids:
            self.error(file, number, column, _("“%(id)s” appears twice") % {"id": external_id})
            return
        self.seen_ids.add(external_id)
        self.programme_keys.add(programme_key)
        self.kept += 1
        values = ["" if fields.get(name) is None else fields[name] for name in SPOOLED_FIELDS]
        self.writer.writerow([external_id, programme_key, *values])

    def spooled(self):
        self.spool.seek(0)
        names = ["external_id", "programme_key", *SPOOLED_FIELDS]
        for values in csv.reader(self.spool):
            yield dict(zip(names, values, strict=True))

    def scan(self, path: Path, read, row_filter: RowFilter, of_city) -> None:
        """Read `path` through `read` (`read_csv` or `read_rows`), skipping unparsed the records
        `row_filter` rules out, and validate the rows `of_city(row)` keeps; the columns are
        checked at the first row, progress is reported as the bytes go by. Stops on errors."""
        file = path.name
        with path.open("rb") as raw:
            counting = CountingReader(raw)
            checked = False
            for number, row in read(path, counting, row_filter=row_filter):
                if not checked:
                    self.check_columns(file)
                    checked = True
                self.progress(self.rows_in(file), counting.count)
                if of_city(row):
                    self._validate(file, number, row)
            self.progress(self.rows_in(file), counting.count, force=True)
        self.fail_if_errors()

    def apply_kept(self, file: str, none_kept) -> ImportReport:
        """Apply the kept rows in one transaction; when none was kept, a warning explains why
        (`none_kept()` builds it; an empty file still has its columns checked)."""
        if not self.kept:
            self.check_columns(file)
            self.warn(none_kept())
        report = ImportReport()
        with transaction.atomic():
            self.apply_projects(report)
            self.applied(report)
        return report

    def programme_for(self, key) -> Programme:
        raise NotImplementedError

    PREVIEW_FIELDS = (
        "title",
        "cup",
        "status",
        "total_budget",
        "eu_contribution",
        "city_share",
        "start_date",
        "end_date",
    )

    def preview_rows(self, limit=5):
        rows = []
        for row in self.spooled():
            if len(rows) == limit:
                break
            values = typed(
                {name: row.get(name, "") for name in PROJECT_FIELDS if name != "programme_id"} | {"programme_id": ""}
            )
            pairs = [
                (str(Project._meta.get_field(name).verbose_name), display(values[name]))
                if name != "city_share"
                else (_("To the city (€)"), display(city_funds_of(values["city_share"], values["eu_contribution"])))
                for name in self.PREVIEW_FIELDS
            ]
            pairs.insert(
                1,
                (
                    str(Project._meta.get_field("programme").verbose_name),
                    " ".join(row["programme_key"].split("|")).strip(),
                ),
            )
            if values["source_title"]:
                pairs.insert(1, (str(Project._meta.get_field("source_title").verbose_name), values["source_title"]))
            rows.append(pairs)
        return rows

    def apply_projects(self, report: ImportReport):
        report.seen["projects"] = self.kept
        if connection.vendor == "postgresql":
            return self._apply_with_copy(report)
        programmes = {}
        batch = []
        for row in self.spooled():
            key = row.pop("programme_key")
            if key not in programmes:
                programmes[key] = self.programme_for(key)
            row["programme_id"] = programmes[key].pk
            batch.append(row)
            if len(batch) >= BATCH:
                self._upsert_batch(batch, report)
                batch = []
        if batch:
            self._upsert_batch(batch, report)

    def _apply_with_copy(self, report: ImportReport):
        """PostgreSQL: COPY the validated rows into a temporary table, then one upsert statement."""
        # Programmes are resolved first: the connection can run no other query during COPY.
        programmes = {key: self.programme_for(key).pk for key in self.programme_keys}
        # The spool's order (programme second), so each spooled row is copied as it is read.
        columns = ", ".join(["external_id", "programme_id", *SPOOLED_FIELDS])
        null_at = [i for i, name in enumerate(SPOOLED_FIELDS) if name in NULLABLE]
        changed_test = " OR ".join(f"p.{name} IS DISTINCT FROM EXCLUDED.{name}" for name in COPY_COLUMNS[1:])
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE ponte_import_project (external_id text, programme_id bigint, acronym text, "
                "title text, description text, cup text, role text, status text, total_budget numeric, "
                "eu_contribution numeric, city_share numeric, cofinancing numeric, start_date date, end_date date, "
                "source_title text, source_date date, measure_code text, measure_name text, submeasure_code text, "
                "submeasure_name text) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY ponte_import_project ({columns}) FROM STDIN") as copy:
                self.spool.seek(0)
                for external_id, key, *values in csv.reader(self.spool):
                    for i in null_at:
                        values[i] = values[i] or None
                    copy.write_row([external_id, programmes[key], *values])
            updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in COPY_COLUMNS[1:])
            cursor.execute(
                f"""WITH upserted AS (
                    INSERT INTO funding_project AS p
                        (city_id, origin, grant_agreement, place, location, quartiere, publication, updated_at,
                         {columns})
                    SELECT %s, %s, '', '', %s, '', %s, now(), {columns} FROM ponte_import_project
                    ON CONFLICT (city_id, origin, external_id) WHERE NOT (external_id = '')
                    DO UPDATE SET {updates}, updated_at = now() WHERE {changed_test}
                    RETURNING (xmax = 0) AS inserted
                ) SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted""",  # noqa: S608 - names are constants
                [self.city.pk, self.origin, self.location, Publication.PUBLISHED],
            )
            created, updated = cursor.fetchone()
            cursor.execute("DROP TABLE ponte_import_project")  # ON COMMIT DROP covers failures
        if created:
            report.created["projects"] = report.created.get("projects", 0) + created
        if updated:
            report.updated["projects"] = report.updated.get("projects", 0) + updated

    def _upsert_batch(self, rows, report):
        existing = {
            project.external_id: project
            for project in Project.objects.filter(
                city=self.city, origin=self.origin, external_id__in=[row["external_id"] for row in rows]
            )
        }
        new, changed = [], []
        now = timezone.now()
        for row in rows:
            values = typed(row)
            project = existing.get(row["external_id"])
            if project is None:
                new.append(
                    Project(
                        city=self.city,
                        origin=self.origin,
                        external_id=row["external_id"],
                        publication=Publication.PUBLISHED,  # open data: public at the source
                        location=self.location,
                        **values,
                    )
                )
                continue
            if any(getattr(project, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(project, name, value)
                project.updated_at = now
                changed.append(project)
        Project.objects.bulk_create(new, batch_size=BATCH)
        Project.objects.bulk_update(changed, [*PROJECT_FIELDS, "updated_at"], batch_size=BATCH)
        if new:
            report.created["projects"] = report.created.get("projects", 0) + len(new)
        if changed:
            report.updated["projects"] = report.updated.get("projects", 0) + len(changed)


def display(value) -> str:
    """A value as a preview shows it: amounts and dates in the language's format, nothing as —."""
    from django.utils import formats

    if value in (None, ""):
        return "—"
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if value in Project.Status.values:
        return str(Project.Status(value).label)
    return str(value)


def typed(row) -> dict:
    """Spooled text back to model values."""
    values = {}
    for name in PROJECT_FIELDS:
        value = row[name]
        if name in ("total_budget", "eu_contribution", "city_share", "cofinancing"):
            values[name] = Decimal(value) if value else None
        elif name in ("start_date", "end_date", "source_date"):
            values[name] = datetime.date.fromisoformat(value) if value else None
        else:
            values[name] = value
    return values


def ensure_programme(city, slug, name, kind, parent_slug=None) -> Programme:
    """The programme with this code, created (under `parent_slug` when it exists) if missing."""
    programme = Programme.objects.filter(city=city, slug=slug).first()
    if programme is None:
        parent = Programme.objects.filter(city=city, slug=parent_slug).first() if parent_slug else None
        programme = Programme.objects.create(
            city=city,
            slug=slug,
            name=clip(name, 300) or slug,
            kind=parent.kind if parent else kind,
            parent=parent,
            source=_("created by an import"),
        )
    return programme


def mapped_programme(city, codes) -> Programme | None:
    """The plan's programme that the city's data set maps one of these source codes onto
    (`source_codes` in programmes.yaml), so imported projects count where the plan counts them."""
    wanted = set(codes)
    if not wanted:
        return None
    for programme in Programme.objects.filter(city=city).exclude(source_codes=""):
        if wanted & set(programme.source_codes.split()):
            return programme
    return None


OC_STATUS = {"non avviato": "granted", "in corso": "running", "concluso": "closed", "liquidato": "closed"}


@register_importer
class OpenCoesioneImporter(ProjectImporter):
    """OpenCoesione `progetti_esteso`, as CSV (`;`, UTF-8 with BOM, decimal comma, YYYYMMDD
    dates) or as the Parquet file published for 2021-2027 (typed columns, read by row group):
    the projects located in the city (COD_COMUNE, 9 digits, may list several with `:::`) or
    whose beneficiary is the city (its name in OC_DENOM_BENEFICIARIO)."""

    kind = "opencoesione"
    name = "OpenCoesione"
    label = gettext_lazy("OpenCoesione – progetti_esteso (CSV or Parquet)")
    origin = "opencoesione"
    required_columns = ("COD_LOCALE_PROGETTO", "CUP", "OC_TITOLO_PROGETTO", "OC_CODICE_PROGRAMMA", "COD_COMUNE")
    columns = (
        *required_columns,
        "OC_DESCRIZIONE_PROGRAMMA",
        "OC_DENOM_BENEFICIARIO",
        "OC_SINTESI_PROGETTO",
        "OC_STATO_PROGETTO",
        "FINANZ_UE",
        "FINANZ_TOTALE_PUBBLICO",
        "FINANZ_COMUNE",
        "OC_DATA_INIZIO_PROGETTO",
        "OC_DATA_FINE_PROGETTO_PREVISTA",
    )
    releases = OPENCOESIONE_RELEASES

    def run(self, path: Path, *extra) -> ImportReport:
        comune = normalise_istat_code(self.city.istat_code)
        beneficiary = f"COMUNE DI {self.city.name}".upper()
        needles = (comune, beneficiary) if comune else (beneficiary,)

        def of_city(row) -> bool:
            places = str(row.get("COD_COMUNE", "")).split(":::")
            if comune and any(normalise_istat_code(place) == comune for place in places):
                return True
            return beneficiary in str(row.get("OC_DENOM_BENEFICIARIO", "")).upper()

        self.scan(path, self.read_rows, RowFilter(needles, columns=("COD_COMUNE", "OC_DENOM_BENEFICIARIO")), of_city)
        return self.apply_kept(
            path.name,
            lambda: (
                _(
                    "No project of the city: 0 of %(rows)s rows have the ISTAT code %(code)s in "
                    "COD_COMUNE or “%(beneficiary)s” in OC_DENOM_BENEFICIARIO."
                )
                % {
                    "rows": number_format(self.rows_in(path.name), force_grouping=True),
                    "code": comune or "—",
                    "beneficiary": beneficiary,
                }
            ),
        )

    def _validate(self, file, number, row):
        parsed = partial(self.parsed, file, number, row)

        def text(column) -> str:  # a Parquet file may type a column as a number
            return str(row.get(column, "")).strip()

        external_id = text("COD_LOCALE_PROGETTO")
        if not external_id:
            self.error(file, number, "COD_LOCALE_PROGETTO", _("is required"))
        title = text("OC_TITOLO_PROGETTO")
        if not title:
            self.error(file, number, "OC_TITOLO_PROGETTO", _("is required"))
        fields = {
            "title": clip(title, 500),
            "description": text("OC_SINTESI_PROGETTO"),
            "cup": parsed("CUP", lambda value: parse_cup(str(value))) or "",
            "role": Project.Role.BENEFICIARY,
            "status": OC_STATUS.get(text("OC_STATO_PROGETTO").lower(), Project.Status.RUNNING),
            "eu_contribution": parsed("FINANZ_UE", parse_amount),
            "total_budget": parsed("FINANZ_TOTALE_PUBBLICO", parse_amount),
            "city_share": None,  # the city is the beneficiary: its funds are the programme's contribution
            "cofinancing": parsed("FINANZ_COMUNE", parse_amount),
            "start_date": parsed("OC_DATA_INIZIO_PROGETTO", parse_source_date),
            "end_date": parsed("OC_DATA_FINE_PROGETTO_PREVISTA", parse_source_date),
            "acronym": "",
        }
        if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
            self.error(file, number, "OC_DATA_FINE_PROGETTO_PREVISTA", _("The end comes before the start."))
        programme = f"{text('OC_CODICE_PROGRAMMA')}|{text('OC_DESCRIZIONE_PROGRAMMA')}"
        self.keep(external_id, programme, fields, file=file, number=number, column="COD_LOCALE_PROGETTO")

    def programme_for(self, key):
        code, _sep, name = key.partition("|")
        codes = [part.strip() for part in code.split(":::") if part.strip()]
        mapped = mapped_programme(self.city, codes)
        if mapped is not None:
            return mapped
        slug = "oc-" + slugify(codes[0])[:50] if codes else "oc-senza-programma"
        return ensure_programme(
            self.city,
            slug,
            sentence_case(name) if name.isupper() else name or code,
            Programme.Kind.INDIRECT,
            "indiretti",
        )


PNRR_STATUS = {"in corso": "running", "concluso": "closed", "non avviato": "granted", "liquidato": "closed"}


@register_importer
class PnrrImporter(ProjectImporter):
    """Italia Domani's PNRR projects: the projects whose implementing body (Soggetto Attuatore)
    is the city, by its tax code. Reads every release seen (docs/open-data.md lists them):

    - today's `PNRR_Progetti.csv`, 63 columns in Title Case;
    - the 2023 `PNRR_Progetti_Dati_Validati` release, 50 columns in lower case (`Titolo
      progetto`), `Data aggiornamento` instead of `Data di Estrazione`, no dates of the project,
      and the Comune's tax code without its leading zero (`1232710374`);
    - the 2022 release, 28 columns with trailing spaces in their names (`CUP `), `N/D` for
      unknown amounts and amounts with thousands dots and no decimals (`114.000.000`).

    `;`, UTF-8 with or without BOM or Windows-1252, dates dd/mm/yyyy, Italian amounts."""

    kind = "pnrr"
    name = gettext_lazy("Italia Domani (PNRR)")
    label = gettext_lazy("Italia Domani – PNRR_Progetti.csv")
    origin = "pnrr"
    # The implementing body is the Comune and PNRR_Progetti has no place: the comune (Italia
    # Domani's places are in PNRR_Localizzazione.csv, a separate file).
    location = "comune"
    required_columns = (
        "CUP",
        "Codice Locale Progetto",
        "Titolo Progetto",
        "Missione",
        "Codice Fiscale Soggetto Attuatore",
    )
    columns = (
        *required_columns,
        "Descrizione Missione",
        "ID Misura",
        "Codice Univoco Misura",
        "Descrizione Misura",
        "Codice Univoco Submisura",
        "Descrizione Submisura",
        "Sintesi Progetto",
        "Soggetto Attuatore",
        "Stato Avanzamento Progetto",
        "Finanziamento PNRR",
        "Finanziamento Totale",
        "Finanziamento Comune",
        "Data Inizio Progetto Prevista",
        "Data Inizio Progetto Effettiva",
        "Data Fine Progetto Prevista",
        "Data Fine Progetto Effettiva",
        "Data di Estrazione",
    )
    releases = PNRR_RELEASES

    def run(self, path: Path, *extra) -> ImportReport:
        tax_code = normalise_tax_code(self.city.tax_code)
        self.city_body = f"COMUNE DI {self.city.name}".upper()
        named_not_coded = defaultdict(int)  # tax codes of rows naming the city but not its code
        # Rows that cannot be the city's are skipped unparsed: its code (leading zeros or not) or its name.
        needles = (self.city_body, tax_code.lstrip("0")) if tax_code else (self.city_body,)

        def of_city(row) -> bool:
            code = row.get("Codice Fiscale Soggetto Attuatore", "")
            if tax_code and normalise_tax_code(code) == tax_code:
                return True
            if row.get("Soggetto Attuatore", "").strip().upper() == self.city_body:
                named_not_coded[code.strip() or "—"] += 1
            return False

        def none_kept() -> str:
            message = _(
                "No project of the city: 0 of %(rows)s rows have the tax code %(code)s in "
                "“Codice Fiscale Soggetto Attuatore”."
            ) % {"rows": number_format(self.rows_in(path.name), force_grouping=True), "code": tax_code or "—"}
            if named_not_coded:
                message += " " + _(
                    "%(n)s rows name “%(body)s” as implementing body with the tax code %(codes)s: is the "
                    "city's tax code in city.yaml right?"
                ) % {
                    "n": sum(named_not_coded.values()),
                    "body": self.city_body,
                    "codes": ", ".join(sorted(named_not_coded)),
                }
            return message

        self.scan(path, self.read_csv, RowFilter(needles), of_city)
        return self.apply_kept(path.name, none_kept)

    def _validate(self, file, number, row):
        parsed = partial(self.parsed, file, number, row)
        external_id = row.get("Codice Locale Progetto", "").strip() or row.get("CUP", "").strip()
        if not external_id:
            self.error(file, number, "Codice Locale Progetto", _("is required"))
        published = " ".join(row.get("Titolo Progetto", "").split())
        title = readable_title(
            published,
            summary=row.get("Sintesi Progetto", ""),
            measure=row.get("Descrizione Submisura", "").strip(),
            names=(self.city.name,),
            noise=(self.city_body, row.get("Soggetto Attuatore", "").strip(), "CUP"),
        )
        fields = {
            "acronym": "",
            "title": clip(title, 500),
            "source_title": clip(published, 500) if title != published else "",
            "source_date": parsed("Data di Estrazione", parse_source_date),
            "description": readable_text(row.get("Sintesi Progetto", ""), names=(self.city.name,)),
            "cup": parsed("CUP", parse_cup) or "",
            "role": Project.Role.BENEFICIARY,
            "status": PNRR_STATUS.get(row.get("Stato Avanzamento Progetto", "").strip().lower(), "running"),
            "eu_contribution": parsed("Finanziamento PNRR", parse_amount),
            "total_budget": parsed("Finanziamento Totale", parse_amount),
            "city_share": None,  # the Comune implements the project: its funds are the PNRR financing
            "cofinancing": parsed("Finanziamento Comune", parse_amount),
            "start_date": parsed("Data Inizio Progetto Effettiva", parse_source_date)
            or parsed("Data Inizio Progetto Prevista", parse_source_date),
            "end_date": parsed("Data Fine Progetto Effettiva", parse_source_date)
            or parsed("Data Fine Progetto Prevista", parse_source_date),
            # "Codice Univoco Misura" (M1C1I1.02) sorts and links; older releases only have "ID Misura".
            "measure_code": clip(row.get("Codice Univoco Misura", "") or row.get("ID Misura", ""), 40),
            "measure_name": clip(" ".join(row.get("Descrizione Misura", "").split()), 500),
            "submeasure_code": clip(row.get("Codice Univoco Submisura", ""), 40),
            "submeasure_name": clip(" ".join(row.get("Descrizione Submisura", "").split()), 500),
        }
        if not published:
            self.error(file, number, "Titolo Progetto", _("is required"))
        mission = row.get("Missione", "").strip()
        self.keep(
            external_id,
            f"{mission}|{row.get('Descrizione Missione', '').strip()}",
            fields,
            file=file,
            number=number,
            column="Codice Locale Progetto",
        )

    def programme_for(self, key):
        mission, _sep, description = key.partition("|")
        root = ensure_programme(self.city, "pnrr", "PNRR", Programme.Kind.INDIRECT, "indiretti")
        if not mission:
            return root
        name = f"{mission} {description}" if description else mission
        return ensure_programme(self.city, f"pnrr-{slugify(mission)}", name, root.kind, "pnrr")


CORDIS_COUNTRIES = {"EL": "GR", "UK": "GB"}  # CORDIS uses EU codes; Ponte stores ISO 3166-1
CORDIS_KINDS = {
    "HES": Organisation.Kind.UNIVERSITY,
    "REC": Organisation.Kind.UNIVERSITY,
    "PRC": Organisation.Kind.COMPANY,
    "PUB": Organisation.Kind.PUBLIC_BODY,
    "OTH": Organisation.Kind.OTHER,
}
CORDIS_PROGRAMMES = {
    "HORIZON": ("horizon", "Horizon Europe"),
    "H2020": ("h2020", "Horizon 2020"),
    "FP7": ("fp7", "7th Framework Programme"),
}


@register_importer
class CordisImporter(ProjectImporter):
    """CORDIS bulk export (Horizon Europe / H2020 / FP7): `organization.csv` and `project.csv`
    (`;`, every field quoted, UTF-8, mixed decimal dot/comma). The city's projects are those where
    one participant is the city (its PIC, or its name “COMUNE DI <CITY>”); their whole consortia
    are kept, and every organisation met is kept for partner search."""

    kind = "cordis"
    name = "CORDIS"
    label = gettext_lazy("CORDIS – organization.csv + project.csv")
    origin = "cordis"
    releases = CORDIS_RELEASES
    organisation_columns = (
        "projectID",
        "organisationID",
        "vatNumber",
        "name",
        "shortName",
        "activityType",
        "city",
        "country",
        "organizationURL",
        "role",
        "ecContribution",
        "netEcContribution",
    )
    project_columns = (
        "id",
        "acronym",
        "status",
        "title",
        "startDate",
        "endDate",
        "totalCost",
        "ecMaxContribution",
        "frameworkProgramme",
        "objective",
    )
    columns = (*organisation_columns, *project_columns)

    def __init__(self, *, city, progress=None, pics=()):
        super().__init__(city=city, progress=progress)
        from ponte.core.identity import city_organisation

        self.own = city_organisation(city)  # the directory's record of the city, if any
        self.pics = set(pics) | ({self.own.pic} if self.own and self.own.pic else set())
        self.city_name = f"COMUNE DI {city.name}".upper()
        self.city_key = name_key(self.city_name)
        self.tax_code = normalise_tax_code(city.tax_code)
        self.matched = defaultdict(int)  # participants matched to known organisations, by rule

    def is_city(self, row) -> bool:
        """The city's own participation: its PIC, its name ("COMUNE DI BOLOGNA") or its VAT number
        (`IT01232710374`, the tax code of an Italian public body)."""
        name = row.get("name", "").strip().upper()
        return (
            row.get("organisationID", "").strip() in self.pics
            or name == self.city_name
            or (self.city.name.upper() in name and name_key(name) == self.city_key)  # "COMUNE DI BOLOGNA."
            or bool(self.tax_code)
            and normalise_tax_code(row.get("vatNumber", "")) == self.tax_code
        )

    def contribution(self, file, number, row):
        """A participant's EU money: `ecContribution`, or `netEcContribution` where that is where
        CORDIS puts it (a third party's `ecContribution` is 0)."""
        amount = self.parsed(file, number, row, "ecContribution", parse_amount)
        if not amount:
            net = self.parsed(file, number, row, "netEcContribution", parse_amount)
            if net:
                return net
        return amount

    def run(self, organizations: Path, projects: Path | None = None) -> ImportReport:
        if projects is None:
            self.error("-", "-", "-", _("CORDIS needs organization.csv and project.csv"))
            self.fail_if_errors()
        if "project" in organizations.name.lower() and "organi" in projects.name.lower():
            organizations, projects = projects, organizations  # accept them in either order
        participants = self._read_organisations(organizations)
        project_rows = self._read_projects(projects, participants)
        self.fail_if_errors()
        if not participants:
            self.warn(
                _(
                    "No project of the city: 0 of the %(rows)s participants in organization.csv have "
                    "the city's PIC (%(pics)s) or the name “%(name)s”."
                )
                % {
                    "rows": number_format(self.organisation_rows, force_grouping=True),
                    "pics": ", ".join(sorted(self.pics)) or _("none given"),
                    "name": self.city_name,
                }
            )
        report = ImportReport()
        with transaction.atomic():
            self.apply_projects(report)
            self._apply_consortia(participants, project_rows, report)
            self.applied(report)
        return report

    def _read_organisations(self, path):
        total = path.stat().st_size
        by_project = defaultdict(list)
        city_projects = set()
        with path.open("rb") as raw:
            counting = CountingReader(raw)
            rows = self.read_csv(path, counting, kind="organisations", columns=self.organisation_columns)
            for number, row in rows:
                if number == 2:
                    self.check_columns(path.name, ("projectID", "organisationID", "name"), kind="organisations")
                self.progress(number - 1, counting.count)
                project_id = row.get("projectID", "").strip()
                if not project_id:
                    self.error(path.name, number, "projectID", _("is required"))
                    continue
                if self.is_city(row):
                    city_projects.add(project_id)
                by_project[project_id].append((number, row))
        self.organisation_rows, self.organisation_bytes = sum(len(rows) for rows in by_project.values()), total
        self.progress(self.organisation_rows, total, force=True)
        return {pid: rows for pid, rows in by_project.items() if pid in city_projects}

    def _read_projects(self, path, participants):
        file = path.name
        kept = {}
        with path.open("rb") as raw:
            counting = CountingReader(raw)
            number = 1
            for number, row in self.read_csv(path, counting, kind="projects", columns=self.project_columns):
                if number == 2:
                    self.check_columns(file, ("id", "title"), kind="projects")
                self.progress(self.organisation_rows + number - 1, self.organisation_bytes + counting.count)
                project_id = row.get("id", "").strip()
                if project_id not in participants:
                    continue
                kept[project_id] = row
                parsed = partial(self.parsed, file, number, row)
                city_rows = [r for _n, r in participants[project_id] if self.is_city(r)]
                city_row = city_rows[0]
                end = parsed("endDate", parse_source_date)
                fields = {
                    "acronym": clip(row.get("acronym", ""), 60),
                    "title": clip(row.get("title", ""), 500),
                    "description": row.get("objective", "").strip(),
                    "cup": "",
                    "role": Project.Role.COORDINATOR if city_row.get("role") == "coordinator" else Project.Role.PARTNER,
                    "status": "closed"
                    if row.get("status") == "CLOSED" or (end and end < timezone.localdate())
                    else "running",
                    "total_budget": parsed("totalCost", parse_amount),
                    "eu_contribution": parsed("ecMaxContribution", parse_amount),
                    "city_share": self.contribution(file, number, city_row),
                    "cofinancing": None,
                    "start_date": parsed("startDate", parse_source_date),
                    "end_date": end,
                }
                self.keep(
                    project_id, row.get("frameworkProgramme", "").strip(), fields, file=file, number=number, column="id"
                )
            self.progress(self.organisation_rows + number - 1, self.organisation_bytes + counting.count, force=True)
        for missing in set(participants) - set(kept):
            number = participants[missing][0][0]
            self.error(
                path.name,
                "-",
                "id",
                _("project %(id)s of organization.csv row %(row)s is not in the file") % {"id": missing, "row": number},
            )
        return kept

    def programme_for(self, framework):
        slug, name = CORDIS_PROGRAMMES.get(framework, (f"cordis-{slugify(framework)}", framework))
        return ensure_programme(self.city, slug, name, Programme.Kind.DIRECT, "diretti")

    def _apply_consortia(self, participants, project_rows, report):
        """Every participant of the city's projects, as a participation of a directory
        organisation: the city's own record for the city; for the others the organisation known
        by PIC, VAT number or name (`OrganisationIndex`), else a new one. Known organisations get
        the PIC and VAT number they lacked; their other fields stay as staff keep them."""
        from ponte.core.directory import unique_slug
        from ponte.core.identity import OrganisationIndex

        projects = {
            p.external_id: p
            for p in Project.objects.filter(city=self.city, origin=self.origin, external_id__in=list(participants))
        }
        index = OrganisationIndex(self.city)
        for project_id, rows in participants.items():
            for number, row in rows:
                pic = row.get("organisationID", "").strip()
                vat = normalise_tax_code(row.get("vatNumber", ""))
                country = CORDIS_COUNTRIES.get(row.get("country", "").strip(), row.get("country", "").strip())[:2]
                if self.is_city(row):
                    if self.own is None:
                        self.own = self._create_city_organisation(index, pic, report)
                    organisation = self.own
                    found_by = "city"
                else:
                    organisation, found_by = index.find(pic=pic, tax_code=vat, name=row.get("name", ""))
                if organisation is None:
                    organisation = Organisation.objects.create(
                        city=self.city,
                        slug=unique_slug(Organisation, self.city, f"pic-{pic}" if pic else row.get("name") or "org"),
                        name=clip(row.get("name", ""), 200),
                        short_name=clip(row.get("shortName", ""), 60),
                        kind=CORDIS_KINDS.get(row.get("activityType", "").strip(), Organisation.Kind.OTHER),
                        country=country,
                        locality=clip(row.get("city", "").title(), 120),
                        website=web_address_or_blank(row.get("organizationURL"))[:200],
                        pic=pic[:12],
                        tax_code=vat[:20],
                    )
                    index.add(organisation)
                    report.count("organisations", True, True)
                else:
                    if found_by != "pic" and found_by != "city":
                        self.matched[found_by] += 1
                    missing = {"pic": pic[:12], "tax_code": vat[:20]}
                    missing = {k: v for k, v in missing.items() if v and not getattr(organisation, k)}
                    # Another record may already hold this PIC or VAT number: never two with one.
                    if missing.get("pic") and missing["pic"] in index.by_pic:
                        missing.pop("pic")
                    if missing.get("tax_code") and missing["tax_code"] in index.by_tax_code:
                        missing.pop("tax_code")
                    if missing:
                        Organisation.objects.filter(pk=organisation.pk).update(**missing)
                        for k, v in missing.items():
                            setattr(organisation, k, v)
                        index.add(organisation)
                        report.count("organisations", False, True)
                role = row.get("role", "").strip()
                participation_values = {
                    "country": country,
                    "pic": pic,
                    "role": role if role in Participation.Role.values else Participation.Role.PARTICIPANT,
                    "eu_contribution": self.contribution(row.get("__file", "organization.csv"), number, row),
                }
                participation, created = Participation.objects.get_or_create(
                    city=self.city,
                    project=projects[project_id],
                    organisation=organisation,
                    defaults=participation_values,
                )
                if not created and any(getattr(participation, k) != v for k, v in participation_values.items()):
                    for k, v in participation_values.items():
                        setattr(participation, k, v)
                    participation.save()
                    report.count("consortium partners", False, True)
                elif created:
                    report.count("consortium partners", True, True)
        if any(self.matched.values()):
            self.warn(
                _(
                    "Participants matched to organisations already in the directory: %(by_tax)s by VAT "
                    "number, %(by_name)s by name. Check them under Organisations; merge any duplicate there."
                )
                % {"by_tax": self.matched["tax code"], "by_name": self.matched["name"]}
            )

    def _create_city_organisation(self, index, pic, report):
        """The directory has no record of the city: one is created under the city's own name."""
        from ponte.core.directory import unique_slug

        organisation = Organisation.objects.create(
            city=self.city,
            slug=unique_slug(Organisation, self.city, f"comune-{self.city.name}"),
            name=f"Comune di {self.city.name}",
            kind=Organisation.Kind.PUBLIC_BODY,
            country=self.city.country,
            locality=self.city.name,
            pic=pic[:12],
            tax_code=normalise_tax_code(self.city.tax_code),
        )
        index.add(organisation)
        report.count("organisations", True, True)
        return organisation


FT_STATUS = {"31094501": Call.Status.FORTHCOMING, "31094502": Call.Status.OPEN, "31094503": Call.Status.CLOSED}
FT_PROGRAMMES = {
    "HORIZON": "horizon",
    "43108390": "horizon",
    "ERASMUS2027": "erasmus",
    "43353764": "erasmus",
    "LIFE": "life",
    "AMIF": "amif",
    "CERV": "cerv",
}
FT_TOPIC_URL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/{}"


@register_importer
class FundingTendersImporter(RowImporter):
    """EU Funding & Tenders topics into the calls register, from either the portal's reference
    file `grantsTenders.json` ({"fundingData": {"GrantTenderObj": [...]}}) or a saved response of
    its search API ({"results": [{"metadata": {key: [strings]}}]})."""

    kind = "funding-tenders"
    name = "Funding & Tenders"
    releases = FUNDING_TENDERS_RELEASES
    label = gettext_lazy("EU Funding & Tenders – grantsTenders.json or search API response")

    def run(self, path: Path, *extra) -> ImportReport:
        file = path.name
        try:
            document = json.loads(self.read_text(path))
        except json.JSONDecodeError as exc:
            self.error(file, exc.lineno, "-", _("not valid JSON (character %(column)s)") % {"column": exc.colno})
            self.fail_if_errors()
        if isinstance(document, dict) and "fundingData" in document:
            items = document["fundingData"].get("GrantTenderObj", [])
            read = self._from_reference
            self.releases_found[file] = FUNDING_TENDERS_RELEASES[0]
        elif isinstance(document, dict) and "results" in document:
            items = document["results"]
            read = self._from_search
            self.releases_found[file] = FUNDING_TENDERS_RELEASES[1]
        else:
            self.error(file, "-", "-", _("neither grantsTenders.json nor a search API response"))
            self.fail_if_errors()
        calls = {}
        today = timezone.localdate()
        self.keyed_by_call, self.without_identifier, self.links_dropped = [], [], []
        for position, item in enumerate(items, start=1):
            self.progress(position, path.stat().st_size * position // max(len(items), 1), force=position == len(items))
            values = read(file, position, item, today)
            if values:
                calls[values.pop("identifier")] = values
        self.fail_if_errors()
        if self.keyed_by_call:
            self.warn(
                _("%(n)s topics have no identifier: kept under their call's identifier (%(ids)s).")
                % {"n": len(self.keyed_by_call), "ids": ", ".join(self.keyed_by_call[:5])}
            )
        if self.without_identifier:
            self.warn(
                _("%(n)s items have neither an identifier nor a call identifier and were skipped (items %(items)s).")
                % {"n": len(self.without_identifier), "items": ", ".join(map(str, self.without_identifier[:10]))}
            )
        if self.links_dropped:
            self.warn(
                _("%(n)s topics have a link that is not a web address (http or https), left out (%(ids)s).")
                % {"n": len(self.links_dropped), "ids": ", ".join(self.links_dropped[:10])}
            )
        if not calls:
            self.warn(_("The file lists no topic: nothing to import."))
        report = ImportReport(seen={"calls": len(calls)})
        programmes = {p.slug: p for p in Programme.objects.filter(city=self.city)}
        with transaction.atomic():
            existing = {c.identifier: c for c in Call.objects.filter(city=self.city, identifier__in=list(calls))}
            new, changed = [], []
            for identifier, values in calls.items():
                values["programme"] = programmes.get(FT_PROGRAMMES.get(values.pop("programme_key"), ""))
                call = existing.get(identifier)
                if call is None:
                    new.append(Call(city=self.city, identifier=identifier, source=self.kind, **values))
                elif any(getattr(call, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(call, k, v)
                    changed.append(call)
            Call.objects.bulk_create(new, batch_size=BATCH)
            Call.objects.bulk_update(
                changed, list(next(iter(calls.values()), {}).keys()) or ["title"], batch_size=BATCH
            )
            if new:
                report.created["calls"] = len(new)
            if changed:
                report.updated["calls"] = len(changed)
            self.applied(report)
        from .tasks import rank_calls_task

        # Scored in the background after the import commits: embedding thousands of new topics
        # takes minutes, which the import job must not wait for (the calls list says so).
        city_id = self.city.pk
        transaction.on_commit(lambda: rank_calls_task.enqueue(city_id))
        return report

    @staticmethod
    def _next_deadline(dates, today):
        future = sorted(d for d in dates if d >= today)
        return future[0] if future else (max(dates) if dates else None)

    @staticmethod
    def _status(status, deadline, today):
        """The portal's status, except that a topic whose last deadline has passed is closed
        whatever the file says (a saved file ages; the portal updates its status later)."""
        if deadline and deadline < today:
            return Call.Status.CLOSED
        return status

    def _identifier(self, position, identifier, call_identifier):
        """A topic's own identifier; one published without it (`null`, as an MSCA topic was) is
        kept under its call's identifier, and an item with neither is skipped: a warning each,
        never the whole file refused."""
        identifier = str(identifier or "").strip()
        if identifier:
            return identifier
        call_identifier = str(call_identifier or "").strip()
        if call_identifier:
            self.keyed_by_call.append(call_identifier)
            return call_identifier
        self.without_identifier.append(position)
        return ""

    def _link(self, identifier, url) -> str:
        """The topic's web address; any other scheme (`javascript:` would run when clicked) is
        dropped and the topic named in a warning (issue 14)."""
        link = web_address_or_blank(url)[:500]
        if url and not link:
            self.links_dropped.append(identifier)
        return link

    def _from_reference(self, file, position, item, today):
        identifier = self._identifier(position, item.get("identifier"), item.get("callIdentifier"))
        if not identifier:
            return None
        to_date = lambda ms: datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC).date()  # noqa: E731
        deadlines = [to_date(ms) for ms in item.get("deadlineDatesLong") or [] if isinstance(ms, (int, float))]
        framework = item.get("frameworkProgramme") or {}
        status = str((item.get("status") or {}).get("id", ""))
        opening = item.get("plannedOpeningDateLong")
        deadline = self._next_deadline(deadlines, today)
        return {
            "identifier": identifier[:120],
            "title": clip(item.get("title"), 500),
            "call_identifier": str(item.get("callIdentifier") or "")[:120],
            "framework_programme": clip(framework.get("description") or framework.get("abbreviation"), 120),
            "programme_key": framework.get("abbreviation") or str(framework.get("id", "")),
            "description": " ".join(info.get("content", "") for info in item.get("latestInfos") or [])[:5000],
            "keywords": " ".join([*(item.get("keywords") or []), *(item.get("tags") or [])])[:5000],
            "status": self._status(FT_STATUS.get(status, Call.Status.OPEN), deadline, today),
            "is_tender": item.get("type") == 0,
            "opening_date": to_date(opening) if isinstance(opening, (int, float)) else None,
            "deadline": deadline,
            "url": FT_TOPIC_URL.format(identifier.lower())
            if item.get("type") != 0
            else self._link(identifier, item.get("url")),
        }

    def _from_search(self, file, position, item, today):
        meta = item.get("metadata") or {}

        def first(key) -> str:  # every metadata value is a list of strings, or null
            value = (meta.get(key) or [""])[0]
            return "" if value is None else str(value)

        identifier = self._identifier(position, first("identifier"), first("callIdentifier"))
        if not identifier:
            return None
        deadlines = []
        for value in meta.get("deadlineDate") or []:
            try:
                if day := parse_source_date(value):
                    deadlines.append(day)
            except ValueError as exc:
                self.error(file, position, "metadata.deadlineDate", str(exc))
        try:
            opening = parse_source_date(first("startDate"))
        except ValueError as exc:
            self.error(file, position, "metadata.startDate", str(exc))
            opening = None
        deadline = self._next_deadline(deadlines, today)
        return {
            "identifier": identifier[:120],
            "title": clip(first("title") or item.get("title", ""), 500),
            "call_identifier": first("callIdentifier")[:120],
            "framework_programme": first("frameworkProgramme")[:120],
            "programme_key": first("frameworkProgramme"),
            "description": clip(item.get("summary") or first("descriptionByte"), 5000),
            "keywords": " ".join([*(meta.get("keywords") or []), *(meta.get("tags") or [])])[:5000],
            "status": self._status(FT_STATUS.get(first("status"), Call.Status.OPEN), deadline, today),
            "is_tender": first("type") == "0",
            "opening_date": opening,
            "deadline": deadline,
            "url": self._link(identifier, item.get("url")) or FT_TOPIC_URL.format(identifier.lower()),
        }

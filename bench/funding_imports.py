"""Benchmark of the funding importers and of the calls ranking, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ponte .venv/bin/python bench/funding_imports.py [--rows 1000000]

1. Generates an OpenCoesione `progetti_esteso` file (the real header, `;`, BOM, decimal comma,
   YYYYMMDD dates) of --rows rows, --city-share of them located in Bologna; an Italia Domani
   `PNRR_Progetti.csv` of --rows rows (--city-share of them implemented by the Comune); a CORDIS
   export of --rows / 5 projects with 5 participants each (`organization.csv` of --rows rows and
   `project.csv`), --city-share of the projects with the Comune in their consortium.
2. Imports each with `manage.py import_funding` in a child process: rows/s and peak RSS.
3. Loads the same file(s) with a plain `COPY` (psycopg's `cursor.copy`) into an unlogged table of
   text columns: prints both times and their ratio, with and without the time Django takes to start.
4. The OpenCoesione rows as a Parquet file (as OpenCoesione publishes 2021-2027; amounts typed as
   numbers), imported the same way: rows/s and the ratio to the plain COPY of the CSV.
5. Ranks --calls synthetic Funding & Tenders topics against the Bologna plan: latency (the
   Funding & Tenders file is JSON: there is no COPY to compare its import with).
The benchmark uses its own database (`--database`, default `ponte_bench`, dropped and recreated).
`--files DIR` keeps the generated files in DIR and reuses them on the next run (same --rows);
`--sources` picks the sources, `--no-parquet` and `--no-ranking` leave steps 4 and 5 out.
"""

import argparse
import csv
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "src/ponte/funding/tests/fixtures"
FIXTURE = FIXTURES / "progetti_esteso_sample.csv"
_VOCABULARY = """urban climate neutral city citizens energy mobility digital twin data culture heritage youth school
migration inclusion health water soil biodiversity industry hydrogen battery space quantum agriculture
food security democracy participation tourism innovation research training skills housing"""
WORDS = _VOCABULARY.split()


def generate(path: Path, rows: int, city_share: float):
    with FIXTURE.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    position = {name: i for i, name in enumerate(header)}
    random.seed(42)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        empty = [""] * len(header)
        for n in range(rows):
            row = list(empty)
            in_city = random.random() < city_share
            row[position["COD_LOCALE_PROGETTO"]] = f"BENCH-{n:08d}"
            row[position["CUP"]] = f"F{random.randint(10, 99)}B{random.randint(10, 99)}{n:09d}"
            row[position["OC_TITOLO_PROGETTO"]] = " ".join(random.choices(WORDS, k=8)).upper()
            row[position["OC_SINTESI_PROGETTO"]] = " ".join(random.choices(WORDS, k=30))
            row[position["OC_CODICE_PROGRAMMA"]] = f"2021IT16FFPR00{n % 5}"
            row[position["OC_DESCRIZIONE_PROGRAMMA"]] = f"PROGRAMMA {n % 5}"
            row[position["COD_COMUNE"]] = "008037006" if in_city else "016072006"
            row[position["DEN_COMUNE"]] = "BOLOGNA" if in_city else "BARI"
            row[position["FINANZ_UE"]] = f"{random.randint(1000, 9999999)},{random.randint(0, 99):02d}"
            row[position["FINANZ_TOTALE_PUBBLICO"]] = f"{random.randint(10000000, 20000000)},00"
            row[position["OC_DATA_INIZIO_PROGETTO"]] = "20220115"
            row[position["OC_DATA_FINE_PROGETTO_PREVISTA"]] = "20261231"
            row[position["OC_STATO_PROGETTO"]] = "In corso"
            writer.writerow(row)
    return header


def _header(name):
    with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle, delimiter=";"))


def generate_pnrr(path: Path, rows: int, city_share: float):
    """Italia Domani's `PNRR_Progetti.csv`: dd/mm/yyyy dates, Italian amounts, the implementing
    body's tax code deciding which rows are the city's."""
    header = _header("PNRR_Progetti_sample.csv")
    position = {name: i for i, name in enumerate(header)}
    random.seed(43)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for n in range(rows):
            row = [""] * len(header)
            in_city = random.random() < city_share
            values = {
                "Programma": "PNRR",
                "Missione": f"M{1 + n % 6}",
                "Descrizione Missione": f"Missione {1 + n % 6}",
                "CUP": f"F{random.randint(10, 99)}B{random.randint(10, 99)}{n:09d}",
                "Codice Locale Progetto": f"PNRR-{n:08d}",
                "Stato Avanzamento Progetto": "In corso",
                "Titolo Progetto": " ".join(random.choices(WORDS, k=8)).upper(),
                "Sintesi Progetto": " ".join(random.choices(WORDS, k=30)),
                "Finanziamento PNRR": f"{random.randint(1000, 9999999)},{random.randint(0, 99):02d}",
                "Finanziamento Totale": f"{random.randint(10000000, 20000000)},00",
                "Soggetto Attuatore": "COMUNE DI BOLOGNA" if in_city else "COMUNE DI BARI",
                "Codice Fiscale Soggetto Attuatore": "01232710374" if in_city else "80015010723",
                "Data Inizio Progetto Prevista": "15/01/2022",
                "Data Fine Progetto Prevista": "31/12/2026",
                "Data di Estrazione": "30/06/2026",
            }
            for name, value in values.items():
                row[position[name]] = value
            writer.writerow(row)


def generate_cordis(folder: Path, rows: int, city_share: float):
    """A CORDIS export: `organization.csv` of `rows` participants, five a project, and
    `project.csv`; every field quoted, as CORDIS writes them."""
    organisations, projects = _header("cordis_organization.csv"), _header("cordis_project.csv")
    where = {name: i for i, name in enumerate(organisations)}
    random.seed(44)
    with (
        (folder / "organization.csv").open("w", encoding="utf-8", newline="") as out_o,
        (folder / "project.csv").open("w", encoding="utf-8", newline="") as out_p,
    ):
        write_o = csv.writer(out_o, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        write_p = csv.writer(out_p, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        write_o.writerow(organisations)
        write_p.writerow(projects)
        for project in range(max(rows // 5, 1)):
            pid = str(200000000 + project)
            with_city = random.random() < city_share
            values = {
                "id": pid,
                "acronym": f"BENCH{project}",
                "status": "SIGNED",
                "title": " ".join(random.choices(WORDS, k=8)),
                "startDate": "2023-01-01",
                "endDate": "2026-12-31",
                "totalCost": f"{random.randint(100000, 9999999)},50",
                "ecMaxContribution": str(random.randint(100000, 9999999)),
                "frameworkProgramme": "HORIZON",
                "objective": " ".join(random.choices(WORDS, k=60)),
            }
            write_p.writerow([values.get(name, "") for name in projects])
            for member in range(5):
                city = with_city and member == 0
                row = [""] * len(organisations)
                pic = "999887766" if city else str(900000000 + (project * 5 + member) % 50000)
                for name, value in {
                    "projectID": pid,
                    "organisationID": pic,
                    "vatNumber": "IT01232710374" if city else "",
                    "name": "COMUNE DI BOLOGNA" if city else f"ORGANISATION {pic}",
                    "activityType": "PUB" if city else random.choice(["HES", "REC", "PRC", "OTH"]),
                    "city": "BOLOGNA" if city else "PARIS",
                    "country": "IT" if city else "FR",
                    "role": "coordinator" if member == 0 else "participant",
                    "ecContribution": str(random.randint(10000, 999999)),
                }.items():
                    row[where[name]] = value
                write_o.writerow(row)


def plain_copy(connection, table: str, path: Path, *, quoted=False) -> float:
    """Seconds to COPY `path` as it is into an unlogged table of text columns."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    connection.execute(f"DROP TABLE IF EXISTS {table}")
    connection.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
    start = time.perf_counter()
    with (
        path.open("rb") as raw,
        connection.cursor().copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)") as copy,
    ):
        while chunk := raw.read(1 << 20):
            copy.write(chunk)
    return time.perf_counter() - start


def to_parquet(source: Path, target: Path, header):
    """The generated CSV as OpenCoesione's Parquet: text columns, amounts as numbers."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    types = {name: pa.string() for name in header}
    table = pacsv.read_csv(
        source,
        parse_options=pacsv.ParseOptions(delimiter=";"),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True),
    )
    for name in ("FINANZ_UE", "FINANZ_TOTALE_PUBBLICO"):
        position = table.schema.get_field_index(name)
        numbers = pa.array([float(v.replace(",", ".")) if v else None for v in table[name].to_pylist()], pa.float64())
        table = table.set_column(position, name, numbers)
    pq.write_table(table, target, row_group_size=100_000)


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=False, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--city-share", type=float, default=0.1)
    parser.add_argument("--calls", type=int, default=11_000)
    parser.add_argument("--sources", default="opencoesione,pnrr,cordis", help="comma-separated, of those three")
    parser.add_argument("--files", type=Path, help="a folder where the generated files are kept and reused")
    parser.add_argument("--database", default="ponte_bench")
    parser.add_argument("--no-parquet", action="store_true")
    parser.add_argument("--no-ranking", action="store_true")
    args = parser.parse_args()
    sources = set(args.sources.split(","))
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench measures COPY).")
    import psycopg

    server = base.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {args.database}")
        admin.execute(f"CREATE DATABASE {args.database}")
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{args.database}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    manage(env, "migrate", "-v0")
    manage(env, "load_plan", str(ROOT / "data" / "bologna"))

    with tempfile.TemporaryDirectory() as temporary:
        folder = args.files or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "progetti_esteso_bench.csv"
        start = time.perf_counter()
        stamp = folder / "generated.txt"
        wanted = f"{args.rows} {args.city_share}"
        if not (stamp.exists() and stamp.read_text() == wanted):
            stamp.unlink(missing_ok=True)
            generate(path, args.rows, args.city_share)
            generate_pnrr(folder / "PNRR_Progetti.csv", args.rows, args.city_share)
            generate_cordis(folder, args.rows, args.city_share)
            stamp.write_text(wanted)
        header = _header("progetti_esteso_sample.csv")
        size = path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows of each source ({size:,.0f} MB of OpenCoesione, "
            f"{args.city_share:.0%} in Bologna) in {time.perf_counter() - start:.1f} s"
        )

        start = time.perf_counter()
        manage(env, "help")
        startup = time.perf_counter() - start  # Django's start, part of every import below

        cases = [
            ("OpenCoesione", "opencoesione", [path]),
            ("PNRR", "pnrr", [folder / "PNRR_Progetti.csv"]),
            ("CORDIS", "cordis", [folder / "organization.csv", folder / "project.csv"]),
        ]
        results = []
        for label, kind, files in cases:
            if kind not in sources:
                continue
            command = ["import_funding", kind, *map(str, files), "--city", "bologna"]
            start = time.perf_counter()
            manage(env, *command)
            first = time.perf_counter() - start
            start = time.perf_counter()
            manage(env, *command)
            again = time.perf_counter() - start
            with psycopg.connect(f"{server}/{args.database}", autocommit=True) as connection:
                plain = sum(plain_copy(connection, f"plain_copy_{i}", file) for i, file in enumerate(files))
                kept = connection.execute("SELECT count(*) FROM funding_project WHERE origin = %s", [kind]).fetchone()[
                    0
                ]
                # The import's own time, as its job records it (the first run): no process start
                job = connection.execute(
                    "SELECT extract(epoch FROM finished_at - created_at) FROM core_importjob WHERE kind = %s "
                    "ORDER BY id LIMIT 1",
                    [kind],
                ).fetchone()[0]
            results.append((label, first, again, plain, kept, float(job)))
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        from_parquet = None
        if not args.no_parquet and "opencoesione" in sources:
            parquet = folder / "progetti_esteso_bench.parquet"
            to_parquet(path, parquet, header)
            manage(env, "shell", "-c", "from ponte.funding.models import Project; Project.objects.all().delete()")
            start = time.perf_counter()
            manage(env, "import_funding", "opencoesione", str(parquet), "--city", "bologna")
            from_parquet = time.perf_counter() - start
            parquet_mb = parquet.stat().st_size / 1e6
            opencoesione_copy = results[0][3]

    print(f"Django starts in {startup:.1f} s (part of every import below; 'net' leaves it out)")
    print("'job' is the import's own time as its job records it (no process start); job/COPY is the goal's ratio")
    print(
        f"{'source':<13} {'import':>8} {'re-run':>8} {'job':>7} {'COPY':>7} {'import/COPY':>12} {'net/COPY':>9} "
        f"{'job/COPY':>9} {'rows/s':>9} {'projects kept':>14}"
    )
    for label, first, again, plain, kept, job in results:
        print(
            f"{label:<13} {first:>7.1f}s {again:>7.1f}s {job:>6.1f}s {plain:>6.1f}s {first / plain:>11.1f}x "
            f"{(first - startup) / plain:>8.1f}x {job / plain:>8.1f}x {args.rows / first:>9,.0f} {kept:>14,}"
        )
    if from_parquet is not None:
        print(
            f"import of Parquet:    {from_parquet:6.1f} s  {args.rows / from_parquet:10,.0f} rows/s  "
            f"({parquet_mb:,.0f} MB; {from_parquet / opencoesione_copy:.1f} x the plain COPY of the CSV)"
        )
    print(f"peak RSS of an import process: {peak_mb:,.0f} MB")
    if args.no_ranking:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {args.database}")
        return

    code = (
        "import random, time; from ponte.core.models import City; from ponte.funding.models import Call;"
        "from ponte.funding.ranking import rank_calls; city = City.objects.get(slug='bologna'); random.seed(1);"
        f"W = {WORDS!r};"
        f"Call.objects.bulk_create([Call(city=city, identifier=f'BENCH-{{i}}', title=' '.join(random.choices(W, k=10)),"
        " description=' '.join(random.choices(W, k=250)), keywords=' '.join(random.choices(W, k=6)))"
        f" for i in range({args.calls})], batch_size=2000);"
        "t = time.perf_counter(); n = rank_calls(city);"
        "print(f'ranking: {n:,} calls in {time.perf_counter() - t:.2f} s')"
    )
    print(manage(env, "shell", "-c", code).stdout.strip())
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {args.database}")


if __name__ == "__main__":
    main()

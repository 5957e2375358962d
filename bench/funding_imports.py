"""Benchmark of the funding importers and of the calls ranking, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ponte .venv/bin/python bench/funding_imports.py [--rows 1000000]

1. Generates an OpenCoesione `progetti_esteso` file (the real header, `;`, BOM, decimal comma,
   YYYYMMDD dates) of --rows rows, --city-share of them located in Bologna.
2. Imports it with `manage.py import_funding opencoesione` in a child process: rows/s and peak RSS.
3. Loads the same file with a plain `COPY` into a table of text columns: the ratio of the two.
4. The same rows as a Parquet file (as OpenCoesione publishes 2021-2027; amounts typed as numbers),
   imported the same way: rows/s and the ratio to the plain COPY of the CSV.
5. Ranks --calls synthetic Funding & Tenders topics against the Bologna plan: latency.
The benchmark uses its own database (`ponte_bench`, dropped and recreated).
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
FIXTURE = ROOT / "src/ponte/funding/tests/fixtures/progetti_esteso_sample.csv"
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
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench measures COPY).")
    import psycopg

    server = base.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS ponte_bench")
        admin.execute("CREATE DATABASE ponte_bench")
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/ponte_bench",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    manage(env, "migrate", "-v0")
    manage(env, "load_plan", str(ROOT / "data" / "bologna"))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progetti_esteso_bench.csv"
        start = time.perf_counter()
        header = generate(path, args.rows, args.city_share)
        size = path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size:,.0f} MB, {args.city_share:.0%} in Bologna) "
            f"in {time.perf_counter() - start:.1f} s"
        )

        start = time.perf_counter()
        manage(env, "help")
        startup = time.perf_counter() - start  # Django's start, part of every import below

        start = time.perf_counter()
        manage(env, "import_funding", "opencoesione", str(path), "--city", "bologna")
        first = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        start = time.perf_counter()
        manage(env, "import_funding", "opencoesione", str(path), "--city", "bologna")
        again = time.perf_counter() - start

        parquet = Path(folder) / "progetti_esteso_bench.parquet"
        to_parquet(path, parquet, header)
        manage(env, "shell", "-c", "from ponte.funding.models import Project; Project.objects.all().delete()")
        start = time.perf_counter()
        manage(env, "import_funding", "opencoesione", str(parquet), "--city", "bologna")
        from_parquet = time.perf_counter() - start
        parquet_mb = parquet.stat().st_size / 1e6

        with psycopg.connect(f"{server}/ponte_bench", autocommit=True) as connection:
            columns = ", ".join(f'"{name}" text' for name in header)
            connection.execute(f"CREATE UNLOGGED TABLE plain_copy ({columns})")
            start = time.perf_counter()
            with (
                path.open("rb") as raw,
                connection.cursor().copy(
                    "COPY plain_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
                ) as copy,
            ):
                while chunk := raw.read(1 << 20):
                    copy.write(chunk)
            plain = time.perf_counter() - start
            count = "SELECT count(*) FROM funding_project WHERE origin = 'opencoesione'"
            imported = connection.execute(count).fetchone()[0]

    print(f"import (first run):   {first:6.1f} s  {args.rows / first:10,.0f} rows/s  {imported:,} projects kept")
    print(f"import (re-run):      {again:6.1f} s  {args.rows / again:10,.0f} rows/s  (nothing to change)")
    print(f"plain COPY:           {plain:6.1f} s  {args.rows / plain:10,.0f} rows/s")
    print(
        f"import / plain COPY:  {first / plain:6.1f} x  ({(first - startup) / plain:.1f} x without the {startup:.1f} s "
        "in which Django starts)"
    )
    print(
        f"import of Parquet:    {from_parquet:6.1f} s  {args.rows / from_parquet:10,.0f} rows/s  "
        f"({parquet_mb:,.0f} MB; {from_parquet / plain:.1f} x the plain COPY of the CSV)"
    )
    print(f"peak RSS of the import process: {peak_mb:,.0f} MB")

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
        admin.execute("DROP DATABASE ponte_bench")


if __name__ == "__main__":
    main()

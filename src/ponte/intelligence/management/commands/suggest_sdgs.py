import csv
import io
import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ponte.intelligence import sdg


def read_rows(path: Path) -> list[dict]:
    """Every row of INPUT (id, text, optional lang), checked before anything is suggested."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CommandError(f"{path}: line {line} is not UTF-8 (byte {exc.start}); save the file as UTF-8") from exc
    if not content.strip():
        raise CommandError(f"{path}: the file is empty (expected the columns id,text)")
    reader = csv.DictReader(io.StringIO(content, newline=""))
    columns = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in ("id", "text") if name not in columns]
    if missing:
        raise CommandError(f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(columns) or 'none'})")
    reader.fieldnames = columns
    rows, seen = [], {}
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise CommandError(f"{path}: row {number} has more fields than the header")
        identifier = (row.get("id") or "").strip()
        text = (row.get("text") or "").strip()
        if not identifier:
            raise CommandError(f"{path}: row {number}, column id is empty")
        if identifier in seen:
            raise CommandError(f"{path}: row {number}, column id: {identifier!r} repeats row {seen[identifier]}")
        if not text:
            raise CommandError(f"{path}: row {number}, column text is empty")
        seen[identifier] = number
        rows.append({"id": identifier, "text": text, "lang": (row.get("lang") or "").strip().lower() or None})
    if not rows:
        raise CommandError(f"{path}: no rows under the header")
    return rows


class Command(BaseCommand):
    help = (
        "Suggest SDGs for each text of INPUT.csv (columns id,text and optionally lang: it, en, …; "
        "guessed when absent) and write OUTPUT.csv with the columns id,goals,targets: goal numbers and "
        "target codes separated by ';', best first (a text for which no goal is likely gets its best goal "
        "all the same). Nothing is written when INPUT has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)
        parser.add_argument("output", type=Path)
        parser.add_argument("--batch-size", type=int, default=32)

    def handle(self, input, output, batch_size=32, **options):
        rows = read_rows(input)
        batch_size = max(1, batch_size)
        started = time.monotonic()
        results, paths = [], {"en": 0, "multi": 0}
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            results += sdg.suggest_many([r["text"] for r in batch], [r["lang"] for r in batch], evidence=False)
            for row in batch:
                paths[sdg.path_for(row["lang"], row["text"])] += 1
            done = start + len(batch)
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"{done}/{len(rows)} texts ({rate:.1f} texts/s)")
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["id", "goals", "targets"])
                for row, suggestions in zip(rows, results, strict=True):
                    writer.writerow(
                        [
                            row["id"],
                            ";".join(str(s.goal) for s in suggestions),
                            ";".join(t.code for s in suggestions for t in s.targets),
                        ]
                    )
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        elapsed = time.monotonic() - started
        goals = sum(len(s) for s in results)
        unsure = sum(1 for s in results if s and not s[0].confident)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} texts in {elapsed:.1f} s ({len(rows) / max(elapsed, 1e-6):.1f} texts/s): "
                f"{goals} goals suggested ({goals / len(rows):.1f} a text), {unsure} texts with no likely goal "
                f"(their best one given); {paths['en']} read as English, {paths['multi']} by the "
                f"language-independent path; written to {output}"
            )
        )

"""Load test of Ponte as it is deployed: gunicorn (3 workers, DEBUG off) on PostgreSQL, wrk as the
load (closed loop, 50 connections), Bologna's data at 1×, 10× and 100×.

For each scale the script makes a fresh PostgreSQL database (a copy of one migrated and loaded with
`data/bologna` once per run, grown by `bench/scale.py`), signs in a staff administrator (a
session that has passed the second factor), starts gunicorn on a free port, waits for /healthz,
opens every page once (it must answer 200: that also fills the public cache as a first visitor
would) and runs wrk on each page in turn:

- `/healthz`, one database query: the floor of this stack on this machine;
- the public pages and API lists of issue 16;
- five staff pages, signed in, with 50 connections and again with one (`-c1`: with nothing
  queued, the latency is the server's time for the page).

It prints, per scale, each page's requests/s, latency p50/p95/p99, errors (connection errors,
timeouts and every answer that is not 2xx) and p95 ÷ the floor's p95 in the same run, then the
goal of issue 16: every public page within 2× of the floor's p95 at 10× and 100× with 0 errors,
staff pages under 100 ms server time.

Usage (PostgreSQL at DATABASE_URL's server, by default postgres@127.0.0.1:5432; wrk installed,
`make bench-load` installs it and runs this):

    .venv/bin/python bench/load.py                     # 1×, 10×, 100×, 10 s per page
    .venv/bin/python bench/load.py --short             # 1× and 10×, 3 s per page: a quick check
    .venv/bin/python bench/load.py --scales 10 --duration 5 --output /tmp/load.md
    .venv/bin/python bench/load.py --no-cache          # the public page cache off
    .venv/bin/python bench/load.py --redis             # cache, sessions and tasks on Redis (db 5, 6)

Exits 1, saying why, when the database, gunicorn or wrk fails; a missed goal is reported, not an
exit status (`--strict` makes it one).
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CITY = "bologna"
FLOOR = "/healthz"
PUBLIC_PAGES = [
    "/bologna/",
    "/bologna/piano/",
    "/bologna/piano/azioni/1.1.1/",
    "/bologna/progetti/",
    "/bologna/piano/allineamento/sdg/",
    "/bologna/dati/azioni.csv",
    "/api/v1/bologna/actions/",
    "/api/v1/bologna/projects/",
    "/bologna/cerca/?q=europa",
    "/sitemap.xml",
]
STAFF_PAGES = [
    "/bologna/gestione/",
    "/bologna/gestione/azioni/",
    "/bologna/gestione/azioni/1.1.1/modifica/",
    "/bologna/gestione/fondi/progetti/",
    "/bologna/gestione/importazioni/",
]
PUBLIC_GOAL = 2.0  # p95 ÷ floor p95
STAFF_GOAL_MS = 100.0
REDIS_CACHE = "redis://127.0.0.1:6379/5"
REDIS_QUEUE = "redis://127.0.0.1:6379/6"

# wrk's script: every answer that is not 2xx counts as an error (wrk itself counts only ≥ 400),
# and `done` prints the figures as one JSON line. Each wrk thread has its own Lua state, so the
# counts are gathered from the threads kept in `setup`.
WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  first_bad = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end
function done(summary, latency, requests)
  local not_2xx, first = 0, 0
  for _, thread in ipairs(threads) do
    not_2xx = not_2xx + thread:get("bad")
    local status = thread:get("first_bad")
    if first == 0 and status ~= 0 then first = status end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "not_2xx": %d, "first_bad_status": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, not_2xx, first,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


class Failure(Exception):
    """The run cannot go on (database, gunicorn or wrk failed): the message says why."""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100], help="factors of Bologna's data")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--short", action="store_true", help="a quick run: 1× and 10×, 3 s per page")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--redis", action="store_true", help="cache, sessions and the task queue on Redis")
    parser.add_argument("--no-cache", action="store_true", help="the public page cache off")
    parser.add_argument("--output", type=Path, help="also write the tables to this Markdown file")
    parser.add_argument(
        "--database-url", default=None, help="the bench's database (default: bench_load on DATABASE_URL's server)"
    )
    parser.add_argument(
        "--reuse-base", action="store_true", help="keep the migrated, loaded 1× database of an earlier run"
    )
    parser.add_argument("--keep", action="store_true", help="leave the last scale's database in place")
    parser.add_argument("--collectstatic", action="store_true", help="collect static files even when up to date")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a goal is missed")
    parser.add_argument("--staff-pages", nargs="+", default=STAFF_PAGES)
    parser.add_argument("_prepare", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--factor", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._prepare == "prepare":  # the child that grows the data and signs the staff member in
        prepare(args.factor)
        return
    if args._prepare == "collectstatic":
        collect_static()
        return
    if args.short:
        args.scales = [1, 10] if args.scales == [1, 10, 100] else args.scales
        args.duration = 3 if args.duration == 10 else args.duration
    try:
        results = run(args)
    except Failure as failure:
        print(f"\nload test failed: {failure}", file=sys.stderr)
        sys.exit(1)
    report = render(args, results)
    print(report)
    if args.output:
        args.output.write_text(report)
        print(f"written to {args.output}")
    if args.strict and not goal_met(results):
        sys.exit(2)


# --- the run -----------------------------------------------------------------------------------


def run(args):
    wrk = shutil.which("wrk")
    if not wrk:
        raise Failure("wrk is not installed (apt-get install wrk, or `make bench-load`)")
    database_url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or _default_url()
    base_url = _with_database(database_url, _database_name(database_url) + "_base")
    work = Path(tempfile.mkdtemp(prefix="ponte-load-"))
    script = work / "report.lua"
    script.write_text(WRK_SCRIPT)
    env = server_environment(args, database_url, work)
    results = {"started": datetime.datetime.now(datetime.UTC), "scales": {}, "env": describe(args)}
    try:
        if args.collectstatic or not static_up_to_date():
            step("static files: collectstatic (hashed names, not compressed)")
            subprocess_output([PYTHON, str(Path(__file__).resolve()), "collectstatic"], env, quiet=True)
        if args.reuse_base and database_exists(base_url):
            step(f"1× database {_database_name(base_url)} of an earlier run: migrate")
            manage({**env, "DATABASE_URL": base_url}, "migrate", "--noinput", quiet=True)
        else:
            step(f"1× database {_database_name(base_url)}: migrate, load_plan data/bologna")
            recreate(base_url)
            manage({**env, "DATABASE_URL": base_url}, "migrate", "--noinput", quiet=True)
            manage({**env, "DATABASE_URL": base_url}, "load_plan", str(ROOT / "data" / CITY), quiet=True)
        for factor in args.scales:
            results["scales"][factor] = run_scale(args, factor, env, database_url, base_url, wrk, script, work)
            if args.output:  # what is measured so far, should a later scale fail
                args.output.write_text(render(args, results))
    finally:
        if not args.keep:
            drop(database_url)
        shutil.rmtree(work, ignore_errors=True)
    return results


def run_scale(args, factor, env, database_url, base_url, wrk, script, work):
    step(f"{factor}×: database {_database_name(database_url)} from the 1× copy, grown ×{factor}")
    recreate(database_url, template=_database_name(base_url))
    if args.redis:
        flush_redis()
    cache_dir = work / f"cache-{factor}"
    env = {**env, "CACHE_LOCATION": str(cache_dir)}
    started = time.perf_counter()
    prepared = json.loads(
        subprocess_output([PYTHON, str(Path(__file__).resolve()), "prepare", "--factor", str(factor)], env)
    )
    seconds = time.perf_counter() - started
    step(f"{factor}×: {prepared['actions']} actions, {prepared['projects']} projects ({seconds:.0f} s)")
    cookie = prepared["cookie"]
    server = Server(args, env, work / f"gunicorn-{factor}.log")
    rows = []
    try:
        server.start()
        headers = {"X-Forwarded-Proto": "https"}
        pages = [(FLOOR, "floor", {}), *[(page, "public", {}) for page in PUBLIC_PAGES]]
        pages += [(page, "staff", {"Cookie": cookie}) for page in args.staff_pages]
        for path, kind, extra in pages:
            status, size, first_seconds = first_visit(server.port, path, {**headers, **extra})
            row = {"path": path, "kind": kind, "status": status, "bytes": size, "first_ms": first_seconds * 1000}
            # Warm up: every worker opens the page (imports, connections, the cache) before the count.
            wrk_run(wrk, script, server, path, {**headers, **extra}, args, args.workers, seconds=1)
            server.settle(headers)
            row.update(wrk_run(wrk, script, server, path, {**headers, **extra}, args, args.connections))
            server.settle(headers)
            if kind == "staff":
                alone = wrk_run(wrk, script, server, path, {**headers, **extra}, args, 1, threads=1)
                row["c1_p50_ms"], row["c1_p95_ms"] = alone["p50_ms"], alone["p95_ms"]
                row["errors"] += alone["errors"]
                server.settle(headers)
            rows.append(row)
            step(
                f"{factor}× {path}: {row['rps']:.1f} rps, p95 {row['p95_ms']:.0f} ms, {row['errors']} errors"
                + (f" (first answer {status})" if status != 200 else "")
            )
    finally:
        server.stop()
    return {
        "rows": rows,
        "actions": prepared["actions"],
        "projects": prepared["projects"],
        "restarts": server.restarts,
    }


def server_environment(args, database_url, work):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CACHE_", "REDIS_", "RQ_", "TASKS_", "PONTE_PUBLIC_CACHE"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ponte.settings",
            "PYTHONPATH": str(ROOT / "src"),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # As behind the TLS proxy of a deployment: wrk says the request came over HTTPS.
            "BEHIND_PROXY": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(work / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            # wrk is one client: the API's anonymous throttle (600/minute a client) would answer 429.
            "API_ANON_RATE": "100000000/minute",
        }
    )
    if args.redis:
        env.update(
            {
                "REDIS_URL": REDIS_CACHE,
                "RQ_REDIS_URL": REDIS_QUEUE,
                "TASKS_BACKEND": "django_tasks_rq.RQBackend",
            }
        )
    if args.no_cache:
        env["PONTE_PUBLIC_CACHE_SECONDS"] = "0"
    return env


def static_up_to_date():
    """Whether var/static's manifest is newer than every static source file (collectstatic with
    compression takes minutes on a busy machine, for nothing when nothing changed)."""
    manifest = ROOT / "var" / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    sources = [*(ROOT / "src" / "ponte").glob("**/static")]
    sources += [path for path in (ROOT / "node_modules").glob("*/dist") if path.is_dir()]
    for source in sources:
        for path in source.rglob("*"):
            if path.is_file() and path.stat().st_mtime > collected:
                return False
    return True


def describe(args):
    cache = "off" if args.no_cache else "on"
    store = "Redis 127.0.0.1:6379/5 (tasks: RQ on /6)" if args.redis else "files (FileBasedCache)"
    git = shutil.which("git") or "/usr/bin/git"
    commit = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "commit": commit.stdout.strip() or "?",
        "cache": cache,
        "store": store,
        "cpus": os.cpu_count(),
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def collect_static():
    """`collectstatic` with the manifest (the hashed names the pages link to) and without
    WhiteNoise's compression of every file, which takes minutes on a busy machine: wrk asks for no
    static file. `manage.py collectstatic` adds the compressed copies for serving."""
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)


def prepare(factor):
    """In a child process with the server's environment: grow the data, sign a staff member in,
    print what the parent needs as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from scale import grow

    from ponte.core import twofactor
    from ponte.core.models import City, Membership, Organisation
    from ponte.funding.models import Project
    from ponte.plan.models import Action

    city = City.objects.get(slug=CITY)
    grow(city, factor, stdout=sys.stderr)
    user = get_user_model().objects.create_user("bench-staff", "bench-staff@example.org", secrets.token_urlsafe(20))
    office = Organisation.objects.filter(city=city, slug="settore-europa").first()
    Membership.objects.create(city=city, user=user, role=Membership.Role.ADMINISTRATOR, office=office)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[twofactor.SESSION_KEY] = ""  # the second factor is passed (as in the tests' sign-in)
    session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    print(
        json.dumps(
            {
                "cookie": cookie,
                "actions": Action.objects.filter(city=city).count(),
                "projects": Project.objects.filter(city=city).count(),
            }
        )
    )


# --- processes ---------------------------------------------------------------------------------


def step(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def manage(env, *arguments, quiet=False):
    subprocess_output([PYTHON, str(ROOT / "manage.py"), *arguments], env, quiet=quiet)


def subprocess_output(command, env, quiet=False):
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise Failure(f"{' '.join(command[1:3])} exited {completed.returncode}:\n{completed.stderr[-3000:]}")
    said = [line for line in completed.stderr.splitlines() if not line.startswith("AXES: ")]  # sign-in log
    if said and not quiet:
        print("\n".join(said), file=sys.stderr)
    return completed.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on a free port of 127.0.0.1, with this run's environment."""

    def __init__(self, args, env, log):
        self.args, self.env, self.log = args, env, log
        self.port = free_port()
        self.process = None
        self.restarts = 0

    def start(self):
        command = [
            str(Path(PYTHON).with_name("gunicorn")),
            "ponte.wsgi",
            "--chdir",
            str(ROOT / "src"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.args.workers),
            "--timeout",
            "120",  # a page that takes a minute at 100× is measured, not killed
            "--error-logfile",
            str(self.log),
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.wait()

    def wait(self, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.check()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{FLOOR}", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise Failure(f"gunicorn did not answer {FLOOR} within {seconds} s:\n{tail(self.log)}")

    def check(self, doing=""):
        if self.process.poll() is not None:
            raise Failure(f"gunicorn stopped{doing} (exit {self.process.returncode}):\n{tail(self.log)}")

    def stop(self):
        """Stop at once (SIGQUIT): the requests still queued are dropped, not served."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def settle(self, headers, seconds=30):
        """Make sure the next count starts on an idle server. gunicorn's workers go on serving the
        requests wrk left in the listen queue after it closed its connections; /healthz answers
        once those before it are served. A queue that takes longer (pages of seconds under 50
        connections) is dropped by restarting gunicorn instead of waiting minutes for it."""
        self.check(" under the load")
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{FLOOR}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=seconds) as response:  # noqa: S310 - http://127.0.0.1 only
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        self.restarts += 1
        self.stop()
        self.start()


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_visit(port, path, headers):
    """The page's first answer (status, size, seconds), redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=300) as response:
            size = len(response.read())
            return response.status, size, time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, 0, time.perf_counter() - started


def wrk_run(wrk, script, server, path, headers, args, connections, threads=None, seconds=None):
    seconds = seconds or args.duration
    command = [
        wrk,
        f"-t{min(threads or args.threads, connections)}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{server.port}{path}")
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    server.check(f" during the load on {path}")
    figures = next((line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if completed.returncode != 0 or figures is None:
        raise Failure(f"wrk failed on {path} (exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(figures.removeprefix("WRK_JSON "))
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"] + data["not_2xx"]
    return {
        "requests": data["requests"],
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": errors,
        "error_detail": {key: data[key] for key in ("connect", "read", "write", "timeout", "not_2xx") if data[key]},
        "first_bad_status": data["first_bad_status"],
    }


# --- PostgreSQL --------------------------------------------------------------------------------


def _default_url():
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = "postgres://postgres@127.0.0.1:5432/postgres"
    return _with_database(server, "bench_load")


def _database_name(url):
    return urlsplit(url).path.lstrip("/")


def _with_database(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url):
    import psycopg

    return psycopg.connect(_with_database(url, "postgres"), autocommit=True)


def database_exists(url):
    with _admin(url) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_database_name(url)]).fetchone()


def recreate(url, template=None):
    from psycopg import sql

    name = sql.Identifier(_database_name(url))
    try:
        with _admin(url) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if template:
                connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, sql.Identifier(template)))
            else:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except Exception as error:  # noqa: BLE001 - any failure of the server stops the run
        raise Failure(f"PostgreSQL at {urlsplit(url).netloc}: {error}") from error


def drop(url):
    from psycopg import sql

    try:
        with _admin(url) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_database_name(url)))
            )
    except Exception as error:  # noqa: BLE001 - cleaning up is best effort
        print(f"could not drop {_database_name(url)}: {error}", file=sys.stderr)


def flush_redis():
    try:
        import redis
    except ImportError as error:
        raise Failure("--redis needs the redis package (requirements.txt)") from error
    for url in (REDIS_CACHE, REDIS_QUEUE):
        try:
            redis.Redis.from_url(url).flushdb()
        except redis.RedisError as error:
            raise Failure(f"Redis at {url}: {error}") from error


# --- the report --------------------------------------------------------------------------------


def goal_met(results):
    return not misses(results)


def misses(results):
    found = []
    for factor, scale in results["scales"].items():
        floor = _floor(scale)
        for row in scale["rows"]:
            if row["errors"]:
                found.append(f"{factor}× {row['path']}: {row['errors']} errors")
            if row["kind"] == "public" and factor >= 10 and floor and row["p95_ms"] > PUBLIC_GOAL * floor:
                found.append(f"{factor}× {row['path']}: p95 {_ratio(row['p95_ms'] / floor)} the floor's")
            if row["kind"] == "staff" and row.get("c1_p95_ms", 0) > STAFF_GOAL_MS:
                found.append(f"{factor}× {row['path']}: {row['c1_p95_ms']:.0f} ms server time (p95, one connection)")
    return found


def _floor(scale):
    return next((row["p95_ms"] for row in scale["rows"] if row["kind"] == "floor"), None)


def _ms(value):
    if value >= 1000:
        return f"{value / 1000:.1f} s"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _size(value):
    return f"{value / 1e6:.1f} MB" if value >= 1e6 else f"{value / 1e3:.0f} kB" if value >= 1e3 else f"{value} B"


def _rps(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def _ratio(value):
    return f"×{value:.1f}" if value < 10 else f"×{value:.0f}"


def _errors(row):
    if not row["errors"]:
        return "0"
    detail = ", ".join(f"{count} {kind.replace('_', '-')}" for kind, count in row["error_detail"].items())
    status = f", first {row['first_bad_status']}" if row["first_bad_status"] else ""
    return f"{row['errors']} ({detail}{status})"


def render(args, results):
    env = results["env"]
    lines = [
        f"## Load test ({results['started']:%Y-%m-%d %H:%M} UTC, commit {env['commit']})",
        "",
        f"gunicorn {args.workers} workers (DEBUG=0) on PostgreSQL, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration:g}s; public page cache {env['cache']}, cache store {env['store']}; "
        f"{env['cpus']} CPUs, load average at the start {env['load']}.",
    ]
    for factor, scale in results["scales"].items():
        floor = _floor(scale)
        lines += [
            "",
            f"### {factor}× ({scale['actions']:,} actions, {scale['projects']:,} projects)"
            + (
                f"; gunicorn restarted {scale['restarts']}× to drop a queue of slow requests"
                if scale["restarts"]
                else ""
            ),
            "",
            "| page | size | rps | p50 | p95 | p99 | errors | p95 ÷ floor | server time p50 / p95 (-c1) |",
            "|---|---:|---:|---:|---:|---:|---|---:|---:|",
        ]
        for row in scale["rows"]:
            ratio = _ratio(row["p95_ms"] / floor) if floor else "?"
            alone = f"{_ms(row['c1_p50_ms'])} / {_ms(row['c1_p95_ms'])}" if "c1_p95_ms" in row else ""
            name = f"`{row['path']}`" + (" (floor)" if row["kind"] == "floor" else "")
            name += " (staff)" if row["kind"] == "staff" else ""
            lines.append(
                f"| {name} | {_size(row['bytes'])} | {_rps(row['rps'])} | {_ms(row['p50_ms'])} | "
                f"{_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | {_errors(row)} | {ratio} | {alone} |"
            )
    factors = list(results["scales"])
    if len(factors) > 1:
        lines += ["", "### Summary", ""]
        header = ["page", *[f"{f}× rps" for f in factors], *[f"{f}× p95 ÷ floor" for f in factors if f > 1]]
        lines += ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
        paths = [row["path"] for row in results["scales"][factors[0]]["rows"]]
        for index, path in enumerate(paths):
            cells = [f"`{path}`"]
            for factor in factors:
                cells.append(_rps(results["scales"][factor]["rows"][index]["rps"]))
            for factor in factors:
                if factor > 1:
                    scale = results["scales"][factor]
                    floor = _floor(scale)
                    cells.append(_ratio(scale["rows"][index]["p95_ms"] / floor) if floor else "?")
            lines.append("| " + " | ".join(cells) + " |")
    found = misses(results)
    lines += ["", "### Goal", ""]
    lines.append(
        f"Every public page and API list within {PUBLIC_GOAL:g}× of the floor's p95 at 10× and 100×, 0 errors; "
        f"staff pages under {STAFF_GOAL_MS:.0f} ms server time: " + ("**met**." if not found else "**missed** by:")
    )
    lines += [f"- {miss}" for miss in found]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

# Ponte: `make run` serves the Bologna plan on http://127.0.0.1:8000, `make test` runs the suite.
# Nothing has to be installed by hand: the targets create the virtualenv and fetch what they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATASET ?= data/bologna
export DEBUG ?= 1

.PHONY: run test lint install assets system browser migrate load messages makemessages serve worker bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# Debian packages: WeasyPrint (PDF reports) needs Pango and a font at run time; the tests drive
# Chromium (headless, its own texts in Italian from chromium-l10n) and render report pages with
# poppler's pdftoppm. Installed when missing.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_DEBS := chromium chromium-l10n poppler-utils
define apt_ensure
	@missing=""; for package in $(1); do dpkg -s $$package > /dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then echo "apt-get install$$missing"; $(SUDO) apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing > /dev/null; fi
endef

system:
	$(call apt_ensure,$(RUNTIME_DEBS))

browser: system
	$(call apt_ensure,$(TEST_DEBS))

# Refresh the Italian catalogue after changing strings; review every "fuzzy" entry it marks.
makemessages: install
	cd src/ponte && ../../$(BIN)/django-admin makemessages -l it --ignore=tests --ignore=factories.py --ignore=conftest.py

messages: install
	cd src/ponte && ../../$(BIN)/django-admin compilemessages --ignore=.venv > /dev/null

migrate: install messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

load: migrate
	$(BIN)/python manage.py load_plan $(DATASET)
	$(BIN)/python manage.py ensure_admin

# The background worker (imports, reports, newsletters, reminders) runs beside the server and
# stops with it: `manage.py worker` starts db_worker (the database queue) or, with
# TASKS_BACKEND=django_tasks_rq.RQBackend, rqworker (RQ on Redis).
run: system assets load
	$(BIN)/python manage.py worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-style serving: DEBUG off, static files collected and served by WhiteNoise.
serve: system assets load
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput > /dev/null
	DEBUG=0 $(BIN)/gunicorn ponte.wsgi --chdir src --bind 127.0.0.1:$(PORT)

worker: install
	$(BIN)/python manage.py worker

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench

# The suite runs in one process per core (pytest-xdist; TEST_PROCESSES=0 runs it in this one).
TEST_PROCESSES ?= auto
test: install assets browser messages lint
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(BIN)/pytest --numprocesses=$(TEST_PROCESSES)

clean:
	rm -rf $(VENV) node_modules var

bench: install messages
	$(BIN)/python bench/plan_pages.py
	$(BIN)/python bench/reports.py

# Load test (issue 16): gunicorn (3 workers, DEBUG=0) on PostgreSQL (DATABASE_URL's server, by
# default 127.0.0.1:5432) under wrk, Bologna's data at 1×, 10× and 100×; about 15 minutes.
# LOAD_ARGS passes options, e.g. LOAD_ARGS="--short" or "--redis --output load.md".
bench-load: install assets messages
	$(call apt_ensure,wrk)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

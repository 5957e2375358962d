"""How long "Nuovo bando → Salva" takes, from the POST to the saved call's page rendered (the
redirect followed), with the SDG suggestions of the new call computed in the request (as before
issue 18's follow-up: `PONTE_SDG_SUGGEST_ON_VIEW` ran the classifier while the page was built) or
queued for the worker (now: the page says "Suggerimenti in calcolo…").

Run: `.venv/bin/python bench/sdg_save.py [--saves 3]`. A fresh SQLite test database with a city and
its SDG axis; the real classifier; each save a new text (nothing cached); one save first, not
counted, so that the models are loaded as in a web process that has served before. Tasks go to the
database backend, as deployed (the calls' ranking queued at the save stays queued); "request" runs
the suggestions' task inline, which is what the page used to do, "queued" leaves it to
`manage.py worker`. Prints seconds per save; it is not a test. The call's page has no partner
section here (no past projects to compare)."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings_test")

TEXTS = [
    "Bando per comunità energetiche rinnovabili: pannelli solari sui tetti degli edifici pubblici, "
    "accumulo e condivisione dell'energia tra famiglie a basso reddito del quartiere {n}.",
    "Call for urban mobility pilots: new tram lines, cycling lanes and shared e-scooters connecting "
    "peripheral neighbourhoods {n} to the city centre, with citizens' participation.",
    "Avviso per progetti di inclusione scolastica: tutoraggio, mense gratuite e attività sportive per "
    "bambini e ragazzi a rischio di abbandono nelle scuole del quartiere {n}.",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--mode", choices=["request", "queued"], required=True)
    args = parser.parse_args()
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"

    import django
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment

    django.setup()
    settings.PONTE_SDG_SUGGEST_ON_VIEW = True
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from ponte.core import twofactor
    from ponte.core.models import City
    from ponte.funding.models import Call
    from ponte.intelligence.models import SDGSuggestion
    from ponte.intelligence.tests.conftest import add_sdg_axis

    city = City.objects.create(slug="bologna", name="Bologna")
    add_sdg_axis(city)
    user = get_user_model().objects.create(username="bench", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[twofactor.SESSION_KEY] = ""
    session.save()
    if args.mode == "request":
        from types import SimpleNamespace

        from ponte.intelligence import suggestions, tasks

        tasks.compute_suggestions_task = SimpleNamespace(enqueue=lambda *a: suggestions.compute_queued(*a))
    url = f"/{city.slug}/gestione/fondi/bandi/nuovo/"
    client.get(url)
    seconds = []
    for n in range(-1, args.saves):
        data = {
            "identifier": f"BENCH-{time.time_ns()}",
            "title": f"Bando di prova {n}",
            "description": TEXTS[n % len(TEXTS)].format(n=time.time_ns()),
            "status": "open",
            "decision": "undecided",
        }
        start = time.perf_counter()
        response = client.post(url, data, follow=True)
        if n < 0:
            continue  # warming up
        seconds.append(time.perf_counter() - start)
        html = response.content.decode()
        assert response.redirect_chain, html[:2000]
        call = Call.objects.latest("pk")
        state = "in calcolo" if "Suggerimenti in calcolo" in html else "shown"
        count = SDGSuggestion.objects.filter(object_id=call.pk).count()
        print(f"{args.mode:8} save {n + 1}: {seconds[-1]:6.2f} s  (suggestions {state}, {count} stored)")
    print(f"{args.mode:8} median {statistics.median(seconds):.2f} s over {len(seconds)} saves")


if __name__ == "__main__":
    main()

"""Migration 0007: a call's link stored before web addresses were checked (issue 14) as
`javascript:`, `data:` or `vbscript:` is blanked; web addresses are kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ponte.core.models import City

BEFORE, AFTER = ("funding", "0006_programme_source_codes"), ("funding", "0007_clear_unsafe_links")
LINKS = {
    "javascript:alert(document.cookie)": "",
    "\njavascript:alert(1)": "",
    "DATA:text/html,<script>alert(1)</script>": "",
    "vbscript:msgbox(1)": "",
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/x": (
        "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/x"
    ),
    "www.comune.example.it/bandi": "www.comune.example.it/bandi",  # no scheme: a web address, kept
}


@pytest.mark.django_db(transaction=True)
def test_the_migration_blanks_unsafe_call_links_and_keeps_web_addresses(capsys, migrations_back_to_latest):
    city = City.objects.create(slug="testopoli", name="Testopoli")  # other apps stay migrated
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    Call = old.get_model("funding", "Call")
    ids = {
        link: Call.objects.create(city_id=city.pk, identifier=f"C{n}", title="Bando", url=link).pk
        for n, link in enumerate(LINKS)
    }

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps.get_model("funding", "Call")
    assert {link: new.objects.get(pk=pk).url for link, pk in ids.items()} == LINKS
    assert "funding.Call.url: 4 unsafe link(s) cleared" in capsys.readouterr().out

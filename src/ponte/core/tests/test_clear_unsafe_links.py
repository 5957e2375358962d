"""Migration core 0017: a city's or an organisation's website stored before web addresses were
checked (issue 14) as `javascript:`, `data:` or `vbscript:` is blanked; web addresses are kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = ("core", "0016_sign_on_link"), ("core", "0017_clear_unsafe_links")
LINKS = {
    "javascript:alert(document.cookie)": "",
    " JavaScript:alert(1)": "",
    "data:text/html,<script>alert(1)</script>": "",
    "vbscript:msgbox(1)": "",
    "https://www.comune.bologna.it/": "https://www.comune.bologna.it/",
    "": "",
}


@pytest.mark.django_db(transaction=True)
def test_the_migration_blanks_unsafe_websites_and_keeps_web_addresses(capsys, migrations_back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    City, Organisation = old.get_model("core", "City"), old.get_model("core", "Organisation")
    cities, organisations = {}, {}
    for n, link in enumerate(LINKS):
        city = City.objects.create(slug=f"citta-{n}", name=f"Città {n}", website=link)
        cities[link] = city.pk
        organisations[link] = Organisation.objects.create(
            city_id=city.pk, slug=f"ente-{n}", name=f"Ente {n}", website=link
        ).pk

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps
    City, Organisation = new.get_model("core", "City"), new.get_model("core", "Organisation")
    assert {link: City.objects.get(pk=pk).website for link, pk in cities.items()} == LINKS
    assert {link: Organisation.objects.get(pk=pk).website for link, pk in organisations.items()} == LINKS
    printed = capsys.readouterr().out
    assert "core.City.website: 4 unsafe link(s) cleared" in printed
    assert "core.Organisation.website: 4 unsafe link(s) cleared" in printed

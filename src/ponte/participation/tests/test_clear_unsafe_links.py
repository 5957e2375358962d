"""Migration 0012: an event's online link stored before web addresses were checked (issue 14)
as `javascript:`, `data:` or `vbscript:` is blanked; web addresses are kept."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ponte.core.models import City

BEFORE, AFTER = (
    ("participation", "0011_registration_awaits_email_confirmation"),
    ("participation", "0012_clear_unsafe_links"),
)
LINKS = {
    "javascript:alert(document.cookie)": "",
    " JavaScript:alert(1)": "",
    "java\tscript:alert(1)": "",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==": "",
    "vbscript:msgbox(1)": "",
    "https://meet.example.org/caffe-europa": "https://meet.example.org/caffe-europa",
    "": "",
}


@pytest.mark.django_db(transaction=True)
def test_the_migration_blanks_unsafe_online_links_and_keeps_web_addresses(capsys, migrations_back_to_latest):
    city = City.objects.create(slug="testopoli", name="Testopoli")  # other apps stay migrated
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    Event = old.get_model("participation", "Event")
    starts = timezone.now() + datetime.timedelta(days=3)
    ids = {
        link: Event.objects.create(city_id=city.pk, title=repr(link), online_url=link, starts_at=starts).pk
        for link in LINKS
    }

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps.get_model("participation", "Event")
    assert {link: new.objects.get(pk=pk).online_url for link, pk in ids.items()} == LINKS
    assert "participation.Event.online_url: 5 unsafe link(s) cleared" in capsys.readouterr().out

"""Links stored before web addresses were checked (issue 14): pages never make an href of a
`javascript:`/`data:`/`vbscript:` value (they show it as text), and `manage.py
clean_unsafe_links` blanks them in every app's web address fields."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import timezone

from ponte.core.models import City, Organisation
from ponte.factories import OrganisationFactory
from ponte.funding.models import Call
from ponte.participation.models import Event

UNSAFE = "javascript:alert(document.cookie)"


@pytest.fixture
def stored(city):
    """One unsafe value in each web address field, written as an old row holds it (no validation)."""
    event = Event.objects.create(
        city=city, publication="published", title="Caffè Europa", starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    call = Call.objects.create(city=city, identifier="HORIZON-X", title="Bando")
    organisation = OrganisationFactory(city=city)
    Event.objects.filter(pk=event.pk).update(online_url=UNSAFE)
    Call.objects.filter(pk=call.pk).update(url="data:text/html,<script>alert(1)</script>")
    Organisation.objects.filter(pk=organisation.pk).update(website="vbscript:msgbox(1)")
    City.objects.filter(pk=city.pk).update(website=" JavaScript:alert(2)")
    return {"event": event, "call": call, "organisation": organisation}


@pytest.mark.parametrize(
    "value, html",
    [
        ("https://meet.example.org/x?a=1&b=2", '<a href="https://meet.example.org/x?a=1&amp;b=2" rel="noopener">'),
        (UNSAFE, "javascript:alert(document.cookie)"),
        ("java\nscript:alert(1)", "java\nscript:alert(1)"),
        ('https://x.example.org/" onmouseover="alert(1)', 'href="https://x.example.org/&quot; onmouseover='),
        ("", ""),
    ],
)
def test_web_link_links_only_web_addresses(value, html):
    rendered = Template("{% load weblinks %}{{ value|web_link }}").render(Context({"value": value}))
    assert html in rendered
    if not value.startswith("https://"):
        assert "<a" not in rendered


def test_pages_show_a_stored_unsafe_link_as_text_never_as_href(client, users, city, stored):
    pages = {
        "event": (None, f"/{city.slug}/eventi/{stored['event'].pk}/", UNSAFE),
        "call": (
            users["funds"],
            f"/{city.slug}/gestione/fondi/bandi/{stored['call'].pk}/",
            "data:text/html,&lt;script&gt;",
        ),
        "organisation": (
            users["owner"],
            f"/{city.slug}/gestione/organizzazioni/{stored['organisation'].pk}/",
            "vbscript:",
        ),
    }
    for name, (user, url, text) in pages.items():
        if user:
            client.force_login(user)
        body = client.get(url).content.decode()
        assert text in body, name
        for scheme in ("javascript:", "data:", "vbscript:"):
            assert f'href="{scheme}' not in body.lower(), name


def test_clean_unsafe_links_blanks_them_in_every_app_and_says_how_many(city, stored):
    out = StringIO()
    call_command("clean_unsafe_links", stdout=out)
    report = out.getvalue()
    for line in (
        "participation.Event.online_url: 1 unsafe link(s) cleared",
        "funding.Call.url: 1 unsafe link(s) cleared",
        "core.Organisation.website: 1 unsafe link(s) cleared",
        "core.City.website: 1 unsafe link(s) cleared",
        "4 unsafe link(s) cleared in all",
    ):
        assert line in report
    assert Event.objects.get().online_url == "" and Call.objects.get().url == ""
    assert Organisation.objects.get().website == "" and City.objects.get(pk=city.pk).website == ""
    Event.objects.update(online_url="https://meet.example.org/x")
    call_command("clean_unsafe_links", stdout=StringIO())  # harmless to repeat, web addresses kept
    assert Event.objects.get().online_url == "https://meet.example.org/x"

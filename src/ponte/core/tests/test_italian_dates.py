"""Dates as Italian writes them: "1 gennaio 2024", "martedì 10 marzo 2026, 10:00", months in
lower case and no leading zero; short dates stay numeric (dd/mm/yyyy)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from ponte.factories import OrganisationFactory
from ponte.governance.models import Body, Meeting
from ponte.participation.models import Question


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ day }}", "1 gennaio 2024"),
        ('{{ day|date:"DATE_FORMAT" }}', "1 gennaio 2024"),
        ('{{ moment|date:"DATETIME_FORMAT" }}', "giovedì 10 dicembre 2026, 15:00"),
        ('{{ moment|date:"YEAR_MONTH_FORMAT" }}', "dicembre 2026"),
        ('{{ moment|date:"MONTH_DAY_FORMAT" }}', "10 dicembre"),
        ('{{ day|date:"SHORT_DATE_FORMAT" }}', "01/01/2024"),
        ('{{ moment|date:"SHORT_DATETIME_FORMAT" }}', "10/12/2026 15:00"),
    ],
)
def test_italian_date_formats(template, expected):
    context = Context({"day": datetime.date(2024, 1, 1), "moment": datetime.datetime(2026, 12, 10, 15, 0)})
    with translation.override("it"):
        assert Template(template).render(context) == expected


def test_english_dates_are_left_as_django_writes_them():
    with translation.override("en"):
        assert Template("{{ day }}").render(Context({"day": datetime.date(2024, 1, 1)})) == "Jan. 1, 2024"


def test_a_meeting_page_reads_its_date_in_italian(client, users, city):
    body = Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body", name="Consulta"))
    start = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
    meeting = Meeting.objects.create(city=city, body=body, title="Riunione di marzo", starts_at=start)
    client.force_login(users["viewer"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "martedì 10 marzo 2026, 10:00" in page and "Marzo" not in page


def test_a_body_established_in_a_month_shows_no_made_up_day(client, users, city):
    organisation = OrganisationFactory(city=city, kind="body", name="Cabina")
    body = Body.objects.create(
        city=city,
        organisation=organisation,
        established_on=datetime.date(2021, 11, 1),
        established_day_known=False,
        established_by="Atto del Sindaco",
    )
    dated = Body.objects.create(
        city=city,
        organisation=OrganisationFactory(city=city, kind="body", name="Tavolo"),
        established_on=datetime.date(2022, 3, 31),
    )
    client.force_login(users["viewer"])
    page = client.get(body.get_absolute_url()).content.decode()
    assert "novembre 2021 · Atto del Sindaco" in page and "1 novembre" not in page and "Novembre" not in page
    assert "31 marzo 2022" in client.get(dated.get_absolute_url()).content.decode()


def test_the_desks_response_times_name_the_month(client, users, city):
    question = Question.objects.create(
        city=city, ticket="ED-2026-0001", name="A", email="a@example.org", subject="S", text="T"
    )
    Question.objects.filter(pk=question.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 12, 3, 9)))
    client.force_login(users["desk"])
    page = client.get(f"/{city.slug}/eventi/europe-direct/sportello/").content.decode()
    assert "dicembre 2026" in page and "<td>2026-12</td>" not in page

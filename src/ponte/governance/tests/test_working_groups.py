"""Tavolo Cittadino working groups: their page, events, shared documents, position papers and a
discussion open to the group's members only."""

import datetime

import pytest
from django.utils import timezone

from ponte.factories import OrganisationFactory, PersonFactory, UserFactory
from ponte.governance.models import Body, BodyMember, PositionPaper, Post
from ponte.participation.models import Event


@pytest.fixture
def group(city):
    return Body.objects.create(
        city=city,
        organisation=OrganisationFactory(city=city, kind="body", name="Tavolo Cittadino: gruppo di lavoro Scuole"),
        purpose="Scuole ed Europa",
    )


@pytest.fixture
def member(city, group, users):
    user = UserFactory()
    from ponte.core.models import Membership

    Membership.objects.create(city=city, user=user, role="viewer")
    BodyMember.objects.create(
        city=city,
        body=group,
        organisation=OrganisationFactory(city=city, name="Liceo Galvani"),
        person=PersonFactory(city=city, user=user, full_name="Prof. Bianchi"),
    )
    return user


def test_only_members_and_plan_owners_join_the_discussion(client, users, city, group, member):
    url = f"/{city.slug}/gestione/organismi/{group.pk}/discussione/"
    for user, code in ((users["viewer"], 403), (users["editor"], 403), (member, 200), (users["owner"], 200)):
        client.force_login(user)
        assert client.get(url).status_code == code
    client.force_login(member)
    client.post(url, {"text": "Proposta di incontro con le scuole a marzo."})
    client.force_login(users["viewer"])
    assert client.post(url, {"text": "Intruso"}).status_code == 403
    assert list(Post.objects.values_list("text", "author")) == [
        ("Proposta di incontro con le scuole a marzo.", member.pk)
    ]


def test_group_page_shows_events_papers_and_documents(client, users, city, group, member, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    Event.objects.create(
        city=city,
        title="Workshop sulle priorità europee",
        organiser=group.organisation,
        starts_at=timezone.now() + datetime.timedelta(days=5),
    )
    client.force_login(member)
    client.post(
        f"/{city.slug}/gestione/organismi/{group.pk}/posizioni/nuova/",
        {"title": "Le priorità europee delle scuole", "text": "Proponiamo…"},
    )
    client.post(
        f"/{city.slug}/gestione/organismi/{group.pk}/documenti/",
        {"title": "Verbale del gruppo", "file": SimpleUploadedFile("verbale.pdf", b"%PDF-1.4")},
    )
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Workshop sulle priorità europee" in page and "Le priorità europee delle scuole" in page
    assert "Verbale del gruppo" in page and "Liceo Galvani" in page
    assert PositionPaper.objects.get().status == "draft"
    client.force_login(users["viewer"])
    assert (
        client.post(
            f"/{city.slug}/gestione/organismi/{group.pk}/posizioni/nuova/", {"title": "x", "text": "y"}
        ).status_code
        == 403
    )

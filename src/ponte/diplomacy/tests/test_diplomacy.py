"""City diplomacy: lifecycles, follow-up reminders, permissions, GeoJSON, map query counts."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core.models import City, FollowUp
from ponte.core.services import follow_up_add
from ponte.diplomacy import services
from ponte.diplomacy.models import Mission, NetworkMembership, Relation, Representation, Theme
from ponte.factories import OrganisationFactory
from ponte.testing import DIPLOMACY, READ


def relation(city, name="Barcellona", country="ES", kind="partnership", status="active", lat="41.38", lon="2.17"):
    partner = OrganisationFactory(
        city=city,
        name=name,
        kind="city",
        country=country,
        latitude=Decimal(lat) if lat else None,
        longitude=Decimal(lon) if lon else None,
    )
    return Relation.objects.create(city=city, partner=partner, kind=kind, status=status)


@pytest.fixture
def objects(city):
    rel = relation(city)
    network = OrganisationFactory(city=city, name="Eurocities", kind="network")
    membership = NetworkMembership.objects.create(
        city=city,
        network=network,
        role="vice_chair",
        mandate_start=datetime.date(2023, 1, 1),
        mandate_end=datetime.date(2025, 12, 31),
    )
    mission = Mission.objects.create(city=city, direction="outgoing", title="Missione a Tirana")
    return {"relation": rel, "membership": membership, "mission": mission}


PAGES = [
    ("/{c}/gestione/diplomazia/relazioni/", READ),
    ("/{c}/gestione/diplomazia/relazioni/?export=geojson", READ),
    ("/{c}/gestione/diplomazia/relazioni/?export=xlsx", READ),
    ("/{c}/gestione/diplomazia/relazioni/{relation.pk}/", READ),
    ("/{c}/gestione/diplomazia/relazioni/nuova/", DIPLOMACY),
    ("/{c}/gestione/diplomazia/relazioni/{relation.pk}/modifica/", DIPLOMACY),
    ("/{c}/gestione/diplomazia/relazioni/{relation.pk}/stato/", DIPLOMACY),
    ("/{c}/gestione/diplomazia/reti/", READ),
    ("/{c}/gestione/diplomazia/reti/nuova/", DIPLOMACY),
    ("/{c}/gestione/diplomazia/reti/{membership.pk}/rinnovo/", DIPLOMACY),
    ("/{c}/gestione/diplomazia/missioni/", READ),
    ("/{c}/gestione/diplomazia/missioni/{mission.pk}/", READ),
    ("/{c}/gestione/diplomazia/missioni/{mission.pk}/seguiti/", DIPLOMACY),
    ("/{c}/gestione/diplomazia/candidature/", READ),
    ("/{c}/gestione/diplomazia/candidature/nuova/", DIPLOMACY),
]


@pytest.mark.parametrize("role", list(READ))
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_permission_matrix(client, users, city, objects, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(url.format(c=city.slug, **objects)).status_code == expected[role]


def test_relation_lifecycle(users, city):
    rel = relation(city, status="planned")
    services.relation_set_status(relation=rel, status="active", user=users["owner"], date=datetime.date(2024, 5, 1))
    assert (rel.status, rel.signed_on) == ("active", datetime.date(2024, 5, 1))
    services.relation_set_status(relation=rel, status="dormant", user=users["owner"])
    services.relation_set_status(relation=rel, status="active", user=users["owner"])
    services.relation_set_status(relation=rel, status="ended", user=users["owner"], date=datetime.date(2026, 1, 31))
    rel.refresh_from_db()
    assert (rel.status, rel.ended_on) == ("ended", datetime.date(2026, 1, 31))
    with pytest.raises(ValidationError):
        services.relation_set_status(relation=rel, status="active", user=users["owner"])
    rel.refresh_from_db()
    assert rel.status == "ended"


def test_relation_status_through_http_refuses_illegal_steps(client, users, city, objects):
    rel = objects["relation"]
    client.force_login(users["owner"])
    client.post(
        f"/{city.slug}/gestione/diplomazia/relazioni/{rel.pk}/stato/", {"status": "ended", "date": "2026-02-01"}
    )
    response = client.post(f"/{city.slug}/gestione/diplomazia/relazioni/{rel.pk}/stato/", {"status": "active"})
    assert response.status_code == 200 and response.context["form"].errors
    rel.refresh_from_db()
    assert rel.status == "ended"


def test_membership_renewal_and_end(users, city, objects):
    membership = objects["membership"]
    with pytest.raises(ValidationError):
        services.membership_renew(membership=membership, user=users["owner"], until=datetime.date(2025, 6, 30))
    services.membership_renew(
        membership=membership, user=users["owner"], until=datetime.date(2027, 12, 31), role="chair"
    )
    membership.refresh_from_db()
    assert (membership.mandate_start, membership.mandate_end, membership.role) == (
        datetime.date(2025, 12, 31),
        datetime.date(2027, 12, 31),
        "chair",
    )
    services.membership_end(membership=membership, user=users["owner"], date=datetime.date(2026, 3, 1))
    membership.refresh_from_db()
    assert (membership.status, membership.mandate_end) == ("ended", datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.membership_renew(membership=membership, user=users["owner"], until=datetime.date(2029, 1, 1))


def test_follow_up_reminders_over_smtp(smtp_server, users, city, office, objects):
    mission = objects["mission"]
    overdue = follow_up_add(
        origin=mission,
        user=users["owner"],
        title="Inviare il verbale",
        owner_office=office,
        due_date=datetime.date.today() - datetime.timedelta(days=3),
    )
    follow_up_add(
        origin=mission,
        user=users["owner"],
        title="Preparare la visita di ritorno",
        due_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    call_command("send_follow_up_reminders", "--now", "--city", city.slug, stdout=io.StringIO())
    assert [m["To"] for m in smtp_server.messages] == [users["editor"].email]
    body = smtp_server.messages[0].get_payload()
    assert "Inviare il verbale" in body and "Missione a Tirana" in body and "ritorno" not in body
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None
    call_command("send_follow_up_reminders", "--now", "--city", city.slug, stdout=io.StringIO())
    assert len(smtp_server.messages) == 1


def test_follow_ups_through_the_mission_page(client, users, city, office, objects):
    mission = objects["mission"]
    client.force_login(users["owner"])
    client.post(
        f"/{city.slug}/gestione/diplomazia/missioni/{mission.pk}/seguiti/",
        {"title": "Scrivere al sindaco", "owner_office": office.pk, "due_date": "2027-01-15"},
    )
    task = FollowUp.objects.get()
    assert task.origin == mission
    client.post(f"/{city.slug}/gestione/seguiti/{task.pk}/fatto/")
    task.refresh_from_db()
    assert task.done_date == datetime.date.today()


def test_geojson_of_the_filtered_relations(client, users, city):
    digital = Theme.objects.create(city=city, slug="digitale", name="Politiche digitali")
    barcelona = relation(city)
    barcelona.themes.add(digital)
    relation(city, name="Portland", country="US", kind="twinning", lat="45.5152", lon="-122.6784")
    relation(city, name="Somewhere", country="", lat="", lon="")
    client.force_login(users["viewer"])
    response = client.get(f"/{city.slug}/gestione/diplomazia/relazioni/?export=geojson")
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 3
    portland = next(f for f in data["features"] if f["properties"]["partner"] == "Portland")
    assert portland["geometry"] == {"type": "Point", "coordinates": [-122.6784, 45.5152]}  # longitude first
    assert portland["properties"]["kind"] == "twinning"
    assert next(f for f in data["features"] if f["properties"]["partner"] == "Somewhere")["geometry"] is None
    filtered = json.loads(
        client.get(f"/{city.slug}/gestione/diplomazia/relazioni/?export=geojson&theme={digital.pk}").content
    )
    assert [f["properties"]["partner"] for f in filtered["features"]] == ["Barcellona"]
    assert filtered["features"][0]["properties"]["themes"] == ["Politiche digitali"]


def test_map_shows_countries_and_markers(client, users, city):
    relation(city)
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/diplomazia/relazioni/").content.decode()
    assert page.count("<path") > 150  # the world's countries, from the shipped map data
    assert "map-partner-country" in page and 'class="map-marker map-partnership' in page
    assert 'cx="485.8"' in page  # Barcelona, 2.17° E → (2.17 + 180) / 360 × 960, never localised


@pytest.mark.parametrize(
    "url",
    [
        "/{c}/gestione/diplomazia/relazioni/",
        "/{c}/gestione/diplomazia/relazioni/?export=geojson",
        "/{c}/gestione/diplomazia/reti/",
        "/{c}/gestione/diplomazia/missioni/",
    ],
)
def test_query_count_constant_as_relations_grow(client, users, city, url):
    client.force_login(users["viewer"])
    theme = Theme.objects.create(city=city, slug="t", name="Tema")

    def grow(n):
        for i in range(n):
            rel = relation(city, name=f"Città {Relation.objects.count()}-{i}")
            rel.themes.add(theme)
            NetworkMembership.objects.create(city=city, network=OrganisationFactory(city=city, kind="network"))
            mission = Mission.objects.create(city=city, direction="incoming", title=f"Visita {i}")
            follow_up_add(origin=mission, user=users["owner"], title="x", due_date=datetime.date(2030, 1, 1))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(c=city.slug)).status_code == 200
        return len(queries)

    grow(3)
    count()  # a first request fills the per-process caches (content types), as any server's has
    few = count()
    grow(27)
    assert count() == few


def test_bologna_data_set_holds_the_plans_relations_and_networks(db):
    call_command("load_plan", str(Path(__file__).resolve().parents[4] / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get(slug="bologna")
    relations = {(r.partner.slug, r.kind) for r in Relation.objects.for_city(bologna).select_related("partner")}
    assert ("portland", "twinning") in relations and ("barcellona", "partnership") in relations
    assert len(relations) == 37 and all(r.source for r in Relation.objects.for_city(bologna))
    # The 13 twin cities from public pages, each with its address; no year where none was found.
    twinnings = Relation.objects.for_city(bologna).filter(kind="twinning").select_related("partner")
    assert twinnings.count() == 13 and all("http" in r.source or "Azioni" in r.source for r in twinnings)
    assert twinnings.get(partner__slug="tuzla").signed_on == datetime.date(2004, 7, 21)
    assert "Valence (Francia)" in twinnings.get(partner__slug="valencia").description
    consulates = Representation.objects.for_city(bologna)
    assert sorted(consulates.filter(kind="consulate_general").values_list("country", flat=True)) == ["MA", "RO"]
    assert consulates.filter(kind="honorary_consulate").count() == 5
    roles = {m.network.slug: m.role for m in NetworkMembership.objects.for_city(bologna).select_related("network")}
    assert roles["eurocities"] == "vice_chair" and roles["eccar"] == "chair" and roles["efus"] == "executive"
    assert len(roles) == 13


def test_documents_attached_to_a_relation(client, users, city, objects, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    rel = objects["relation"]
    client.force_login(users["viewer"])
    assert client.get(f"/{city.slug}/gestione/diplomazia/relazioni/{rel.pk}/documenti/").status_code == 403
    client.force_login(users["owner"])
    client.post(
        f"/{city.slug}/gestione/diplomazia/relazioni/{rel.pk}/documenti/",
        {"title": "Accordo firmato", "file": SimpleUploadedFile("accordo.pdf", b"%PDF-1.4")},
    )
    page = client.get(rel.get_absolute_url())
    assert [d.title for d in page.context["relation"].documents.all()] == ["Accordo firmato"]
    assert any(e.content_type.model == "attachment" for e in page.context["history"])

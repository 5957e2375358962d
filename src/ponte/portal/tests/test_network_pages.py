"""A public page per network membership and per candidacy (issue 15): published rows only, in
their own city, with what a citizen wants to know and never an internal code; reachable from
the relations page, listed in the sitemap and found by the search; status badges with a tone
per status and the status in words."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core.models import Organisation, Publication
from ponte.core.templatetags.status_badges import TONES, status_badge
from ponte.diplomacy.models import Candidacy, NetworkMembership, Relation
from ponte.factories import CityFactory
from ponte.funding.models import Call, Project

from .sitemap import sitemap_text
from .world import SECRET, add_published, build_world


def network(city, slug, name):
    return Organisation.objects.create(city=city, slug=slug, name=name, kind=Organisation.Kind.NETWORK)


@pytest.fixture
def world(city):
    world = build_world(city, n=2)
    action, hidden = world.published["actions"][0], world.hidden["actions"][0]
    membership = NetworkMembership.objects.create(
        city=city,
        network=network(city, "eurocities", "Eurocities"),
        role="vice_chair",
        role_detail="Vicepresidenza del Forum Ambiente",
        joined_on=dt.date(2019, 3, 1),
        mandate_start=dt.date(2023, 1, 1),
        mandate_end=dt.date(2025, 12, 31),
        working_groups="Gruppo di lavoro sul clima",
        annual_fee=Decimal("12500"),
        source="Azioni › City diplomacy",
        publication=Publication.PUBLISHED,
    )
    membership.actions.add(action, hidden)
    draft_membership = NetworkMembership.objects.create(
        city=city, network=network(city, "segreta", f"Rete {SECRET}"), publication=Publication.DRAFT
    )
    candidacy = Candidacy.objects.create(
        city=city,
        title="Capitale europea dell'innovazione",
        year=2025,
        awarding_body=Organisation.objects.create(city=city, slug="ce", name="Commissione europea", kind="eu"),
        deadline=dt.date(2025, 6, 30),
        status="submitted",
        outcome="In attesa della giuria.",
        publication=Publication.PUBLISHED,
    )
    candidacy.actions.add(action, hidden)
    draft_candidacy = Candidacy.objects.create(
        city=city, title=f"Premio {SECRET}", year=2026, publication=Publication.DRAFT
    )
    world.published.update(memberships=[membership], candidacies=[candidacy])
    world.hidden.update(memberships=[draft_membership], candidacies=[draft_candidacy])
    return world


def test_a_published_network_membership_has_its_page(client, city, world):
    membership, action = world.published["memberships"][0], world.published["actions"][0]
    response = client.get(f"/{city.slug}/relazioni-internazionali/reti/{membership.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Eurocities</h1>" in text
    assert "Vicepresidente" in text or "Vice" in text  # the role of the city in words
    assert "Vicepresidenza del Forum Ambiente" in text
    assert "1 marzo 2019" in text  # since when
    assert "1 gennaio 2023" in text and "31 dicembre 2025" in text  # the mandate
    assert "Gruppo di lavoro sul clima" in text
    assert "12.500 €" in text  # public money, in euro
    assert 'data-status="active"' in text and "Attiva" in text
    assert f'href="{action.get_public_url()}"' in text
    assert SECRET not in text  # the draft action it also serves stays hidden
    assert "vice_chair" not in text and "eurocities" not in text  # no internal codes


def test_a_published_candidacy_has_its_page(client, city, world):
    candidacy, action = world.published["candidacies"][0], world.published["actions"][0]
    response = client.get(f"/{city.slug}/relazioni-internazionali/candidature/{candidacy.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Capitale europea dell&#x27;innovazione" in text
    assert "Commissione europea" in text and "2025" in text and "30 giugno 2025" in text
    assert "Candidatura presentata" in text or "Presentata" in text
    assert "In attesa della giuria." in text
    assert f'href="{action.get_public_url()}"' in text
    assert SECRET not in text


def test_the_relations_page_leads_to_the_lists_which_link_every_published_page(client, city, world):
    relations = client.get(f"/{city.slug}/relazioni-internazionali/").content.decode()
    assert f'href="/{city.slug}/relazioni-internazionali/reti/"' in relations
    assert f'href="/{city.slug}/relazioni-internazionali/candidature/"' in relations
    networks = client.get(f"/{city.slug}/relazioni-internazionali/reti/").content.decode()
    candidacies = client.get(f"/{city.slug}/relazioni-internazionali/candidature/").content.decode()
    sitemap = sitemap_text(client)
    for membership in world.published["memberships"]:
        url = membership.get_public_url()
        assert f'href="{url}"' in networks and url in sitemap
    for candidacy in world.published["candidacies"]:
        url = candidacy.get_public_url()
        assert f'href="{url}"' in candidacies and url in sitemap
    assert SECRET not in networks + candidacies
    for row in world.hidden["memberships"] + world.hidden["candidacies"]:
        assert row.get_public_url() not in sitemap


def test_a_draft_or_another_citys_membership_or_candidacy_is_not_found(client, city, world):
    for kind, segment in (("memberships", "reti"), ("candidacies", "candidature")):
        draft = world.hidden[kind][0]
        assert client.get(f"/{city.slug}/relazioni-internazionali/{segment}/{draft.pk}/").status_code == 404
    other = CityFactory(slug="altrove", name="Altrove")
    membership = world.published["memberships"][0]
    assert client.get(f"/{other.slug}/relazioni-internazionali/reti/{membership.pk}/").status_code == 404


def test_the_search_finds_networks_and_candidacies_but_not_drafts(client, city, world):
    text = client.get(f"/{city.slug}/cerca/", {"q": "eurocities"}).content.decode()
    assert f'href="{world.published["memberships"][0].get_public_url()}"' in text
    text = client.get(f"/{city.slug}/cerca/", {"q": "capitale innovazione"}).content.decode()
    assert f'href="{world.published["candidacies"][0].get_public_url()}"' in text
    assert SECRET not in client.get(f"/{city.slug}/cerca/", {"q": SECRET.lower()}).content.decode()


@pytest.mark.parametrize("segment", ["reti", "candidature"])
def test_the_pages_cost_the_same_queries_with_more_rows(
    client, city, world, segment, django_assert_max_num_queries, uncached
):
    kind = "memberships" if segment == "reti" else "candidacies"
    row = world.published[kind][0]
    urls = [f"/{city.slug}/relazioni-internazionali/{segment}/", row.get_public_url()]
    with CaptureQueriesContext(connection) as few:
        for url in urls:
            assert client.get(url).status_code == 200
    add_published(city, world, range(2, 12))
    row.actions.add(*world.published["actions"])
    for i in range(10):
        NetworkMembership.objects.create(
            city=city, network=network(city, f"rete-{i}", f"Rete {i}"), publication="published"
        )
        Candidacy.objects.create(city=city, title=f"Premio {i}", year=2020 + i, publication="published").actions.add(
            *world.published["actions"][:3]
        )
    with django_assert_max_num_queries(len(few)):
        for url in urls:
            assert client.get(url).status_code == 200


def test_staff_publish_and_unpublish_from_the_back_office_forms():
    from ponte.diplomacy.forms import CandidacyForm, MembershipForm

    assert "publication" in MembershipForm.base_fields
    assert "publication" in CandidacyForm.base_fields


# -- status badges ---------------------------------------------------------------------------


def test_every_status_of_every_model_has_a_tone_and_no_two_statuses_of_a_model_share_one():
    models = {
        "plan.action": None,
        "funding.project": Project,
        "funding.call": Call,
        "diplomacy.relation": Relation,
        "diplomacy.networkmembership": NetworkMembership,
        "diplomacy.candidacy": Candidacy,
    }
    from ponte.plan.models import Action

    models["plan.action"] = Action
    for label, model in models.items():
        statuses = set(model.Status.values)
        assert set(TONES[label]) == statuses, label
        assert len(set(TONES[label].values())) == len(statuses), f"two statuses of {label} look alike"


def test_the_badge_says_the_status_in_words_with_its_tone(city, world):
    badge = str(status_badge(world.published["candidacies"][0]))
    assert re.fullmatch(
        r'<span class="badge ponte-status ponte-tone-pending" data-status="submitted">[^<]+</span>', badge
    )
    assert status_badge(None) == ""


def test_the_tones_have_aa_contrast_in_the_stylesheet():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "src" / "ponte" / "static" / "ponte" / "ponte.css").read_text()

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    tones = set().union(*(set(t.values()) for t in TONES.values()))
    backgrounds = set()
    for tone in tones:
        rule = re.search(rf"\.ponte-tone-{tone} \{{ background: (#[0-9a-f]{{6}}); color: (#[0-9a-f]{{6}});", css)
        assert rule, tone
        background, colour = rule.groups()
        light, dark = sorted([luminance(background), luminance(colour)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, tone
        backgrounds.add(background)
    assert len(backgrounds) == len(tones)

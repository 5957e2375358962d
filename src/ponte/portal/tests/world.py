"""A city with a published and a draft item of every publishable kind.

Drafts carry the word SEGRETO in every text, so a test can look for it in any output.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ponte.core.models import Organisation, Publication
from ponte.diplomacy.models import Relation
from ponte.factories import ActionFactory, AxisItemFactory, IndicatorFactory, IndicatorValueFactory, LineFactory
from ponte.funding.tests.factories import ParticipationFactory, ProgrammeFactory, ProjectFactory
from ponte.governance.models import Body, Meeting
from ponte.participation.models import Event, EventSeries
from ponte.plan.models import ActionUpdate
from ponte.portal.models import News

SECRET = "SEGRETO"
DRAFT = Publication.DRAFT
PUBLISHED = Publication.PUBLISHED


@dataclass
class World:
    published: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)


def partner(city, name, country, lat, lon):
    return Organisation.objects.create(
        city=city, slug=name.lower(), name=name, kind="city", country=country, latitude=lat, longitude=lon
    )


def build_world(city, n: int = 1) -> World:
    world = World()
    world.shared = {
        "line": LineFactory(city=city),
        "item": AxisItemFactory(axis__city=city, axis__slug="sdg", code="11"),
        "programme": ProgrammeFactory(city=city, name="Horizon Europe"),
    }
    add_published(city, world, range(n))
    line, item, programme = world.shared["line"], world.shared["item"], world.shared["programme"]
    soon = timezone.now() + dt.timedelta(days=10)
    hidden_action = ActionFactory(
        line=line, code="S.1", title=f"Azione {SECRET}", publication=DRAFT, description=SECRET
    )
    hidden_action.alignments.add(item)
    ActionUpdate.objects.create(city=city, action=hidden_action, year=2026, period=1, text=f"Novità {SECRET}")
    public_action = world.published["actions"][0]
    world.hidden = {
        "actions": [hidden_action],
        "indicators": [
            IndicatorFactory(action=public_action, code="IND-S1", name=f"Indicatore {SECRET}", publication=DRAFT),
            # published itself, but on a draft action: hidden with it
            IndicatorFactory(action=hidden_action, code="IND-S2", name=f"Indicatore {SECRET} 2"),
        ],
        "projects": [
            ProjectFactory(programme=programme, title=f"Progetto {SECRET}", status="running", publication=DRAFT),
            # published, but only an idea: not a funded project
            ProjectFactory(programme=programme, title=f"Idea {SECRET}", status="idea"),
        ],
        "relations": [
            Relation.objects.create(
                city=city,
                partner=partner(city, f"Citta{SECRET}", "JP", "35.6", "139.7"),
                kind="agreement",
                description=SECRET,
                publication=DRAFT,
            ),
        ],
        "events": [
            Event.objects.create(city=city, title=f"Evento {SECRET}", starts_at=soon, publication=DRAFT),
            Event.objects.create(
                city=city,
                title=f"Corso interno {SECRET}",
                starts_at=soon,
                publication=PUBLISHED,
                series=EventSeries.objects.create(city=city, slug="corso", name="Corso interno", internal=True),
            ),
        ],
        "news": [
            News.objects.create(city=city, title=f"Notizia {SECRET}", slug="segreta", body=SECRET, publication=DRAFT),
            News.objects.create(
                city=city,
                title=f"Notizia futura {SECRET}",
                slug="futura",
                body=SECRET,
                publication=PUBLISHED,
                published_on=timezone.now() + dt.timedelta(days=3),
            ),
        ],
    }
    hidden_action.projects.add(world.published["projects"][0])  # a public project links to a draft action
    body = Body.objects.create(
        city=city,
        organisation=Organisation.objects.create(city=city, slug="cabina", name="Cabina di regia", kind="body"),
    )
    Meeting.objects.create(
        city=city, body=body, title="Riunione pubblica", starts_at=soon, minutes="Verbale.", minutes_public=True
    )
    Meeting.objects.create(city=city, body=body, title=f"Riunione {SECRET}", starts_at=soon, minutes=SECRET)
    return world


def add_published(city, world: World, indexes) -> None:
    """Published items of every kind, numbered by `indexes` (so a test can add more)."""
    line, item, programme = world.shared["line"], world.shared["item"], world.shared["programme"]
    soon = timezone.now() + dt.timedelta(days=10)
    for i in indexes:
        action = ActionFactory(line=line, code=f"P.{i}", title=f"Azione pubblica {i}", status="in_progress")
        action.alignments.add(item)
        ActionUpdate.objects.create(city=city, action=action, year=2026, period=1, text=f"Fatto {i}")
        indicator = IndicatorFactory(action=action, code=f"IND-P{i}", name=f"Indicatore pubblico {i}")
        IndicatorValueFactory(indicator=indicator)
        project = ProjectFactory(programme=programme, title=f"Progetto pubblico {i}", status="running")
        project.actions.add(action)
        project.alignments.add(item)
        ParticipationFactory(project=project, country="ES")
        relation = Relation.objects.create(
            city=city,
            partner=partner(city, f"Pubblicata{i}", "ES", "41.38", "2.17"),
            kind="twinning",
            publication=PUBLISHED,
        )
        event = Event.objects.create(city=city, title=f"Evento pubblico {i}", starts_at=soon, publication=PUBLISHED)
        news = News.objects.create(
            city=city,
            title=f"Notizia pubblica {i}",
            slug=f"notizia-{i}",
            body="Testo.",
            publication=PUBLISHED,
            action=action,
        )
        for kind, row in (
            ("actions", action),
            ("indicators", indicator),
            ("projects", project),
            ("relations", relation),
            ("events", event),
            ("news", news),
        ):
            world.published.setdefault(kind, []).append(row)

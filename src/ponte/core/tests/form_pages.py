"""Every page of Ponte that shows a form, found from the URL patterns: one item of each kind the
patterns need, the kwargs of each pattern filled from them, and each page kept if it renders a
form with fields. Used by the layout test of every form (test_journey_form_layout.py)."""

import datetime as dt
import re

from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from ponte.cooperation.models import GoodPractice, Initiative
from ponte.core.models import FollowUp, ImportJob, Membership, Organisation, Risk
from ponte.diplomacy.models import Candidacy, Mission, NetworkMembership, Relation
from ponte.factories import (
    ActionFactory,
    AxisItemFactory,
    IndicatorFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    PersonFactory,
)
from ponte.funding.tests.factories import CallFactory, ParticipationFactory, ProjectFactory
from ponte.governance.models import Body, Meeting
from ponte.participation.models import Campaign, Event, EventSeries, Question, Registration, Subscriber
from ponte.plan.cycles import cadence_slug
from ponte.plan.models import ActionUpdate, ReportingCycle, WorkbookUpload
from ponte.portal.models import Follower, News
from ponte.reports.models import Report

# The namespaces of the staff and public pages (the API, admin and feeds have no Ponte forms).
NAMESPACES = {"", "portal", "participation", "core", "plan", "funding", "diplomacy", "governance"}
NAMESPACES |= {"cooperation", "newsdesk", "reports", "following", "followers"}
# Patterns that answer a file, a feed or only a POST: never a form page.
NOT_PAGES = re.compile(
    r"(calendar|csv|json|ttl|rss|atom|schema|file|sitemap|healthz|set_language|logout|send|done|"
    r"start-proposal|follow-up-done|confirm|api|home$)"
)


def build_items(city, office):
    """One item of every kind a pattern's kwargs name, with what their forms choose from."""
    soon = timezone.now() + dt.timedelta(days=10)
    action = ActionFactory(line__city=city, owner_office=office, code="1.1.1", title="Promuovere incontri")
    for n in range(15):  # long lists: searchable selects
        OrganisationFactory(city=city, kind="city", name=f"Città partner con un nome lungo {n}")
        PersonFactory(city=city, full_name=f"Persona {n}", organisation=office)
    item = AxisItemFactory(axis__city=city, axis__slug="sdg", code="11")
    project = ProjectFactory(programme__city=city, title="Progetto Horizon", status="running")
    ParticipationFactory(project=project, country="ES")
    body = Body.objects.create(
        city=city, organisation=Organisation.objects.create(city=city, slug="cabina", name="Cabina", kind="body")
    )
    meeting = Meeting.objects.create(city=city, body=body, title="Riunione", starts_at=soon)
    mission = Mission.objects.create(city=city, direction="outgoing", title="Missione a Tirana")
    series = EventSeries.objects.create(city=city, slug="corso", name="Corso", internal=True)
    event = Event.objects.create(city=city, title="Info day", starts_at=soon, capacity=10, publication="published")
    subscriber = Subscriber.objects.create(city=city, email="lettore@example.org")
    items = {
        "action": action,
        "milestone": MilestoneFactory(action=action),
        "line": action.line,
        "macro_area": action.line.macro_area,
        "indicator": IndicatorFactory(action=action),
        "item": item,
        "project": project,
        "call": CallFactory(city=city),
        "relation": Relation.objects.create(
            city=city, partner=OrganisationFactory(city=city, kind="city"), kind="twinning"
        ),
        "membership": NetworkMembership.objects.create(
            city=city, network=OrganisationFactory(city=city, kind="network"), publication="published"
        ),
        "mission": mission,
        "candidacy": Candidacy.objects.create(city=city, title="Capitale verde", year=2027, publication="published"),
        "body": body,
        "meeting": meeting,
        "initiative": Initiative.objects.create(city=city, kind="cooperation", title="Acqua a Kharkiv"),
        "practice": GoodPractice.objects.create(city=city, title="Bilancio", theme="governance", description="."),
        "news": News.objects.create(city=city, title="Notizia", slug="notizia", body="Testo.", publication="published"),
        "report": Report.objects.create(
            city=city, title="Relazione 2026", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31)
        ),
        "import": ImportJob.objects.create(city=city, kind="funding-tenders"),
        "workbook_upload": WorkbookUpload.objects.create(city=city, file_name="piano.xlsx", status="done"),
        "follow_up": FollowUp.objects.create(
            city=city,
            content_type=ContentType.objects.get_for_model(mission),
            object_id=mission.pk,
            title="Verbale",
            due_date=dt.date(2030, 1, 1),
        ),
        "risk": Risk.objects.create(
            city=city,
            content_type=ContentType.objects.get_for_model(action),
            object_id=action.pk,
            title="Fornitore unico",
        ),
        "series": series,
        "event": event,
        "registration": Registration.objects.create(
            city=city, event=event, name="Ada", email="ada@example.org", status="confirmed"
        ),
        "question": Question.objects.create(
            city=city, name="Bea", email="bea@example.org", subject="Erasmus", text="Come?", ticket="ED-1"
        ),
        "campaign": Campaign.objects.create(city=city, subject="Notizie di maggio", body="Testo"),
        "subscriber": subscriber,
        "follower": Follower.objects.create(city=city, email="segue@example.org", action=action, status="active"),
        "invitation": invitation_link(MembershipFactory(city=city, role=Membership.Role.VIEWER).user),
        "update": ActionUpdate.objects.create(city=city, action=action, year=2026, period=1, text="Due incontri."),
        "cycle_override": ReportingCycle.objects.create(
            city=city, plan=action.line.macro_area.plan, action=action, cadence="semester"
        ),
        "organisation": office,
        "person": PersonFactory(city=city, full_name="Carla Rossi", organisation=office),
        "staff": MembershipFactory(city=city, role=Membership.Role.OFFICE_EDITOR, office=office),
        # Someone else's passkey: its removal page is a 404 for the signed-in administrator.
        "passkey": WebAuthnCredential.objects.create(
            user=MembershipFactory(city=city, role=Membership.Role.VIEWER).user,
            name="Chiavetta",
            confirmed=True,
            credential_id=b"form-pages-passkey",
            public_key=b"\xa5",
        ),
    }
    return items


def invitation_link(user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


# Which item a pattern's `pk` (or `body`, `task`) names, by the pattern's name.
PK_OF = (
    ("plan:macroarea", "macro_area"),
    ("plan:line-edit", "line"),
    ("plan:action-create", "line"),
    ("plan:milestone", "milestone"),
    ("plan:indicator", "indicator"),
    ("funding:project", "project"),
    ("funding:participation", "project"),
    ("funding:call", "call"),
    ("diplomacy:relation", "relation"),
    ("diplomacy:membership", "membership"),
    ("diplomacy:mission", "mission"),
    ("diplomacy:follow-up", "mission"),
    ("diplomacy:candidacy", "candidacy"),
    ("governance:meeting-create", "body"),
    ("governance:meeting", "meeting"),
    ("governance:decision", "meeting"),
    ("governance:", "body"),
    ("cooperation:initiative", "initiative"),
    ("cooperation:practice", "practice"),
    ("newsdesk:", "news"),
    ("reports:", "report"),
    ("core:import", "import"),
    ("plan:workbook-upload", "workbook_upload"),
    ("plan:cycle-override", "cycle_override"),
    ("plan:update-edit", "update"),
    ("core:organisation", "organisation"),
    ("core:person", "person"),
    ("core:user", "staff"),
    ("core:follow-up", "follow_up"),
    ("core:review", "update"),  # kind "aggiornamento"
    ("core:risk-add", "action"),  # kind "azione"
    ("core:risk", "risk"),
    ("participation:training", "series"),
    ("participation:question", "question"),
    ("participation:campaign", "campaign"),
    ("participation:", "event"),
    ("portal:project", "project"),
    ("portal:body", "body"),
    ("portal:relation", "relation"),
    ("portal:network", "membership"),
    ("portal:candidacy", "candidacy"),
    ("two-factor-passkey", "passkey"),
)


def kwargs_for(name: str, pattern_keys, city, items) -> dict:
    values = {"city": city.slug, "code": items["action"].code, "axis": "sdg", "slug": items["news"].slug}
    values["mission"] = "m1"  # a PNRR mission (portal:pnrr-mission)
    values["measure"] = "m1c1i1.02"  # a PNRR measure (portal:pnrr-measure)
    if name.startswith(("plan:axis-item", "portal:axis-item")):
        values["code"] = items["item"].code
    if name == "portal:macro-area":
        values["code"] = items["macro_area"].code
    if name in ("password-set", "password-reset-set"):  # the invitation's or a reset's link
        values["uidb64"], values["token"] = items["invitation"]
    elif name in ("participation:cancel", "participation:confirm-registration"):
        values["token"] = items["registration"].token
    elif name.startswith("following:") and "token" in pattern_keys:
        values["token"] = items["follower"].token
    elif "token" in pattern_keys:
        values["token"] = items["subscriber"].token
    values["kind"], values["key"] = "azione", items["action"].code  # following:follow
    if name == "core:review-detail":
        values["kind"] = "aggiornamento"
    values["cadence"], values["year"] = cadence_slug(items["update"].cadence), items["update"].year
    values["period"] = items["update"].period
    for key in ("pk", "body", "task"):
        if key in pattern_keys:
            item = next((item for prefix, item in PK_OF if name.startswith(prefix)), None)
            assert item, f"{name}: which item does its {key} name? Add it to form_pages.PK_OF"
            values[key] = items[item].pk
    return {key: values[key] for key in pattern_keys}


def page_patterns(patterns=None, namespace="", keys=()):
    """(name, kwargs' names) of every named URL pattern of Ponte's pages."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        inner_keys = (*keys, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in NAMESPACES:
                yield from page_patterns(entry.url_patterns, inner, inner_keys)
        elif isinstance(entry, URLPattern) and entry.name and not NOT_PAGES.search(entry.name):
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), inner_keys


def form_pages(client, city, items) -> list[str]:
    """The paths of the pages that render a form with fields, for a signed-in administrator."""
    from django.test import Client

    visitor = Client()  # the sign-in page sends someone signed in on: its form is a visitor's
    paths = []
    for name, keys in page_patterns():
        path = reverse(name, kwargs=kwargs_for(name, keys, city, items))
        response = (visitor if name == "login" else client).get(path)
        assert response.status_code in (200, 302, 404, 405), f"{name} {path}: {response.status_code}"
        main = response.content.decode().partition("<main")[2] if response.status_code == 200 else ""
        if re.search(r"<form[^>]*>(?:(?!</form>).)*<(?:input(?![^>]*type=\"hidden\")|select|textarea)", main, re.S):
            paths.append(path)
    return paths

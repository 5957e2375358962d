"""The back office's landing pages: the number of queries does not grow with the rows (the staff
shell's menu and home cards included)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core.models import Membership
from ponte.factories import MembershipFactory, OrganisationFactory
from ponte.portal.tests.world import add_published, build_world

PAGES = [
    "/{c}/gestione/",  # the staff's home: a card per chapter
    "/{c}/gestione/piano/",
    "/{c}/gestione/azioni/",
    "/{c}/gestione/indicatori/",
    "/{c}/gestione/fondi/progetti/",
    "/{c}/gestione/diplomazia/relazioni/",
    "/{c}/gestione/organizzazioni/",
    "/{c}/gestione/persone/",
    "/{c}/eventi/gestione/",
    "/{c}/eventi/newsletter/campagne/",
    "/{c}/eventi/europe-direct/sportello/",
]


@pytest.mark.parametrize(
    ("page", "role"),
    [(page, Membership.Role.PLAN_OWNER) for page in PAGES]
    + [("/{c}/gestione/", Membership.Role.ADMINISTRATOR), ("/{c}/gestione/utenti/", Membership.Role.ADMINISTRATOR)],
)
def test_query_count_is_constant_as_items_grow(client, city, page, role):
    world = build_world(city, n=2)
    client.force_login(MembershipFactory(city=city, role=role).user)
    url = page.format(c=city.slug)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(captured)

    queries()  # sessions and caches warmed the same way for both counts
    queries()  # a first request fills the per-process caches (content types), as any server's has
    few = queries()
    add_published(city, world, range(2, 20))  # tenfold: 2 → 20 items of every kind
    office = OrganisationFactory(city=city, kind="office")
    for role in [*Membership.Role.values] * 2:  # and staff in every role
        MembershipFactory(city=city, role=role, office=office if role == Membership.Role.OFFICE_EDITOR else None)
    assert queries() == few, url

"""The back office's menu reaches every staff page a role may open, and nothing else.

The rule the walk enforces, over every URL pattern under /<city>/gestione/ and the staff patterns
under /<city>/eventi/ (views that need a login):
- a *landing page* is a page whose address takes no argument but the city, answers GET and is
  not a form to add an item ("…/nuovo/", "…/nuova/", "…/invita/", a `*-create` or `*-invite`
  name) nor a file (".ics"):
  it must be in the menu of every role that may open it;
- pages with more arguments (an item's detail, edit, status, documents) are reached from their
  list, and create forms from the list's "New" button; they are not menu entries.
And every entry a role sees opens for that role (200): no role sees an entry it cannot open.
"""

import datetime
import re

import pytest
from django.template import loader
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ponte.core import menu
from ponte.core.models import ImportJob, Membership
from ponte.core.views import CityMixin
from ponte.factories import ActionFactory, MilestoneFactory, PlanFactory

STAFF_PREFIXES = ("<slug:city>/gestione/", "<slug:city>/eventi/")


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, namespace + pattern.name, getattr(pattern.callback, "view_class", None)


def staff_patterns():
    for route, name, view_class in walk(get_resolver().url_patterns):
        if not route.startswith(STAFF_PREFIXES) or view_class is None or not issubclass(view_class, CityMixin):
            continue
        if view_class.login_required:
            yield route, name, view_class


def is_landing(route, name, view_class):
    arguments = re.findall(r"<[^>]+>", route)
    return (
        arguments == ["<slug:city>"]
        and hasattr(view_class, "get")
        and not name.endswith(("create", "invite"))
        and not route.endswith(("/nuovo/", "/nuova/", "/invita/"))
        and ".ics" not in route
    )


def landing_pages():
    return [(name, view_class) for route, name, view_class in staff_patterns() if is_landing(route, name, view_class)]


def sidebar_links(html):
    nav = re.search(r'<nav class="sidebar-wrapper".*?</nav>', html, re.S)
    assert nav, "no staff menu on the page"
    return re.findall(r'<a class="list-item[^"]*" href="([^"]+)"', nav.group(0))


ROLES = [role.value for role in Membership.Role]


@pytest.fixture
def staffed_city(city, users):
    PlanFactory(city=city)
    return city


def test_the_walk_finds_the_pages_that_used_to_be_reachable_only_by_address():
    names = {name for name, _ in landing_pages()}
    assert {"participation:campaign-list", "participation:desk", "plan:overview", "core:import-list"} <= names
    assert {"core:person-list", "core:user-list"} <= names
    assert "plan:action-edit" not in names and "funding:project-create" not in names


@pytest.mark.parametrize("role", ROLES)
def test_every_landing_page_a_role_may_open_is_in_its_menu(client, staffed_city, users, role):
    city, user = staffed_city, users[role]
    client.force_login(user)
    shown = set(sidebar_links(client.get(f"/{city.slug}/gestione/").content.decode()))
    missing = []
    for name, view_class in landing_pages():
        url = reverse(name, kwargs={"city": city.slug})
        if view_class.permission(user, city) and url not in shown:
            missing.append(name)
    assert not missing, f"{role} may open these pages but its menu does not reach them: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_entry_a_role_sees_opens_for_it(client, staffed_city, users, role):
    city = staffed_city
    client.force_login(users[role])
    links = sidebar_links(client.get(f"/{city.slug}/gestione/").content.decode())
    assert links
    for url in links:
        if url.startswith("/admin/"):
            continue  # Django's admin, shown only to whom admin.site.has_permission admits
        assert client.get(url).status_code == 200, f"{role} sees {url} in the menu but cannot open it"


def test_each_role_sees_its_chapter_and_not_the_others(client, staffed_city, users):
    city = staffed_city
    campaigns = reverse("participation:campaign-list", kwargs={"city": city.slug})
    desk = reverse("participation:desk", kwargs={"city": city.slug})
    client.force_login(users["events"])
    links = sidebar_links(client.get(f"/{city.slug}/gestione/").content.decode())
    assert campaigns in links and desk not in links
    client.force_login(users["desk"])
    links = sidebar_links(client.get(f"/{city.slug}/gestione/").content.decode())
    assert desk in links and campaigns not in links


def test_the_current_entry_is_marked_and_named_in_the_breadcrumbs(client, staffed_city, users):
    city = staffed_city
    client.force_login(users["owner"])
    html = client.get(reverse("participation:campaign-list", kwargs={"city": city.slug})).content.decode()
    assert re.search(r'class="list-item active" href="[^"]+/newsletter/campagne/" aria-current="page"', html)
    crumbs = re.search(r'<ol class="breadcrumb">.*?</ol>', html, re.S).group(0)
    assert "Area riservata" in crumbs and "Eventi e comunicazione" in crumbs and "Invii della newsletter" in crumbs


def test_the_staff_header_names_the_city_the_person_and_their_role(client, staffed_city, users):
    client.force_login(users["owner"])
    html = client.get(f"/{staffed_city.slug}/gestione/").content.decode()
    assert "Responsabile del Piano" in html and users["owner"].get_username() in html
    assert 'rel="icon"' in html and "Portale pubblico" in html and "ponte-public-nav" not in html


def test_the_public_portal_keeps_its_own_layout(client, staffed_city, users):
    client.force_login(users["owner"])
    html = client.get(f"/{staffed_city.slug}/").content.decode()
    assert "ponte-public-nav" in html and "sidebar-wrapper" not in html and 'rel="icon"' in html


def test_the_home_shows_an_office_editor_the_work_of_their_office(
    client, staffed_city, users, line, office, other_office
):
    city = staffed_city
    mine = ActionFactory(line=line, owner_office=office, title="Rete delle città")
    ActionFactory(line=line, owner_office=other_office, title="Azione di altri")
    MilestoneFactory(action=mine, title="Primo incontro", due_date=timezone.localdate() + datetime.timedelta(days=10))
    client.force_login(users["editor"])
    html = client.get(f"/{city.slug}/gestione/").content.decode()
    assert "Il mio lavoro" in html and "Rete delle città" in html and "Azione di altri" not in html
    assert "Primo incontro" in html  # a deadline of the next weeks
    assert "Domande aperte a Europe Direct" not in html  # the desk is not theirs


def test_the_home_shows_the_funds_officer_a_failed_import(client, staffed_city, users):
    city = staffed_city
    ImportJob.objects.create(city=city, kind="funding-tenders", source_name="bandi.csv", status=ImportJob.Status.FAILED)
    client.force_login(users["funds"])
    html = client.get(f"/{city.slug}/gestione/").content.decode()
    assert "Importazioni in corso o fallite" in html and "bandi.csv" in html
    client.force_login(users["viewer"])
    assert "bandi.csv" not in client.get(f"/{city.slug}/gestione/").content.decode()


def test_the_plan_overview_has_its_own_address(client, staffed_city, users):
    client.force_login(users["viewer"])
    assert reverse("plan:overview", kwargs={"city": staffed_city.slug}) == f"/{staffed_city.slug}/gestione/piano/"
    assert client.get(f"/{staffed_city.slug}/gestione/piano/").status_code == 200


def test_a_refusal_says_who_you_are_and_which_roles_the_page_needs(client, staffed_city, users):
    client.force_login(users["viewer"])
    response = client.get(reverse("participation:campaign-list", kwargs={"city": staffed_city.slug}))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Non puoi aprire questa pagina" in html and "con il ruolo Lettore" in html
    assert "Responsabile del Piano" in html and "Lettore</li>" not in html
    assert 'href="/testopoli/gestione/"' in html and "sidebar-wrapper" in html  # the staff's layout


def test_not_found_is_italian_in_the_portal_layout(client, staffed_city):
    response = client.get(f"/{staffed_city.slug}/notizie/non-esiste/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina non trovata" in html and "ponte-public-nav" in html


def test_the_server_error_page_renders_without_a_request():
    html = loader.get_template("500.html").render()
    assert "Qualcosa non ha funzionato" in html or "Something went wrong" in html


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("ponte/favicon.ico")
    from django.contrib.staticfiles import finders

    assert finders.find("ponte/favicon.ico") and finders.find("ponte/favicon.svg")


def test_menu_entries_whose_page_does_not_exist_yet_are_left_out(rf, staffed_city, users):
    request = rf.get(f"/{staffed_city.slug}/gestione/")
    request.user = users["admin"]
    shown = [entry.item.url_name for group in menu.staff_menu(request, staffed_city) for entry in group.entries]
    assert "core:organisation-list" in shown
    for item in menu.all_items():
        if item.url(staffed_city) is None:
            assert item.url_name not in shown


def test_the_bulk_sdg_suggestions_sit_under_the_plan_beside_the_suggestions_to_assess(client, staffed_city, users):
    """They cover actions and indicators as well as calls: not under "Fondi"."""
    city = staffed_city
    client.force_login(users["owner"])
    html = client.get(reverse("intelligence:bulk", kwargs={"city": city.slug})).content.decode()
    crumbs = re.search(r'<ol class="breadcrumb">.*?</ol>', html, re.S).group(0)
    assert "Piano" in crumbs and "Fondi" not in crumbs and "Suggerimenti SDG in blocco" in crumbs
    links = sidebar_links(html)
    review = reverse("intelligence:review", kwargs={"city": city.slug})
    bulk = reverse("intelligence:bulk", kwargs={"city": city.slug})
    assert links.index(bulk) == links.index(review) + 1

"""One sign-in flow from the portal to the back office: the portal's "Staff login" leads to the
back office; right after the password, whoever owes a second factor is asked for it (or to enrol)
at once; a session still owing it is a visitor's on the portal, never shown as signed in; a
signed-in member of staff sees "Staff area" in the portal's header, and opening the sign-in page
again takes them to the back office, not to an empty form."""

import re

import pytest

from ponte.browsing import PASSWORD, current_code, give_authenticator
from ponte.core import twofactor


def staff_home(city):
    return f"/{city.slug}/gestione/"


def portal_home(city):
    return f"/{city.slug}/"


def staff_login_link(html):
    """The address of the portal header's "Accesso del personale" link."""
    found = re.search(r'href="([^"]*)"[^>]*>Accesso del personale<', html)
    assert found, "no staff login link"
    return found.group(1).replace("&amp;", "&")


def password(client, user, login_url):
    return client.post(login_url, {"username": user.get_username(), "password": PASSWORD})


def test_the_portal_link_leads_past_the_password_straight_to_the_code_and_then_the_back_office(client, city, users):
    admin = users["admin"]
    give_authenticator(admin)
    link = staff_login_link(client.get(portal_home(city)).content.decode())
    assert link == "/accesso/?next=" + staff_home(city)

    response = password(client, admin, link)
    assert response.status_code == 302
    assert response["Location"] == twofactor.page_for(twofactor.VERIFY, staff_home(city))

    done = client.post(response["Location"], {"code": current_code(admin), "next": staff_home(city)})
    assert done.status_code == 302 and done["Location"] == staff_home(city)
    assert client.get(staff_home(city)).status_code == 200


def test_an_owner_without_a_second_factor_is_asked_to_enrol_at_once(client, city, users):
    response = password(client, users["owner"], "/accesso/?next=" + staff_home(city))
    assert response.status_code == 302
    assert response["Location"] == twofactor.page_for(twofactor.ENROL, staff_home(city))


def test_someone_who_owes_no_second_factor_goes_straight_to_where_they_were_going(client, city, users):
    response = password(client, users["viewer"], "/accesso/?next=" + staff_home(city))
    assert response.status_code == 302 and response["Location"] == staff_home(city)


def test_a_half_signed_in_session_is_a_visitor_on_the_portal_and_the_sign_in_page_resumes_the_code(client, city, users):
    admin = users["admin"]
    give_authenticator(admin)
    password(client, admin, "/accesso/?next=" + staff_home(city))

    html = client.get(portal_home(city)).content.decode()
    assert admin.get_username() not in html
    assert "Esci" not in html and "Area riservata</a>" in html  # only the footer's
    assert 'data-element="staff-area"' not in html
    assert "Accesso del personale" in html

    for address in ("/accesso/", staff_login_link(html)):  # the header's and the footer's link
        resumed = client.get(address)
        assert resumed.status_code == 302 and resumed["Location"].startswith("/accesso/codice/")
    assert client.get(staff_home(city))["Location"].startswith("/accesso/codice/")


def test_a_signed_in_member_of_staff_sees_the_staff_area_on_the_portal_and_the_sign_in_page_leads_there(
    client, city, users
):
    admin = users["admin"]
    give_authenticator(admin)
    response = password(client, admin, "/accesso/?next=" + staff_home(city))
    client.post(response["Location"], {"code": current_code(admin), "next": staff_home(city)})

    html = client.get(portal_home(city)).content.decode()
    assert admin.get_username() in html and "Esci" in html
    assert f'href="{staff_home(city)}" data-element="staff-area">Area riservata</a>' in html

    again = client.get(f"/accesso/?next={staff_home(city)}")  # the footer's "Area riservata"
    assert again.status_code == 302 and again["Location"] == staff_home(city)
    plain = client.get("/accesso/")
    assert plain.status_code == 302 and plain["Location"] == "/"
    assert client.get("/")["Location"] == staff_home(city)


@pytest.mark.parametrize("wanted", ["https://evil.example/", "//evil.example/gestione/", "/accesso/"])
def test_an_unsafe_or_looping_next_is_not_followed(client, city, users, wanted):
    viewer = users["viewer"]
    response = client.post("/accesso/", {"username": viewer.get_username(), "password": PASSWORD, "next": wanted})
    assert response.status_code == 302 and response["Location"] == "/"
    again = client.get("/accesso/", {"next": wanted})
    assert again.status_code == 302 and again["Location"] == "/"

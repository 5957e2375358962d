"""Sign-in and password protection (issue 14): the login of the back office and of the admin
lock an account out from one address after a few wrong passwords (django-axes), and a forged
X-Forwarded-For neither resets nor dodges that count, nor the API's throttle for anonymous
requests; the first administrator's password follows the password rules."""

import ipaddress

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from ponte.core.ratelimit import UNKNOWN_ADDRESS, ApiAnonRateThrottle, client_address

PASSWORD = "Ponte-Bologna-2030!"


@pytest.fixture
def limited(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture
def staff(users):
    user = users["admin"]
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, url, username, password, forwarded_for):
    return client.post(url, {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.parametrize("url", ["/accesso/", "/admin/login/"])
def test_wrong_passwords_lock_the_account_out_and_a_forged_forwarded_for_changes_nothing(client, limited, staff, url):
    staff.is_staff = staff.is_superuser = True  # so that the admin would let him in
    staff.save()
    for attempt in range(2):
        response = sign_in(client, url, staff.username, "wrong", f"10.0.0.{attempt}")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, url, staff.username, "wrong", "10.0.0.9")
    assert response.status_code == 429
    response = sign_in(client, url, staff.username, PASSWORD, "192.0.2.77")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Troppi tentativi di accesso non riusciti" in page and "Riprova alle" in page


def test_the_right_password_before_the_limit_signs_in_and_resets_the_count(client, limited, staff):
    sign_in(client, "/accesso/", staff.username, "wrong", "")
    sign_in(client, "/accesso/", staff.username, "wrong", "")
    assert sign_in(client, "/accesso/", staff.username, PASSWORD, "").status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_another_account_is_not_locked_by_someone_elses_failures(client, limited, staff, users):
    other = users["owner"]
    other.set_password(PASSWORD)
    other.save()
    for _attempt in range(3):
        sign_in(client, "/accesso/", staff.username, "wrong", "")
    assert sign_in(client, "/accesso/", other.username, PASSWORD, "").status_code == 302


def test_the_client_address_reads_forwarded_for_only_behind_trusted_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.PONTE_TRUSTED_PROXIES = 0
    assert client_address(request) == "127.0.0.1"
    settings.PONTE_TRUSTED_PROXIES = 1  # the proxy appended 203.0.113.5; the client wrote 6.6.6.6
    assert client_address(request) == "203.0.113.5"
    settings.PONTE_TRUSTED_PROXIES = 2
    assert client_address(request) == "6.6.6.6"
    settings.PONTE_TRUSTED_PROXIES = 3  # fewer entries than proxies: the header is not trusted
    assert client_address(request) == "127.0.0.1"


def test_the_api_throttle_is_not_bypassed_by_a_new_forwarded_for_per_request(client, city, monkeypatch):
    monkeypatch.setattr(ApiAnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    codes = [
        client.get("/api/v1/cities/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code for number in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("weak", ["1", "password", "12345678"])
def test_ensure_admin_refuses_a_weak_password(db, monkeypatch, weak):
    monkeypatch.setenv("ADMIN_USERNAME", "admin")
    monkeypatch.setenv("ADMIN_PASSWORD", weak)
    with pytest.raises(CommandError, match="ADMIN_PASSWORD"):
        call_command("ensure_admin")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()


def test_ensure_admin_accepts_a_strong_password(db, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    call_command("ensure_admin")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(is_superuser=True).check_password(PASSWORD)


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("", "", 0, UNKNOWN_ADDRESS),  # a Unix socket, or a sign-in outside a request (force_login)
        ("unix:/run/gunicorn.sock", "", 0, UNKNOWN_ADDRESS),
        ("10.0.0.5", "", 0, "10.0.0.5"),
        ("10.0.0.5", "203.0.113.9", 1, "203.0.113.9"),
        ("10.0.0.5", "not-an-address", 1, "10.0.0.5"),  # garbage from the proxy: the proxy's own
        ("10.0.0.5", "2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_the_client_address_is_always_an_address(rf, settings, remote, forwarded, proxies, expected):
    """The lockout keeps addresses in an address column (inet on PostgreSQL): anything else there
    turned every sign-in without REMOTE_ADDR into a 500 on PostgreSQL."""
    from ponte.core.ratelimit import client_address

    settings.PONTE_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
    ipaddress.ip_address(client_address(request))  # what an inet column takes


def test_a_sign_in_without_an_address_works(db, client, users):
    client.force_login(users["viewer"])  # no REMOTE_ADDR: the lockout's reset must not fail
    assert client.get(f"/{users['viewer'].memberships.first().city.slug}/gestione/").status_code == 200

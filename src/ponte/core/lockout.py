"""Sign-in lockout (django-axes, issue 14): after `PONTE_LOGIN_FAILURE_LIMIT` wrong passwords for
one account from one client address, that pair is refused for `PONTE_LOGIN_COOLOFF_MINUTES`,
on the back office's login and the admin's alike; the address is `ratelimit.client_address`, so
a forged X-Forwarded-For neither resets nor dodges the count."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _


class LockoutBackend(AxesStandaloneBackend):
    """Axes' gate before Django's ModelBackend. A sign-in without a request (the test client's
    `login`, a shell) has no client address to count by and passes to the next backend; every
    page that signs people in passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message(request) -> str:
    """Why the sign-in is refused, in the person's language, with the time to retry."""
    retry_at = timezone.localtime(timezone.now() + get_cool_off(request))
    return _("Too many failed sign-in attempts for this account from your connection. Try again at %(time)s.") % {
        "time": formats.time_format(retry_at, "H:i")
    }


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (429). An endpoint that already answered the lockout in
    its own way (the passkeys' JSON, ponte.core.passkeys) keeps its answer."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return render(request, "registration/locked_out.html", {"message": lockout_message(request)}, status=429)

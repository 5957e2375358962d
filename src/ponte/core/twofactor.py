"""Two-factor authentication for staff (issue 14): a time-based code (TOTP, RFC 6238) from an
authenticator app after the password, through django-otp.

Rules:
- administrators and plan owners of any city, and superusers, must use it: at their next sign-in
  they enrol (scan the QR code or type the key, confirm one code) before any back-office page;
- a city with `require_two_factor_for_all_staff` makes it required for every staff role there;
- anyone else may enrol from the "Two-factor authentication" page; once enrolled, always asked;
- ten single-use recovery codes (django-otp's static tokens) are shown once at enrolment;
- a wrong code counts as a failed sign-in for django-axes' lockout;
- an administrator can reset a person's second factor (audit-logged through django-auditlog).

The step a signed-in session still owes ("verify", "enrol" or nothing) is worked out at sign-in
and kept in the session; `TwoFactorMiddleware` sends a session that owes one to its page from
every page but the sign-in pages and the public ones.
"""

import base64
import io

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership

SESSION_KEY = "ponte_two_factor_step"  # "verify", "enrol" or "" (nothing owed)
ENROLLING_KEY = "ponte_two_factor_enrolling"  # the unconfirmed device being enrolled
VERIFY, ENROL = "verify", "enrol"
RECOVERY_CODES = 10
ALWAYS_REQUIRED = {Membership.Role.ADMINISTRATOR, Membership.Role.PLAN_OWNER}
DEVICE_NAME = "authenticator"
# Pages a session that owes a second factor may still open (by URL name).
OPEN_URL_NAMES = {
    "login",
    "logout",
    "password-set",
    "password-reset",
    "password-reset-sent",
    "password-reset-set",
    "two-factor-verify",
    "two-factor-enrol",
    "set_language",
    "healthz",
}


def required(user) -> bool:
    """Whether `user` must have a second factor (see the module's rules)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        Q(role__in=ALWAYS_REQUIRED) | Q(city__require_two_factor_for_all_staff=True), user=user
    ).exists()


def enrolled(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def step_owed(user) -> str:
    """What a person who just typed the password still owes: VERIFY, ENROL or ""."""
    if enrolled(user):
        return VERIFY
    return ENROL if required(user) else ""


def session_step(request) -> str:
    """The step the session owes; worked out once per session (also for sessions older than 2FA)."""
    if not request.user.is_authenticated or request.user.is_verified():
        return ""
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = step_owed(request.user)
    return request.session[SESSION_KEY]


def on_sign_in(sender, request, user, **kwargs):
    """`user_logged_in` receiver: a fresh sign-in owes the second factor again."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = step_owed(user)


def start_enrolment(user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (earlier unconfirmed ones are dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_data_uri(device) -> str:
    """The device's otpauth:// address as an SVG QR code, in a data: URI (drawn on the server)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def readable_key(device) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def normalise(code: str) -> str:
    return "".join((code or "").split()).lower()


@transaction.atomic
def confirm_enrolment(device, code) -> list[str] | None:
    """Confirm `device` with a code from the app: it replaces the person's other devices, and ten
    new recovery codes are made and returned (shown once). None when the code is wrong."""
    if not device.verify_token(normalise(code)):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def verify(user, code):
    """The device that accepts `code` (an app's code or an unused recovery code, which is then
    spent), or None."""
    code = normalise(code)
    if not code:
        return None
    return match_token(user, code)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(user) -> int:
    """Take away every second factor of `user` (a lost phone): at the next sign-in they enrol
    again if it is required. Returns how many devices were removed."""
    removed = TOTPDevice.objects.filter(user=user).count()
    for device in TOTPDevice.objects.filter(user=user):
        device.delete()  # one by one, so django-auditlog records each deletion and its actor
    StaticDevice.objects.filter(user=user).delete()
    return removed


def page_for(step, next_url) -> str:
    name = "two-factor-verify" if step == VERIFY else "two-factor-enrol"
    return reverse(name) + ("?" + urlencode({"next": next_url}) if next_url else "")


class TwoFactorMiddleware:
    """Sends a signed-in session that still owes its second factor to the code (or enrolment)
    page, from every page but the sign-in pages and the public ones (`login_required = False`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and not getattr(view_class, "login_required", True):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        step = session_step(request)
        if not step:
            return None
        return redirect(page_for(step, request.get_full_path()))

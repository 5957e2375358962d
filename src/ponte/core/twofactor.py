"""Two-factor authentication for staff (issue 14): after the password, a time-based code (TOTP,
RFC 6238) from an authenticator app, or a passkey (WebAuthn: a security key, or the fingerprint,
face or PIN of the computer or phone), through django-otp and django-otp-webauthn.

Rules:
- administrators and plan owners of any city, and superusers, must use it: at their next sign-in
  they enrol (scan the QR code or type the key and confirm one code, or add a passkey) before any
  back-office page;
- a city with `require_two_factor_for_all_staff` makes it required for every staff role there;
- anyone else may enrol from the "Two-factor authentication" page; once enrolled, always asked;
- a person is enrolled with a confirmed app or at least one passkey, and may have both and several
  passkeys (named, listed with when they were added and last used); someone who must have a
  second factor cannot remove the last one they have;
- ten single-use recovery codes (django-otp's static tokens) are shown once at the first enrolment;
- a wrong code, or a passkey that is not theirs or fails its check, counts as a failed sign-in for
  django-axes' lockout (`ponte.core.passkeys`);
- an administrator can reset a person's second factor, passkeys included (audit-logged through
  django-auditlog).

The step a signed-in session still owes ("verify", "enrol" or nothing) is worked out at sign-in
and kept in the session; the sign-in page sends the person straight on to the step they owe, and
`TwoFactorMiddleware` sends a session that owes one to its page from every page but the sign-in
pages and the public ones, which see that session as a visitor's (never as signed in).
"""

import base64
import io

import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

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
    # django-otp-webauthn's endpoints (ponte.core.passkeys): a passkey proves or enrols the second
    # factor from those pages; registering one needs a verified session once enrolled.
    "credential-authentication-begin",
    "credential-authentication-complete",
    "credential-registration-begin",
    "credential-registration-complete",
    "js-i18n-catalog",
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


def has_app(user) -> bool:
    """Whether `user` has a confirmed authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def passkeys(user):
    """The passkeys of `user`, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def enrolled(user) -> bool:
    """Whether `user` has a second factor: an app or at least one passkey."""
    return has_app(user) or passkeys(user).exists()


def can_remove_passkey(user, credential) -> bool:
    """Whether `credential` may go: not when it is the last second factor of someone who must
    have one."""
    if not required(user):
        return True
    return has_app(user) or passkeys(user).exclude(pk=credential.pk).exists()


@transaction.atomic
def remove_passkey(user, credential) -> bool:
    """Remove one of the person's passkeys if the rules allow it; once nothing is left, their
    recovery codes go too (they stood in for a factor that is no longer there)."""
    if credential.user_id != user.pk or not can_remove_passkey(user, credential):
        return False
    credential.delete()  # django-auditlog records it
    if not enrolled(user):
        StaticDevice.objects.filter(user=user).delete()
    return True


def has_recovery_codes(user) -> bool:
    """Whether recovery codes were ever made for `user` (used up or not)."""
    return StaticDevice.objects.filter(user=user, confirmed=True).exists()


def new_recovery_codes(user) -> list[str]:
    """Ten new recovery codes for `user`, replacing any earlier ones; returned to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def step_owed(user) -> str:
    """What a person who just typed the password still owes: VERIFY, ENROL or ""."""
    if enrolled(user):
        return VERIFY
    return ENROL if required(user) else ""


def session_step(request) -> str:
    """The step the session owes; worked out once per session (also for sessions older than 2FA)."""
    user = request.user
    if not user.is_authenticated:
        return ""
    # Right after `login()`, request.user is the account itself, not yet seen by OTPMiddleware.
    if getattr(user, "is_verified", None) is not None and user.is_verified():
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
    """Confirm `device` with a code from the app: it replaces the person's other apps (passkeys
    stay), and ten new recovery codes are made and returned (shown once). None when the code is
    wrong."""
    if not device.verify_token(normalise(code)):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


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
    """Take away every second factor of `user` (a lost phone or key): apps and passkeys; at the
    next sign-in they enrol again if it is required. Returns how many devices were removed."""
    devices = [*TOTPDevice.objects.filter(user=user), *WebAuthnCredential.objects.filter(user=user)]
    for device in devices:
        device.delete()  # one by one, so django-auditlog records each deletion and its actor
    StaticDevice.objects.filter(user=user).delete()
    return len(devices)


def page_for(step, next_url) -> str:
    name = "two-factor-verify" if step == VERIFY else "two-factor-enrol"
    return reverse(name) + ("?" + urlencode({"next": next_url}) if next_url else "")


class TwoFactorMiddleware:
    """Sends a signed-in session that still owes its second factor to the code (or enrolment)
    page, from every page but the sign-in pages and the public ones (`login_required = False`),
    which it shows such a session as to a visitor."""

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
        if request.path.startswith(settings.STATIC_URL):
            return None
        step = session_step(request)
        if not step:
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and not getattr(view_class, "login_required", True):
            # A public page (the portal) sees someone half signed in as a visitor: never as
            # signed in, with their name and role in the header, before the second factor.
            request.user = AnonymousUser()
            request.auser = _anonymous
            return None
        return redirect(page_for(step, request.get_full_path()))


async def _anonymous():
    return AnonymousUser()

"""Single sign-on for staff through the Comune's OpenID Connect provider (issue 14).

The client is mozilla-django-oidc (authorisation code flow with state, nonce and PKCE; the ID
token's signature checked against the provider's keys); Ponte adds the rules:

- On only when `PONTE_OIDC_ISSUER`, `PONTE_OIDC_CLIENT_ID` and `PONTE_OIDC_CLIENT_SECRET` are
  set: then the sign-in page shows the button; otherwise its two addresses answer 404. The
  endpoints come from the issuer's discovery document (cached an hour) unless set one by one.
- The ID token must come from the configured issuer, for this client, unexpired; the userinfo's
  `sub` must be the ID token's.
- Who the person is: an account already linked to the provider's (issuer, `sub`); otherwise the
  one active account with the e-mail address the provider gives, unless the provider says the
  address is not verified (`email_verified` false; when the claim is absent the Comune's directory
  is trusted). The first sign-in stores the link (`SignOnLink`), so a later change of address at
  the provider keeps reaching the same account, and an address reassigned to someone else there
  does not reach it. An account already linked to another subject is refused.
- What the person may do is only what Ponte granted: a sign-in needs an account with a role
  (`queries.has_a_role`), creates no account and gives no role. Nobody is created: a person without
  an account is told to ask an administrator for an invitation.
- Superusers (the installation's operators) do not sign in through the provider: their password
  and their own second factor keep the whole installation out of the Comune's directory's reach.
- Second factor: the sign-in counts as one only if the provider says it asked for one (`amr`
  holds one of `PONTE_OIDC_MFA_AMR`, by default only mfa (RFC 8176: otp or hwk alone may be the
  only factor), or `acr` is one of
  `PONTE_OIDC_MFA_ACR`); otherwise Ponte's own code is asked as after a password.
- Every refusal is a page that says why (never a 500) and is recorded like a failed password:
  a warning in the log and, when it names a person, django-axes' failure log.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, LogoutView
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import queries, twofactor
from .models import SignOnLink

log = logging.getLogger("ponte.sso")

SESSION_KEY = "ponte_sso"  # {"id_token": …, "mfa": bool} for a session opened by single sign-on
DISCOVERY_SECONDS = 3600
ACCOUNT_BACKEND = "django.contrib.auth.backends.ModelBackend"  # loads the account on later requests


def enabled() -> bool:
    return bool(settings.PONTE_OIDC_ISSUER and settings.PONTE_OIDC_CLIENT_ID and settings.PONTE_OIDC_CLIENT_SECRET)


def button_label() -> str:
    return settings.PONTE_OIDC_LABEL or _("Sign in with the City's account")


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered something that is not OpenID Connect."""


class Refused(Exception):
    """A sign-in the rules refuse; `reason` picks the message, `username` the failure's record."""

    def __init__(self, reason: str, username: str = ""):
        super().__init__(reason)
        self.reason, self.username = reason, username


def discovery() -> dict:
    """The issuer's `/.well-known/openid-configuration`, cached; its `issuer` must be ours."""
    issuer = settings.PONTE_OIDC_ISSUER
    key = f"ponte-oidc-discovery:{issuer}"
    if (document := cache.get(key)) is not None:
        return document
    try:
        response = requests.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery of {issuer}: {error}") from error
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise ProviderUnavailable(f"discovery of {issuer}: the document names another issuer")
    cache.set(key, document, DISCOVERY_SECONDS)
    return document


def endpoint(name: str) -> str:
    """An endpoint of the provider ("authorization", "token", "userinfo", "jwks", "end_session")."""
    if configured := settings.PONTE_OIDC_ENDPOINTS.get(name):
        return configured
    found = discovery().get("jwks_uri" if name == "jwks" else f"{name}_endpoint", "")
    if not found and name != "end_session":
        raise ProviderUnavailable(f"the provider publishes no {name} endpoint")
    return found


# mozilla-django-oidc reads its configuration through `get_settings`: these come from Ponte's.
_CLIENT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: endpoint("authorization"),
    "OIDC_OP_TOKEN_ENDPOINT": lambda: endpoint("token"),
    "OIDC_OP_USER_ENDPOINT": lambda: endpoint("userinfo"),
    "OIDC_OP_JWKS_ENDPOINT": lambda: endpoint("jwks"),
    "OIDC_RP_CLIENT_ID": lambda: settings.PONTE_OIDC_CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": lambda: settings.PONTE_OIDC_CLIENT_SECRET,
    "OIDC_RP_SIGN_ALGO": lambda: settings.PONTE_OIDC_SIGN_ALGO,
    "OIDC_RP_SCOPES": lambda: settings.PONTE_OIDC_SCOPES,
    "OIDC_USE_PKCE": lambda: True,
    "OIDC_USE_NONCE": lambda: True,
    "OIDC_CREATE_USER": lambda: False,
    "OIDC_STORE_ID_TOKEN": lambda: False,  # kept by the callback after sign-in, for the logout
    "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "sso-callback",
    "OIDC_REDIRECT_FIELD_NAME": lambda: "next",
    "OIDC_ALLOW_UNSECURED_JWT": lambda: False,
}


def client_setting(attr, *default):
    if attr in _CLIENT_SETTINGS:
        return _CLIENT_SETTINGS[attr]()
    return import_from_settings(attr, *default)


def asserts_second_factor(id_token: dict) -> bool:
    """Whether the provider says it asked the person for more than a password."""
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.PONTE_OIDC_MFA_AMR):
        return True
    return bool(id_token.get("acr")) and id_token.get("acr") in settings.PONTE_OIDC_MFA_ACR


def _verified(claims: dict) -> bool:
    value = claims.get("email_verified", True)  # absent: the Comune's directory is trusted
    return value.strip().lower() == "true" if isinstance(value, str) else value is True


@transaction.atomic
def account_for(*, issuer: str, claims: dict):
    """The Ponte account these claims sign in to (see the module's rules), linking it to the
    provider's subject at the first sign-in; `Refused` otherwise. Never creates an account."""
    subject = claims.get("sub")
    if not subject or not isinstance(subject, str):
        raise Refused("claims")
    email = (claims.get("email") or "").strip()
    link = SignOnLink.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is not None:
        account = link.user
    else:
        if not email:
            raise Refused("no_email")
        if not _verified(claims):
            raise Refused("unverified", email)
        candidates = list(get_user_model().objects.filter(email__iexact=email).order_by("pk")[:2])
        if not candidates:
            raise Refused("unknown", email)
        if len(candidates) > 1:
            raise Refused("ambiguous", email)
        account = candidates[0]
        if SignOnLink.objects.filter(user=account, issuer=issuer).exists():
            raise Refused("linked_elsewhere", account.get_username())
    if account.is_superuser:
        raise Refused("superuser", account.get_username())
    if not queries.has_a_role(account):
        raise Refused("no_role", account.get_username())
    if link is None:
        try:
            with transaction.atomic():
                link = SignOnLink.objects.create(user=account, issuer=issuer, subject=subject, email=email)
        except IntegrityError:  # another sign-in linked the account a moment ago
            link = SignOnLink.objects.filter(issuer=issuer, subject=subject, user=account).first()
            if link is None:  # … to another subject: refused as if it had come first
                raise Refused("linked_elsewhere", account.get_username()) from None
    link.last_sign_in_at = timezone.now()
    link.save(update_fields=["last_sign_in_at"])
    return account


class StaffBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code exchange and token checks, with Ponte's rules for the account.
    Called by `SignOnCallbackView` only (not listed in AUTHENTICATION_BACKENDS: the password form
    never reaches it)."""

    get_settings = staticmethod(client_setting)

    def get_or_create_user(self, access_token, id_token, payload):
        check_id_token(payload)
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
            raise Refused("claims")
        self.id_token, self.id_token_claims = id_token, payload
        return account_for(issuer=settings.PONTE_OIDC_ISSUER, claims={**userinfo, "sub": payload["sub"]})


def check_id_token(payload: dict):
    """What mozilla-django-oidc leaves to its users: the issuer, the audience, the expiry."""
    client_id = settings.PONTE_OIDC_CLIENT_ID
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if payload.get("iss") != settings.PONTE_OIDC_ISSUER:
        raise Refused("claims")
    if client_id not in audiences or (len(audiences) > 1 and payload.get("azp") != client_id):
        raise Refused("claims")
    if not isinstance(payload.get("exp"), int | float):  # PyJWT checked it when present
        raise Refused("claims")


def refusal_messages() -> dict:
    ask = _("Ask your city's administrator.")
    return {
        "unknown": _(
            "Your City account is not enabled on Ponte yet: ask an administrator of Ponte to invite "
            "you with the address %(email)s. No account was created."
        ),
        "unverified": _(
            "The City's identity provider says that the address %(email)s is not verified, so Ponte "
            "cannot tell whose account it is. Verify it with the City's IT service, then try again."
        ),
        "no_email": _("The City's identity provider gave no e-mail address for your account.") + " " + ask,
        "ambiguous": _("More than one Ponte account has the address %(email)s.") + " " + ask,
        "linked_elsewhere": _("Your Ponte account is already linked to another City account.") + " " + ask,
        "no_role": _(
            "Your Ponte account has no role in any city's back office (it was revoked): ask your "
            "city's administrator to invite you again."
        ),
        "superuser": _(
            "The installation's administrators do not sign in with the City's account: use your "
            "username, password and verification code."
        ),
        "claims": _("The answer of the City's identity provider could not be trusted.") + " " + ask,
        "state": _(
            "This sign-in could not be completed: it was started in another browser or window, or "
            "it took too long. Start again from the sign-in page."
        ),
        "cancelled": _("The City's identity provider did not sign you in."),
        "unavailable": _("The City's identity provider does not answer. Try again in a few minutes."),
    }


def refusal(request, reason: str, *, email: str = "", username: str = "", status: int = 403):
    """The page of a sign-in that did not happen; recorded like a failed sign-in."""
    log.warning("single sign-on refused: %s %s", reason, username or email)
    if username:
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    message = refusal_messages()[reason] % {"email": email}
    return render(request, "registration/sso_refused.html", {"message": message, "reason": reason}, status=status)


def password_refused(account) -> bool:
    """Whether `account` may not sign in with a password: `PONTE_OIDC_ONLY` and linked to the provider."""
    return enabled() and settings.PONTE_OIDC_ONLY and SignOnLink.objects.filter(user=account).exists()


class SignInView(LoginView):
    """The sign-in page: the password form, and the provider's button when single sign-on is on.
    With `PONTE_OIDC_ONLY`, an account linked to the provider no longer signs in with a password,
    so that disabling the person at the Comune closes Ponte too (superusers are never linked).

    One flow: after the password, someone who owes a second factor is asked for it (or to enrol)
    at once, then goes where they were going (a safe `next`) or to the back office. Someone
    already signed in who opens this page goes there too, or back to the step they still owe."""

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(onward(request, self.get_success_url()))
        return super().get(request, *args, **kwargs)

    def get_success_url(self):
        url = super().get_success_url()
        if url == self.request.path:  # ?next= this very page: no loop
            url = resolve_url(settings.LOGIN_REDIRECT_URL)
        return url

    def get_context_data(self, **kwargs):
        return super().get_context_data(sso_label=button_label() if enabled() else "", **kwargs)

    def form_valid(self, form):
        account = form.get_user()
        if password_refused(account):
            log.info("single sign-on: password refused to %s, linked to the provider", account.get_username())
            form.add_error(None, _("Your account signs in with the City's account: use the button above."))
            return self.form_invalid(form)
        super().form_valid(form)  # user_logged_in: the step owed is set
        return redirect(onward(self.request, self.get_success_url()))


def onward(request, next_url: str) -> str:
    """Where a signed-in session goes next: the second factor's page it still owes (which then
    leads to `next_url`), or `next_url`."""
    step = twofactor.session_step(request)
    return twofactor.page_for(step, next_url) if step else next_url


class SignOnStartView(OIDCAuthenticationRequestView):
    """The button's address: off to the provider with a fresh state, nonce and PKCE challenge."""

    get_settings = staticmethod(client_setting)
    login_required = False

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoint is looked up in `get`, where failure is a page

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("authorization")
        except ProviderUnavailable as error:
            log.warning("single sign-on: %s", error)
            return refusal(request, "unavailable", status=502)
        self.OIDC_RP_CLIENT_ID = settings.PONTE_OIDC_CLIENT_ID
        return super().get(request)


class SignOnCallbackView(View):
    """The provider sends the person back here with a code; state, nonce and PKCE verifier come
    from the session of the browser that started (mozilla-django-oidc's `oidc_states`)."""

    http_method_names = ["get"]
    login_required = False

    def get(self, request):
        if not enabled():
            raise Http404
        states = request.session.get("oidc_states") or {}
        state = request.GET.get("state", "")
        started = states.pop(state, None) if state else None
        if started is not None:
            request.session["oidc_states"] = states  # each state is used once
        if request.GET.get("error"):
            log.warning("single sign-on: the provider answered %s", request.GET.get("error"))
            return refusal(request, "cancelled", status=400)
        if started is None or not request.GET.get("code"):
            return refusal(request, "state", status=400)
        backend = StaffBackend()
        try:
            account = backend.authenticate(request, nonce=started["nonce"], code_verifier=started.get("code_verifier"))
        except Refused as refused:
            return refusal(request, refused.reason, email=refused.username, username=refused.username)
        except (ProviderUnavailable, requests.ConnectionError, requests.Timeout) as error:
            log.warning("single sign-on failed: %s", error)
            return refusal(request, "unavailable", status=502)
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException, ValueError, KeyError) as error:
            # A bad signature, an expired token, keys without the token's kid, a provider's error…
            log.warning("single sign-on failed: %s", error)
            return refusal(request, "claims")
        if account is None or not account.is_active:
            return refusal(request, "claims")
        return self.signed_in(request, account, backend)

    def signed_in(self, request, account, backend):
        next_url = request.session.get("oidc_login_next") or resolve_url(settings.LOGIN_REDIRECT_URL)
        login(request, account, backend=ACCOUNT_BACKEND)  # user_logged_in: the step owed is set
        mfa = asserts_second_factor(backend.id_token_claims)
        if mfa:
            request.session[twofactor.SESSION_KEY] = ""
        request.session[SESSION_KEY] = {"id_token": backend.id_token, "mfa": mfa}
        log.info("single sign-on: %s signed in (provider's second factor: %s)", account.get_username(), mfa)
        return redirect(onward(request, next_url))


class SignOutView(LogoutView):
    """Django's logout; after a single sign-on, also at the provider when
    `PONTE_OIDC_LOGOUT_AT_PROVIDER` is on and it publishes an `end_session_endpoint`."""

    def post(self, request, *args, **kwargs):
        id_token = (request.session.get(SESSION_KEY) or {}).get("id_token")
        response = super().post(request, *args, **kwargs)
        if not (id_token and enabled() and settings.PONTE_OIDC_LOGOUT_AT_PROVIDER):
            return response
        try:
            end_session = endpoint("end_session")
        except ProviderUnavailable:
            return response
        if not end_session:
            return response
        back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
        query = urlencode(
            {"id_token_hint": id_token, "post_logout_redirect_uri": back, "client_id": settings.PONTE_OIDC_CLIENT_ID}
        )
        return redirect(f"{end_session}?{query}")

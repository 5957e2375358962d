"""Passkeys (WebAuthn) as a second factor for staff (issue 14), through django-otp-webauthn: its
models, its ceremony endpoints and its JavaScript (served from our static files, as ordinary
scripts the Content-Security-Policy allows), adapted here to Ponte's rules (`ponte.core.twofactor`):

- only ever after the password (passwordless sign-in is off);
- the relying party is the site's domain (`PONTE_WEBAUTHN_RP_ID`, by default the request's host)
  and the expected origin the configured addresses or the request's own;
- a passkey that is not the person's, or fails its check, counts as a failed sign-in for
  django-axes' lockout, like a wrong code; once locked out the half-done sign-in is ended;
- what goes wrong is told in the person's language, never as an API's English.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.urls import path
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from . import sso, twofactor
from .lockout import lockout_message

# Failures that are an attempt with a key: counted for the lockout.
COUNTED = (
    exceptions.CredentialNotFound,
    exceptions.CredentialUserMismatch,
    exceptions.CredentialDisabled,
    exceptions.UnprocessableEntity,
)


def relying_party_id(request) -> str:
    """The domain passkeys are made for: PONTE_WEBAUTHN_RP_ID, or the host the person uses."""
    if settings.PONTE_WEBAUTHN_RP_ID:
        return settings.PONTE_WEBAUTHN_RP_ID
    host, _port = split_domain_port(request.get_host())
    return host


def configuration(request) -> dict:
    """What django-otp-webauthn's scripts read from the page (`json_script`, not executed)."""
    return get_configuration(request)


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        configured = super().get_allowed_origins()
        return configured or [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user, response, parsed_credential, original_data):
        credential = super().create_credential(user, response, parsed_credential, original_data)
        # A name until the person gives theirs (the page asks for it right after).
        credential.name = _("Passkey %(number)s") % {"number": twofactor.passkeys(user).count() + 1}
        return credential


def message_for(error) -> str:
    """What the person reads when the server refuses a passkey."""
    if isinstance(error, exceptions.CredentialNotFound | exceptions.CredentialUserMismatch):
        return _("This passkey is not registered for your account. Use another passkey or the code of your app.")
    if isinstance(error, exceptions.CredentialDisabled):
        return _("This passkey can no longer be used. Use another passkey or the code of your app.")
    if isinstance(error, exceptions.InvalidState):
        return _("The request has expired. Press the button again.")
    if isinstance(error, exceptions.NotVerified):
        return _("Sign in with your second factor before adding a passkey.")
    if isinstance(error, exceptions.NotAuthenticated | exceptions.PasswordlessLoginDisabled):
        return _("Sign in with your password first.")
    return _("The passkey could not be checked. Try again, or use the code of your app.")


class ItalianErrorsMixin:
    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return JsonResponse({"detail": message_for(exc), "code": exc.code}, status=exc.status_code)
        return super().handle_exception(exc)


class ProviderFactorMixin:
    """Adding a passkey needs the second factor given in this session (django-otp-webauthn's
    check); a single sign-on whose provider asked for one (ponte.core.sso) gave it, though it is
    not one of Ponte's devices."""

    def user_is_mfa_enrolled(self, user) -> bool:
        sso_session = self.request.session.get(sso.SESSION_KEY) or {}
        if sso_session.get("mfa") and twofactor.session_step(self.request) == "":
            return False
        return super().user_is_mfa_enrolled(user)


class RegistrationBegin(ItalianErrorsMixin, ProviderFactorMixin, BeginCredentialRegistrationView):
    pass


class RegistrationComplete(ItalianErrorsMixin, ProviderFactorMixin, CompleteCredentialRegistrationView):
    pass


class AuthenticationBegin(ItalianErrorsMixin, BeginCredentialAuthenticationView):
    pass


class AuthenticationComplete(ItalianErrorsMixin, CompleteCredentialAuthenticationView):
    """The passkey's answer after the password. A refused one counts for the lockout, as a wrong
    code does on the code page; a locked-out sign-in is ended (429 with the time to retry)."""

    def credentials(self):
        return {"username": self.request.user.get_username()}

    def locked_out(self):
        message = lockout_message(self.request)
        logout(self.request)
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)

    def post(self, request, *args, **kwargs):
        if AxesProxyHandler.is_locked(request, self.credentials()):
            return self.locked_out()
        try:
            response = super().post(request, *args, **kwargs)
        except COUNTED as error:
            user_login_failed.send(sender=__name__, credentials=self.credentials(), request=request)
            if getattr(request, "axes_locked_out", False):
                return self.locked_out()
            return self.handle_exception(error)
        request.session[twofactor.SESSION_KEY] = ""
        return response


app_name = "otp_webauthn"  # the namespace django-otp-webauthn reverses its endpoints in
urlpatterns = [
    path("registrazione/inizio/", RegistrationBegin.as_view(), name="credential-registration-begin"),
    path("registrazione/fine/", RegistrationComplete.as_view(), name="credential-registration-complete"),
    path("verifica/inizio/", AuthenticationBegin.as_view(), name="credential-authentication-begin"),
    path("verifica/fine/", AuthenticationComplete.as_view(), name="credential-authentication-complete"),
    # The scripts' own texts (they call gettext()), as a script from this site.
    path("testi.js", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]

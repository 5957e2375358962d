"""The signed-in person (SPID/CIE) of a request, and the hooks the public forms call.

The person lives under its own session key, never in `request.user`: a SPID/CIE sign-in leaves
the request anonymous for Django's authentication, so nothing staff-only ever admits it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Citizen, CitizenQuestion, CitizenRegistration, IdentitySettings, Profile

SESSION_KEY = "ponte_citizen"


def settings_for(city) -> IdentitySettings | None:
    return IdentitySettings.objects.select_related("entity").filter(city=city).first()


def offered_profiles(city) -> list[str]:
    """SPID and/or CIE, as the city offers them (an empty list: no button anywhere)."""
    row = settings_for(city)
    if row is None:
        return []
    return [profile for profile in (Profile.SPID, Profile.CIE) if row.offers(profile)]


def entity_id(city, base: str | None = None) -> str:
    """The relying party's entity identifier for `city` (also its `client_id`)."""
    base = (base or settings.SITE_URL).rstrip("/")
    return base + reverse("citizens:entity", kwargs={"city": city.slug}).removesuffix("/")


def record(*, city, attributes: dict, profile: str, provider: str) -> Citizen:
    """The person of `attributes` in `city` (one per fiscal number), updated with what was proved."""
    with transaction.atomic():
        citizen, _ = Citizen.objects.select_for_update().get_or_create(
            city=city, fiscal_number=attributes["fiscal_number"], defaults={"profile": profile, "provider": provider}
        )
        citizen.given_name = attributes.get("given_name", "")
        citizen.family_name = attributes.get("family_name", "")
        citizen.email = attributes.get("email", "")
        citizen.profile, citizen.provider, citizen.last_sign_in_at = profile, provider, timezone.now()
        citizen.save()
    return citizen


STATE_KEY = "ponte_citizen_states"


def remember_state(request, state: str) -> None:
    """Bind a sign-in to the browser that started it (login CSRF: nobody can make someone else's
    browser finish a sign-in started elsewhere). A few at once: several tabs."""
    request.session[STATE_KEY] = [*request.session.get(STATE_KEY, [])[-4:], state]


def state_is_this_browsers(request, state: str | None) -> bool:
    states = request.session.get(STATE_KEY, [])
    if not state or state not in states:
        return False
    request.session[STATE_KEY] = [held for held in states if held != state]
    return True


SIGNED_IN_FOR = timedelta(hours=2)  # a public sign-in lasts the time of a visit, not the session's weeks


def sign_in(request, citizen: Citizen) -> None:
    request.session.cycle_key()  # a new session id for a new identity
    until = (timezone.now() + SIGNED_IN_FOR).timestamp()
    request.session[SESSION_KEY] = {"id": citizen.pk, "city": citizen.city.slug, "until": until}


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current(request, city) -> Citizen | None:
    """The person signed in with SPID/CIE in `city` in this browser, or None."""
    held = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not held or held.get("city") != city.slug or held.get("until", 0) < timezone.now().timestamp():
        return None
    if not offered_profiles(city):
        return None  # the city turned the sign-in off: the session no longer counts
    return Citizen.objects.filter(pk=held.get("id"), city=city).first()


# Hooks for the public forms (participation): each is a no-op for an anonymous visitor.


def prefill(request, city) -> dict:
    """Initial values of a public form (name, email) from the signed-in person's identity."""
    citizen = current(request, city)
    if citizen is None:
        return {}
    return {"name": citizen.full_name, "email": citizen.email}


def email_verified(request, city, email: str) -> bool:
    """True when `email` is the address the identity provider proved for the signed-in person:
    the registration may skip the e-mail confirmation step."""
    citizen = current(request, city)
    return bool(citizen and citizen.email and citizen.email == (email or "").strip().lower())


def lock_proved_fields(form, request, city):
    """Make the fields the identity proves read-only on `form` (their value is the identity's,
    whatever is posted); the others stay editable."""
    citizen = current(request, city)
    if citizen is not None and citizen.email and "email" in form.fields:
        form.fields["email"].disabled = True
        form.fields["email"].initial = citizen.email
        form.fields["email"].help_text = _("Verified by your SPID/CIE identity.")
    return form


def link_registration(request, city, registration) -> Citizen | None:
    """Put the registration on the signed-in person's page; their Citizen, or None if nobody is."""
    citizen = current(request, city)
    if citizen is not None:
        CitizenRegistration.objects.get_or_create(registration=registration, defaults={"citizen": citizen})
    return citizen


def link_question(request, city, question) -> Citizen | None:
    """Put the question on the signed-in person's page, so they can follow its ticket."""
    citizen = current(request, city)
    if citizen is not None:
        CitizenQuestion.objects.get_or_create(question=question, defaults={"citizen": citizen})
    return citizen

"""SPID/CIE sign-in pages: provider choice, start, callback, the person's page, sign-out,
and the relying party's entity configuration. All public: none of them touches `request.user`."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ponte.core.views import CityMixin
from ponte.participation.models import Question, Registration

from . import federation, services
from .models import Profile

PROFILE_NAMES = {Profile.SPID: "SPID", Profile.CIE: "CIE"}


class IdentityMixin(CityMixin):
    """A page of a city that offers SPID or CIE (otherwise 404)."""

    login_required = False

    def check_parent(self):
        self.identity = services.settings_for(self.city)
        profiles = services.offered_profiles(self.city)
        if not profiles:
            raise Http404
        profile = self.kwargs.get("profile")
        if profile is not None and profile not in profiles:
            raise Http404

    def next_url(self, value: str | None) -> str:
        """Where to go back: a page of this city on this site, else the city's home."""
        home = reverse("portal:home", kwargs={"city": self.city.slug})
        if value and url_has_allowed_host_and_scheme(value, allowed_hosts=None) and value.startswith(home):
            return value
        return home


def error_page(request, city, message, status):
    return render(request, "citizens/error.html", {"city": city, "message": message}, status=status)


class ChooseView(IdentityMixin, TemplateView):
    """ "Entra con SPID": the person picks their identity provider (one button each)."""

    template_name = "citizens/choose.html"

    def get_context_data(self, **kwargs):
        profile = kwargs.pop("profile")
        return super().get_context_data(
            profile=profile,
            profile_name=PROFILE_NAMES[profile],
            providers=self.identity.providers(profile),
            next=self.next_url(self.request.GET.get("next")),
            **kwargs,
        )


class StartView(IdentityMixin, View):
    """A provider chosen: record the request, bind it to this browser and go to the provider.

    A link (GET), not a form: the policy's form-action would refuse a form redirected to the
    provider; what could be forged (starting a sign-in) gives nothing, since the callback takes
    only a state this browser's session holds."""

    def get(self, request, *args, **kwargs):
        profile = self.kwargs["profile"]
        provider = self.identity.provider(profile, request.GET.get("provider", ""))
        if provider is None:
            return error_page(request, self.city, _("Choose one of the identity providers listed."), 400)
        callback = request.build_absolute_uri(reverse("citizens:callback", kwargs={"city": self.city.slug}))
        registered = self.identity.entity.metadata["openid_relying_party"]["redirect_uris"]
        redirect_uri = callback if callback in registered else registered[0]
        try:
            url, state = federation.authorization_url(
                settings_row=self.identity,
                profile=profile,
                provider=provider["sub"],
                redirect_uri=redirect_uri,
                next_url=self.next_url(request.GET.get("next")),
            )
        except federation.SignInError as error:
            return error_page(request, self.city, error.message, error.status)
        services.remember_state(request, state)
        return HttpResponseRedirect(url)


class CallbackView(IdentityMixin, View):
    """The provider sends the person back here with a code (or an error) and the state."""

    def get(self, request, *args, **kwargs):
        params = request.GET.dict()
        try:
            if not services.state_is_this_browsers(request, params.get("state")):
                raise federation.SignInError(
                    _("This sign-in was started in another browser or has expired: please sign in again."), 400
                )
            sign_in = federation.claim_request(city=self.city, state=params.get("state"))
            attributes = federation.identity(settings_row=self.identity, sign_in=sign_in, params=params)
        except federation.SignInError as error:
            return error_page(request, self.city, error.message, error.status)
        citizen = services.record(
            city=self.city, attributes=attributes, profile=sign_in.profile, provider=sign_in.provider
        )
        services.sign_in(request, citizen)
        return redirect(self.next_url(sign_in.next_url))


class SignOutView(IdentityMixin, View):
    def post(self, request, *args, **kwargs):
        services.sign_out(request)
        return redirect("portal:home", city=self.city.slug)


class MineView(IdentityMixin, TemplateView):
    """ "My registrations and questions": what the signed-in person did in this city."""

    template_name = "citizens/mine.html"

    def get(self, request, *args, **kwargs):
        self.citizen = services.current(request, self.city)
        if self.citizen is None:
            return render(request, "citizens/signed_out.html", self.get_context_data(), status=200)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        citizen = getattr(self, "citizen", None)
        registrations = questions = []
        if citizen is not None:
            registrations = (
                Registration.objects.for_city(self.city)
                .filter(citizen_link__citizen=citizen)
                .select_related("event")
                .order_by("-event__starts_at")
            )
            questions = (
                Question.objects.for_city(self.city).filter(citizen_link__citizen=citizen).order_by("-created_at")
            )
        return super().get_context_data(citizen=citizen, registrations=registrations, questions=questions, **kwargs)


def entity_configuration(request, city):
    """The relying party's signed entity configuration (OpenID Federation `.well-known`)."""
    from ponte.core.models import City

    city = City.objects.filter(slug=city).first()
    row = services.settings_for(city) if city else None
    if row is None or row.entity is None or not row.entity.is_active or not services.offered_profiles(city):
        raise Http404
    return HttpResponse(row.entity.entity_configuration_as_jws, content_type="application/entity-statement+jwt")

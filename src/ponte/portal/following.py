"""The public side of following (see `follow.py`): the "Follow" box of an action's, a project's
and a theme's page, the confirmation link and the one-click unsubscribe page."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import FormView, TemplateView

from ponte.core import ratelimit
from ponte.core.forms import HoneypotMixin, StyledFormMixin
from ponte.participation.views import REGISTRATIONS_PER_HOUR, UnsubscribeView

from . import follow
from .models import Follower
from .views import PortalMixin


class FollowForm(StyledFormMixin, HoneypotMixin, forms.Form):
    CONSENT = gettext_lazy(
        "I agree that the City uses my address only to tell me when this changes; I can stop at any time "
        "with the link in every mail."
    )
    prefix = "follow"

    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        max_length=254,  # the column's length (RFC 5321 path)
        error_messages={"required": gettext_lazy("Enter the e-mail address to write to.")},
    )
    consent = forms.BooleanField(
        label=CONSENT,
        error_messages={"required": gettext_lazy("Tick the consent: without it we cannot write to you.")},
    )


def crumbs_of(view, thing):
    """The trail of the followed thing's page, then the page itself."""
    trail = [(_("The plan"), view.url("portal:plan"))]
    if follow.kind_of(thing) == "progetto":
        trail = [(_("Funded projects"), view.url("portal:project-list"))]
    return [*trail, (str(thing), follow.page_of(thing))]


class FollowView(ratelimit.RateLimitedPostMixin, PortalMixin, FormView):
    """The box's POST; its page shows the form again when something is to correct (and is the
    box on its own for a GET)."""

    template_name = "portal/follow.html"
    form_class = FollowForm
    rate_limit = REGISTRATIONS_PER_HOUR

    @property
    def rate_scope(self):
        return f"follow:{self.city.slug}"

    def get_thing(self):
        thing = follow.followable(self.city, self.kwargs["kind"], self.kwargs["key"])
        if thing is None:
            raise Http404
        return thing

    def get_crumbs(self, context):
        return [*crumbs_of(self, context["thing"]), (pgettext("follow a public thing", "Follow"), None)]

    def get_context_data(self, **kwargs):
        thing = self.get_thing()
        return super().get_context_data(thing=thing, thing_url=follow.page_of(thing), **kwargs)

    def form_valid(self, form):
        thing = self.get_thing()
        follower = follow.follow(
            city=self.city,
            thing=thing,
            email=form.cleaned_data["email"],
            language=translation.get_language() or "it",
            consent_text=str(FollowForm.CONSENT),
        )
        if follower.confirmation_pending:
            messages.warning(
                self.request,
                _(
                    "Your request is saved, but we could not send the mail to %(email)s right now: we will "
                    "send it again shortly. Confirm from that mail to start following."
                )
                % {"email": follower.email},
            )
        else:
            messages.success(
                self.request,
                _(
                    "We have sent you an e-mail to confirm: open the link in it to follow “%(thing)s”. "
                    "Nothing is sent to you until you do."
                )
                % {"thing": thing},
            )
        return redirect(follow.page_of(thing))  # its top, where the message is


class FollowConfirmView(PortalMixin, TemplateView):
    template_name = "portal/follow_confirm.html"

    def get_crumbs(self, context):
        return [(pgettext("follow a public thing", "Follow"), None)]

    def get_context_data(self, **kwargs):
        follower, outcome = follow.confirm(city=self.city, token=self.kwargs["token"])
        page = follow.page_of(follower.followed) if follower else None
        # No "rate this page" here: it would keep the address, and the secret token in it.
        return super().get_context_data(
            follower=follower, outcome=outcome, follower_page=page, no_rating=True, **kwargs
        )


class UnfollowView(PortalMixin, UnsubscribeView):
    """GET asks; POST stops following — also the one-click POST of mail clients (RFC 8058),
    handled as the newsletter's."""

    template_name = "portal/unfollow.html"

    def get_crumbs(self, context):
        return [(_("Stop following"), None)]

    def get_context_data(self, **kwargs):
        follower = Follower.objects.for_city(self.city).filter(token=self.kwargs["token"]).first()
        return super().get_context_data(follower=follower, no_rating=True, **kwargs)

    def unsubscribe(self, token):
        follow.unfollow(city=self.city, token=token)


app_name = "following"
urlpatterns = [
    path("conferma/<uuid:token>/", FollowConfirmView.as_view(), name="confirm"),
    path("annulla/<uuid:token>/", UnfollowView.as_view(), name="unfollow"),
    path("<slug:kind>/<str:key>/", FollowView.as_view(), name="follow"),
]

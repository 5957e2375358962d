"""Public pages of the city's network memberships and candidacies (issue 15): what a citizen
wants to know of each, read from `public.memberships` and `public.candidacies` like the
sitemap and the search, so a draft never reaches a page."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import public
from .views import PortalMixin

RELATIONS = (_("International relations"), "portal:relations")


class NetworkListView(PortalMixin, TemplateView):
    template_name = "portal/network_list.html"
    crumbs = [RELATIONS, (_("International networks"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(memberships=list(public.memberships(self.city)), **kwargs)


class NetworkView(PortalMixin, TemplateView):
    """One membership: network, role of the city, since when, mandate, working groups, actions."""

    template_name = "portal/network.html"

    def get_crumbs(self, context):
        return [
            (RELATIONS[0], self.url(RELATIONS[1])),
            (_("International networks"), self.url("portal:network-list")),
            (context["membership"].network.localized_name, None),
        ]

    def get_context_data(self, **kwargs):
        membership = get_object_or_404(public.memberships(self.city), pk=self.kwargs["pk"])
        return super().get_context_data(membership=membership, **kwargs)


class CandidacyListView(PortalMixin, TemplateView):
    template_name = "portal/candidacy_list.html"
    crumbs = [RELATIONS, (_("Candidacies and awards"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(candidacies=list(public.candidacies(self.city)), **kwargs)


class CandidacyView(PortalMixin, TemplateView):
    """One candidacy: title, awarding body, year, deadline, status, outcome, actions."""

    template_name = "portal/candidacy.html"

    def get_crumbs(self, context):
        return [
            (RELATIONS[0], self.url(RELATIONS[1])),
            (_("Candidacies and awards"), self.url("portal:candidacy-list")),
            (context["candidacy"].title, None),
        ]

    def get_context_data(self, **kwargs):
        candidacy = get_object_or_404(public.candidacies(self.city), pk=self.kwargs["pk"])
        return super().get_context_data(candidacy=candidacy, **kwargs)

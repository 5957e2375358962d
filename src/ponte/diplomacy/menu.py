"""City diplomacy's entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("International relations"), "diplomacy:relation-list", "diplomacy", 10),
    Item(_("Networks of cities"), "diplomacy:membership-list", "diplomacy", 20),
    Item(_("Missions and visits"), "diplomacy:mission-list", "diplomacy", 30),
    Item(_("Candidacies and awards"), "diplomacy:candidacy-list", "diplomacy", 40),
    Item(_("Consulates and embassies"), "diplomacy:representation-list", "diplomacy", 50),
]

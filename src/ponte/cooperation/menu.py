"""Cooperation's entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("Cooperation and peace"), "cooperation:initiative-list", "cooperation", 10),
    Item(_("Good practices"), "cooperation:practice-list", "cooperation", 20),
]

"""The funds chapter's entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("Funding portfolio"), "funding:portfolio", "funds", 10),
    Item(_("Projects"), "funding:project-list", "funds", 20),
    Item(_("Calls"), "funding:call-list", "funds", 30),
    Item(_("Partner search"), "funding:partner-search", "funds", 40),
]

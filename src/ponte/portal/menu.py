"""The news desk's and the page ratings' entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("News"), "newsdesk:list", "events", 40),
    Item(_("Page ratings"), "page-ratings:list", "events", 45),
]

"""The news desk's, the page ratings' and the followers' entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("News"), "newsdesk:list", "events", 40),
    Item(_("Page ratings"), "page-ratings:list", "events", 45),
    Item(_("Followers"), "followers:list", "events", 46),
]

"""The SDG suggestions' entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("Suggestions to assess"), "intelligence:review", "plan", 62),
    # It suggests goals for actions and indicators as well as calls: beside "Suggestions to assess".
    Item(_("SDG suggestions in bulk"), "intelligence:bulk", "plan", 63),
]

"""The notification centre's entries in the back-office menu (see `ponte.core.menu`); the bell in
the staff header leads to the first one too."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("Notifications"), "collaboration:notifications", "personal", 10),
    Item(_("Notification preferences"), "collaboration:preferences", "personal", 20),
]

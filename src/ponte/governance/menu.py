"""Governance's entries in the back-office menu (see `ponte.core.menu`)."""

from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item

items = [
    Item(_("Bodies"), "governance:body-list", "governance", 10),
]

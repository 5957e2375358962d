"""Reporting's entries in the back-office menu (see `ponte.core.menu`) and the home's card of the
person's deadlines."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ponte.core.menu import Item, Panel, Row

from . import deadlines

items = [
    Item(_("Dashboard"), "reports:dashboard", "reports", 10),
    Item(_("My deadlines"), "reports:my-deadlines", "reports", 15),
    Item(_("Reports"), "reports:list", "reports", 20),
]


def my_deadlines(request, city, *, weeks: int = 6, shown: int = 12) -> Panel:
    """The person's overdue deadlines and those of the coming `weeks`, overdue first."""
    today = timezone.localdate()
    found = deadlines.for_user(request.user, city, today, days=weeks * 7)
    rows = [
        Row(
            d.title,
            d.url,
            " · ".join(part for part in (str(d.kind_label), d.note) if part),
            d.day,
            alert=gettext("overdue") if d.overdue else "",
        )
        for d in found[:shown]
    ]
    return Panel(
        # Says its span: "Le mie scadenze" lists the coming year too, so the two counts differ.
        gettext("Deadlines: overdue and the next six weeks"),
        rows,
        reverse("reports:my-deadlines", kwargs={"city": city.slug}),
        gettext("All my deadlines"),
        gettext("Nothing overdue, nothing due in the next six weeks."),
        count=len(found),
        order=3,
    )


panels = [my_deadlines]

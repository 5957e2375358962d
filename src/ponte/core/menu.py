"""The back office's navigation and home, assembled from what each domain app declares.

Like Wagtail's admin menu: every app has a `menu.py` whose `items` list names its entries
(`Item(label, url name, group, order)`); the shell only collects them. An entry is shown exactly
when the signed-in person may open its view: its URL is resolved to the view and the view's own
`permission(user, city)` is asked, so the menu follows the views when their permissions change.

The same modules feed the staff's home (`/<city>/gestione/`): `panels`, functions of
(request, city) returning a `Panel` of the person's work (shown when they may open the list it
summarises). Every kind of deadline is gathered in one place, `ponte.reports.deadlines`, whose
card of the person's deadlines is one of these panels.
"""

import datetime
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module, util

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from . import permissions

# The chapters of the sidebar, in their order.
GROUPS = {
    "plan": _("Plan"),
    "funds": _("Funds"),
    "diplomacy": _("City diplomacy"),
    "cooperation": _("Cooperation"),
    "governance": _("Governance"),
    "events": _("Events and communication"),
    "desk": _("Europe Direct"),
    "reports": _("Monitoring and reports"),
    "directory": _("Directory"),
    "administration": _("Administration"),
    "personal": _("Personal area"),
}


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    group: str
    order: int = 100
    # False for pages outside the city (the Django admin); their view decides in `shown`.
    city_url: bool = True
    # A function of (request, city) giving a count shown beside the label (items to review), or None.
    badge: object = None

    def url(self, city) -> str | None:
        """The entry's address in `city`, or None while its page does not exist yet."""
        return _address(self.url_name, city.slug if self.city_url else None, *_url_setting())

    def is_shown(self, request, city, url) -> bool:
        if not self.city_url:
            return admin.site.has_permission(request) if self.url_name.startswith("admin:") else False
        return may_open(request.user, city, url)


# Every page shows the menu: its ~35 addresses and their views are computed once per process
# (per URL configuration, script prefix and language), not reversed and resolved on each request.
def _url_setting() -> tuple:
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())


@lru_cache(maxsize=8192)
def _address(url_name, city_slug, _urlconf, _prefix, _language) -> str | None:
    try:
        return reverse(url_name, kwargs={"city": city_slug} if city_slug is not None else None)
    except NoReverseMatch:
        return None


@lru_cache(maxsize=8192)
def _view_class(url, _urlconf, _prefix, _language):
    return getattr(resolve(url).func, "view_class", None)


def may_open(user, city, url) -> bool:
    """Whether `user` passes the permission of the back-office view at `url` in `city`."""
    view_class = _view_class(url, *_url_setting())
    if view_class is None or not hasattr(view_class, "permission"):
        return False
    if not getattr(view_class, "login_required", True):
        # A public page in the staff menu (the events list) is for the city's staff.
        return permissions.can_view(user, city)
    return bool(view_class.permission(user, city))


@cache
def menu_modules() -> tuple:
    """Every installed app's `menu` module, in the order of INSTALLED_APPS."""
    names = (f"{config.name}.menu" for config in apps.get_app_configs())
    return tuple(import_module(name) for name in names if util.find_spec(name) is not None)


@cache
def all_items() -> tuple[Item, ...]:
    """Every app's declared entries, sorted by group and order."""
    found = [item for module in menu_modules() for item in getattr(module, "items", ())]
    groups = list(GROUPS)
    return tuple(sorted(found, key=lambda item: (groups.index(item.group), item.order)))


@dataclass
class Entry:
    item: Item
    url: str
    current: bool = False
    count: int | None = None

    @property
    def label(self):
        return self.item.label


@dataclass
class Group:
    key: str
    label: str
    entries: list


def staff_menu(request, city) -> list[Group]:
    """The groups and entries `request.user` may open in `city`; the entry of the page being
    shown (the longest address that starts the current path) is marked current."""
    groups: dict[str, Group] = {}
    entries = []
    for item in all_items():
        url = item.url(city)
        if url is None or not item.is_shown(request, city, url):
            continue
        entry = Entry(item, url, count=item.badge(request, city) if item.badge else None)
        entries.append(entry)
        groups.setdefault(item.group, Group(item.group, GROUPS[item.group], [])).entries.append(entry)
    matching = [entry for entry in entries if request.path.startswith(entry.url)]
    if matching:
        max(matching, key=lambda entry: len(entry.url)).current = True
    return list(groups.values())


def current_entry(menu: list[Group]) -> tuple[Group, Entry] | tuple[None, None]:
    for group in menu:
        for entry in group.entries:
            if entry.current:
                return group, entry
    return None, None


@dataclass
class Row:
    label: str
    url: str
    note: str = ""
    date: datetime.date | None = None
    alert: str = ""  # a red badge beside the row ("overdue")
    done_url: str = ""  # where a "Mark done" button posts, for rows of tasks
    done_label: str = ""  # that button's words when not "Mark done" (a mitigation is "completata")


@dataclass
class Panel:
    """A card of the staff's home: a few rows of someone's work and the list they come from."""

    title: str
    rows: list
    more_url: str | None  # None: the rows come from several lists
    more_label: str
    empty: str
    count: int = 0
    order: int = 100


def home_panels(request, city) -> list[Panel]:
    panels = []
    for module in menu_modules():
        for build in getattr(module, "panels", ()):
            panel = build(request, city)
            if panel is not None and (panel.more_url is None or may_open(request.user, city, panel.more_url)):
                panels.append(panel)
    return sorted(panels, key=lambda panel: panel.order)


# The core's own entries. People and users are filled by their pages as they land: an entry
# whose URL name does not resolve yet is left out.
def items_to_review(request, city) -> int:
    from . import review

    return review.pending_count(city)


items = [
    Item(_("To review"), "core:review-queue", "plan", 5, badge=items_to_review),
    Item(_("My items in review"), "core:review-mine", "plan", 6),
    Item(_("Review before publication"), "core:review-settings", "administration", 5),
    Item(_("Risk register"), "core:risk-list", "plan", 78),
    Item(_("Imports"), "core:import-list", "funds", 50),
    Item(_("Search everything"), "core:staff-search", "directory", 5),
    Item(_("Organisations"), "core:organisation-list", "directory", 10),
    Item(_("People"), "core:person-list", "directory", 20),
    Item(_("Users and roles"), "core:user-list", "directory", 30),
    Item(_("Django administration"), "admin:index", "administration", 10, city_url=False),
]


def imports_to_watch(request, city) -> Panel:
    """Imports still running, and those that failed in the last fortnight."""
    from .models import ImportJob

    since = timezone.now() - datetime.timedelta(days=14)
    jobs = (
        ImportJob.objects.for_city(city)
        .filter(
            Q(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
            | Q(status=ImportJob.Status.FAILED, created_at__gte=since)
        )
        .order_by("-created_at")
    )
    rows = [
        Row(
            job.source_name or job.kind,
            reverse("core:import-detail", kwargs={"city": city.slug, "pk": job.pk}),
            job.get_status_display(),
        )
        for job in jobs[:6]
    ]
    return Panel(
        gettext_now("Imports running or failed"),
        rows,
        reverse("core:import-list", kwargs={"city": city.slug}),
        gettext_now("All imports"),
        gettext_now("No import running, none failed in the last two weeks."),
        count=jobs.count(),
        order=60,
    )


def my_follow_ups(request, city, *, shown: int = 8) -> Panel:
    """The follow-ups given to the signed-in person, not done yet: due date, link to their
    origin (the meeting, the mission), overdue ones marked, each with its "Mark done"."""
    from .queries import open_follow_ups_of, with_origins

    tasks = open_follow_ups_of(request.user, city)
    rows = []
    for task in with_origins(tasks[:shown]):
        origin = task.origin
        rows.append(
            Row(
                task.title,
                origin.get_absolute_url() if hasattr(origin, "get_absolute_url") else "",
                f"{capfirst(task.content_type.name)}: {origin}" if origin is not None else "",
                task.due_date,
                alert=gettext_now("overdue") if task.is_overdue else "",
                done_url=reverse("core:follow-up-done", kwargs={"city": city.slug, "task": task.pk}),
                done_label=pgettext("a mitigation", "Mark done") if task.content_type.model == "risk" else "",
            )
        )
    return Panel(
        gettext_now("My follow-ups"),
        rows,
        more_url=None,
        more_label="",
        empty=gettext_now("No follow-up is waiting for you."),
        count=tasks.count(),
        order=5,
    )


def items_to_review_panel(request, city, *, shown: int = 6) -> Panel | None:
    """A plan owner's items awaiting review, the oldest first (when the city reviews anything)."""
    from . import review

    if not (city.review_updates or city.review_news or city.review_faq) or not review.can_review(request.user, city):
        return None
    rows = [
        Row(entry.label, entry.url, f"{entry.kind_label} · {date_format(timezone.localtime(entry.item.submitted_at))}")
        for entry in review.pending(city, limit=shown)
    ]
    return Panel(
        gettext_now("To review"),
        rows,
        reverse("core:review-queue", kwargs={"city": city.slug}),
        gettext_now("Everything to review"),
        gettext_now("Nothing is waiting for review."),
        count=review.pending_count(city),
        order=3,
    )


def sent_back_panel(request, city, *, shown: int = 6) -> Panel | None:
    """What a reviewer sent back to the signed-in person, to correct: each item with the
    reviewer's comment and a link to its form; none when nothing was sent back."""
    from . import review

    if not (city.review_updates or city.review_news or city.review_faq):
        return None
    entries = review.sent_back_to(request.user, city)
    if not entries:
        return None
    rows = []
    for entry in entries[:shown]:
        reviewer = entry.item.reviewed_by
        who = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else _("a plan owner")
        note = _("%(kind)s · sent back by %(who)s: «%(comment)s»") % {
            "kind": entry.kind_label,
            "who": who,
            "comment": entry.item.review_comment,
        }
        rows.append(Row(entry.label, entry.adapter.edit_url(entry.item), note, alert=_("to correct")))
    return Panel(
        _("Sent back to you"),
        rows,
        reverse("core:review-mine", kwargs={"city": city.slug}),
        _("All my items in review"),
        "",
        count=len(entries),
        order=2,
    )


panels = [my_follow_ups, imports_to_watch, items_to_review_panel, sent_back_panel]

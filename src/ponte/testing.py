"""Expected answers of the permission matrices, shared by every app's tests.

Keys are the `users` fixture's: one user per role (`Membership.Role` values), an outsider with no
role in the city and an anonymous visitor."""

import re

STAFF = ["admin", "owner", "editor", "viewer", "funds", "diplomacy", "governance", "events", "desk"]
ROLES = [*STAFF, "outsider", "anonymous"]


def answers(*allowed: str) -> dict[str, int]:
    """200 for the roles in `allowed`, a redirect to log in for anonymous visitors, 403 for the rest."""
    return {role: 200 if role in allowed else 302 if role == "anonymous" else 403 for role in ROLES}


# Pages any staff member of the city may read; outsiders are refused, anonymous users sent to log in.
READ = answers(*STAFF)
# The plan's structure, weights, every action and indicator: administrators and plan owners.
EDIT = PLAN = answers("admin", "owner")
# Each chapter's work: administrators, plan owners and the chapter's officer.
FUNDS = answers("admin", "owner", "funds")
DIPLOMACY = answers("admin", "owner", "diplomacy")
GOVERNANCE = answers("admin", "owner", "governance")
EVENTS = answers("admin", "owner", "events")
DESK = answers("admin", "owner", "desk")
ORGANISATIONS = answers("admin", "owner", "funds", "diplomacy", "governance", "events")
# Staff accounts and roles: administrators only.
USERS = answers("admin")


def body(response) -> bytes:
    """A response's bytes, whether it was streamed (an open-data download computed now) or not
    (the same download served from the public cache)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


# Not crawled as a staff page: sign-in and sign-out, files, and downloads.
NOT_CRAWLED = re.compile(r"/(esci|logout|accesso|static|media)/|\.(csv|xlsx|ics|pdf|docx|json|ttl|xml|rdf)$")


def staff_page_name(path, city):
    """The URL name of a back-office page behind a login in `city`, or None (the staff-page crawls
    of core/tests/test_staff_pages_scale.py and bench/staff_pages.py)."""
    from django.urls import Resolver404, resolve

    if NOT_CRAWLED.search(path) or not path.startswith(f"/{city.slug}/"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not hasattr(view_class, "permission") or not getattr(view_class, "login_required", True):
        return None
    return match.view_name

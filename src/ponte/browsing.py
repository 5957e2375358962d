"""Browser journeys: a person in Debian's Chromium (driven by Playwright) with a real mouse,
keyboard and screen width. Shared by every app's journey tests through the fixtures in
`ponte.conftest` (`browser`, `visit`).

A journey clicks and types as a person does (`page.get_by_label(...).fill(...)`,
`page.get_by_role("button", name=...).click()`), never posts forms behind the page's back, and
asserts what the person sees and what the database and the SMTP inbox hold.

`make test` installs Chromium with apt when it is missing; the path can be changed with CHROMIUM
(default /usr/bin/chromium), the screenshots' folder with TEST_ARTEFACTS.
"""

import os
import re
from pathlib import Path

from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("TEST_ARTEFACTS", Path(settings.BASE_DIR) / "var" / "test-artefacts")) / "screenshots"
# The two widths every journey runs at: an office desktop and a phone.
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "mobile": {"width": 375, "height": 812}}
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # the rules axe-core checks: WCAG 2.1 A and AA
PASSWORD = "pw-for-tests"  # noqa: S105 - ponte.factories.UserFactory's password
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def log_in(page, base_url, user, password=PASSWORD):
    """Sign in through the login page, typing like a person."""
    page.goto(base_url + "/accesso/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert "/accesso/" not in page.url, f"login of {user} failed"


def shoot(page, name):
    """A full-page screenshot under the artefacts' folder (look at it with an image viewer)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    path = ARTEFACTS / f"{safe}.png"
    where = page.evaluate("() => [window.scrollX, window.scrollY]")
    page.screenshot(path=str(path), full_page=True)
    # A full-page screenshot stretches the viewport to the page's height and back, and leaves the
    # page scrolled elsewhere than before (to its end on a phone), until the next focus change
    # makes Chromium jump back: a Save pressed after a screenshot moved away under the press and
    # the click went to the form. The scroll is put back where the person left it.
    page.evaluate("([x, y]) => window.scrollTo(x, y)", where)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return path


class Visitor:
    """Opens pages for a person at one width, signed in or not; closes what it opened."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.contexts = browser, base_url, []

    def __call__(self, path="/", *, user=None, width="desktop"):
        # Bootstrap scrolls smoothly unless motion is reduced: a click aimed while the page still
        # glides to a field would land beside it, as no person's does.
        context = self.browser.new_context(viewport=WIDTHS[width], locale="it-IT", reduced_motion="reduce")
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.width_name = width
        if user is not None:
            log_in(page, self.base_url, user)
        page.goto(self.base_url + path)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


def menu(page, entry):
    """Open a back-office menu entry by clicks, as a person does: on a phone the menu is folded
    behind its "Menu" button first."""
    navigation = page.get_by_role("navigation", name="Menu dell'area riservata")
    link = navigation.get_by_role("link", name=entry, exact=True)
    if not link.is_visible():
        page.locator("#staff-menu > summary").click()
    link.click()


def axe_violations(page):
    """What axe-core (from npm, served from node_modules) finds against WCAG 2.1 A/AA on the page."""
    # Evaluated through DevTools, not added as an inline <script>: the site's Content-Security-Policy
    # refuses inline scripts, and rightly so (issue 14).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]

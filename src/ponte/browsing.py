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
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("TEST_ARTEFACTS", Path(settings.BASE_DIR) / "var" / "test-artefacts")) / "screenshots"
# The two widths every journey runs at: an office desktop and a phone.
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "mobile": {"width": 375, "height": 812}}
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # the rules axe-core checks: WCAG 2.1 A and AA
PASSWORD = "pw-for-tests"  # noqa: S105 - ponte.factories.UserFactory's password
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def log_in(page, base_url, user, password=PASSWORD, *, second_factor=True):
    """Sign in through the login page, typing like a person. When the person's role requires a
    second factor (issue 14) they get an authenticator (`give_authenticator`) unless they have
    one, and type its current code on the code page; `second_factor=False` stops after the
    password, for journeys about two-factor authentication itself."""
    from ponte.core import twofactor

    if second_factor and twofactor.required(user) and not twofactor.enrolled(user):
        give_authenticator(user)
    page.goto(base_url + "/accesso/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    if not second_factor:
        return
    if "/accesso/codice/" in page.url:
        page.get_by_label("Codice").fill(current_code(user))
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
    assert "/accesso/" not in page.url, f"login of {user} failed"


def give_authenticator(user):
    """A confirmed authenticator app for `user`, as if they had enrolled."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(user) -> str:
    """The 6-digit code `user`'s authenticator app shows now. A code is accepted once (replays
    are refused); a journey that signs the same person in twice within 30 s gets a fresh one by
    forgetting the last code used, as the app would have moved on to the next one."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t >= totp.t():
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=totp.t() - 1)
    return f"{totp.token():0{device.digits}d}"


def shoot(page, name):
    """A full-page screenshot under the artefacts' folder (look at it with an image viewer)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    path = ARTEFACTS / f"{safe}.png"
    where = page.evaluate("() => [window.scrollX, window.scrollY]")
    try:
        page.screenshot(path=str(path), full_page=True)
    except PlaywrightError as error:
        # On a loaded machine Chromium's compositor now and then refuses a full-page capture
        # ("Unable to capture screenshot"); the picture is an artefact, not what is tested.
        if "Unable to capture screenshot" not in str(error):
            raise
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(path), full_page=True)
    # A full-page screenshot stretches the viewport to the page's height and back, and leaves the
    # page scrolled elsewhere than before (to its end on a phone), until the next focus change
    # makes Chromium jump back: a Save pressed after a screenshot moved away under the press and
    # the click went to the form. The scroll is put back where the person left it.
    page.evaluate("([x, y]) => window.scrollTo(x, y)", where)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return path


def fits_the_screen(page):
    """Nothing wider than the window: the page does not scroll sideways."""
    width, scroll = page.evaluate("() => [window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= width, f"{page.url} is {scroll} px wide in a {width} px window"


# Every page of a journey reports what its Content-Security-Policy refused (issue 14): an init
# script (run through DevTools, so the policy does not apply to it) forwards each
# `securitypolicyviolation` event to Python; Chromium's console errors about the policy are kept too.
CSP_BINDING = "__ponteCspViolation"
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  const report = window.__ponteCspViolation;  // CSP_BINDING
  if (typeof report === "function") {
    report({
      page: location.href,
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}` : "",
      sample: event.sample || "",
    });
  }
}, true);
"""


class Visitor:
    """Opens pages for a person at one width, signed in or not; closes what it opened.

    What the Content-Security-Policy refuses on any page is recorded in `csp_violations`; the
    `visit` fixture fails the test with them at teardown. A test that provokes refusals on
    purpose says so for that page with `allow_csp_violations(page)`."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.contexts = browser, base_url, []
        self.csp_violations = []  # one line per refusal: page, directive, what was blocked
        self._csp_allowed = set()  # ids of the pages where refusals are provoked on purpose

    def allow_csp_violations(self, page):
        """Refusals on `page` are expected (a test of the policy itself): not counted."""
        self._csp_allowed.add(id(page))

    def _record_csp(self, page, line):
        if page is None or id(page) not in self._csp_allowed:
            self.csp_violations.append(line)

    def _watch_csp(self, context):
        def on_violation(source, event):
            self._record_csp(
                source.get("page"),
                f"{event.get('page')}: {event.get('directive')} refused {event.get('blocked') or 'inline'}"
                f" ({event.get('source') or 'no source'}) {event.get('sample') or ''}".rstrip(),
            )

        def on_console(page, message):
            text = message.text
            if message.type == "error" and "Content Security Policy" in text:
                self._record_csp(page, f"{page.url}: console: {text}")

        try:
            context.expose_binding(CSP_BINDING, on_violation)
            context.add_init_script(CSP_WATCH)
        except Exception as error:  # noqa: BLE001 - never break a journey for its watcher's sake
            self.csp_violations.append(f"the CSP watcher could not start: {error}")
        context.on("page", lambda page: page.on("console", lambda message: on_console(page, message)))

    def csp_report(self):
        """The refusals recorded, as one message (empty when there were none)."""
        if not self.csp_violations:
            return ""
        lines = list(dict.fromkeys(self.csp_violations))  # the event and the console say it twice
        return "The Content-Security-Policy refused something on a page:\n" + "\n".join(lines)

    def __call__(self, path="/", *, user=None, width="desktop"):
        # Bootstrap scrolls smoothly unless motion is reduced: a click aimed while the page still
        # glides to a field would land beside it, as no person's does.
        context = self.browser.new_context(viewport=WIDTHS[width], locale="it-IT", reduced_motion="reduce")
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        self._watch_csp(context)
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

"""Issue 14: markup that an office or an imported file puts into a text shown on a page never
runs, in the public portal or the back office. Two layers: every text is escaped (or sanitised,
for Markdown) by the templates, and the Content-Security-Policy (django-csp, settings) forbids
inline scripts, inline event handlers, `javascript:` links and inline styles, so that whatever
slipped through would be refused by the browser. The pages record what they refuse
(`securitypolicyviolation`) and what ran (`window.__pwned`) from an init script."""

import datetime

import pytest
from django.utils import timezone

from ponte.core.models import Membership
from ponte.factories import ActionFactory, MembershipFactory
from ponte.funding.models import Call
from ponte.participation.models import Campaign, Event
from ponte.plan.models import ActionUpdate
from ponte.portal.models import News


def attack(where: str) -> str:
    """Markup that would set window.__pwned to `where` if it ever ran."""
    mark = f"(window.__pwned = (window.__pwned || []).concat('{where}'))"
    return (
        f'<img src=x onerror="{mark}"><script>{mark}</script>'
        f'<svg onload="{mark}"></svg><a href="javascript:{mark}">{where}</a> **{where}**'
    )


WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def ran(page) -> dict:
    return page.evaluate("() => ({pwned: window.__pwned || [], violations: window.__violations})")


@pytest.fixture
def content(city):
    action = ActionFactory(line__city=city, code="1.1.1", title="Giramondo", description=attack("action"))
    ActionUpdate.objects.create(city=city, action=action, year=2026, period=1, text=attack("update"))
    news = News.objects.create(
        city=city, publication="published", title="Notizia", slug="notizia", summary="Breve", body=attack("news")
    )
    event = Event.objects.create(
        city=city,
        publication="published",
        title="Caffè Europa",
        description=attack("event"),
        starts_at=timezone.now() + datetime.timedelta(days=7),
    )
    campaign = Campaign.objects.create(city=city, subject="Dicembre", body=attack("campaign"))
    # A row stored before links were checked (issue 14): shown as text, never as a link.
    call = Call.objects.create(city=city, identifier="OLD-1", title="Bando", url="javascript:window.__pwned=['call']")
    return {"action": action, "news": news, "event": event, "campaign": campaign, "call": call}


def test_scripts_in_shown_texts_never_run_and_the_pages_break_no_policy(visit, city, content):
    owner = MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user
    action, news, event, campaign, call = (content[k] for k in ("action", "news", "event", "campaign", "call"))
    public = [action.get_public_url(), news.get_absolute_url(), event.get_absolute_url(), f"/{city.slug}/"]
    staff = [
        action.get_absolute_url(),
        f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/anteprima/",
        call.get_absolute_url(),
        f"/{city.slug}/gestione/cruscotto/",  # Chart.js
        f"/{city.slug}/gestione/fondi/progetti/nuovo/",  # Tom Select
    ]
    page = visit(public[0])
    page.context.add_init_script(WATCH)
    for path in public:
        response = page.goto(page.url.split(f"/{city.slug}/")[0] + path)
        assert response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert ran(page) == {"pwned": [], "violations": []}, path
    staff_page = visit(staff[0], user=owner)
    staff_page.context.add_init_script(WATCH)
    visit.allow_csp_violations(staff_page)  # refusals provoked below; this test asserts each page's own
    base = staff_page.url.split(f"/{city.slug}/")[0]
    for path in staff:
        assert staff_page.goto(base + path).ok, path
        assert ran(staff_page) == {"pwned": [], "violations": []}, path
    assert staff_page.locator(".ts-wrapper").count()  # Tom Select took over the long lists
    # The stored javascript: link is shown as text, never as a link (`|web_link`); one put into the
    # page by other means and clicked is refused by the browser.
    staff_page.goto(base + call.get_absolute_url())
    assert "javascript:window.__pwned=['call']" in staff_page.locator("main").inner_text()
    assert staff_page.locator("a[href^='javascript:']").count() == 0
    staff_page.evaluate(
        """() => {
          const link = Object.assign(document.createElement("a"), {id: "injected-link", textContent: "link"});
          link.href = "javascript:window.__pwned=['call']";
          document.body.append(link);
        }"""
    )
    staff_page.locator("#injected-link").click()
    staff_page.wait_for_function("() => window.__violations.length > 0")
    assert ran(staff_page)["pwned"] == []
    # Markup injected into the live page by other means is refused as well.
    staff_page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.innerHTML = '<img src="x" onerror="window.__pwned = [\\'dom\\']"><p style="color: red">x</p>';
          document.body.append(box);
          const script = document.createElement("script");
          script.textContent = "window.__pwned = ['inline']";
          document.body.append(script);
        }"""
    )
    staff_page.wait_for_function("() => window.__violations.length >= 4")
    found = ran(staff_page)
    assert found["pwned"] == [] and any(v.startswith("style-src") for v in found["violations"]), found


def test_the_api_documentation_still_renders_under_the_policy(visit, city):
    """Swagger UI gets its settings from a script file (drf-spectacular's split view); ReDoc's page
    alone may add inline styles. Neither needs an inline script."""
    page = visit("/api/docs/")
    page.context.add_init_script(WATCH)
    base = page.url.split("/api/")[0]
    page.goto(base + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    # Swagger UI's page refuses nothing (its page rules are a stylesheet; the fixture checks too).
    assert ran(page)["violations"] == []
    visit.allow_csp_violations(page)  # ReDoc's page: the other sites' files refused, asserted below
    response = page.goto(base + "/api/redoc/")
    assert "'unsafe-inline'" in response.headers["content-security-policy"].split("style-src")[1].split(";")[0]
    page.locator("h1", has_text="Ponte API").wait_for()
    # Refused are only the other sites' files that drf-spectacular's template and ReDoc link (Google
    # Fonts, ReDoc's logo): no CDN, ReDoc falls back to the system fonts. Nothing inline is refused.
    assert all(v.split(" ")[1].startswith("https://") for v in ran(page)["violations"]), ran(page)

"""Issue 14: the shared browser `Visitor` records whatever a page's Content-Security-Policy refuses
(the `visit` fixture then fails the journey at teardown, naming the page and the directive)."""

from ponte.browsing import Visitor

PROVOKE = """() => new Promise((done) => {
  document.addEventListener("securitypolicyviolation", () => done(true), {once: true});
  const box = document.createElement("p");
  box.setAttribute("style", "color: red");
  document.body.append(box);
})"""


def test_a_refused_inline_style_is_recorded_with_its_page_and_directive(browser, live_server, city, settings):
    settings.ALLOWED_HOSTS = ["*"]
    visitor = Visitor(browser, live_server.url)
    try:
        page = visitor(f"/{city.slug}/")
        assert visitor.csp_report() == ""  # the portal's home refuses nothing
        assert page.evaluate(PROVOKE)
        page.evaluate("() => 1")  # one more round trip: the report has reached Python
        report = visitor.csp_report()
        assert f"/{city.slug}/" in report and "style-src" in report, report
        # A page that provokes refusals on purpose is left out.
        quiet = visitor(f"/{city.slug}/")
        visitor.allow_csp_violations(quiet)
        before = list(visitor.csp_violations)
        assert quiet.evaluate(PROVOKE)
        quiet.evaluate("() => 1")
        assert visitor.csp_violations == before
    finally:
        visitor.close()

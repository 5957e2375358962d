"""Journey in Chromium at 1366 px and 375 px (issue 15): a citizen follows an action from its
public page, typing the address and ticking the consent; the confirmation mail arrives over SMTP,
its link confirms; the office records a change, the background worker (`db_worker`) mails it;
the citizen stops following from the mail's link, and the next change mails nothing."""

import re
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ponte.browsing import axe_violations, shoot
from ponte.core.models import Membership
from ponte.factories import ActionFactory, MembershipFactory, PlanFactory
from ponte.plan import services as plan
from ponte.portal.models import Change, Follower, Notice

ADDRESS = "giulia@example.org"


def body(message) -> str:
    return message.get_payload(decode=True).decode()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"]))).strip()


def run_the_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_follow_an_action_be_mailed_its_change_and_stop(visit, city, live_server, settings, smtp_server, width):
    settings.SITE_URL = live_server.url
    # The changes are mailed by the background worker, as in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    the_plan = PlanFactory(city=city, start_year=2024, end_year=2030)
    action = ActionFactory(line__city=city, line__macro_area__plan=the_plan, code="1.1.1", title="Gemellaggi")
    officer = MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user

    page = visit(action.get_public_url(), width=width)
    box = page.locator("#segui")
    expect(box.get_by_role("heading", name="Segui questa azione")).to_be_visible()
    box.get_by_role("button", name="Segui").click()  # nothing typed: each field says what it needs
    expect(page.get_by_text("Inserisci l'indirizzo e-mail a cui scriverti.")).to_be_visible()
    expect(page.get_by_text("Spunta il consenso: senza non possiamo scriverti.")).to_be_visible()
    assert not Follower.objects.exists() and not smtp_server.messages
    assert axe_violations(page) == [] and fits_the_screen(page)
    shoot(page, f"portal-follow-error-{width}")

    page.get_by_label("Il tuo indirizzo e-mail").fill(ADDRESS)
    page.locator("label", has_text="Acconsento").click()  # Bootstrap Italia draws the box on the label
    expect(page.get_by_label(re.compile("^Acconsento che il Comune usi il mio indirizzo"))).to_be_checked()
    page.get_by_role("button", name="Segui").click()
    expect(page.get_by_text("Ti abbiamo inviato un'e-mail per confermare", exact=False)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/piano/azioni/1\.1\.1/$"))
    assert axe_violations(page) == [] and fits_the_screen(page)
    shoot(page, f"portal-follow-{width}")

    (confirmation,) = smtp_server.messages
    assert confirmation["To"] == ADDRESS and subject(confirmation) == "Conferma che vuoi seguire «1.1.1 Gemellaggi»"
    page.goto(re.search(r"http://\S+/segui/conferma/\S+/", body(confirmation)).group(0))
    expect(page.get_by_role("status")).to_have_text("Grazie: ora segui «1.1.1 Gemellaggi».")
    assert axe_violations(page) == [] and fits_the_screen(page)
    shoot(page, f"portal-follow-confirm-{width}")
    assert Follower.objects.get().status == "active"

    action.status = "in_progress"
    plan.action_save(action=action, user=officer)
    assert len(smtp_server.messages) == 1  # queued for the worker, not sent by the office's request
    run_the_worker()
    change_mail = smtp_server.messages[1]
    assert change_mail["To"] == ADDRESS and subject(change_mail) == "Novità: 1.1.1 Gemellaggi"
    assert "Stato: Non avviata → In corso" in body(change_mail)
    assert change_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = change_mail["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe in body(change_mail)
    run_the_worker()  # a second run sends nothing again
    assert len(smtp_server.messages) == 2 and Notice.objects.get().status == "sent"

    page.goto(unsubscribe)
    page.get_by_role("button", name="Smetti di seguire").click()
    expect(page.get_by_role("status")).to_contain_text("Fatto: non segui più «1.1.1 Gemellaggi»")
    assert axe_violations(page) == [] and fits_the_screen(page)
    shoot(page, f"portal-unfollow-{width}")

    action.status = "completed"
    plan.action_save(action=action, user=officer)
    run_the_worker()
    assert len(smtp_server.messages) == 2 and Change.objects.count() == 1  # nobody left to tell


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_theme_and_a_project_offer_to_follow_them(visit, city, width):
    from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory

    the_plan = PlanFactory(city=city, start_year=2024, end_year=2030)
    action = ActionFactory(line__city=city, line__macro_area__plan=the_plan, code="2.1.1")
    project = ProjectFactory(programme=ProgrammeFactory(city=city), status="running", title="Ponti verdi")
    project.actions.add(action)
    for path, heading in [
        (f"/{city.slug}/piano/aree/{action.line.macro_area.code}/", "Segui questo tema"),
        (project.get_public_url(), "Segui questo progetto"),
    ]:
        page = visit(path, width=width)
        box = page.locator("#segui")
        expect(box.get_by_role("heading", name=heading)).to_be_visible()
        expect(box.get_by_label("Il tuo indirizzo e-mail")).to_be_visible()
        assert axe_violations(page) == [] and fits_the_screen(page)
    shoot(page, f"portal-follow-project-{width}")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_staff_count_the_followers_from_the_menu(visit, city, users, width):
    from ponte.browsing import menu
    from ponte.portal import follow

    the_plan = PlanFactory(city=city, start_year=2024, end_year=2030)
    action = ActionFactory(line__city=city, line__macro_area__plan=the_plan, code="1.1.1", title="Gemellaggi")
    for email in ("a@example.org", "b@example.org"):
        follow.follow(city=city, thing=action, email=email, language="it", consent_text="sì")
        follow.confirm(city=city, token=Follower.objects.get(email=email).token)
    page = visit(f"/{city.slug}/gestione/", user=users["events"], width=width)
    menu(page, "Persone che seguono")
    expect(page.get_by_role("heading", level=1)).to_have_text("Persone che seguono")
    row = page.get_by_role("row", name=re.compile("1.1.1 Gemellaggi"))
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    expect(page.get_by_text("a@example.org")).to_have_count(0)
    assert axe_violations(page) == [] and fits_the_screen(page)
    shoot(page, f"backoffice-followers-{width}")

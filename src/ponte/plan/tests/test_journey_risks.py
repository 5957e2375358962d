"""Journey (issue 17): an office editor finds on "Il mio lavoro" their action that is behind with
nobody mitigating it, opens it and sees the alert, records a risk with its likelihood and impact,
gives its mitigation to a colleague with a due date — who is mailed — and the alert is gone; the
risk is in "Registro dei rischi", gravest first. On a desktop and on a phone."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, menu, shoot
from ponte.core.models import FollowUp, Membership, Risk
from ponte.factories import MembershipFactory
from ponte.plan.models import Action

TODAY = datetime.date.today()


@pytest.fixture
def late(action):
    """Started 300 days ago, ends in 100: 75 % expected, 10 % reached — behind."""
    action.title = "Rete delle città gemellate"
    action.start_date, action.end_date = TODAY - datetime.timedelta(300), TODAY + datetime.timedelta(100)
    action.status, action.progress = Action.Status.IN_PROGRESS, 10
    action.save()
    return action


@pytest.fixture
def colleague(city, office):
    return MembershipFactory(
        city=city,
        role=Membership.Role.OFFICE_EDITOR,
        office=office,
        user__first_name="Carla",
        user__last_name="Neri",
        user__email="carla.neri@example.org",
    ).user


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_editor_mitigates_an_action_behind(visit, smtp_server, city, users, late, colleague, width):
    due = TODAY + datetime.timedelta(days=21)
    page = visit(f"/{city.slug}/gestione/", user=users["editor"], width=width)

    # The home names the action behind without mitigation, and leads to it.
    box = page.get_by_role("region", name=re.compile("In ritardo senza mitigazione"))
    expect(box).to_contain_text("senza mitigazione")
    shoot(page, f"risks-home-{width}")
    box.get_by_role("link", name=re.compile("Rete delle città gemellate")).click()

    # Its page says so, in words and not by colour alone.
    alert = page.get_by_role("alert").filter(has_text="In ritardo senza mitigazione")
    expect(alert).to_be_visible()
    shoot(page, f"risks-alert-{width}")
    assert not axe_violations(page)

    # A risk: likelihood 4 × impact 4.
    page.get_by_role("link", name="Aggiungi un rischio o una criticità").click()
    page.get_by_label("Tipo").select_option(label="Rischio (può accadere)")
    page.get_by_label(re.compile("^Titolo")).fill("Il partner di Tirana si ritira")
    page.get_by_label(re.compile("^Probabilità")).select_option(label="4 · alta")
    page.get_by_label(re.compile("^Impatto")).select_option(label="4 · alto")
    page.get_by_label("Responsabile", exact=True).select_option(label="Carla Neri (Ufficio A)")
    shoot(page, f"risks-form-{width}")
    page.get_by_role("button", name="Salva").click()
    expect(
        page.get_by_role("status").filter(has_text="Rischio «Il partner di Tirana si ritira» aggiunto")
    ).to_be_visible()
    register = page.get_by_role("list", name="Rischi e criticità")
    row = register.get_by_role("listitem").filter(has_text="Il partner di Tirana si ritira")
    expect(row).to_contain_text("4 × 4 = 16")
    expect(row).to_contain_text("4 × 4 = 16 Alto")
    expect(row).to_contain_text("Nessuna mitigazione.")
    expect(
        page.get_by_role("alert").filter(has_text="In ritardo senza mitigazione")
    ).to_be_visible()  # still nobody mitigating

    # Its mitigation: a follow-up with an owner and a due date.
    row.get_by_role("link", name=re.compile("Aggiungi una mitigazione")).click()
    page.get_by_label("Attività").fill("Cercare un partner in Albania")
    page.get_by_label("Responsabile", exact=True).select_option(label="Carla Neri (Ufficio A)")
    page.get_by_label("Scadenza").fill(due.isoformat())
    shoot(page, f"risks-mitigation-form-{width}")
    page.get_by_role("button", name="Aggiungi la mitigazione").click()
    expect(
        page.get_by_role("status").filter(has_text="Mitigazione «Cercare un partner in Albania» aggiunta")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Il partner di Tirana si ritira")
    shoot(page, f"risks-detail-{width}")

    # Back on the action: the alert is gone, the mitigation shows with its due date.
    page.get_by_role("link", name=re.compile("Rete delle città gemellate")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rete delle città gemellate")
    expect(page.get_by_role("alert").filter(has_text="In ritardo senza mitigazione")).to_have_count(0)
    register = page.get_by_role("list", name="Rischi e criticità")
    row = register.get_by_role("listitem").filter(has_text="Il partner di Tirana")
    expect(row).to_contain_text("Cercare un partner in Albania")
    expect(row).to_contain_text("Carla Neri")
    shoot(page, f"risks-action-{width}")

    # The risk in the city's register.
    menu(page, "Registro dei rischi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registro dei rischi")
    listed = page.get_by_role("table", name="Registro dei rischi").get_by_role(
        "row", name=re.compile("Il partner di Tirana")
    )
    expect(listed).to_contain_text("4 × 4 = 16")
    expect(listed).to_contain_text("Alto")
    expect(listed).to_contain_text("Cercare un partner in Albania")
    fits_the_screen(page)
    # Every column in sight without scrolling the table sideways: on a phone each row is a card,
    # its cells one under the other, each named by its column.
    hidden = listed.locator("td").evaluate_all(
        "(cells) => cells.filter((c) => c.getBoundingClientRect().right > window.innerWidth).length"
    )
    assert hidden == 0
    if width == "mobile":
        label = listed.locator("td").nth(2).evaluate("(c) => getComputedStyle(c, '::before').content")
        assert label == '"Punteggio"'
    shoot(page, f"risks-register-{width}")
    assert not axe_violations(page)

    risk = Risk.objects.get()
    assert (risk.item, risk.likelihood, risk.impact, risk.owner.user, risk.created_by) == (
        late,
        4,
        4,
        colleague,
        users["editor"],
    )
    task = FollowUp.objects.get()
    assert (task.origin, task.owner.user, task.due_date, task.done_date) == (risk, colleague, due, None)
    assert [m["To"] for m in smtp_server.messages] == ["carla.neri@example.org"]  # the mitigation is hers

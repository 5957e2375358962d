"""Journey: a funded project's actions chosen from a plan too long to write into the form.

A funds officer opens a project's form in a city whose plan has more actions than a select
lists (here more than 5, 200 by default): the actions box shows the chosen one only; typing part
of a title asks the server, the match is chosen with Enter, the old one removed with its ×, and
the project saved holds the new action."""

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core import choices
from ponte.factories import ActionFactory, LineFactory
from ponte.funding.tests.factories import ProjectFactory


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_action_is_found_by_typing_among_many(visit, city, users, monkeypatch, width):
    monkeypatch.setattr(choices, "REMOTE_ABOVE", 5)
    line = LineFactory(city=city)
    actions = [ActionFactory(line=line, code=f"3.{n}", title=f"Scuole aperte {n}") for n in range(12)]
    bridges = ActionFactory(line=line, code="3.99", title="Ponti sul Reno")
    project = ProjectFactory(programme__city=city, title="Rete delle scuole")
    project.actions.add(actions[2])
    page = visit(f"/{city.slug}/gestione/fondi/progetti/{project.pk}/modifica/", user=users["funds"], width=width)

    # Only the chosen action is in the page; the plan's others are searched.
    assert page.locator("#id_actions option").count() == 1
    box = page.locator(".ts-wrapper", has=page.locator("#id_actions-ts-control"))
    expect(box.locator(".item")).to_have_text(["3.2 Scuole aperte 2×"])
    box.locator(".ts-control").click()
    page.keyboard.type("Reno", delay=30)
    expect(page.locator("#id_actions-ts-dropdown .option")).to_have_text(["3.99 Ponti sul Reno"])
    page.keyboard.press("Enter")
    expect(box.locator(".item", has_text="Ponti sul Reno")).to_be_visible()
    box.locator(".item", has_text="Scuole aperte 2").get_by_title("Rimuovi").click()
    page.keyboard.press("Escape")
    expect(box.locator(".item")).to_have_count(1)
    shoot(page, f"searched-actions-{width}")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").filter(has_text="Salvato")).to_be_visible()

    assert list(project.actions.all()) == [bridges]

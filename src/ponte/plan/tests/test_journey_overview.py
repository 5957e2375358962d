"""Journey: the plan's overview with the Bologna data set, on a desktop and on a phone.

Each macro area is a card as tall as what it holds: Bootstrap Italia stretches a card-wrapper
child of a grid column to the column's height, which made every card as tall as all seven."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import City, Membership
from ponte.factories import MembershipFactory
from ponte.plan.models import MacroArea

MEASURE = """sections => sections.map(section => {
    const card = section.querySelector('.card').getBoundingClientRect();
    const last = section.querySelector('.card-body').lastElementChild.getBoundingClientRect();
    return {section: section.getBoundingClientRect().height, card: card.height, content: last.bottom - card.top};
})"""


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_macro_area_cards_are_as_tall_as_their_content(visit, width):
    call_command("load_plan", str(Path(settings.BASE_DIR) / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get()
    owner = MembershipFactory(city=bologna, role=Membership.Role.PLAN_OWNER).user
    page = visit(f"/{bologna.slug}/gestione/piano/", user=owner, width=width)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    sizes = page.locator("main section.card-wrapper").evaluate_all(MEASURE)
    shoot(page, f"plan-overview-{width}")
    assert len(sizes) == MacroArea.objects.for_city(bologna).count() == 7
    for size in sizes:
        # The card ends below its last line (its padding and Bootstrap Italia's bottom space), not screens later.
        assert size["content"] <= size["card"] <= size["content"] + 100, size
        assert size["section"] <= size["card"] + 30, size

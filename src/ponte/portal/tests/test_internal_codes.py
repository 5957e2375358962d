"""Citizens read names, not the data set's internal codes: an indicator's code (PERF-…) and an
alignment item coded by a slug (due-torri) stay out of the portal; numbers such as SDG 11.2 stay."""

from ponte.factories import AxisFactory, AxisItemFactory, IndicatorFactory


def test_the_macro_area_page_names_its_indicators_without_their_codes(client, city, action):
    macro = action.line.macro_area
    IndicatorFactory(
        action=None,
        macro_area=macro,
        plan=macro.plan,
        city=city,
        code="PERF-CLIMATE-NEUTRAL",
        name="Neutralità climatica",
    )
    page = client.get(f"/{city.slug}/piano/aree/{macro.code}/").content.decode()
    assert "Neutralità climatica" in page
    assert "PERF-CLIMATE-NEUTRAL" not in page


def test_an_axis_page_shows_numbers_but_not_slugs(client, city, action):
    axis = AxisFactory(city=city, slug="mandato", name="Mandato")
    numbered = AxisItemFactory(axis=axis, code="II", name="Bologna città europea")
    slugged = AxisItemFactory(axis=axis, code="due-torri", name="Progetto Due Torri")
    action.alignments.add(numbered, slugged)
    page = client.get(f"/{city.slug}/piano/allineamento/mandato/").content.decode()
    assert "II Bologna città europea" in page
    assert "Progetto Due Torri" in page
    assert "due-torri Progetto" not in page

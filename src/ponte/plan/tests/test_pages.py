"""What staff see: an action with milestones, indicators (chart) and updates; the plan by axis."""

import datetime

from ponte.factories import ActionFactory, AxisFactory, AxisItemFactory, IndicatorFactory, MilestoneFactory
from ponte.plan.models import IndicatorTarget, IndicatorValue


def test_action_page_shows_chart_milestones_and_overdue(client, users, action, city):
    indicator = IndicatorFactory(
        action=action,
        name="Incontri svolti",
        unit="incontri",
        baseline_value=2,
        baseline_date=datetime.date(2023, 12, 31),
    )
    IndicatorValue.objects.create(city=city, indicator=indicator, reference_date=datetime.date(2024, 12, 31), value=7)
    IndicatorTarget.objects.create(city=city, indicator=indicator, target_date=datetime.date(2027, 12, 31), value=20)
    MilestoneFactory(action=action, title="Primo incontro", due_date=datetime.date(2020, 1, 1))
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/azioni/{action.code}/").content.decode()
    assert "<svg" in page and "<polyline" in page and "Incontri svolti" in page
    assert page.count("<circle") == 3  # baseline, measured value, target
    assert "Primo incontro" in page and "badge bg-danger" in page


def test_which_actions_serve_sdg_11(client, users, city, line):
    sdg = AxisFactory(city=city, slug="sdg", name="SDG")
    goal = AxisItemFactory(axis=sdg, code="11", name="Città sostenibili")
    target = AxisItemFactory(axis=sdg, code="11.2", name="Trasporti", parent=goal)
    other = AxisItemFactory(axis=sdg, code="4", name="Istruzione")
    direct = ActionFactory(line=line, code="A", progress=80)
    direct.alignments.add(target)
    ActionFactory(line=line, code="B", progress=0).alignments.add(other)
    client.force_login(users["viewer"])

    response = client.get(f"/{city.slug}/gestione/allineamento/sdg/11/")
    assert [a.code for a in response.context["object_list"]] == ["A"]
    assert response.context["progress"] == 80

    line.alignments.add(goal)  # tagging a line makes all its actions serve the goal
    response = client.get(f"/{city.slug}/gestione/allineamento/sdg/11/")
    assert sorted(a.code for a in response.context["object_list"]) == ["A", "B"]
    assert response.context["progress"] == 40

    summary = {
        item.code: item.action_count for item in client.get(f"/{city.slug}/gestione/allineamento/sdg/").context["items"]
    }
    assert summary == {"11": 2, "11.2": 1, "4": 1}


def test_my_actions_lists_the_offices_actions(client, users, action, other_office, city):
    ActionFactory(line=action.line, owner_office=other_office, code="X")
    client.force_login(users["editor"])
    assert [a.code for a in client.get(f"/{city.slug}/gestione/azioni/mie/").context["object_list"]] == [action.code]


def test_the_alignment_column_names_a_mandate_area_not_its_bare_number(client, users, action, city):
    """A bare "V" says nothing in "Le mie azioni": a numbered item of an axis that is not an
    acronym shows its number and its name, cut short; an acronym's (SDG 11.2) stays short."""
    mandate = AxisFactory(city=city, slug="mandate", name="Aree delle linee di mandato")
    action.alignments.add(AxisItemFactory(axis=mandate, code="V", name="Bologna vicina e connessa"))
    action.alignments.add(AxisItemFactory(axis=mandate, code="II", name="Bologna per il diritto alla salute"))
    action.alignments.add(AxisItemFactory(axis=AxisFactory(city=city, slug="sdg", name="SDG"), code="11.2"))
    client.force_login(users["editor"])
    for url in (f"/{city.slug}/gestione/azioni/mie/", f"/{city.slug}/gestione/azioni/"):
        cell = client.get(url).content.decode().split('ponte-alignment-cell">')[1].split("</td>")[0]
        labels = [part.split(">", 1)[1] for part in cell.split("</abbr>")[:-1]]
        assert sorted(labels) == ["II Bologna per il diritto…", "SDG 11.2", "V Bologna vicina e connessa"], url


def test_milestone_done_and_document_attached(client, users, action, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    milestone = MilestoneFactory(action=action, due_date=datetime.date(2020, 1, 1))
    client.force_login(users["editor"])
    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/traguardi/{milestone.pk}/fatto/", {"done_date": "2024-05-01"}
    )
    milestone.refresh_from_db()
    assert milestone.done_date == datetime.date(2024, 5, 1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/documenti/",
        {"title": "Verbale", "file": SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 test")},
    )
    assert action.documents.get().title == "Verbale"


def test_italian_by_default_english_on_request(client, users, action, city):
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/azioni/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Le mie azioni" in page and '<html lang="it">' in page  # the browser's language does not decide
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/{city.slug}/gestione/azioni/").content.decode()
    assert "My actions" in page and '<html lang="en">' in page


def test_alignments_read_as_labels_on_staff_and_public_pages(client, users, city, action):
    from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory

    sdg = AxisFactory(city=city, slug="sdg", name="SDG")
    climate = AxisItemFactory(axis=sdg, code="13", name="Lotta contro il cambiamento climatico")
    eu = AxisFactory(city=city, slug="eu-priorities", name="Priorità UE")
    green = AxisItemFactory(axis=eu, code="green-deal", name="Green Deal europeo")
    indicator = IndicatorFactory(action=action, name="Emissioni")
    indicator.alignments.add(climate)
    action.alignments.add(green, climate)
    project = ProjectFactory(programme=ProgrammeFactory(city=city), title="Tram", status="running")
    project.alignments.add(green)
    client.force_login(users["viewer"])
    pages = {
        "indicator": client.get(indicator.get_absolute_url()).content.decode(),
        "action": client.get(action.get_absolute_url()).content.decode(),
        "item": client.get(green.get_absolute_url()).content.decode(),
        "public action": client.get(action.get_public_url()).content.decode(),
        "public project": client.get(project.get_public_url()).content.decode(),
    }
    rows = {
        name: page.split("Allineamento</dt>")[1].split("</dd>")[0] for name, page in pages.items() if name != "item"
    }
    assert "SDG 13 · Lotta contro il cambiamento climatico" in rows["indicator"]
    assert "SDG 13 · Lotta contro il cambiamento climatico" in rows["action"]
    for name, row in rows.items():
        if name != "indicator":
            assert "Green Deal europeo" in row and "green-deal" not in row.replace(green.get_absolute_url(), ""), name
    assert "<h1>Priorità UE: Green Deal europeo</h1>" in pages["item"]

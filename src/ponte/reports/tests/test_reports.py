"""The yearly implementation report for the Bologna data set, in DOCX, PDF and XLSX: generated
through the builder as a background task, archived, read back with python-docx, pypdf and
openpyxl; builder choices narrow it; only plan owners generate."""

import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from ponte.core.models import City, Membership, Organisation
from ponte.factories import MembershipFactory
from ponte.funding.models import Programme, Project
from ponte.plan.models import Action, ActionUpdate, Milestone
from ponte.reports.figures import totals
from ponte.reports.models import Report, ReportDefinition


@pytest.fixture
def bologna(db, settings, tmp_path):  # noqa: F811 - the pytest-django fixture
    settings.MEDIA_ROOT = tmp_path
    call_command("load_plan", str(settings.BASE_DIR / "data" / "bologna"), verbosity=0)
    city = City.objects.get(slug="bologna")
    action = Action.objects.get(city=city, code="1.1.1")
    ActionUpdate.objects.create(city=city, action=action, year=2025, period=2, text="Rete consolidata nel 2025.")
    Milestone.objects.create(
        city=city, action=action, title="Seminario annuale", due_date="2025-10-01", done_date="2025-09-20"
    )
    programme = (
        Programme.objects.get(city=city, slug="horizon-europe")
        if Programme.objects.filter(city=city, slug="horizon-europe").exists()
        else Programme.objects.for_city(city).first()
    )
    project = Project.objects.create(
        city=city,
        programme=programme,
        title="Progetto finanziato",
        acronym="FUND",
        status="running",
        total_budget=Decimal("1200000"),
        eu_contribution=Decimal("1000000"),
        start_date="2025-01-01",
        publication="published",
    )
    project.actions.add(action)
    return city


@pytest.fixture
def owner(client, bologna):
    user = MembershipFactory(city=bologna, role=Membership.Role.PLAN_OWNER).user
    client.force_login(user)
    return user


def generate(client, city, on_commit, **choices):
    """Post the builder; the generation task runs when the transaction commits (here: at once)."""
    data = {"start_date": "2025-01-01", "end_date": "2025-12-31", "title": "", "save_as": ""} | choices
    with on_commit(execute=True):
        response = client.post(reverse("reports:create", kwargs={"city": city.slug}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.latest("requested_at")
    page = client.get(response["Location"]).content.decode()
    assert report.status == Report.Status.DONE, report.error
    return report, page


def download(client, city, report, fmt):
    response = client.get(reverse("reports:file", kwargs={"city": city.slug, "pk": report.pk, "fmt": fmt}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_full_report_in_three_formats(client, bologna, owner, django_capture_on_commit_callbacks):
    report, page = generate(client, bologna, django_capture_on_commit_callbacks)
    assert report.generated_by == owner and report.finished_at and report.progress == 100
    assert "DOCX" in page and "PDF" in page and "XLSX" in page
    figures = totals(bologna)

    # XLSX: one sheet per section, typed cells, the summary's totals
    workbook = load_workbook(io.BytesIO(download(client, bologna, report, "xlsx")))
    assert workbook.sheetnames == [
        "Sintesi",
        "Azioni",
        "Indicatori",
        "Traguardi",
        "Aggiornamenti",
        "Fondi",
        "Relazioni",
        "Eventi",
    ]
    summary = list(workbook["Sintesi"].iter_rows(values_only=True))
    total = next(row for row in summary if row[0] == "Totale")
    assert total[1] == figures.actions == 86 and total[2] == figures.completed
    assert total[5] == pytest.approx(float(figures.progress))
    # The funded project above and the data set's 9 PNRR projects from Italia Domani.
    assert total[9] == pytest.approx(float(figures.funds))
    assert (
        figures.funds
        == 1_000_000
        + Project.objects.filter(city=bologna, origin="pnrr").aggregate(total=Sum("eu_contribution"))["total"]
    )
    actions = list(workbook["Azioni"].iter_rows(values_only=True))
    assert len(actions) == 87 and isinstance(actions[1][5], int)
    funds = list(workbook["Fondi"].iter_rows(values_only=True))
    assert funds[0][4:7] == ("Budget totale (€)", "Contributo (€)", "Al Comune (€)")
    assert funds[1][0] == "FUND" and funds[1][5] == 1_000_000 and isinstance(funds[1][7], datetime.datetime)
    assert funds[1][6] == 1_000_000  # the city is the sole beneficiary: the whole contribution is its own

    # DOCX: headings per macro area, line and action, a table of contents field, the summary table
    document = Document(io.BytesIO(download(client, bologna, report, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert sum(1 for p in document.paragraphs if p.style.name == "Heading 1") >= 7 + 4
    assert any(text.startswith("1.1.1 ") for text in headings)
    assert 'TOC \\o "1-3"' in document.element.xml
    summary_table = document.tables[0]
    assert summary_table.rows[-1].cells[0].text == "Totale" and summary_table.rows[-1].cells[1].text == "86"
    assert document.inline_shapes  # the charts

    # PDF: tagged (PDF/UA), fonts embedded, the text of the report
    pdf = download(client, bologna, report, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert str(root.get("/Lang", "")).startswith("it")
    fonts = [font.get_object() for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()]
    assert fonts and all(
        "/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        or "/FontFile3" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for f in fonts
        if "/DescendantFonts" in f
    )
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Sintesi" in text and "1.1.1" in text and "Rete consolidata nel 2025." in text
    # pages rendered to PNG with poppler (installed by `make test`), kept with the test artefacts
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: `make test` installs Debian's poppler-utils"
    artefacts = Path(os.environ.get("TEST_ARTEFACTS", settings.BASE_DIR / "var" / "test-artefacts")) / "report"
    artefacts.mkdir(parents=True, exist_ok=True)
    (artefacts / "relazione.pdf").write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "3",
            str(artefacts / "relazione.pdf"),
            str(artefacts / "pagina"),
        ],
        check=True,
    )
    pages = sorted(artefacts.glob("pagina-*.png"))
    assert len(pages) == 3 and all(page.stat().st_size > 10_000 for page in pages)


def test_builder_narrows_to_an_alignment_item_and_saves_the_definition(
    client, bologna, owner, django_capture_on_commit_callbacks
):
    from ponte.plan.models import AxisItem
    from ponte.plan.queries import actions_serving

    sdg11 = AxisItem.objects.get(city=bologna, axis__slug="sdg", code="11")
    report, _page = generate(
        client, bologna, django_capture_on_commit_callbacks, axis_item=sdg11.pk, save_as="Tutto ciò che serve l'SDG 11"
    )
    workbook = load_workbook(io.BytesIO(download(client, bologna, report, "xlsx")))
    codes = {row[0] for row in list(workbook["Azioni"].iter_rows(values_only=True))[1:]}
    assert codes == set(actions_serving(sdg11).values_list("code", flat=True)) and 0 < len(codes) < 86
    definition = ReportDefinition.objects.get(name="Tutto ciò che serve l'SDG 11")
    assert definition.axis_item == sdg11 and report.definition == definition
    # the definition prefills the builder next time
    form = client.get(reverse("reports:create", kwargs={"city": bologna.slug}) + f"?definizione={definition.pk}")
    assert form.context["form"].initial["axis_item"] == sdg11.pk or form.context["form"].instance == definition


def test_bad_period_is_explained_and_nothing_is_queued(client, bologna, owner):
    response = client.post(
        reverse("reports:create", kwargs={"city": bologna.slug}), {"start_date": "2025-12-31", "end_date": "2025-01-01"}
    )
    assert response.status_code == 200 and "end_date" in response.context["form"].errors
    assert not Report.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("viewer", 403), ("editor", 403), ("owner", 200)])
def test_only_plan_owners_generate(client, bologna, role, expected):
    roles = {
        "viewer": Membership.Role.VIEWER,
        "editor": Membership.Role.OFFICE_EDITOR,
        "owner": Membership.Role.PLAN_OWNER,
    }
    office = Organisation.objects.filter(city=bologna, kind=Organisation.Kind.CITY_OFFICE).first()
    membership = MembershipFactory(city=bologna, role=roles[role], office=office if role == "editor" else None)
    client.force_login(membership.user)
    assert client.get(reverse("reports:create", kwargs={"city": bologna.slug})).status_code == expected
    assert client.get(reverse("reports:list", kwargs={"city": bologna.slug})).status_code == 200


def test_queued_report_shows_progress_and_a_failure_is_recorded(
    client, bologna, owner, monkeypatch, django_capture_on_commit_callbacks
):
    url = reverse("reports:create", kwargs={"city": bologna.slug})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"start_date": "2025-01-01", "end_date": "2025-12-31"})
    report = Report.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert report.status == Report.Status.QUEUED and 'http-equiv="refresh"' in page and "<progress" in page
    assert (
        client.get(reverse("reports:file", kwargs={"city": bologna.slug, "pk": report.pk, "fmt": "pdf"})).status_code
        == 404
    )

    def broken(content, title):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ponte.reports.writers.write_pdf", broken)
    callbacks[0]()  # the worker runs the queued task
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and "disk full" in report.error and report.finished_at
    assert "disk full" in client.get(response["Location"]).content.decode()


def test_event_times_are_local_and_a_half_year_counts_to_its_last_day(bologna):
    """An event at 00:30 in Rome on 1 July is 22:30 UTC on 30 June; an update of the first
    semester belongs to a period that starts on 30 June."""
    import zoneinfo

    from ponte.participation.models import Event
    from ponte.reports import content, writers

    rome = zoneinfo.ZoneInfo("Europe/Rome")
    Event.objects.create(
        city=bologna, title="Notte europea", starts_at=datetime.datetime(2025, 7, 1, 0, 30, tzinfo=rome)
    )
    scope = Report(city=bologna, start_date=datetime.date(2025, 6, 30), end_date=datetime.date(2025, 7, 31))
    ActionUpdate.objects.create(
        city=bologna,
        action=Action.objects.get(city=bologna, code="1.1.2"),
        year=2025,
        period=1,
        text="Primo semestre",
    )
    data = content.build(scope)
    workbook = load_workbook(io.BytesIO(writers.write_xlsx(data, "Estate 2025")))
    events = list(workbook["Eventi"].iter_rows(values_only=True))[1:]
    assert events == [("Notte europea", datetime.datetime(2025, 7, 1, 0, 30), None)]
    updates = [row[3] for row in list(workbook["Aggiornamenti"].iter_rows(values_only=True))[1:]]
    assert "Primo semestre" in updates


def _a4(width, height):
    """A4 in either orientation, in points (WeasyPrint writes 595.28 × 841.89)."""
    return sorted((round(float(width)), round(float(height)))) == [595, 842]


def test_reports_are_a4_with_the_city_and_its_logo_on_the_cover(db, settings, tmp_path):
    from docx.shared import Cm
    from PIL import Image

    from ponte.reports import content, writers

    # a data set with a logo beside city.yaml (`logo: logo.png`)
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "bologna"
    shutil.copytree(settings.BASE_DIR / "data" / "bologna", folder)
    Image.new("RGB", (120, 160), "#0066cc").save(folder / "logo.png")
    city_yaml = folder / "city.yaml"
    city_yaml.write_text(city_yaml.read_text().replace("  slug: bologna\n", "  slug: bologna\n  logo: logo.png\n"))
    call_command("load_plan", str(folder), verbosity=0)
    city = City.objects.get(slug="bologna")
    assert city.logo.name == "cities/bologna-logo.png"
    call_command("load_plan", str(folder), verbosity=0)  # a repeated load stores nothing again
    assert sorted(p.name for p in (tmp_path / "media" / "cities").iterdir()) == ["bologna-logo.png"]

    data = content.build(Report(city=city, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 12, 31)))
    document = Document(io.BytesIO(writers.write_docx(data, "Relazione 2025")))
    # stored in twentieths of a point: 210 × 297 mm to the millimetre
    assert all(
        (round(s.page_width.mm), round(s.page_height.mm), round(s.left_margin.mm)) == (210, 297, 20)
        for s in document.sections
    )
    cover = [p.text for p in document.paragraphs[:4]]
    assert "Comune di Bologna" in cover and "Relazione 2025" in cover
    assert document.inline_shapes[0].height == Cm(3)  # the logo, before the charts
    assert "PAGE" in document.sections[0].footer._element.xml

    reader = PdfReader(io.BytesIO(writers.write_pdf(data, "Relazione 2025")))
    assert _a4(*reader.pages[0].mediabox[2:]) and all(_a4(*page.mediabox[2:]) for page in reader.pages)
    first = reader.pages[0]
    assert "Comune di Bologna" in first.extract_text() and "Relazione 2025" in first.extract_text()
    # the page's images: the charts (resources shared by every page) and the logo
    assert len(first["/Resources"]["/XObject"]) == len(writers.report_charts(data)) + 1


def test_without_a_logo_the_cover_names_the_city(bologna):
    from ponte.reports import content, writers

    data = content.build(
        Report(city=bologna, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 12, 31))
    )
    document = Document(io.BytesIO(writers.write_docx(data, "Relazione 2025")))
    assert document.paragraphs[0].text == "Comune di Bologna"
    first = PdfReader(io.BytesIO(writers.write_pdf(data, "Relazione 2025"))).pages[0]
    assert "Comune di Bologna" in first.extract_text()
    assert len(first["/Resources"]["/XObject"]) == len(writers.report_charts(data))


def test_a_consortiums_grant_counts_only_the_citys_share_with_its_source_credited(bologna):
    """A Horizon project where the city is one partner: the report, its workbook, the dashboard
    figures and the funds by programme count the city's 300,000 €, never the consortium's 5 M€;
    the imported project's source is credited."""
    from ponte.reports import content, writers

    before = totals(bologna).funds
    programme = Programme.objects.for_city(bologna).first()
    Project.objects.create(
        city=bologna,
        programme=programme,
        title="Consorzio",
        acronym="CONSORTIUM",
        origin="cordis",
        external_id="101000001",
        role="partner",
        status="running",
        total_budget=Decimal("6000000"),
        eu_contribution=Decimal("5000000"),
        city_share=Decimal("300000"),
        start_date="2025-01-01",
        end_date="2027-12-31",
    )
    assert totals(bologna).funds == before + 300_000
    scope = Report(city=bologna, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 12, 31))
    data = content.build(scope)
    consortium = next(p for p in data.projects if p.acronym == "CONSORTIUM")
    assert data.funds - data.eu_contribution == sum(
        (p.city_funds or 0) - (p.eu_contribution or 0) for p in data.projects
    )
    assert consortium.city_funds == 300_000
    rows = list(load_workbook(io.BytesIO(writers.write_xlsx(data, "2025")))["Fondi"].iter_rows(values_only=True))
    row = next(r for r in rows if r[0] == "CONSORTIUM")
    assert (row[4], row[5], row[6]) == (6_000_000, 5_000_000, 300_000)
    assert row[9] == "Fonte: CORDIS – Commissione europea (CC BY 4.0)"
    document = Document(io.BytesIO(writers.write_docx(data, "2025")))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "di cui al Comune" in text and "Fonti dei progetti importati: CORDIS" in text

"""Journey: a plan owner builds the yearly report choosing two chapters with a mouse, generates
it (the task runs at once in tests), downloads the DOCX and the PDF; both are A4 and hold the
chosen chapters only."""

import re
import shutil

import pytest
from django.conf import settings
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from ponte.browsing import shoot
from ponte.factories import ActionFactory, LineFactory, MacroAreaFactory, PlanFactory
from ponte.reports.models import Report

CHAPTERS = ("Bologna nell'Unione Europea", "Bologna e i fondi europei", "Azioni di Comunicazione")


@pytest.fixture
def plan(city, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = PlanFactory(city=city, title="Piano per l'azione internazionale")
    for number, title in enumerate(CHAPTERS, start=1):
        macro = MacroAreaFactory(city=city, plan=plan, code=str(number), title=title, order=number)
        line = LineFactory(city=city, macro_area=macro, code=f"{number}.1", title=f"Linea {number}.1")
        ActionFactory(line=line, owner_office=office, code=f"{number}.1.1", title=f"Azione del capitolo {number}")
    return plan


def _is_a4(width, height):
    return sorted((round(float(width)), round(float(height)))) == [595, 842]


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_plan_owner_builds_the_yearly_report_with_two_chapters(visit, city, plan, users, width):
    page = visit(f"/{city.slug}/gestione/relazioni/", user=users["owner"], width=width)
    page.get_by_role("link", name="Nuova relazione").first.click()
    page.get_by_label(re.compile(r"^Dal\b")).fill("2025-01-01")  # "Dal *": required
    page.get_by_label(re.compile(r"^Al\b")).fill("2025-12-31")
    chapters = page.locator("#id_macro_areas")
    chapters.get_by_text("1. Bologna nell'Unione Europea", exact=True).click()  # the label, as a person does
    chapters.get_by_text("3. Azioni di Comunicazione", exact=True).click()
    expect(chapters.get_by_role("checkbox", checked=True)).to_have_count(2)
    page.get_by_label("Titolo").fill("Relazione annuale 2025")
    shoot(page, f"journey-report-builder-{width}")
    page.get_by_role("button", name="Genera").click()

    expect(page.get_by_role("heading", name="Relazione annuale 2025", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="DOCX")).to_be_visible(timeout=30_000)
    report = Report.objects.get(title="Relazione annuale 2025")
    assert report.status == Report.Status.DONE and report.generated_by == users["owner"]
    assert sorted(m.code for m in report.macro_areas.all()) == ["1", "3"]
    path = shoot(page, f"journey-report-ready-{width}")

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="DOCX").click()
    document = Document(docx_download.value.path())
    assert all((round(s.page_width.mm), round(s.page_height.mm)) == (210, 297) for s in document.sections), (
        "the DOCX is not A4"
    )
    chapters_in_docx = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "1. Bologna nell'Unione Europea" in chapters_in_docx and "3. Azioni di Comunicazione" in chapters_in_docx
    assert not any("fondi europei" in text for text in chapters_in_docx)
    assert any(p.text == "Comune di Testopoli" for p in document.paragraphs[:3])  # the cover

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF").click()
    reader = PdfReader(pdf_download.value.path())
    assert all(_is_a4(*p.mediabox[2:]) for p in reader.pages) and _is_a4(*reader.pages[0].mediabox[2:])
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Azione del capitolo 1" in text and "Azione del capitolo 3" in text
    assert "Azione del capitolo 2" not in text and "Bologna e i fondi europei" not in text
    assert "Comune di Testopoli" in reader.pages[0].extract_text()
    if width == "desktop":
        shutil.copy(path, settings.BASE_DIR / "docs" / "screenshots")

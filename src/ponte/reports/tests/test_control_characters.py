"""A control character pasted into an update (vertical tab, NUL) does not stop the yearly report:
the three formats are written without it (issue 14)."""

import datetime
import io

from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from ponte.factories import ActionFactory, MembershipFactory
from ponte.plan.models import ActionUpdate
from ponte.reports import services
from ponte.reports.models import Report


def test_a_report_with_control_characters_in_an_update_is_written_in_three_formats(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = ActionFactory(line__city=city, title="Rete\x0b europea")
    # Vertical tab and unit separator: XML refuses them (NUL never reaches here: PostgreSQL refuses it).
    ActionUpdate.objects.create(city=city, action=action, year=2025, period=2, text="Prima\x0briga e\x1fseconda")
    report = Report.objects.create(
        city=city,
        generated_by=MembershipFactory(city=city).user,
        title="Relazione\x0c 2025",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    report = services.generate(report)
    assert report.status == Report.Status.DONE, report.error
    updates = [row[3] for row in load_workbook(report.xlsx.path)["Aggiornamenti"].iter_rows(values_only=True)]
    assert "Primariga eseconda" in updates
    assert "Primariga eseconda" in "\n".join(p.text for p in Document(report.docx.path).paragraphs)
    with open(report.pdf.path, "rb") as pdf:
        assert "Rete europea" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)


def test_an_update_with_a_control_character_is_refused_with_a_reason(client, users, action, city):
    from ponte.plan.models import current_period

    year, semester = current_period()
    client.force_login(users["editor"])
    page = client.post(
        f"/{city.slug}/gestione/azioni/{action.code}/aggiornamenti/semestrale/{year}/{semester}/",
        {"status": "in_progress", "progress": 0, "text": "Primo\x0b testo."},
    )
    assert page.status_code == 200 and "carattere di controllo invisibile" in page.content.decode()
    assert not ActionUpdate.objects.exists()

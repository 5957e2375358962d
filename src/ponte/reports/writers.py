"""The three formats of a report: DOCX (editable, styles, table of contents), PDF (tagged,
PDF/UA, fonts embedded; WeasyPrint from an HTML template) and XLSX (one sheet per section,
typed cells). All three write the same `ReportContent`."""

import base64
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ponte.core.countries import country_name
from ponte.core.exports import append_row

from . import charts


def _pct(value):
    return "—" if value is None else f"{formats.number_format(value, 1)}%"


def summary_rows(content):
    """The executive summary table: one row per chapter and the total (same rows everywhere)."""
    header = [
        _("Macro area"),
        _("Actions"),
        _("Completed"),
        _("In progress"),
        _("Late (delayed, suspended or past their end)"),
        _("Progress"),
        _("Milestones met"),
        _("Milestones missed"),
        _("Updates"),
        _("Funds (€)"),
    ]

    def figures(totals):
        return [
            totals.action_count,
            totals.count("completed"),
            totals.count("in_progress"),
            totals.late,
            totals.progress,
            totals.milestones_met,
            totals.milestones_missed,
            totals.updates,
            totals.funds,
        ]

    rows = [[f"{c.macro.code}. {c.macro.title}", *figures(c)] for c in content.chapters]
    total = [_("Total"), *figures(content)]
    return header, rows, total


def report_charts(content):
    found = [charts.progress_by_chapter(content, _("Progress by macro area"))]
    funds = charts.funds_by_programme(content, _("Funds obtained by programme (M€)"))
    if funds:
        found.append(funds)
    return found


# -- PDF ---------------------------------------------------------------------------------
def write_pdf(content, title) -> bytes:
    from weasyprint import HTML

    logo = city_logo(content.city)
    kind = "jpeg" if content.city.logo.name.lower().endswith((".jpg", ".jpeg")) else "png"
    html = render_to_string(
        "reports/report.html",
        {
            "content": content,
            "title": title,
            "logo": f"data:image/{kind};base64,{base64.b64encode(logo).decode()}" if logo else "",
            "summary": summary_rows(content),
            "charts": [
                {"title": c.title, "alt": c.alt, "src": "data:image/png;base64," + base64.b64encode(c.png).decode()}
                for c in report_charts(content)
            ],
        },
    )
    _remember_page_references()
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, full_fonts=False)


def _page_references(pdf):
    kids = pdf.pages["Kids"]  # [number, 0, "R"] a page; pages are only ever appended
    known = pdf.__dict__.get("_ponte_page_references")
    if known is None or known[0] != len(kids):
        known = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_ponte_page_references"] = known
    return known[1]


def _remember_page_references():
    """pydyf lists the references of every page of the PDF each time WeasyPrint asks for one
    page's, which it does for every element of the tagged structure (PDF/UA): time grew with
    elements × pages, the square of the report's size (issue 16). The list, remembered until a
    page is added, is the same."""
    import pydyf

    if not isinstance(pydyf.PDF.__dict__.get("page_references"), property) or (
        pydyf.PDF.page_references.fget is not _page_references
    ):
        pydyf.PDF.page_references = property(_page_references)


# -- DOCX --------------------------------------------------------------------------------
TABLE_STYLE = "Light Grid Accent 1"


class _DocxBody:
    """Appends headings, paragraphs and tables to a python-docx `Document` in constant time each.

    python-docx's own `add_paragraph` and `add_table` look for the body's section properties
    among everything the body already holds before every insertion, look a style up among all
    the styles by name at every use, and a table's `row.cells` lists every cell of the table:
    each costs in proportion to what the document holds, so a report of 860 actions took 20
    times as long as one of 86 (issue 16). The XML written is the same as theirs."""

    def __init__(self, document):
        self.document = document
        self.end = document.element.body.sectPr  # the body's last child: everything goes before it
        self.width = document._block_width  # the same for every table: the sections never change
        self.style_ids = {}

    def _style_id(self, name, kind):
        if (name, kind) not in self.style_ids:
            self.style_ids[name, kind] = self.document.part.get_style_id(name, kind)
        return self.style_ids[name, kind]

    def paragraph(self, text="", style=None):
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        element = OxmlElement("w:p")
        self.end.addprevious(element)
        if text:
            _run_text(element.add_r(), text)
        if style is not None:
            element.style = self._style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        return Paragraph(element, self.document._body)

    def heading(self, text, level):
        return self.paragraph(text, f"Heading {level}")

    def table(self, header, rows):
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml.table import CT_Tbl

        table = CT_Tbl.new_tbl(1 + len(rows), len(header), self.width)
        table.tblStyle_val = self._style_id(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        texts = [[str(text) for text in header], *([_text(value) for value in row] for row in rows)]
        for tr, values in zip(table.tr_lst, texts, strict=True):
            for tc, text in zip(tr.tc_lst, values, strict=True):
                _run_text(tc.p_lst[0].add_r(), text)
        self.end.addprevious(table)


def _run_text(run, text):
    """`run.text = text` for a new, empty run: a tab or line break in the text becomes its
    element (python-docx's setter, which first empties the run); any other text is one `w:t`."""
    if "\t" in text or "\n" in text or "\r" in text:
        run.text = text
    elif text:
        run.add_t(text)


def _text(value):
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return formats.number_format(value, 2 if value >= 1000 else 1, force_grouping=True)
    return str(value)


def _toc(document):
    """A table-of-contents field: Word and LibreOffice fill it in when the file is opened."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _field(
        document.add_paragraph(),
        'TOC \\o "1-3" \\h \\z \\u',
        placeholder=_("Update the field to show the table of contents."),
    )
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _field(paragraph, instruction, placeholder=""):
    """A Word field (TOC, PAGE, NUMPAGES) in a paragraph, computed by the word processor;
    `placeholder` is what shows until it is."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin, code, separate, shown, end = (
        OxmlElement(tag) for tag in ("w:fldChar", "w:instrText", "w:fldChar", "w:t", "w:fldChar")
    )
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate.set(qn("w:fldCharType"), "separate")
    shown.text = placeholder
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def _a4(document, title):
    """Every section on A4 portrait with 2 cm margins (python-docx's template is US Letter),
    the title and "page n of m" in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2)
        footer = section.footer.paragraphs[0]
        footer.text = f"{title} · "
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _field(footer, "PAGE")
        footer.add_run(" / ")
        _field(footer, "NUMPAGES")
        for run in footer.runs:
            run.font.size = Pt(8)


def city_logo(city) -> bytes | None:
    """The city's logo file, when it has one that can still be read."""
    if not city.logo:
        return None
    try:
        with city.logo.open("rb") as stored:
            return stored.read()
    except OSError:
        return None


def _docx_cover(document, content, title):
    """The cover: the city's logo when it has one, its name, the title, the plan and period."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt, RGBColor

    logo = city_logo(content.city)
    if logo:
        document.add_picture(io.BytesIO(logo), height=Cm(3))
    city = document.add_paragraph()
    run = city.add_run(_("City of %(city)s") % {"city": content.city.name})
    run.bold, run.font.size, run.font.color.rgb = True, Pt(20), RGBColor(0x00, 0x66, 0xCC)
    city.paragraph_format.space_after = Pt(48)
    document.add_heading(title, level=0)
    if content.plan:
        document.add_paragraph(f"{content.plan.title} {content.plan.start_year}–{content.plan.end_year}")
    document.add_paragraph(_period_text(content)).add_run().add_break(WD_BREAK.PAGE)


def write_docx(content, title) -> bytes:
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.core_properties.title = title
    document.core_properties.author = _("City of %(city)s") % {"city": content.city.name}
    document.core_properties.language = "it-IT"
    _a4(document, title)
    _docx_cover(document, content, title)
    body = _DocxBody(document)
    body.heading(_("Contents"), 1)
    _toc(document)
    body.heading(_("Executive summary"), 1)
    header, rows, total = summary_rows(content)
    body.table(header, [*rows, total])
    for chart in report_charts(content):
        document.add_picture(io.BytesIO(chart.png), width=Cm(16))
        body.paragraph(chart.alt, style="Caption")
    for chapter in content.chapters:
        body.heading(f"{chapter.macro.code}. {chapter.macro.title}", 1)
        body.paragraph(_("Progress") + f": {_pct(chapter.progress)}")
        for line in chapter.lines:
            body.heading(f"{line.line.code} {line.line.title}", 2)
            for block in line.actions:
                _docx_action(body, block)
    body.heading(_("Funds obtained"), 1)
    body.paragraph(
        _(
            "Total budget %(budget)s €, EU or programme contribution to the projects %(eu)s €, "
            "of which to the city %(city)s €."
        )
        % {
            "budget": formats.number_format(content.budget, 2, use_l10n=True, force_grouping=True),
            "eu": formats.number_format(content.eu_contribution, 2, use_l10n=True, force_grouping=True),
            "city": formats.number_format(content.funds, 2, use_l10n=True, force_grouping=True),
        }
    )
    body.table(*_projects_table(content))
    if content.sources:
        body.paragraph(
            _("Sources of the imported projects")
            + ": "
            + "; ".join(f"{source.name} ({source.licence}, {source.url})" for source in content.sources)
        )
    body.heading(_("International relations"), 1)
    body.table(*_relations_table(content))
    body.heading(_("Events"), 1)
    body.table(*_events_table(content))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_action(body, block):
    action = block.action
    body.heading(f"{action.code} {action.title}", 3)
    body.paragraph(
        f"{_('Status')}: {action.get_status_display()} · {_('Progress')}: {action.progress}% · "
        f"{_('Owning office')}: {action.owner_office or '—'}"
    )
    if block.milestones:
        body.table(
            [_("Milestone"), _("Due"), _("Done")],
            [[m.title, m.due_date, m.done_date] for m in block.milestones],
        )
    if block.indicators:
        body.table(*_indicator_table(block))
    for update in block.updates:
        body.paragraph(f"{update.period_label}: {update.text}")


def _indicator_table(block):
    header = [_("Indicator"), _("Unit"), _("Baseline"), _("Latest value"), _("Target"), _("Toward target")]
    rows = [
        [
            f"{row.indicator.code} {row.indicator.localized_name}",
            row.indicator.unit,
            row.baseline,
            row.latest.value if row.latest else None,
            row.target.value if row.target else None,
            _pct(row.toward_target),
        ]
        for row in block.indicators
    ]
    return header, rows


def _projects_table(content):
    header = [
        _("Project"),
        _("Programme"),
        _("Status"),
        _("Total budget (€)"),
        _("Contribution (€)"),
        _("To the city (€)"),
    ]
    rows = [
        [
            p.acronym or p.title,
            p.programme.localized_name,
            p.get_status_display(),
            p.total_budget,
            p.eu_contribution,
            p.city_funds,
        ]
        for p in content.projects
    ]
    return header, rows


def _relations_table(content):
    header = [_("Partner"), _("Country"), _("Kind"), _("Status")]
    rows = [
        [r.partner.localized_name, country_name(r.partner.country), r.get_kind_display(), r.get_status_display()]
        for r in content.relations
    ]
    return header, rows


def _events_table(content):
    header = [_("Event"), _("Date"), _("Venue")]
    rows = [
        [e.title, formats.date_format(timezone.localtime(e.starts_at), "SHORT_DATE_FORMAT"), e.venue]
        for e in content.events
    ]
    return header, rows


def _period_text(content):
    text = _("Period: %(start)s – %(end)s") % {
        "start": formats.date_format(content.start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(content.end, "SHORT_DATE_FORMAT"),
    }
    if content.scope_notes:
        text += " · " + _("Scope") + ": " + "; ".join(content.scope_notes)
    return text


# -- XLSX --------------------------------------------------------------------------------
def write_xlsx(content, title) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Executive summary")[:31]
    append_row(summary, [title])
    summary["A1"].font = Font(bold=True, size=14)
    append_row(summary, [_period_text(content)])
    append_row(summary, [])
    header, rows, total = summary_rows(content)
    _sheet_rows(summary, header, [*rows, total], percent_columns={5})

    sheets = {
        _("Actions"): (
            [
                _("Code"),
                _("Title"),
                _("Macro area"),
                _("Line"),
                _("Status"),
                _("Progress (%)"),
                _("Start"),
                _("End"),
                _("Owning office"),
                _("Milestones met"),
                _("Milestones missed"),
                _("Funds (€)"),
            ],
            [
                [
                    b.action.code,
                    b.action.title,
                    b.action.line.macro_area.code,
                    b.action.line.code,
                    b.action.get_status_display(),
                    b.action.progress,
                    b.action.start_date,
                    b.action.end_date,
                    str(b.action.owner_office or ""),
                    b.milestones_met,
                    b.milestones_missed,
                    b.funds,
                ]
                for b in content.action_blocks
            ],
        ),
        _("Indicators"): (
            [
                _("Action"),
                _("Indicator"),
                _("Unit"),
                _("Baseline"),
                _("Latest value"),
                _("Date of the value"),
                _("Target"),
                _("Target date"),
                _("Toward target (%)"),
            ],
            [
                [
                    b.action.code,
                    f"{r.indicator.code} {r.indicator.localized_name}",
                    r.indicator.unit,
                    r.baseline,
                    r.latest.value if r.latest else None,
                    r.latest.reference_date if r.latest else None,
                    r.target.value if r.target else None,
                    r.target.target_date if r.target else None,
                    r.toward_target,
                ]
                for b in content.action_blocks
                for r in b.indicators
            ],
        ),
        _("Milestones"): (
            [_("Action"), _("Milestone"), _("Due"), _("Done")],
            [[b.action.code, m.title, m.due_date, m.done_date] for b in content.action_blocks for m in b.milestones],
        ),
        _("Updates"): (
            [_("Action"), _("Year"), _("Period"), _("Text")],
            [[b.action.code, u.year, u.period_label, u.text] for b in content.action_blocks for u in b.updates],
        ),
        _("Funds"): (
            [
                _("Project"),
                _("Programme"),
                _("Status"),
                "CUP",
                _("Total budget (€)"),
                _("Contribution (€)"),
                _("To the city (€)"),
                _("Start"),
                _("End"),
                _("Source"),
            ],
            [
                [
                    p.acronym or p.title,
                    p.programme.localized_name,
                    p.get_status_display(),
                    p.cup,
                    p.total_budget,
                    p.eu_contribution,
                    p.city_funds,
                    p.start_date,
                    p.end_date,
                    p.attribution,
                ]
                for p in content.projects
            ],
        ),
        _("Relations"): _relations_table(content),
        _("Events"): (
            [_("Event"), _("Starts at"), _("Venue")],
            # spreadsheets have no time zones: the local time, as the portal shows it
            [[e.title, timezone.localtime(e.starts_at).replace(tzinfo=None), e.venue] for e in content.events],
        ),
    }
    for name, (header, rows) in sheets.items():
        _sheet_rows(workbook.create_sheet(name[:31]), header, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_rows(sheet, header, rows, percent_columns=()):
    from openpyxl.styles import Font

    append_row(sheet, [str(h) for h in header], font=Font(bold=True))
    for row in rows:
        append_row(sheet, [_typed(value) for value in row])
        for index in percent_columns:
            sheet.cell(row=sheet.max_row, column=index + 1).number_format = "0.0"
    sheet.freeze_panes = sheet.cell(row=sheet.max_row - len(rows) + 1, column=1)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = min(
            60, max(10, *(len(str(c.value or "")) for c in column))
        )


def _typed(value):
    """Numbers stay numbers (Decimal → float: spreadsheet cells are doubles), dates stay dates."""
    if isinstance(value, Decimal):
        return float(value)
    return value

"""The releases of each open-data source as Ponte has met them: how each names the columns the
importers read, and how its header is recognised. One table per source, newest release first;
`test_importer_releases.py` imports a file in the layout of every row. When a source publishes
a new layout, add a row here and a fixture there. docs/open-data.md describes the sources.

Column names are compared by `column_key` (case, accents, spaces and punctuation ignored), so a
release that only writes a name in another case ("Titolo progetto") needs no renaming."""

from django.utils.translation import gettext_lazy as _

from ponte.core.importing import Release

PNRR_RELEASES = (
    Release(
        _("Italia Domani, PNRR_Progetti.csv (2024 onwards, 63 columns)"),
        markers=("Data Ultima Validazione", "Data di Estrazione"),
    ),
    Release(
        _("Italia Domani, PNRR_Progetti_Dati_Validati (2023, 50 columns in lower case)"),
        markers=("Data aggiornamento",),
        renamed={"Data di Estrazione": ("Data aggiornamento",)},
        note=_("this release has no dates of the projects, and may write the Comune's tax code without its zero."),
    ),
    Release(
        _("Italia Domani, 2022 release (28 columns, Windows-1252)"),
        markers=("Data di Estrazione",),
        absent=("Codice Univoco Misura", "Stato Avanzamento Progetto"),
        note=_("this release has no dates of the projects and no progress status."),
    ),
)

OPENCOESIONE_RELEASES = (
    Release(
        _("OpenCoesione, progetti_esteso 2021-2027 (Parquet)"),
        markers=("OC_TITOLO_PROGETTO",),
        parquet=True,
    ),
    Release(
        _("OpenCoesione, progetti_esteso (CSV, 2014-2020 and all cycles)"),
        markers=("OC_TITOLO_PROGETTO", "OC_CODICE_PROGRAMMA"),
    ),
    Release(
        _("OpenCoesione, 2007-2013 releases (DPS_ column names)"),
        markers=("DPS_TITOLO_PROGETTO",),
        renamed={
            "OC_TITOLO_PROGETTO": ("DPS_TITOLO_PROGETTO",),
            "OC_CODICE_PROGRAMMA": ("DPS_CODICE_PROGRAMMA",),
            "OC_DESCRIZIONE_PROGRAMMA": ("DPS_DESCRIZIONE_PROGRAMMA",),
            "OC_STATO_PROGETTO": ("DPS_STATO_PROGETTO",),
            "OC_DATA_INIZIO_PROGETTO": ("DATA_INIZIO_EFFETTIVA",),
            "OC_DATA_FINE_PROGETTO_PREVISTA": ("DATA_FINE_PREVISTA",),
        },
        note=_(
            "the 2007-2013 releases keep the projects' places in a separate file (localizzazioni): "
            "download today's progetti_esteso, which covers that cycle too."
        ),
    ),
)

CORDIS_RELEASES = (
    Release(
        _("CORDIS, organization.csv (2021 onwards, with netEcContribution)"),
        markers=("organisationID", "netEcContribution"),
        file="organisations",
    ),
    Release(
        _("CORDIS, organizations file before 2021 (PIC in “id”, no netEcContribution)"),
        markers=("projectID", "id"),
        absent=("netEcContribution",),
        renamed={"organisationID": ("id",)},
        file="organisations",
    ),
    Release(
        _("CORDIS, project.csv (2021 onwards)"),
        markers=("id", "ecMaxContribution", "legalBasis"),
        file="projects",
    ),
    Release(
        _("CORDIS, projects file before 2021 (with coordinator and participants)"),
        markers=("id", "ecMaxContribution", "coordinator"),
        file="projects",
    ),
)

FUNDING_TENDERS_RELEASES = (
    Release(_("Funding & Tenders, reference file grantsTenders.json"), file="reference"),
    Release(_("Funding & Tenders, search API response (SEDIA)"), file="search"),
)

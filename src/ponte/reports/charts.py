"""The report's charts as PNG images (matplotlib, no display), each with the text that says
the same thing for screen readers and the tables next to it."""

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: E402 - the backend is chosen first

BLUE, GREEN, GREY = "#0066cc", "#008758", "#5c6f82"


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    png: bytes


def _bars(labels, values, title, unit, colour=BLUE, limit=None) -> bytes:
    figure, axes = pyplot.subplots(figsize=(7.5, 0.45 * max(len(labels), 3) + 1.2), dpi=150)
    positions = range(len(labels))
    axes.barh(list(positions), values, color=colour)
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(unit, fontsize=8)
    if limit:
        axes.set_xlim(0, limit)
    for position, value in zip(positions, values, strict=True):
        axes.text(value, position, f" {value:,.1f}".replace(",", " "), va="center", fontsize=7)
    axes.set_title(title, fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()


def progress_by_chapter(content, title) -> Chart:
    labels = [f"{c.macro.code}. {c.macro.title[:60]}" for c in content.chapters]
    values = [float(c.progress or 0) for c in content.chapters]
    alt = "; ".join(f"{label}: {value:.1f}%" for label, value in zip(labels, values, strict=True))
    return Chart(title, alt, _bars(labels, values, title, "%", limit=100))


def funds_by_programme(content, title) -> Chart | None:
    rows = content.funds_by_programme()
    if not rows:
        return None
    labels = [name[:60] for name, _total in rows]
    values = [float(total) / 1_000_000 for _name, total in rows]
    alt = "; ".join(f"{label}: {value:.2f} M€" for label, value in zip(labels, values, strict=True))
    return Chart(title, alt, _bars(labels, values, title, "M€", colour=GREEN))

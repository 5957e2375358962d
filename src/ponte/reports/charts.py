"""The report's charts as PNG images (matplotlib, no display), each with the text that says
the same thing for screen readers and the tables next to it."""

import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from django.utils import formats  # noqa: E402
from matplotlib import pyplot  # noqa: E402 - the backend is chosen first
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ponte.core.money import euro, euro_compact  # noqa: E402

BLUE, GREEN, GREY = "#0066cc", "#008758", "#5c6f82"


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    png: bytes


def wrap_label(text, width=34, lines=2) -> str:
    """A long label on at most `lines` lines of `width` characters, cut with "…" beyond: the
    full text is in the table next to the chart."""
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1 :]), width, placeholder="…")]
    return "\n".join(wrapped)


def _bars(labels, values, title, unit, *, colour=BLUE, limit=None, value_text) -> bytes:
    labels = [wrap_label(label) for label in labels]
    rows = sum(label.count("\n") + 1 for label in labels)
    figure, axes = pyplot.subplots(figsize=(7.5, 0.22 * max(rows, 4) + 0.2 * len(labels) + 1.0), dpi=150)
    positions = range(len(labels))
    axes.barh(list(positions), values, color=colour)
    axes.set_yticks(list(positions), labels, fontsize=7.5)
    axes.invert_yaxis()
    axes.set_xlabel(unit, fontsize=8)
    axes.tick_params(axis="x", labelsize=7.5)
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _position: formats.number_format(value, 1 if value % 1 else 0, use_l10n=True))
    )
    top = limit or max(values, default=0) or 1
    # room on the right for the value written after the longest bar
    axes.set_xlim(0, top * 1.18)
    if limit:
        axes.set_xticks(range(0, int(limit) + 1, int(limit) // 5))
    for position, value in zip(positions, values, strict=True):
        axes.text(value, position, " " + value_text(value), va="center", fontsize=7)
    axes.set_title(title, fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()


def progress_by_chapter(content, title) -> Chart:
    labels = [f"{c.macro.code}. {c.macro.title}" for c in content.chapters]
    values = [float(c.progress or 0) for c in content.chapters]
    alt = "; ".join(f"{label}: {_percent(value)}" for label, value in zip(labels, values, strict=True))
    return Chart(title, alt, _bars(labels, values, title, "%", limit=100, value_text=_percent))


def funds_by_programme(content, title) -> Chart | None:
    rows = content.funds_by_programme()
    if not rows:
        return None
    labels = [name for name, _total in rows]
    values = [float(total) / 1_000_000 for _name, total in rows]
    alt = "; ".join(f"{name}: {euro(total)}" for name, total in rows)
    return Chart(
        title, alt, _bars(labels, values, title, "M€", colour=GREEN, value_text=lambda v: euro_compact(v * 1_000_000))
    )


def _percent(value) -> str:
    return f"{formats.number_format(value, 1, use_l10n=True)}%"

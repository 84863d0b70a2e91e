"""A chart saved as a figure for a paper (PNG, SVG or PDF), drawn with matplotlib.

matplotlib is the optional extra ``ca-profiles[plot]``: it is imported only here, only when a
figure is saved.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from ca_profiles.errors import UsageError
from ca_profiles.files import replacing
from ca_profiles.results import Rows

FORMATS = ("png", "svg", "pdf")
INSTALL = "saving a chart needs matplotlib: pip install 'ca-profiles[plot]'"
#: Metadata that would change from run to run (dates), left out so that the same data give the
#: same file.
_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None},
}


def save(result: Rows, output: Path) -> None:
    """Draw ``result`` (a chart view) into ``output``, written whole or not at all."""
    kind = output.suffix.lower().removeprefix(".")
    if kind not in FORMATS:
        raise UsageError(f"cannot tell the figure format of '{output}': name it .png, .svg or .pdf")
    if not output.parent.is_dir():
        raise UsageError(f"no such folder: '{output.parent}'")
    try:
        import matplotlib
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise UsageError(INSTALL) from None
    lines: dict[str, tuple[str, list[int], list[float]]] = {}
    for row in result.rows:
        name, years, values = lines.setdefault(row["line"], (row["line"], [], []))
        years.append(row["year"])
        values.append(row["value"])
    meta = result.meta
    notes = [meta["caption"]]
    if meta.get("missing"):
        notes.append(f"No figures: {', '.join(meta['missing'])}.")
    caption = "\n".join(textwrap.fill(note, 110) for note in notes)
    # Text stays text in an SVG (searchable, editable in a paper), not outlines.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ca-profiles"}):
        figure = Figure(figsize=(7.5, 4.8))
        axes = figure.add_subplot()
        for name, years, values in lines.values():
            axes.plot(years, values, marker="o", markersize=3, linewidth=1.5, label=name)
        axes.set_title(result.title)
        axes.set_xlabel("Year")
        axes.set_ylabel(f"{meta['label']} ({meta['unit_label']})")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(True, linewidth=0.3, alpha=0.5)
        # Beside the plot, where it hides no line.
        axes.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
        rows_of_caption = caption.count("\n") + 1
        figure.subplots_adjust(left=0.1, right=0.8, bottom=0.14 + 0.03 * rows_of_caption)
        figure.text(0.01, 0.01, caption, fontsize=6.5, va="bottom", ha="left", wrap=False)
        with replacing(output, force=True) as temporary, temporary.open("wb") as stream:
            figure.savefig(stream, format=kind, metadata=_METADATA[kind], dpi=200)

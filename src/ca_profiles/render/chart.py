"""A line chart for the terminal: braille dots, a value and a year axis, and a legend.

Each country has a colour and a marker: the marker shows where its points are (or, on a dense
series, where its line ends), so that the chart still reads without colour (``NO_COLOR``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from ca_profiles.render.text import safe
from ca_profiles.results import Rows

MARKERS = "●▲■◆★✚○△□◇"
COLORS = ["cyan", "magenta", "yellow", "green", "red", "blue", "bright_cyan", "bright_magenta"]
HEIGHT = 12
#: Braille dot bits by (column, row) inside a cell of 2 × 4 dots.
_DOTS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20}
_DOTS |= {(0, 3): 0x40, (1, 3): 0x80}


@dataclass
class _Line:
    name: str
    points: list[tuple[int, float]]
    sources: list[str]
    #: The latest year with a world rank, and that rank.
    rank: tuple[int, int] | None = None


def _lines(result: Rows) -> list[_Line]:
    lines: dict[str, _Line] = {}
    for row in result.rows:
        line = lines.setdefault(row["line"], _Line(row["line"], [], []))
        line.points.append((row["year"], row["value"]))
        if row["source"] not in line.sources:
            line.sources.append(row["source"])
        if row.get("world_rank") is not None:
            line.rank = (row["year"], row["world_rank"])
    return list(lines.values())


def _nice(value: float) -> float:
    """The round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ) at or above ``value`` > 0."""
    power = 10.0 ** math.floor(math.log10(value))
    return next(
        m * power for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= value * (1 - 1e-12)
    )


def _range(values: list[float]) -> tuple[float, float]:
    """The value axis, to round numbers and from zero where every value has one sign."""
    low, high = min(values), max(values)
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        return low, low + 1
    return (-_nice(-low) if low < 0 else 0.0), (_nice(high) if high > 0 else 0.0)


def _tick(value: float, ticks: list[float]) -> str:
    """A tick label with the fewest decimals that show every tick exactly."""
    decimals = next((d for d in range(5) if all(abs(round(t, d) - t) < 1e-9 for t in ticks)), 4)
    return f"{value:,.{decimals}f}"


def _year_ticks(first: int, last: int, room: int) -> list[int]:
    """Round years spaced so that their labels (4 characters and a gap) fit in ``room``."""
    span = last - first
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if span // step * 6 <= room:
            break
    return [year for year in range(first, last + 1) if year % step == 0] or [first]


def render(result: Rows, width: int = 80) -> RenderableType:
    lines = _lines(result)
    years = [year for line in lines for year, _ in line.points]
    first, last = min(years), max(years)
    low, high = _range([value for line in lines for _, value in line.points])
    labels = {0: high, HEIGHT // 2: (low + high) / 2, HEIGHT - 1: low}
    shown = {row: _tick(value, list(labels.values())) for row, value in labels.items()}
    label_width = max(map(len, shown.values()))
    columns = max(10, width - label_width - 2)
    dots_x, dots_y = columns * 2, HEIGHT * 4

    def at(year: int, value: float) -> tuple[int, int]:
        x = round((year - first) / (last - first) * (dots_x - 1)) if last > first else dots_x // 2
        y = round((high - value) / (high - low) * (dots_y - 1))
        return x, y

    bits = [[0] * columns for _ in range(HEIGHT)]
    owner: list[list[int | None]] = [[None] * columns for _ in range(HEIGHT)]
    marks: dict[tuple[int, int], int] = {}
    sparse = len(set(years)) * 3 <= columns
    for index, line in enumerate(lines):
        dots = [at(year, value) for year, value in line.points]
        for (x0, y0), (x1, y1) in zip(dots, dots[1:], strict=False):
            steps = max(abs(x1 - x0), abs(y1 - y0), 1)
            for step in range(steps + 1):
                x = x0 + round((x1 - x0) * step / steps)
                y = y0 + round((y1 - y0) * step / steps)
                bits[y // 4][x // 2] |= _DOTS[(x % 2, y % 4)]
                owner[y // 4][x // 2] = index
        for x, y in dots if sparse else dots[-1:]:
            marks[(y // 4, x // 2)] = index
    plot: list[Text] = []
    for row in range(HEIGHT):
        text = Text(shown.get(row, "").rjust(label_width) + (" ┤" if row in shown else " │"), style="dim")
        for column in range(columns):
            if (row, column) in marks:
                index = marks[(row, column)]
                text.append(MARKERS[index % len(MARKERS)], style=COLORS[index % len(COLORS)])
            elif bits[row][column]:
                index = owner[row][column] or 0
                text.append(chr(0x2800 + bits[row][column]), style=COLORS[index % len(COLORS)])
            else:
                text.append(" ")
        plot.append(text)
    plot.append(Text(" " * label_width + " └" + "─" * columns, style="dim"))
    axis = _axis(_year_ticks(first, last, columns), columns, lambda year: at(year, low)[0] // 2)
    plot.append(Text(" " * (label_width + 2) + axis, style="dim"))
    return Group(
        Text(result.title, style="bold"),
        *plot,
        *_legend(lines, result.meta),
    )


def _axis(years: list[int], columns: int, column_of: Callable[[int], int]) -> str:
    """Year labels centred under their columns, leaving out any that would touch another."""
    axis = [" "] * (columns + 4)
    for year in years:
        column = min(column_of(year), columns - 1)
        start = max(0, min(column - 2, columns - 4))
        if all(c == " " for c in axis[max(0, start - 1) : start + 5]):
            axis[start : start + 4] = str(year)
    return "".join(axis).rstrip()


def _legend(lines: list[_Line], meta: dict[str, Any]) -> list[Text]:
    out = []
    for index, line in enumerate(lines):
        years = [year for year, _ in line.points]
        span = f"{years[0]}–{years[-1]}" if years[-1] != years[0] else str(years[0])
        text = Text(MARKERS[index % len(MARKERS)], style=COLORS[index % len(COLORS)])
        text.append(" ")
        text.append(safe(line.name))
        rank = f", world rank #{line.rank[1]} in {line.rank[0]}" if line.rank else ""
        text.append(f"  {span}, {', '.join(line.sources)}{rank}", style="dim")
        out.append(text)
    if meta.get("missing"):
        missing = safe(f"No figures: {', '.join(meta['missing'])}")
        missing.stylize("dim")
        out.append(missing)
    caption = safe(meta["caption"])
    caption.stylize("dim")
    out.append(caption)
    return out

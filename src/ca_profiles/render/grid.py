"""A light table for long views: columns laid out once, then every row written as plain lines.

rich's ``Table`` renders each cell as a renderable of its own, about a tenth of a millisecond
apiece; a profile holds about a thousand cells and ``rank`` over a large data folder many more,
which would spend the whole start-up budget of design §8 on layout. This draws the same picture
for the cases the views use: a title, a bold header over a rule, left or right aligned columns,
and cells that fold onto more lines when the terminal is narrow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text


@dataclass
class _Column:
    header: Text
    justify: Literal["left", "right"]
    style: str
    min_width: int
    no_wrap: bool
    cells: list[Text] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)

    def natural(self, header: bool) -> int:
        return max(self.min_width, self.header.cell_len if header else 0, *self.widths, 0)

    def floor(self) -> int:
        """The narrowest this column goes without breaking a word."""
        if self.no_wrap:
            return self.natural(True)
        words = (word for cell in self.cells for word in cell.plain.split())
        return max(self.min_width, max(map(cell_len, words), default=1))


class Grid:
    """Rows of cells under column headers (``header=False`` for a two-column key/value list)."""

    def __init__(self, title: Text | str | None = None, *, header: bool = True, gap: int = 3) -> None:
        self.title = None if title is None else Text.assemble(title, style="table.title")
        self.header, self.gap = header, gap
        #: Tables with a header stand a space in from each side, as rich's simple boxes do.
        self.edge = 1 if header else 0
        self.columns: list[_Column] = []

    def add_column(
        self,
        header: str = "",
        *,
        justify: Literal["left", "right"] = "left",
        style: str = "",
        min_width: int = 0,
        no_wrap: bool = False,
    ) -> None:
        self.columns.append(_Column(Text(header, style="table.header"), justify, style, min_width, no_wrap))

    def add_row(self, *cells: Text | str) -> None:
        for column, cell in zip(self.columns, cells, strict=True):
            text = cell if isinstance(cell, Text) else Text(cell)
            column.cells.append(text)
            plain = text.plain
            column.widths.append(max(map(cell_len, plain.split("\n"))) if "\n" in plain else text.cell_len)

    def _spare(self) -> int:
        return self.gap * max(0, len(self.columns) - 1) + 2 * self.edge

    def _fit(self, room: int) -> list[int]:
        """Column widths within ``room``: the widest columns give way first, to a common cap."""
        natural = [column.natural(self.header) for column in self.columns]
        if sum(natural) <= room:
            return natural
        # Break no word if that fits; else fold long words too, but never a no_wrap column.
        floors = [c.floor() for c in self.columns]
        if sum(floors) > room:
            floors = [
                n if c.no_wrap else c.min_width or 1 for c, n in zip(self.columns, natural, strict=True)
            ]
        low, high = 1, max(natural)
        while low < high:
            cap = (low + high + 1) // 2
            if sum(max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)) <= room:
                low = cap
            else:
                high = cap - 1
        widths = [max(f, min(n, low)) for n, f in zip(natural, floors, strict=True)]
        # What the common cap leaves over goes, a column at a time, to those it cut.
        spare = room - sum(widths)
        for index in [i for i, (w, n) in enumerate(zip(widths, natural, strict=True)) if w < n][:spare]:
            widths[index] += 1
        return widths

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        spare = self._spare()
        return Measurement(
            sum(c.floor() for c in self.columns) + spare,
            sum(c.natural(self.header) for c in self.columns) + spare,
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.columns:
            return
        widths = self._fit(options.max_width - self._spare())
        null = Style.null()
        styles = [console.get_style(column.style) if column.style else null for column in self.columns]
        right = [column.justify == "right" for column in self.columns]

        def lines(cells: list[tuple[Text, int]], header: bool = False) -> RenderResult:
            folded = [_fold(console, *cell, width) for cell, width in zip(cells, widths, strict=True)]
            for row in range(max(map(len, folded))):
                line = _Line(" " * self.edge, null)
                for index, width in enumerate(widths):
                    cell, used = folded[index][row] if row < len(folded[index]) else (_EMPTY, 0)
                    if index:
                        line.add(" " * self.gap, null)
                    if right[index]:
                        line.add(" " * (width - used), null)
                    base = null if header else styles[index]
                    if cell.spans or cell.style:
                        # Text.render leaves a text's own style to its caller when it has no spans.
                        own = base + console.get_style(cell.style, default=null)
                        for segment in cell.render(console):
                            line.add(segment.text, own + segment.style if segment.style else own)
                    else:
                        line.add(cell.plain, base)
                    if not right[index]:
                        line.add(" " * (width - used), null)
                line.add(" " * self.edge, null)
                yield from line.end()

        if self.title is not None:
            yield from console.render(self.title, options.update(width=options.max_width))
        if self.header:
            yield from lines([(c.header, c.header.cell_len) for c in self.columns], header=True)
            yield Segment(
                " " * self.edge + "─" * (sum(widths) + self._spare() - 2 * self.edge) + " " * self.edge
            )
            yield Segment.line()
        for row in range(len(self.columns[0].cells)):
            yield from lines([(column.cells[row], column.widths[row]) for column in self.columns])


_EMPTY = Text()


class _Line:
    """One line of output, text of one style joined into one segment: the panels around a
    table measure every segment of every line again, so fewer segments is faster."""

    def __init__(self, text: str, style: Style) -> None:
        self.segments: list[Segment] = []
        self.text, self.style = text, style

    def add(self, text: str, style: Style) -> None:
        if style is self.style or style == self.style:
            self.text += text
        else:
            self.segments.append(Segment(self.text, self.style))
            self.text, self.style = text, style

    def end(self) -> list[Segment]:
        return [*self.segments, Segment(self.text, self.style), Segment.line()]


def _fold(console: Console, cell: Text, used: int, width: int) -> list[tuple[Text, int]]:
    """A cell's lines and their widths at ``width``: as it is when it fits, else wrapped at
    spaces and folded."""
    if used <= width and "\n" not in cell.plain:
        return [(cell, used)]
    return [(line, line.cell_len) for line in cell.wrap(console, width, overflow="fold")]

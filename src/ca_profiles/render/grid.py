"""rich's ``Table``, as far as the views use it, drawn the same but laid out in one pass.

rich renders each cell as a renderable of its own, measured and then rendered through a
``Padding`` (about a tenth of a millisecond a cell); a profile holds about a thousand cells and
``rank`` over a large data folder many more, which would spend the whole start-up budget
(docs/architecture.md, "Budgets and the benchmark") on layout. This class takes the same
arguments for the cases the views use (a ``SIMPLE_HEAD`` box with ``pad_edge=False``, or
``Table.grid``), sizes the columns by rich's own rules and writes each line as a few segments,
so that the output is rich's, character for character, about four times faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rich.box import ROUNDED, SIMPLE_HEAD, Box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

Justify = Literal["left", "right"]
Overflow = Literal["fold", "ellipsis"]


@dataclass
class _Column:
    header: Text
    justify: Justify
    overflow: Overflow
    style: str
    no_wrap: bool
    min_width: int | None
    cells: list[Text] = field(default_factory=list)
    #: The widest line of each cell, header first.
    widths: list[int] = field(default_factory=list)

    def narrowest(self, header: bool) -> int:
        """The longest word in the column, as rich measures a text's minimum width."""
        texts = [self.header, *self.cells] if header else self.cells
        return max((_widest(word) for text in texts for word in text.plain.split()), default=1)


def _widest(text: Text | str) -> int:
    """A text's widest line, as rich's ``Text.__rich_measure__`` gives it."""
    plain = text.plain if isinstance(text, Text) else text
    if plain.isprintable():  # one line: the common case, without splitting
        return cell_len(plain)
    return max(map(cell_len, plain.splitlines()), default=0)


class Table:
    """Rows under column headers in a ``SIMPLE_HEAD`` box, or a borderless ``Table.grid``."""

    def __init__(
        self,
        *,
        title: Text | str | None = None,
        title_justify: Literal["left"] = "left",
        box: Box | None = SIMPLE_HEAD,
        pad_edge: bool = False,
        expand: bool = False,
        show_header: bool = True,
        padding: tuple[int, int] = (0, 1),
        collapse_padding: bool = False,
    ) -> None:
        if box not in (SIMPLE_HEAD, None) or pad_edge or expand or padding[0]:
            raise ValueError("this table draws SIMPLE_HEAD boxes and grids without edge padding only")
        self.title = Text(title, style="table.title") if isinstance(title, str) else title
        self.box, self.show_header = box, show_header
        self.padding, self.collapse_padding = padding[1], collapse_padding
        self.columns: list[_Column] = []

    @classmethod
    def grid(cls, padding: tuple[int, int] = (0, 0)) -> Table:
        """Columns without a box or headers, their padding collapsed, as ``rich.table.Table.grid``."""
        return cls(box=None, show_header=False, padding=padding, collapse_padding=True)

    def add_column(
        self,
        header: Text | str = "",
        *,
        justify: Justify = "left",
        overflow: Overflow = "ellipsis",
        style: str = "",
        no_wrap: bool = False,
        min_width: int | None = None,
    ) -> None:
        text = Text(header) if isinstance(header, str) else header
        column = _Column(text, justify, overflow, style, no_wrap, min_width)
        if self.show_header:
            column.widths.append(_widest(text))
        self.columns.append(column)

    def add_row(self, *cells: RenderableType) -> None:
        for column, cell in zip(self.columns, cells, strict=True):
            if not isinstance(cell, Text | str):
                raise TypeError(f"cells are text, not {type(cell).__name__}")
            text = Text(cell) if isinstance(cell, str) else cell
            column.cells.append(text)
            column.widths.append(_widest(text))

    # --- sizes, by rich's rules ---------------------------------------------------------------

    def _pads(self, index: int) -> tuple[int, int]:
        last = index == len(self.columns) - 1
        left = 0 if index == 0 or self.collapse_padding else self.padding
        return left, 0 if last else self.padding

    @property
    def _extra(self) -> int:
        """Width of the box: its two edges and a line between columns."""
        return 0 if self.box is None else 2 + len(self.columns) - 1

    def _fit(self, index: int, width: int) -> int:
        """A column's width (padding included) in ``width``, as rich's ``_measure_column``."""
        column, pad = self.columns[index], sum(self._pads(index))
        if width < 1:
            return 0
        if width - pad < 1:
            fitted = width
        elif column.widths:
            fitted = min(max(column.widths) + pad, width)
        else:
            fitted = width
        return fitted if column.min_width is None else max(column.min_width + pad, fitted)

    def _widths(self, room: int) -> list[int]:
        """rich's ``_calculate_column_widths``: natural widths, then the widest wrappable
        columns narrowed together until the table fits, then every column if it must."""
        widths = [self._fit(index, room) or 1 for index in range(len(self.columns))]
        if sum(widths) > room:
            widths = _collapse(widths, [not column.no_wrap for column in self.columns], room)
            if sum(widths) > room:
                widths = _ratio_reduce(sum(widths) - room, [1] * len(widths), widths, widths)
            widths = [self._fit(index, width) for index, width in enumerate(widths)]
        return widths

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        extra = self._extra
        widths = self._widths(options.max_width - extra)
        least = sum(
            min(column.narrowest(self.show_header) + sum(self._pads(index)), width)
            for index, (column, width) in enumerate(zip(self.columns, widths, strict=True))
        )
        return Measurement(least + extra, sum(widths) + extra)

    # --- drawing ------------------------------------------------------------------------------

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.columns:
            yield Segment.line()
            return
        widths = self._widths(options.max_width - self._extra)
        table_width = sum(widths) + self._extra
        null = Style.null()
        if self.title is not None:
            yield from console.render(
                self.title, options.update(width=table_width, justify="left", height=None)
            )
        edge = " " if self.box is not None else ""
        if self.box is not None:
            yield Segment(" " * table_width)
            yield Segment.line()
        header = console.get_style("table.header")
        divider = " " if self.box is not None else ""
        # What each line needs of each column, worked out once: (column, content width, left
        # padding, right padding, right-justified, style).
        layout = []
        for index, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            left, right = self._pads(index)
            style = console.get_style(column.style) if column.style else null
            layout.append(
                (column, width - left - right, " " * left, " " * right, column.justify == "right", style)
            )
        for row in range(-1 if self.show_header else 0, len(self.columns[0].cells)):
            cells = [
                _lines(console, *_cell(column, row, self.show_header), inside, column)
                for column, inside, *_ in layout
            ]
            height = max(1, *map(len, cells))
            if row < 0:  # headers stand at the bottom of their row, as in rich
                cells = [[(_EMPTY, 0)] * (height - len(lines)) + lines for lines in cells]
            for number in range(height):
                line = _Line(edge, null)
                for index, (_, inside, before, after, flush_right, style) in enumerate(layout):
                    if index:
                        line.add(divider, null)
                    if inside < 1:  # no room for text: rich leaves the column blank
                        line.add(" " * (inside + len(before) + len(after)), null)
                        continue
                    text, used = cells[index][number] if number < len(cells[index]) else (_EMPTY, 0)
                    pad = " " * (inside - used)
                    line.add(before + pad if flush_right else before, null)
                    line.text_of(console, text, header if row < 0 else style)
                    line.add(after if flush_right else pad + after, null)
                line.add(edge, null)
                yield from line.end()
            if row < 0 and self.box is not None:
                yield Segment(" " + "─" * (table_width - 2) + " ")
                yield Segment.line()
        if self.box is not None:
            yield Segment(" " * table_width)
            yield Segment.line()


_EMPTY = Text()


def _cell(column: _Column, row: int, header: bool) -> tuple[Text, int]:
    """A column's cell in ``row`` (-1 for the header) and its widest line."""
    if row < 0:
        return column.header, column.widths[0]
    return column.cells[row], column.widths[row + header]


def _lines(console: Console, cell: Text, used: int, width: int, column: _Column) -> list[tuple[Text, int]]:
    """A cell's lines and their widths, wrapped and justified as rich does, at ``width``."""
    if width < 1:
        return []
    plain = cell.plain
    if used <= width and "\n" not in plain and "\t" not in plain and not plain.endswith(" "):
        return [(cell, used)]  # rich would leave it as it is
    lines = cell.wrap(
        console, width, justify=column.justify, overflow=column.overflow, no_wrap=column.no_wrap
    )
    return [(line, min(line.cell_len, width)) for line in lines]


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

    def text_of(self, console: Console, text: Text, base: Style) -> None:
        if not text.spans and not text.style:
            self.add(text.plain, base)
            return
        # Text.render leaves a text's own style to its caller when it has no spans.
        own = base + console.get_style(text.style, default=Style.null())
        for segment in text.render(console):
            self.add(segment.text, own + segment.style if segment.style else own)

    def end(self) -> list[Segment]:
        return [*self.segments, Segment(self.text, self.style), Segment.line()]


def _collapse(widths: list[int], wrapable: list[bool], room: int) -> list[int]:
    """rich's ``Table._collapse_widths``: the widest wrappable columns narrow together, down
    to the next widest, until the table fits or nothing is left to narrow."""
    total: int = sum(widths)
    excess = total - room
    while any(wrapable) and total > 0 and excess > 0:
        widest = max(width for width, wraps in zip(widths, wrapable, strict=True) if wraps)
        second = max(
            width if wraps and width != widest else 0 for width, wraps in zip(widths, wrapable, strict=True)
        )
        ratios = [int(width == widest and wraps) for width, wraps in zip(widths, wrapable, strict=True)]
        if not any(ratios) or widest == second:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - room
    return widths


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """rich's ``ratio_reduce``: take ``total`` from ``values`` in proportion to ``ratios``."""
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining, result = total, []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


class Panel:
    """rich's ``Panel`` with a title on the left, drawn with one layout pass of its content
    instead of two (rich renders the content inside a ``Padding``, then the padding)."""

    def __init__(
        self, renderable: RenderableType, *, title: Text, title_align: Literal["left"] = "left"
    ) -> None:
        self.renderable, self.title = renderable, title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        box = ROUNDED.substitute(options, safe=console.safe_box)
        width = options.max_width
        inner = options.update(width=width - 4, height=None, highlight=False)
        lines = console.render_lines(self.renderable, inner, pad=True) if width > 4 else []
        if width <= 4 or not self.title:
            yield Segment(box.get_top([width - 2]))
        else:
            title = self.title.copy()
            title.plain = title.plain.replace("\n", " ")
            title.expand_tabs()
            title.pad(1)
            title.truncate(width - 4)
            title.append(box.top * (width - 4 - title.cell_len))
            title.end, title.no_wrap = "", True
            yield Segment(box.top_left + box.top)
            yield from console.render(title, inner)
            yield Segment(box.top + box.top_right)
        yield Segment.line()
        start, end = Segment(box.mid_left + " "), Segment(" " + box.mid_right)
        for line in lines:
            yield start
            yield from line
            yield end
            yield Segment.line()
        yield Segment(box.get_bottom([width - 2]))
        yield Segment.line()

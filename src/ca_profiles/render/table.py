"""Rich renderables for people, laid out from typed results. Data goes in as ``Text``, never markup."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.text import Text

from ca_profiles.figures import Newer
from ca_profiles.render.grid import Panel, Table
from ca_profiles.render.text import format_number, plain, safe, sparkline
from ca_profiles.results import (
    Block,
    Cell,
    Explanation,
    Facts,
    FigureRow,
    FigureTable,
    GapRow,
    LeaderRow,
    NotApplicable,
    Note,
    ProfileView,
    ProjectTable,
    RangeRow,
    Report,
    Rows,
    SpanRow,
)


def _label(name: str) -> str:
    return name.replace("_", " ")


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 here, which we use for invalid data: let the CLI end it as it
        # ends every closed pipe.
        self.quiet = True
        raise BrokenPipeError


#: The widths a table is laid out for, whatever COLUMNS says: narrower splits numbers and
#: words past reading (0 would print nothing); wider only costs time and memory.
WIDTHS = (40, 1000)


def show(result: Report | Rows) -> None:
    """Print a result for people on stdout (the one place tables are printed)."""
    console = _Console()
    width = min(max(console.width, WIDTHS[0]), WIDTHS[1])
    if width != console.width:
        console.width = width
    console.print(render(result, width))


def render(result: Report | Rows, width: int = 100) -> RenderableType:
    if isinstance(result, Rows):
        if result.kind == "chart":
            from ca_profiles.render import chart

            return chart.render(result, width)
        return _matrix(result, width) if result.kind == "memberships" else _rows(result, width)
    if isinstance(result, ProfileView):
        return _profile(result, compact=width < _FULL_WIDTH)
    if isinstance(result, Explanation):
        return _explanation(result, width)
    document = result.document()
    return _rows(Rows("report", "", list(document), [document]), width)


#: Text columns may fold down to this many characters before the table is stacked instead.
_NARROWEST_TEXT = 10
_BAR = 6


def _rows(result: Rows, width: int) -> RenderableType:
    """Any tabular result: numbers right-aligned and never wrapped; bars beside compared numbers.

    Text folds onto more lines as the terminal narrows; when even that leaves no room for every
    number in full, each row is printed as a block of ``label  value`` lines instead.
    """
    # A column empty in every row (no world ranks in this edition, say) is left out for people.
    columns = [
        c
        for c in result.people or result.columns
        if c == "value" or any(r.get(c) is not None for r in result.rows)
    ]
    numeric = {c for c in columns if c not in _PLAIN and any(_is_number(r.get(c)) for r in result.rows)}
    shown = {c: [_shown(r.get(c), c) for r in result.rows] for c in columns}
    # Bars beside compared numbers go first when room runs out, then the table itself.
    for bars in (True, False) if result.kind == "compare" else (False,):
        need = {
            c: max(map(len, shown[c]), default=1) + (_BAR + 1 if bars else 0)
            if c in numeric
            else min(_NARROWEST_TEXT, max(map(len, shown[c]), default=1))
            for c in columns
        }
        # Headers and names of people and places fold between words, never inside one.
        need = {
            c: max(
                n,
                *(
                    len(word)
                    for text in (_heading(result, c), *(shown[c] if c in _NAMES or c in result.whole else ()))
                    for word in text.split()
                ),
            )
            for c, n in need.items()
        }
        if sum(need.values()) + 3 * len(columns) <= width:
            break
    else:
        return _stacked(result, columns, shown)
    table = Table(title=safe(result.title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        if column in numeric:
            # Headers may fold; the minimum width keeps every number whole.
            table.add_column(
                _heading(result, column),
                justify="right",
                overflow="fold",
                min_width=need[column],
                no_wrap=True,
            )
        else:
            # A column already at its narrowest (a field path) is never offered for narrowing.
            whole = need[column] >= max(map(len, shown[column]), default=0)
            table.add_column(_heading(result, column), overflow="fold", min_width=need[column], no_wrap=whole)
    for row, index in zip(result.rows, range(len(result.rows)), strict=True):
        top = max((abs(n) for c in numeric if (n := _number(row.get(c))) is not None), default=0)
        cells: list[RenderableType] = []
        for column in columns:
            value, text = row.get(column), shown[column][index]
            if value is None:
                cells.append(Text(text, style="dim"))
            elif bars and column in numeric and top and (number := _number(value)):
                bar = "█" * max(1, round(abs(number) / top * _BAR))
                cells.append(Text.assemble((bar, "cyan"), " ", text))
            else:
                cells.append(safe(text))
        table.add_row(*cells)
    return table


#: Columns of names, which fold between words only.
_NAMES = frozenset({"name", "head_of_state", "capital", "label", "country"})

#: Numbers that are labels, not quantities: shown as written, never with separators or bars.
_PLAIN = frozenset({"position", "year", "since", "until", "founded", "dissolved", "world_rank", "sources"})


def _heading(result: Rows, column: str) -> str:
    return result.headings.get(column) or _label(column)


def _is_number(value: Any) -> bool:
    return _number(value) is not None


def _number(value: Any) -> float | None:
    """The number a cell holds: the value itself, or a figure cell's."""
    if isinstance(value, Cell):
        return value.value
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _shown(value: Any, column: str) -> str:
    if value is None:
        return "no data" if column == "value" else ""
    if isinstance(value, Cell):
        # The year, short, beside every figure; † where another source has a newer one.
        return f"{format_number(value.value)} ’{value.year % 100:02d}" + (" †" if value.newer else "")
    if isinstance(value, NotApplicable):
        return "n/a"
    if isinstance(value, Newer):
        return f"{format_number(value.value)} ({value.year}, {value.source})"
    if _is_number(value):
        return str(value) if column in _PLAIN else format_number(value)
    return _label(value) if column == "status" else plain(value)


def _stacked(result: Rows, columns: list[str], shown: dict[str, list[str]]) -> RenderableType:
    """Each row as a block of label/value lines: the layout for terminals too narrow for a table."""
    blocks: list[RenderableType] = [Text.assemble((result.title, "bold")) if result.title else Text("")]
    for index in range(len(result.rows)):
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for column in columns:
            if shown[column][index]:
                grid.add_row(_heading(result, column), safe(shown[column][index]))
        blocks += [Text(""), grid]
    return Group(*blocks)


_MARKS = {
    "member": "M",
    "observer": "obs",
    "associate": "assoc",
    "dialogue_partner": "partner",
    "applicant": "appl",
    "suspended": "susp",
    "withdrawn": "left",
}


def _matrix(result: Rows, width: int) -> RenderableType:
    """Organisation × country, each cell the status and the year it began; on a terminal too
    narrow for every country side by side, one line per membership instead."""
    orgs = sorted({row["org"] for row in result.rows})
    countries = list(dict.fromkeys(row["country"] for row in result.rows))
    cell = max((len(_MARKS[row["status"]]) + 5 for row in result.rows), default=1)
    if max(map(len, orgs), default=1) + len(countries) * (cell + 3) + 3 > width:
        long = Rows(
            result.kind,
            result.title,
            result.columns,
            result.rows,
            result.meta,
            ["country", "org", "status", "since"],
        )
        return _rows(long, width)
    table = Table(title=safe(result.title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("org", style="bold", no_wrap=True)
    for country in countries:
        table.add_column(safe(country[:5]), no_wrap=True)
    cells = {
        (row["country"], row["org"]): f"{_MARKS[row['status']]} {str(row['since'])[:4]}"
        for row in result.rows
    }
    for org in orgs:
        table.add_row(safe(org), *(safe(cells.get((country, org), "·")) for country in countries))
    legend = ", ".join(f"{mark} {_label(status)}" for status, mark in _MARKS.items())
    return Group(table, Text(f"{legend}; the year the status began", style="dim"))


#: Below this width a profile's figures go on two columns (field, then the figure in one line).
_FULL_WIDTH = 90


def _profile(view: ProfileView, compact: bool) -> RenderableType:
    """Each section in a titled panel; the identity section's panel is titled with the name."""
    return Group(
        *(
            Panel(
                Group(*(_block(block, compact) for block in section.blocks)),
                title=safe(section.title),
                title_align="left",
            )
            for section in view.sections
        )
    )


def _block(block: Block, compact: bool) -> RenderableType:
    if isinstance(block, FigureTable):
        return _figures_table(block, compact)
    if isinstance(block, ProjectTable):
        return _projects(block)
    if isinstance(block, Facts):
        return _facts(block)
    if isinstance(block, Note):
        return safe(block.text)
    if block and isinstance(block[0], SpanRow):
        return _memberships([row for row in block if isinstance(row, SpanRow)])
    if block and isinstance(block[0], LeaderRow):
        return _leaders([row for row in block if isinstance(row, LeaderRow)])
    return _gaps([row for row in block if isinstance(row, GapRow)])


def _facts(block: Facts) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for fact in block.rows:
        grid.add_row(safe(fact.label), safe(fact.text))
    return grid


def _figures_table(block: FigureTable, compact: bool) -> Table:
    if block.brief:
        # Label, then the figure with its unit, year, source and world rank on one folded line.
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for row in block.rows:
            grid.add_row(safe(row.label), *_joined(_figure_cells(row)))
        return grid
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    table.add_column("Field", style="bold", overflow="fold", min_width=10)
    if compact:
        # One folded line per figure, so a value is never split across lines or cut.
        table.add_column("Value · unit · year · source · world rank", overflow="fold", min_width=24)
    else:
        table.add_column("Value", justify="right", no_wrap=True)
        table.add_column("Unit", overflow="fold")
        table.add_column("Year", no_wrap=True)
        table.add_column("Source", overflow="fold")
        table.add_column("Rank", justify="right", no_wrap=True)
    shown = None
    for row in block.rows:
        # A field's name heads its first line only.
        name, shown = ("" if row.label == shown else row.label), row.label
        cells = _figure_cells(row)
        table.add_row(safe(name), *(_joined(cells) if compact else cells))
    return table


def _joined(cells: list[Text]) -> list[Text]:
    return [Text(" · ").join(cell for cell in cells if cell.plain)]


def _figure_cells(row: FigureRow | RangeRow) -> list[Text]:
    if isinstance(row, RangeRow):
        return [
            safe(f"{format_number(row.low)}–{format_number(row.high)}"),
            safe(row.unit),
            Text("range", style="dim"),
            Text(f"{row.sources} sources", style="dim"),
            Text(""),
        ]
    rank = safe(f"#{row.rank}" if row.rank else "")
    if row.trend:
        value = Text.assemble(sparkline(row.trend), " ", safe(format_number(row.value)))
        years = f"{row.first_year}–{row.year}" if row.first_year != row.year else str(row.year)
        return [value, safe(row.unit), safe(years), safe(row.source), rank]
    return [safe(format_number(row.value)), safe(row.unit), safe(row.year), safe(row.source), rank]


def _projects(block: ProjectTable) -> Table:
    table = Table(title=block.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("Name", "Status", "Year", "Capacity", "Source"):
        table.add_column(column, overflow="fold")
    for row in block.rows:
        capacity = f"{format_number(row.capacity)} {row.unit}" if row.capacity is not None else ""
        table.add_row(safe(row.name), safe(row.status), safe(row.year), safe(capacity), safe(row.source))
    return table


def _memberships(spans: list[SpanRow]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("Organisation", "Status", "Since", "Until", "Source"):
        table.add_column(column, overflow="fold")
    for span in spans:
        table.add_row(
            safe(span.org), safe(span.status), safe(span.since), safe(span.until or "—"), safe(span.source)
        )
    return table


def _leaders(leaders: list[LeaderRow]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("Head of state", "Title", "Since", "Until", "How it ended", "Archigos entry → exit"):
        table.add_column(column, overflow="fold")
    for leader in leaders:
        table.add_row(
            safe(leader.name),
            safe(leader.title),
            safe(leader.since),
            safe(leader.until or "—"),
            safe(leader.how_ended),
            safe(leader.coded or "—"),
        )
    return table


def _gaps(gaps: list[GapRow]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Field", style="bold", overflow="fold")
    table.add_column("Why it is missing", overflow="fold")
    for gap in gaps:
        table.add_row(safe(gap.field), safe(gap.note))
    return table


def _explanation(view: Explanation, width: int) -> RenderableType:
    """Factor by factor: the fact read and its source, its 0–1 score, weight and contribution."""
    rows: list[dict[str, Any]] = [
        {
            "factor": c.label,
            "fact read": c.reading,
            "source": ", ".join(c.sources),
            "0–1": "—" if c.score is None else f"{c.score:.2f}",
            "weight": "—" if c.score is None else f"{c.share:.0%}",
            "points": round(c.contribution, 1) if c.score is not None else c.treatment,
        }
        for c in view.result.components
    ]
    title = f"{view.result.label}: {view.name}, {view.result.date.isoformat()}"
    table = _rows(Rows("explanation", title, list(rows[0]) if rows else [], rows), width)
    notes: list[RenderableType] = [Text(""), safe(f"Score: {view.summary}.")]
    for component in view.result.components:
        if component.treatment != "read":
            notes.append(safe(f"Missing: {component.label}: {component.reading} ({component.treatment})."))
    read = [record for component in view.result.components for record in component.records]
    if read:
        notes.append(Text("Dated records read:", style="bold"))
        notes += [safe(f"  {record}") for record in dict.fromkeys(read)]
    literature = "; ".join(f"{key}: {title}" for key, title in view.literature.items())
    notes.append(Text.assemble(("Literature: ", "bold"), safe(literature)))
    return Group(table, *notes)

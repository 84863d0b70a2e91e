"""Rich renderables for people. Everything read from data files goes in as ``Text``, never markup."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.text import Text

from ca_profiles.errors import printable
from ca_profiles.model import UNITS
from ca_profiles.render.grid import Panel, Table
from ca_profiles.views import Report, Rows, figures_of, format_number, sparkline


def safe(value: Any) -> Text:
    """Data as inert text: no markup is parsed and control characters are shown, not sent."""
    return Text(printable(_plain(value), newlines=True))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _label(name: str) -> str:
    return name.replace("_", " ")


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 here, which we use for invalid data: let the CLI end it as it
        # ends every closed pipe.
        self.quiet = True
        raise BrokenPipeError


def show(result: Report | Rows) -> None:
    """Print a result for people on stdout (the one place tables are printed)."""
    console = _Console()
    console.print(render(result, console.width))


def render(result: Report | Rows, width: int = 100) -> RenderableType:
    if isinstance(result, Rows):
        if result.kind == "chart":
            from ca_profiles.render import chart

            return chart.render(result, width)
        return _matrix(result, width) if result.kind == "memberships" else _rows(result, width)
    if result.kind == "profile":
        return _profile(result.data, compact=width < _FULL_WIDTH)
    if result.kind == "explanation":
        return _explanation(result.data, width)
    return _rows(Rows(result.kind, result.kind, list(result.data), [result.data]), width)


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
        # A header folds between words, never inside one.
        need = {c: max(n, *(len(word) for word in _heading(result, c).split())) for c, n in need.items()}
        if sum(need.values()) + 3 * len(columns) <= width:
            break
    else:
        return _stacked(result, columns, shown)
    table = Table(title=safe(result.title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        if column in numeric:
            # Headers may fold; the minimum width keeps every number whole.
            table.add_column(
                _heading(result, column), justify="right", overflow="fold", min_width=need[column]
            )
        else:
            table.add_column(_heading(result, column), overflow="fold", min_width=need[column])
    for row, index in zip(result.rows, range(len(result.rows)), strict=True):
        top = max((abs(row[c]) for c in numeric if _is_number(row.get(c))), default=0)
        cells: list[RenderableType] = []
        for column in columns:
            value, text = row.get(column), shown[column][index]
            if value is None:
                cells.append(Text(text, style="dim"))
            elif bars and column in numeric and top and _is_number(value) and value:
                bar = "█" * max(1, round(abs(value) / top * _BAR))
                cells.append(Text.assemble((bar, "cyan"), " ", text))
            else:
                cells.append(safe(text))
        table.add_row(*cells)
    return table


#: Numbers that are labels, not quantities: shown as written, never with separators or bars.
_PLAIN = frozenset({"position", "year", "since", "until", "world_rank", "sources"})


def _heading(result: Rows, column: str) -> str:
    return result.headings.get(column) or _label(column)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: Any, column: str) -> str:
    if value is None:
        return "no data" if column == "value" else ""
    if _is_number(value):
        return str(value) if column in _PLAIN else format_number(value)
    return _label(value) if column == "status" else _plain(value)


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


def _profile(data: dict[str, Any], compact: bool) -> RenderableType:
    parts: list[RenderableType] = []
    if "official_name" in data:
        parts.append(_identity(data, compact))
    builders: tuple[tuple[str, Callable[[Any], RenderableType]], ...] = (
        ("energy", lambda section: _figure_section(section, compact)),
        ("memberships", _memberships),
        ("succession", _succession),
        ("migration", lambda section: _figure_section(section, compact)),
        ("china", lambda section: _figure_section(section, compact)),
        ("indices", _indices),
        ("gaps", _gaps),
    )
    for section, build in builders:
        if section in data and data[section]:
            parts.append(Panel(build(data[section]), title=Text(_label(section).title()), title_align="left"))
    return Group(*parts)


def _identity(data: dict[str, Any], compact: bool) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("Official name", safe(data["official_name"]))
    grid.add_row("ISO 3166", safe(f"{data['iso2']} / {data['iso3']}"))
    if data.get("capital"):
        grid.add_row("Capital", safe(data["capital"]))
    if data.get("aliases"):
        grid.add_row("Also", safe(", ".join(data["aliases"])))
    figures = _figures_table({k: data.get(k) for k in ("population", "area", "gdp")}, compact)
    return Panel(Group(grid, figures), title=safe(data["name"]), title_align="left")


def _figure_section(section: dict[str, Any], compact: bool) -> RenderableType:
    parts: list[RenderableType] = [_figures_table(section, compact)]
    for key, value in section.items():
        if key == "hydropower" and value:
            parts.append(
                _figures_table({k: v for k, v in value.items() if k != "plants"}, compact, "hydropower ")
            )
            if value.get("plants"):
                parts.append(_projects("Hydropower plants", value["plants"]))
        elif key == "pipelines" and value:
            if isinstance(value[0], dict):
                parts.append(_projects("Pipelines", value))
            else:
                parts.append(Text.assemble(("Pipelines to China: ", "bold"), safe(", ".join(value))))
        elif key == "projects" and value:
            parts.append(_projects("Projects", value))
        elif key == "note" and value:
            parts.append(safe(value))
    return Group(*parts)


def _figures_table(fields: dict[str, Any], compact: bool, prefix: str = "") -> Table:
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
    for key, value in fields.items():
        figures = figures_of(value)
        if not figures:
            continue
        name = prefix + _label(key)
        points = [f["value"] for f in figures if f.get("value") is not None]
        if len({f["source"] for f in figures}) > 1 and len(points) > 1:
            low, high = min(points), max(points)
            cells = [
                safe(f"{format_number(low)}–{format_number(high)}"),
                safe(UNITS.get(figures[0]["unit"], figures[0]["unit"])),
                Text("range", style="dim"),
                Text(f"{len(figures)} figures", style="dim"),
                Text(""),
            ]
            table.add_row(safe(name), *(_joined(cells) if compact else cells))
            name = ""
        for figure in figures:
            cells = _figure_cells(figure)
            table.add_row(safe(name), *(_joined(cells) if compact else cells))
            name = ""
    return table


def _joined(cells: list[Text]) -> list[Text]:
    return [Text(" · ").join(cell for cell in cells if cell.plain)]


def _figure_cells(figure: dict[str, Any]) -> list[Text]:
    unit = safe(UNITS.get(figure["unit"], figure["unit"]))
    rank = safe(f"#{figure['rank']}" if figure.get("rank") else "")
    if figure.get("series"):
        series = {int(k): v for k, v in figure["series"].items()}
        years = sorted(series)
        value = Text.assemble(
            sparkline([series[y] for y in years]), " ", safe(format_number(series[years[-1]]))
        )
        return [value, unit, safe(f"{years[0]}–{years[-1]}"), safe(figure["source"]), rank]
    return [safe(format_number(figure["value"])), unit, safe(figure["year"]), safe(figure["source"]), rank]


def _projects(title: str, rows: Iterable[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("Name", "Status", "Year", "Capacity", "Source"):
        table.add_column(column, overflow="fold")
    for row in rows:
        capacity = figures_of(row.get("capacity"))
        cap = f"{format_number(capacity[0]['value'])} {UNITS[capacity[0]['unit']]}" if capacity else ""
        year = row.get("commissioned") or row.get("year") or ""
        table.add_row(
            safe(row["name"]),
            safe(_label(row.get("status") or "")),
            safe(year),
            safe(cap),
            safe(row.get("source")),
        )
    return table


def _memberships(spans: list[dict[str, Any]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("Organisation", "Status", "Since", "Until", "Source"):
        table.add_column(column, overflow="fold")
    for span in sorted(spans, key=lambda s: (s["org"], str(s["since"]))):
        table.add_row(
            safe(span["org"]),
            safe(_label(span["status"])),
            safe(span["since"]),
            safe(span.get("until") or "—"),
            safe(span["source"]),
        )
    return table


def _succession(section: dict[str, Any]) -> RenderableType:
    leaders = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("Head of state", "Title", "Since", "Until", "How it ended"):
        leaders.add_column(column, overflow="fold")
    for leader in section.get("leaders", []):
        name = leader["name"] + (" (acting)" if leader.get("acting") else "")
        name += " (parallel claim)" if leader.get("parallel") else ""
        leaders.add_row(
            safe(name),
            safe(leader["title"]),
            safe(leader["since"]),
            safe(leader.get("until") or "—"),
            safe(_label(leader.get("how_ended") or "")),
        )
    parts: list[RenderableType] = [leaders]
    rules = section.get("rules") or {}
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    if rules.get("term_years"):
        grid.add_row("Term", safe(f"{rules['term_years']} years"))
    if rules.get("term_limit"):
        grid.add_row("Term limit", safe(f"{rules['term_limit']} term(s)"))
    if rules.get("successor"):
        grid.add_row("Successor", safe(rules["successor"]))
    for reset in rules.get("resets", []):
        grid.add_row("Reset", safe(f"{reset['year']} ({reset['kind']}): {reset.get('note') or ''}"))
    election = section.get("next_election")
    if election:
        when = election.get("date") or election.get("year")
        grid.add_row("Next election", safe(f"{election['kind']}, {when} ({election['source']})"))
    for factor in section.get("risk_factors", []):
        grid.add_row(safe(_label(factor["factor"])), safe(f"{factor.get('value')} ({factor['source']})"))
    parts.append(grid)
    return Group(*parts)


def _gaps(gaps: list[dict[str, Any]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Field", style="bold", overflow="fold")
    table.add_column("Why it is missing", overflow="fold")
    for gap in gaps:
        table.add_row(safe(gap["field"]), safe(gap["note"]))
    return table


def _score(index: dict[str, Any]) -> str:
    score = "no score" if index["score"] is None else f"{index['score']:.1f}"
    return f"{score} / 100, {index['level']} (facts for {index['coverage']:.0%} of the weight)"


def _indices(indices: dict[str, Any]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for index in indices.values():
        missing = ", ".join(index["missing"])
        table.add_row(
            safe(index["label"]), safe(_score(index) + (f"; missing: {missing}" if missing else ""))
        )
    return table


def _explanation(data: dict[str, Any], width: int) -> RenderableType:
    """Factor by factor: the fact read and its source, its 0–1 score, weight and contribution."""
    rows = [
        {
            "factor": c["label"],
            "fact read": c["reading"],
            "source": ", ".join(c["sources"]),
            "0–1": "—" if c["score"] is None else f"{c['score']:.2f}",
            "weight": "—" if c["score"] is None else f"{c['share']:.0%}",
            "points": round(c["contribution"], 1) if c["score"] is not None else c["treatment"],
        }
        for c in data["components"]
    ]
    title = f"{data['label']}: {data['name']}, {data['date']}"
    table = _rows(Rows("explanation", title, list(rows[0]) if rows else [], rows), width)
    notes: list[RenderableType] = [Text(""), Text(f"Score: {_score(data)}.")]
    for component in data["components"]:
        if component["treatment"] != "read":
            notes.append(
                safe(f"Missing: {component['label']}: {component['reading']} ({component['treatment']}).")
            )
    literature = "; ".join(f"{key}: {title}" for key, title in data["literature"].items())
    notes.append(Text.assemble(("Literature: ", "bold"), safe(literature)))
    return Group(table, *notes)

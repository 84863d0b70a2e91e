"""Rich renderables for people. Everything read from data files goes in as ``Text``, never markup."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ca_profiles.model import UNITS
from ca_profiles.views import Report, Rows, figures_of, format_number, sparkline

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(value: Any) -> Text:
    """Data as inert text: no markup is parsed and control characters are shown, not sent."""
    text = "" if value is None else str(value)
    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def _label(name: str) -> str:
    return name.replace("_", " ")


def show(result: Report | Rows) -> None:
    """Print a result for people on stdout (the one place tables are printed)."""
    console = Console()
    console.print(render(result, console.width))


def render(result: Report | Rows, width: int = 100) -> RenderableType:
    if isinstance(result, Rows):
        if result.kind == "chart":
            from ca_profiles.render import chart

            return chart.render(result, width)
        return _matrix(result) if result.kind == "memberships" else _rows(result, width)
    if result.kind == "profile":
        return _profile(result.data)
    return _rows(Rows(result.kind, result.kind, list(result.data), [result.data]), width)


def _rows(result: Rows, width: int) -> Table:
    """Any tabular result: numbers right-aligned and never wrapped; bars beside compared numbers."""
    columns = result.people or result.columns
    table = Table(title=safe(result.title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    numeric = {c for c in columns if any(isinstance(r.get(c), int | float) for r in result.rows)}
    numeric -= {"position", "year", "sources", "world_rank"}
    bars = result.kind == "compare"
    widths = {}
    for column in columns:
        shown = [
            format_number(v) if isinstance(v, int | float) else str(v or "")
            for v in (r.get(column) for r in result.rows)
        ]
        widths[column] = min(12, max(map(len, shown), default=1) + (8 if bars and column in numeric else 0))
    # Nothing is cut: on a narrow terminal the minimum widths shrink and cells fold onto more lines.
    room = width - 3 * len(columns)
    if sum(widths.values()) > room:
        widths = {c: max(3, w * room // sum(widths.values())) for c, w in widths.items()}
    for column in columns:
        justify: Literal["left", "right"] = "right" if column in numeric else "left"
        table.add_column(_label(column), justify=justify, overflow="fold", min_width=widths[column])
    for row in result.rows:
        cells: list[RenderableType] = []
        top = max((abs(v) for c, v in row.items() if c in numeric and isinstance(v, int | float)), default=0)
        for column in columns:
            value = row.get(column)
            if value is None:
                cells.append(Text("no data" if column == "value" else "", style="dim"))
            elif column in numeric and isinstance(value, int | float) and not isinstance(value, bool):
                text = Text(format_number(value))
                if bars and top:
                    text = Text.assemble(("█" * max(1, round(abs(value) / top * 6)), "cyan"), " ", text)
                cells.append(text)
            else:
                cells.append(safe(_label(value) if column == "status" else value))
        table.add_row(*cells)
    return table


_MARKS = {
    "member": "M",
    "observer": "obs",
    "associate": "assoc",
    "dialogue_partner": "partner",
    "applicant": "appl",
    "suspended": "susp",
    "withdrawn": "left",
}


def _matrix(result: Rows) -> RenderableType:
    """Organisation × country, each cell the status and the year it began."""
    orgs = sorted({row["org"] for row in result.rows})
    countries = list(dict.fromkeys(row["country"] for row in result.rows))
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


def _profile(data: dict[str, Any]) -> RenderableType:
    parts: list[RenderableType] = []
    if "official_name" in data:
        parts.append(_identity(data))
    for section, build in (
        ("energy", _figure_section),
        ("memberships", _memberships),
        ("succession", _succession),
        ("migration", _figure_section),
        ("china", _figure_section),
        ("gaps", _gaps),
    ):
        if section in data and data[section]:
            parts.append(Panel(build(data[section]), title=_label(section).title(), title_align="left"))
    return Group(*parts)


def _identity(data: dict[str, Any]) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("Official name", safe(data["official_name"]))
    grid.add_row("ISO 3166", safe(f"{data['iso2']} / {data['iso3']}"))
    if data.get("capital"):
        grid.add_row("Capital", safe(data["capital"]))
    if data.get("aliases"):
        grid.add_row("Also", safe(", ".join(data["aliases"])))
    figures = _figures_table({k: data.get(k) for k in ("population", "area", "gdp")})
    return Panel(Group(grid, figures), title=safe(data["name"]), title_align="left")


def _figure_section(section: dict[str, Any]) -> RenderableType:
    parts: list[RenderableType] = [_figures_table(section)]
    for key, value in section.items():
        if key == "hydropower" and value:
            parts.append(
                _figures_table({k: v for k, v in value.items() if k != "plants"}, prefix="hydropower ")
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


def _figures_table(fields: dict[str, Any], prefix: str = "") -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    table.add_column("Field", style="bold", overflow="fold")
    table.add_column("Value", justify="right", no_wrap=True)
    table.add_column("Unit", overflow="fold")
    table.add_column("Year", overflow="fold")
    table.add_column("Source", overflow="fold")
    table.add_column("Rank", justify="right")
    for key, value in fields.items():
        figures = figures_of(value)
        if not figures:
            continue
        name = prefix + _label(key)
        points = [f["value"] for f in figures if f.get("value") is not None]
        if len({f["source"] for f in figures}) > 1 and len(points) > 1:
            low, high = min(points), max(points)
            table.add_row(
                safe(name),
                safe(f"{format_number(low)}–{format_number(high)}"),
                safe(UNITS.get(figures[0]["unit"], figures[0]["unit"])),
                Text("range", style="dim"),
                Text(f"{len(figures)} figures", style="dim"),
                "",
            )
            name = ""
        for figure in figures:
            table.add_row(safe(name), *_figure_cells(figure))
            name = ""
    return table


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
        grid.add_row("Reset", safe(f"{reset['year']}: {reset.get('note') or ''}"))
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

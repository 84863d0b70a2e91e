"""The one-pass table and panel draw what rich's Table and Panel draw, character for character."""

from __future__ import annotations

import io
from typing import Any

import rich.panel
import rich.table
from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console, RenderableType
from rich.text import Text

from ca_profiles.render.grid import Panel, Table


def draw(renderable: RenderableType, width: int, color: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, color_system="standard" if color else None)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


WORDS = st.sampled_from(
    [
        "gas",
        "reserves",
        "1,234.5",
        "cia-wfb-2026",
        "caspianbarrel-bp-gas-revision-2013",
        "哈萨克斯坦",
        "Қазақстан",
        "no data",
        "",
        "x",
        "█████ 11.327",
        "trillion m³",
        "—",
        "a b c d e f",
    ]
)
CELL = st.lists(WORDS, min_size=0, max_size=4).map(" ".join)
COLUMN = st.fixed_dictionaries(
    {
        "justify": st.sampled_from(["left", "right"]),
        "overflow": st.sampled_from(["fold", "ellipsis"]),
        "no_wrap": st.booleans(),
        "min_width": st.one_of(st.none(), st.integers(1, 24)),
        "style": st.sampled_from(["", "bold"]),
    }
)


def both(
    grid: bool, title: str | None, columns: list[dict[str, Any]], rows: list[list[str]]
) -> tuple[Any, Any]:
    if grid:
        ours, theirs = Table.grid(padding=(0, 2)), rich.table.Table.grid(padding=(0, 2))
    else:
        ours = Table(title=Text(title) if title else None, title_justify="left", box=box.SIMPLE_HEAD)
        theirs = rich.table.Table(
            title=Text(title) if title else None, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
        )
    for number, options in enumerate(columns):
        header = "" if grid else f"column {number}"
        ours.add_column(header, **options)
        theirs.add_column(header, **options)
    for row in rows:
        ours.add_row(*(Text(cell) for cell in row[: len(columns)]))
        theirs.add_row(*(Text(cell) for cell in row[: len(columns)]))
    return ours, theirs


@settings(max_examples=300, deadline=None)
@given(
    grid=st.booleans(),
    title=st.one_of(st.none(), CELL),
    columns=st.lists(COLUMN, min_size=1, max_size=6),
    rows=st.lists(st.lists(CELL, min_size=6, max_size=6), max_size=5),
    width=st.integers(8, 120),
)
def test_the_same_as_rich(
    grid: bool, title: str | None, columns: list[dict[str, Any]], rows: list[list[str]], width: int
) -> None:
    ours, theirs = both(grid, title, columns, rows)
    assert draw(ours, width) == draw(theirs, width)
    heading = Text(title or "")
    panels = Panel(ours, title=heading), rich.panel.Panel(theirs, title=heading, title_align="left")
    assert draw(panels[0], width) == draw(panels[1], width)


def test_styles_of_columns_headers_and_cells_are_kept() -> None:
    ours, theirs = both(
        False, "Figures", [{"style": "bold"}, {"justify": "right"}], [["gas", "1.5"], ["oil", ""]]
    )
    ours.add_row("coal", Text("no data", style="dim"))
    theirs.add_row("coal", Text("no data", style="dim"))
    output = draw(ours, 60, color=True)
    assert "\x1b[1mcolumn 0\x1b[0m" in output
    assert "\x1b[1mgas\x1b[0m" in output
    assert "\x1b[2mno data\x1b[0m" in output
    assert Text.from_ansi(output).plain == Text.from_ansi(draw(theirs, 60, color=True)).plain


def test_cells_are_text_never_markup() -> None:
    table = Table()
    table.add_column("name")
    table.add_row("[bold red]Atlantis[/]")
    assert "[bold red]Atlantis[/]" in draw(table, 40, color=True)

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from rich.text import Text

from ca_profiles.render.grid import Grid


def show(renderable: RenderableType, width: int, color: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, color_system="standard" if color else None)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def figures() -> Grid:
    grid = Grid("Figures")
    grid.add_column("Field", style="bold")
    grid.add_column("Value", justify="right", no_wrap=True)
    grid.add_column("Source")
    grid.add_row("gas reserves", "1,234.5", "cia-wfb-2026")
    grid.add_row("oil", Text("no data", style="dim"), "caspianbarrel-bp-gas-revision-2013")
    grid.add_row("哈萨克斯坦 name", "12", "a b c")
    return grid


def test_columns_at_their_natural_width_when_they_fit() -> None:
    assert show(figures(), 80).splitlines() == [
        "Figures",
        " Field               Value   Source                             ",
        " ────────────────────────────────────────────────────────────── ",
        " gas reserves      1,234.5   cia-wfb-2026                       ",
        " oil               no data   caspianbarrel-bp-gas-revision-2013 ",
        " 哈萨克斯坦 name        12   a b c                              ",
    ]


def test_narrow_widths_fold_the_widest_columns_and_keep_no_wrap_ones_whole() -> None:
    assert show(figures(), 40).splitlines() == [
        "Figures",
        " Field             Value   Source       ",
        " ────────────────────────────────────── ",
        " gas reserves    1,234.5   cia-wfb-2026 ",
        " oil             no data   caspianbarre ",
        "                           l-bp-gas-rev ",
        "                           ision-2013   ",
        " 哈萨克斯坦           12   a b c        ",
        " name                                   ",
    ]


def test_words_stay_whole_while_that_fits() -> None:
    grid = Grid(header=False, gap=2)
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Official name", "Republic of Kazakhstan")
    grid.add_row("Also", "Qazaqstan, Қазақстан, 哈萨克斯坦")
    assert show(grid, 30).splitlines() == [
        "Official name  Republic of    ",
        "               Kazakhstan     ",
        "Also           Qazaqstan,     ",
        "               Қазақстан,     ",
        "               哈萨克斯坦     ",
    ]


def test_styles_of_columns_and_cells_are_kept() -> None:
    output = show(figures(), 80, color=True)
    assert "\x1b[1mField\x1b[0m" in output
    assert "\x1b[1mgas reserves\x1b[0m" in output
    assert "\x1b[2mno data\x1b[0m" in output


def test_cells_are_text_never_markup() -> None:
    grid = Grid()
    grid.add_column("name")
    grid.add_row("[bold red]Atlantis[/]")
    assert "[bold red]Atlantis[/]" in show(grid, 40, color=True)

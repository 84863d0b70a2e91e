"""Tables for people, as snapshots at widths 100 and 60: nothing cut, nothing wider than asked.

Set UPDATE_SNAPSHOTS=1 to rewrite the files under tests/snapshots/ after a deliberate change.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from ca_profiles import profile_view, views
from ca_profiles.catalog import Catalog
from ca_profiles.model import FIELDS
from ca_profiles.render.table import render
from ca_profiles.render.text import format_number
from ca_profiles.results import FigureRow, FigureTable
from ca_profiles.session import Session

SNAPSHOTS = Path(__file__).parent / "snapshots"
#: A fixed date, so that ages, tenures and "today" do not move the snapshots.
YEAR = 2025

CASES: dict[str, Callable[[Session], Any]] = {
    "list": lambda s: views.list_view(s),
    "rank-gas": lambda s: views.rank_view(s, "energy.gas_reserves"),
    "rank-succession": lambda s: views.rank_view(s, "indices.succession_risk"),
    "compare": lambda s: views.compare_view(
        s, ["kazakhstan", "turkmenistan", "uzbekistan"], ["energy.gas_reserves", "energy.oil_reserves"]
    ),
    "memberships": lambda s: views.memberships_view(s),
    "memberships-csto": lambda s: views.memberships_view(s, "csto"),
    "fields": lambda s: views.fields_view(),
    "show-kyrgyzstan": lambda s: profile_view.show(s, "kyrgyzstan", full=True),
    "explain-tajikistan": lambda s: views.explain_view(s, "tajikistan", "succession"),
}


def draw(result: Any, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(render(result, width))
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


@pytest.mark.parametrize("width", [100, 60])
@pytest.mark.parametrize("name", sorted(CASES))
def test_table_snapshot(name: str, width: int) -> None:
    text = draw(CASES[name](Session(Catalog.open(), YEAR)), width)
    assert max(len(line) for line in text.splitlines()) <= width
    path = SNAPSHOTS / f"{name}-{width}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [100, 80, 60])
@pytest.mark.parametrize("name", ["list", "rank-gas", "compare", "memberships"])
def test_no_number_is_cut_or_split(name: str, width: int) -> None:
    result = CASES[name](Session(Catalog.open(), YEAR))
    text = draw(result, width)
    lines = text.splitlines()
    for row in result.rows:
        for column in result.people or result.columns:
            value = row.get(column)
            if isinstance(value, int | float) and not isinstance(value, bool):
                shown = format_number(value) if column not in ("since", "position", "year") else str(value)
                assert any(shown in line for line in lines), (column, shown)


COUNTRIES = ["afghanistan", "kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("country", COUNTRIES)
def test_brief_snapshot(country: str, width: int) -> None:
    """The brief `show` prints: one screen (60 lines at 100 columns), each figure with its year."""
    text = draw(profile_view.show(Session(Catalog.open(), YEAR), country), width)
    assert max(len(line) for line in text.splitlines()) <= width
    path = SNAPSHOTS / f"brief-{country}-{width}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("country", COUNTRIES)
def test_brief_fits_a_screen_and_dates_every_figure(country: str) -> None:
    session = Session(Catalog.open(), None)
    view = profile_view.show(session, country)
    assert len(draw(view, 100).splitlines()) <= 60
    figures = [row for s in view.sections for b in s.blocks if isinstance(b, FigureTable) for row in b.rows]
    assert figures and all(isinstance(row, FigureRow) and row.year and row.source for row in figures)
    text = draw(view, 100)
    assert all(str(row.year) in text for row in figures if isinstance(row, FigureRow))
    # every label comes from the field catalogue: no raw key reaches a person
    labels = {info.label for info in FIELDS.values()}
    assert all(row.label in labels for row in figures)

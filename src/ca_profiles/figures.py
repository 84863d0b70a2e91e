"""Choosing the one figure a view shows from the figures of a field.

The rule (docs/architecture.md, "The figure of a field"): the newest year any source gives,
then, among the sources giving that year, the first in the preference order of ``sources.yaml``
(then by key, so that the choice never depends on file order). A pinned source (``--source``)
replaces the rule: that source's newest figure, with a note of any newer figure from another.
The range is the spread among the sources for the year shown — never across years, since a
figure that moved between two years is change, not disagreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from .model import Figure, Figures, Profile, convert, figures_of


class Newer(msgspec.Struct, frozen=True):
    """A figure newer than the one shown, from another source."""

    value: float
    year: int
    source: str


class Pick(msgspec.Struct, frozen=True):
    """The one figure a cell shows, and the spread among the sources for its year."""

    value: float
    unit: str
    year: int
    source: str
    rank: int | None
    low: float
    high: float
    #: How many sources give a figure for ``year``.
    sources: int
    newer: Newer | None = None
    #: What a computed rank is counted among ("rank among 48 countries in <sheet>"); None for
    #: a rank the source states, or none.
    rank_basis: str | None = None


def _held(value: Figures | None, unit: str) -> dict[str, list[Figure]]:
    """Each source's figures of a field, in file order, leaving out those in a unit of another
    quantity (a share where an amount is asked), which cannot be set against the rest."""
    held: dict[str, list[Figure]] = {}
    for figure in figures_of(value):
        if convert(1.0, figure.unit, unit) is not None:
            held.setdefault(figure.source, []).append(figure)
    return held


def _years(figure: Figure) -> Iterable[int]:
    return figure.series if figure.series else [figure.year or 0]


def _newest(figure: Figure) -> int:
    return max(figure.series) if figure.series else figure.year or 0


def _at(figures: list[Figure], year: int, unit: str) -> tuple[float, Figure] | None:
    """One source's value for ``year`` in ``unit``: its first figure that gives that year."""
    for figure in figures:
        number = figure.series.get(year) if figure.series else figure.value if figure.year == year else None
        if number is not None:
            converted = convert(number, figure.unit, unit)
            assert converted is not None  # ``_held`` kept only figures of the field's quantity
            return converted, figure
    return None


def years_by_source(value: Figures | None, unit: str) -> dict[str, dict[int, tuple[float, Figure]]]:
    """Each source's values of a field, year by year, in ``unit`` (what a chart draws)."""
    years_of: dict[str, dict[int, tuple[float, Figure]]] = {}
    for key, figures in _held(value, unit).items():
        years = sorted({year for figure in figures for year in _years(figure)})
        years_of[key] = {year: found for year in years if (found := _at(figures, year, unit)) is not None}
    return years_of


def pick(value: Figures | None, preferred: list[str], unit: str, source: str | None = None) -> Pick | None:
    """The figure of a field by the rule above, in ``unit``; None where there is none.

    Only the values the answer needs are converted (each source's newest year, and the year
    shown): ``compare --all`` asks this of every field of every profile.
    """
    held = _held(value, unit)
    if not held or (source is not None and source not in held):
        return None
    newest = {key: max(map(_newest, figures)) for key, figures in held.items()}

    def order(key: str) -> tuple[int, int, str]:
        preference = preferred.index(key) if key in preferred else len(preferred)
        return (-newest[key], preference, key)

    latest = min(held, key=order) if len(held) > 1 else next(iter(held))
    chosen = source if source is not None else latest
    year = newest[chosen]
    shown = _at(held[chosen], year, unit)
    assert shown is not None  # the newest year of a source is one of its years
    number, figure = shown
    same_year = [found[0] for figures in held.values() if (found := _at(figures, year, unit)) is not None]
    newer = None
    if newest[latest] > year:
        value_then = _at(held[latest], newest[latest], unit)
        assert value_then is not None
        newer = Newer(value_then[0], newest[latest], latest)
    rank, basis = figure.rank_in(year), figure.rank_basis(year)
    return Pick(
        number, unit, year, chosen, rank, min(same_year), max(same_year), len(same_year), newer, basis
    )


def field_value(profile: Profile, path: str) -> Any:
    node: Any = profile
    for part in path.split("."):
        node = getattr(node, part, None)
    return node

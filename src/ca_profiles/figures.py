"""Choosing the one figure a view shows from the figures of a field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Figure, Figures, Profile, convert


@dataclass
class Pick:
    """The one figure a cell shows, and the spread of the latest figure of every source."""

    value: float
    unit: str
    year: int
    source: str
    rank: int | None
    low: float
    high: float
    sources: int
    #: What a computed rank is counted among ("rank among 48 countries in <sheet>"); None for
    #: a rank the source states, or none.
    rank_basis: str | None = None


def _latest(figure: Figure) -> tuple[int, float]:
    if figure.series:
        year = max(figure.series)
        return year, figure.series[year]
    assert figure.year is not None and figure.value is not None  # a point figure has both
    return figure.year, figure.value


def pick(value: Figures | None, preferred: list[str], unit: str) -> Pick | None:
    """The latest figure of the first preferred source that has one, else the latest of any.

    Figures are expressed in ``unit``; those in a unit of another quantity (a share where an
    amount is asked) are left out, since they cannot be ranked against the rest.
    """
    if value is None:
        return None
    if isinstance(value, Figure):  # one figure, the common case: no sources to weigh
        year, number = _latest(value)
        converted = convert(number, value.unit, unit)
        if converted is None:
            return None
        rank, basis = value.rank_in(year), value.rank_basis(year)
        return Pick(converted, unit, year, value.source, rank, converted, converted, 1, basis)
    figures = value
    per_source: dict[str, tuple[int, float, Figure]] = {}
    for figure in figures:
        year, number = _latest(figure)
        converted = convert(number, figure.unit, unit)
        held = per_source.get(figure.source)
        if converted is not None and (held is None or year > held[0]):
            per_source[figure.source] = (year, converted, figure)
    if not per_source:
        return None
    chosen = next((per_source[s] for s in preferred if s in per_source), None)
    if chosen is None:
        chosen = max(per_source.values(), key=lambda item: item[0])
    year, number, figure = chosen
    latest = [item[1] for item in per_source.values()]
    rank, basis = figure.rank_in(year), figure.rank_basis(year)
    return Pick(number, unit, year, figure.source, rank, min(latest), max(latest), len(per_source), basis)


def field_value(profile: Profile, path: str) -> Any:
    node: Any = profile
    for part in path.split("."):
        node = getattr(node, part, None)
    return node

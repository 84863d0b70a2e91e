"""The world as it stood at the end of a year (docs/architecture.md, "Time"): nothing later stays visible."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from .model import (
    Figure,
    Leader,
    Membership,
    Pipeline,
    Plant,
    Profile,
    Project,
    Reset,
    RiskFactor,
    When,
    as_date,
)


def as_of(profile: Profile, year: int) -> Profile:
    """``profile`` at the end of ``year``.

    Series and figures keep the years up to ``year`` (a later edition's figure for an earlier
    year stays: it describes that year); spans and tenures that began later go, and those
    still running then lose the end they had later. Free-text notes go too, since they may
    tell of later events; so does the next election, which is a fact of today.
    """
    cut: Profile = _cut(profile, year)
    succession = msgspec.structs.replace(cut.succession, next_election=None)
    return msgspec.structs.replace(cut, succession=succession)


def _began(when: When | None, year: int) -> bool:
    return when is None or as_date(when) <= dt.date(year, 12, 31)


def _cut(node: Any, year: int) -> Any:
    if isinstance(node, list):
        kept = [_cut(item, year) for item in node if _keep(item, year)]
        kept = [item for item in kept if item is not None]
        # A list of figures that the cut emptied is no figure at all.
        return None if not kept and node and isinstance(node[0], Figure) else kept
    if isinstance(node, Figure):
        return _cut_figure(node, year)
    if isinstance(node, msgspec.Struct):
        changes = {name: _cut(getattr(node, name), year) for name in node.__struct_fields__}
        if "note" in changes:
            changes["note"] = None
        if isinstance(node, Membership | Leader) and node.until is not None:
            if as_date(node.until) > dt.date(year, 12, 31):
                changes["until"] = None
                if isinstance(node, Leader):
                    changes["how_ended"] = None
        return msgspec.structs.replace(node, **changes)
    return node


def _keep(item: Any, year: int) -> bool:
    """Whether a dated item (span, tenure, plant, project, reset, fact) had begun by then."""
    if isinstance(item, Membership | Leader):
        return _began(item.since, year)
    if isinstance(item, Plant | Pipeline):
        return _began(item.commissioned, year)
    if isinstance(item, Project | Reset | RiskFactor):
        return _began(item.year, year)
    return True


def _cut_figure(figure: Figure, year: int) -> Figure | None:
    if figure.series is not None:
        series = {y: v for y, v in figure.series.items() if y <= year}
        if not series:
            return None
        ranks = {y: r for y, r in figure.ranks.items() if y <= year} if figure.ranks is not None else None
        among = {y: n for y, n in figure.among.items() if y <= year} if figure.among is not None else None
        return msgspec.structs.replace(figure, series=series, ranks=ranks, among=among, note=None)
    if figure.year is not None and figure.year > year:
        return None
    return msgspec.structs.replace(figure, note=None)

"""The world as it stood at a date (docs/architecture.md, "Time"): one rule for "in force at
date D", and the cut of a profile that keeps nothing later.

Every dated thing of the data — a membership span, a tenure, a dated attribute (capital,
official name, each succession rule), a reset, a status of an infrastructure record — has a
``since`` and an ``until``. It is in force at D when it began on or before D and had not ended
by D; a bare year stands for its first day. ``in_force`` answers that for every view and index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import msgspec

from .model import (
    Dated,
    Figure,
    Gap,
    Infrastructure,
    Leader,
    Pipeline,
    Plant,
    Profile,
    Project,
    RiskFactor,
    When,
    as_date,
)


class Span(Protocol):
    @property
    def since(self) -> When | None: ...
    @property
    def until(self) -> When | None: ...


S = TypeVar("S", bound=Span)
T = TypeVar("T")


def began(since: When | None, on: dt.date) -> bool:
    """Whether something dated ``since`` had begun by ``on`` (an unknown start had)."""
    return since is None or as_date(since) <= on


def running(span: Span, on: dt.date) -> bool:
    """Whether ``span`` was in force on ``on``: begun by then, not yet ended."""
    return began(span.since, on) and (span.until is None or as_date(span.until) > on)


def in_force(records: Sequence[S], on: dt.date) -> S | None:
    """The record in force on ``on``: the latest to begin of those running then; None if none."""
    current = [record for record in records if running(record, on)]
    return max(current, key=lambda r: as_date(r.since) if r.since is not None else dt.date.min, default=None)


def dated(value: str | int | list[Dated] | None, on: dt.date, source: str | None = None) -> Dated | None:
    """A changing fact at ``on`` as the record that holds it.

    A bare value (user data that give no dates) is in force at any date, cited to ``source``;
    a list gives its record in force then, or None where no record covers the date.
    """
    if value is None:
        return None
    if isinstance(value, list):
        return in_force(value, on)
    return Dated(value=value, source=source or "")


def records(value: str | int | list[Dated] | None) -> list[Dated]:
    """Every record of a changing fact; a bare value is one undated record."""
    if value is None:
        return []
    return value if isinstance(value, list) else [Dated(value=value, source="")]


def text_at(value: str | list[Dated] | None, on: dt.date) -> str | None:
    """A changing text fact (capital, official name) at ``on``, or None where none is recorded."""
    record = dated(value, on)
    return None if record is None or record.value is None else str(record.value)


def opened(record: Infrastructure) -> When | None:
    """When an infrastructure record begins to exist: the start of its first status."""
    starts = [status.since for status in record.status]
    return min(starts, key=as_date) if starts else None


def record_at(record: Infrastructure, on: dt.date, cut: bool) -> Infrastructure | None:
    """An infrastructure record as it stood on ``on``; None before its first status.

    With ``cut`` (a past date asked for), later statuses, figures and notes go as in ``as_of``.
    """
    if not record.status or not began(opened(record), on):
        return None
    return _cut(record, on) if cut else record


def drop_unopened(profile: Profile, exists: Callable[[str], bool]) -> Profile:
    """``profile`` without the references to infrastructure records that did not exist yet."""
    energy, china = profile.energy, profile.china

    def keep(items: list[T]) -> list[T]:
        return [item for item in items if not isinstance(item, str) or exists(item)]

    hydropower = energy.hydropower
    if hydropower is not None:
        hydropower = msgspec.structs.replace(hydropower, plants=keep(hydropower.plants))
    energy = msgspec.structs.replace(energy, pipelines=keep(energy.pipelines), hydropower=hydropower)
    china = msgspec.structs.replace(china, pipelines=keep(china.pipelines), projects=keep(china.projects))
    return msgspec.structs.replace(profile, energy=energy, china=china)


def as_of(profile: Profile, year: int) -> Profile:
    """``profile`` at the end of ``year``.

    Series and figures keep the years up to ``year`` (a later edition's figure for an earlier
    year stays: it describes that year); spans, tenures, dated records and statuses that began
    later go, and those still running then lose the end they had later. Free-text notes go too,
    since they may tell of later events — but not the notes of gaps, which describe the data;
    so does the next election, which is a fact of today.
    """
    cut: Profile = _cut(profile, dt.date(year, 12, 31))
    succession = msgspec.structs.replace(cut.succession, next_election=None)
    return msgspec.structs.replace(cut, succession=succession)


def _cut(node: Any, on: dt.date) -> Any:
    if isinstance(node, list):
        kept = [_cut(item, on) for item in node if _keep(item, on)]
        kept = [item for item in kept if item is not None]
        # A list of figures that the cut emptied is no figure at all.
        return None if not kept and node and isinstance(node[0], Figure) else kept
    if isinstance(node, Figure):
        return _cut_figure(node, on.year)
    if isinstance(node, Gap):
        return node
    if isinstance(node, msgspec.Struct):
        changes = {name: _cut(getattr(node, name), on) for name in node.__struct_fields__}
        if "note" in changes:
            changes["note"] = None
        until = getattr(node, "until", None)
        if until is not None and as_date(until) > on:
            changes["until"] = None
            if isinstance(node, Leader):
                changes["how_ended"] = None
                changes["exit"] = "in_office"  # still in office at that date
        return msgspec.structs.replace(node, **changes)
    return node


def _keep(item: Any, on: dt.date) -> bool:
    """Whether a dated item (span, tenure, record, plant, project, fact) had begun by then."""
    if isinstance(item, msgspec.Struct) and "since" in item.__struct_fields__:
        return began(getattr(item, "since"), on)  # noqa: B009 - a field any dated record has
    if isinstance(item, Plant | Pipeline):
        return began(item.commissioned, on)
    if isinstance(item, Project | RiskFactor):
        return began(item.year, on)
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

"""What changed between two data releases: figures, dated attributes, memberships and heads of state."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .asof import record_at
from .catalog import Catalog
from .errors import InvalidData, UsageError
from .model import Profile
from .results import Rows
from .session import Session
from .tidy import attribute_rows, figure_rows, leader_rows, membership_rows, when_text

COLUMNS = ["change", "country", "what", "item", "field", "source", "year", "since", "old", "new", "unit"]

#: A span or tenure is known by what it is and when it began; these are the facts compared.
_SPANS: dict[str, tuple[Callable[[Profile], Iterator[dict[str, Any]]], str, tuple[str, ...]]] = {
    "membership": (membership_rows, "org", ("status", "until", "source")),
    "leader": (leader_rows, "name", ("title", "until", "how_ended", "entry", "exit", "source")),
    "attribute": (attribute_rows, "attribute", ("value", "until", "source")),
}


def release(path: Path) -> Catalog:
    """A data folder read on its own, as a release: no bundled data and no user folders under it."""
    if not (path / "countries").is_dir():
        raise UsageError(f"'{path}' is not a data folder: it has no countries/ folder")
    return Catalog.open(roots=[path])


def diff_releases(
    old: Path, new: Path | None, data_dirs: list[Path] | None = None, as_of: int | None = None
) -> Rows:
    """``old`` against ``new``, or against the data every other command reads; with ``as_of``,
    both as they describe the end of that year."""
    before = release(old)
    after = release(new) if new else Catalog.open(data_dirs)
    labels = _label(before, str(old)), _label(after, str(new) if new else "installed data")
    return diff(before, after, *labels, as_of=as_of)


def _label(catalog: Catalog, where: str) -> str:
    version = catalog.release.version if catalog.release else "no release"
    return f"{version} ({where})"


def _profiles(catalog: Catalog, as_of: int | None) -> dict[str, Profile]:
    # A profile that cannot be read would show as removed: a diff of broken data is refused.
    catalog.profiles()
    if catalog.problems:
        raise InvalidData(catalog.problems)
    if as_of is None:
        return {profile.id: profile for profile in catalog.profiles()}
    # Each release seen at the date, as every other command sees it (the release's own date
    # does not matter then), so that a release that only adds later facts shows no change.
    session = Session(catalog, as_of, today=dt.date(as_of, 12, 31))
    return {profile.id: profile for profile in session.profiles()}


def diff(
    old: Catalog, new: Catalog, old_label: str = "old", new_label: str = "new", *, as_of: int | None = None
) -> Rows:
    """Every change from ``old`` to ``new``, country by country.

    Figures are matched by field, item, source and year, and compared by value and unit (not
    note or rank); spans of membership by organisation and start, tenures by name and start,
    dated attributes by attribute and start, statuses of infrastructure records by id and start.
    """
    before, after = _profiles(old, as_of), _profiles(new, as_of)
    rows: list[dict[str, Any]] = []
    for id in sorted(before.keys() | after.keys()):
        if id not in after or id not in before:
            change = "added" if id in after else "removed"
            name = (after.get(id) or before[id]).name
            rows.append(_row(change, id, "country", **{"new" if id in after else "old": name}))
            continue
        rows += _figures(id, before[id], after[id])
        for what in _SPANS:
            rows += _spans(what, id, before[id], after[id])
    rows += _infrastructure(old, new, as_of)
    title = f"Changes from {old_label} to {new_label}"
    # A terminal has room for these; the start of a span and the unit stay in the machine formats.
    people = ["change", "country", "item", "field", "source", "year", "old", "new"]
    return Rows("diff", title, COLUMNS, rows, people=people)


def _statuses(catalog: Catalog, as_of: int | None) -> dict[tuple[str, str], dict[str, Any]]:
    """(record id, start) → the status of an infrastructure record then, as a tidy row."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for id, record in catalog.infrastructure.items():
        seen = record if as_of is None else record_at(record, dt.date(as_of, 12, 31), cut=True)
        for status in seen.status if seen else []:
            rows[(id, when_text(status.since) or "")] = {
                "value": status.value,
                "until": when_text(status.until),
                "source": status.source,
                "route": ", ".join(record.route),
            }
    return rows


def _infrastructure(old: Catalog, new: Catalog, as_of: int | None) -> Iterator[dict[str, Any]]:
    """Statuses of pipelines and projects added, removed or changed; the country column names
    the countries on the route."""
    before, after = _statuses(old, as_of), _statuses(new, as_of)
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        where = {"item": key[0], "since": key[1]}
        if was is None or now is None:
            span = now or was
            assert span is not None  # the key came from one side or the other
            summary = span["value"] + (f" until {span['until']}" if span["until"] else "")
            side = "new" if now else "old"
            change = "added" if now else "removed"
            yield _row(change, span["route"], "status", **where, source=span["source"], **{side: summary})
            continue
        for fact in ("value", "until", "source"):
            if was[fact] != now[fact]:
                yield _row(
                    "changed",
                    now["route"],
                    "status",
                    **where,
                    field=fact,
                    source=now["source"],
                    old=was[fact],
                    new=now[fact],
                )


def _row(change: str, country: str, what: str, **cells: Any) -> dict[str, Any]:
    return dict.fromkeys(COLUMNS) | {"change": change, "country": country, "what": what} | cells


def _order(key: tuple[Any, ...]) -> tuple[str, ...]:
    """Keys in alphabetical order, a missing part (a figure of no plant) first."""
    return tuple("" if part is None else str(part) for part in key)


def _figure_values(profile: Profile) -> dict[tuple[Any, ...], list[tuple[float, str]]]:
    """(field, item, source, year) → the values and units there; a source may give several."""
    values: dict[tuple[Any, ...], list[tuple[float, str]]] = {}
    for row in figure_rows(profile):
        key = (row["field"], row["item"], row["source"], row["year"])
        values.setdefault(key, []).append((row["value"], row["unit"]))
    return values


def _figures(id: str, old: Profile, new: Profile) -> Iterator[dict[str, Any]]:
    before, after = _figure_values(old), _figure_values(new)
    for key in sorted(before.keys() | after.keys(), key=_order):
        was, now = before.get(key, []), after.get(key, [])
        if Counter(was) == Counter(now):
            continue
        field, item, source, year = key
        where = {"field": field, "item": item, "source": source, "year": year}
        if len(was) == len(now) == 1 and was[0][1] == now[0][1]:
            yield _row("changed", id, "figure", **where, old=was[0][0], new=now[0][0], unit=now[0][1])
            continue
        for value, unit in (Counter(was) - Counter(now)).elements():
            yield _row("removed", id, "figure", **where, old=value, unit=unit)
        for value, unit in (Counter(now) - Counter(was)).elements():
            yield _row("added", id, "figure", **where, new=value, unit=unit)


def _spans(what: str, id: str, old: Profile, new: Profile) -> Iterator[dict[str, Any]]:
    rows_of, name, facts = _SPANS[what]
    before = {(row[name], row["since"]): row for row in rows_of(old)}
    after = {(row[name], row["since"]): row for row in rows_of(new)}
    for key in sorted(before.keys() | after.keys(), key=_order):
        was, now = before.get(key), after.get(key)
        where = {"item": key[0], "since": key[1]}
        if was is None or now is None:
            span = now or was
            assert span is not None  # the key came from one side or the other
            change = "added" if now else "removed"
            summary = str(span[facts[0]]) + (f" until {span['until']}" if span["until"] else "")
            yield _row(change, id, what, **where, source=span["source"], **{"new" if now else "old": summary})
            continue
        for fact in facts:
            if was[fact] != now[fact]:
                yield _row(
                    "changed",
                    id,
                    what,
                    **where,
                    field=fact,
                    source=now["source"],
                    old=was[fact],
                    new=now[fact],
                )

"""A field over the years, country by country: the data a chart draws.

The result is tidy rows (country, year, value, unit, source), so that ``--format csv`` gives
the very numbers a chart shows; the terminal chart and the figure file draw from the same rows.
"""

from __future__ import annotations

from typing import Any

from .errors import UsageError
from .figures import field_value, pick
from .model import FIELDS, Figure, Figures, Source, convert, figures_of, unit_label
from .results import Rows
from .session import Session
from .views import check_field

COLUMNS = ["country", "name", "year", "value", "unit", "source", "world_rank"]

#: A point of a line: the value in the field's unit, its source and its world rank, if known.
Point = tuple[float, str, int | None]


def line_of(value: Figures | None, preferred: list[str], unit: str) -> dict[int, Point]:
    """Year → (value in ``unit``, source, world rank) of the line a country's field draws.

    Where the field has series, the series of the source ``pick`` prefers (as ``rank`` and
    ``get`` do); where it has only point figures, each year's figure, the preferred source's
    where several give that year.
    """
    figures = figures_of(value)
    series = [f for f in figures if f.series]
    chosen = pick(series, preferred, unit) if series else None
    if chosen is not None:
        line: dict[int, Point] = {}
        for figure in (f for f in series if f.source == chosen.source):
            line.update(_converted(figure, unit))
        return dict(sorted(line.items()))
    points = [f for f in figures if f.series is None]
    by_year: dict[int, Point] = {}
    for year in sorted({f.year for f in points if f.year is not None}):
        best = pick([f for f in points if f.year == year], preferred, unit)
        if best is not None:
            by_year[year] = (best.value, best.source, best.rank)
    return by_year


def _converted(figure: Figure, unit: str) -> dict[int, Point]:
    assert figure.series is not None  # only series figures come here
    out: dict[int, Point] = {}
    for year, number in figure.series.items():
        value = convert(number, figure.unit, unit)
        if value is not None:
            out[year] = (value, figure.source, figure.rank_in(year))
    return out


def chart_view(session: Session, path: str, names: list[str] | None = None) -> Rows:
    """The lines of a chart of ``path``: the named countries, or every one that has the field."""
    check_field(path)
    label, unit = FIELDS[path].label, FIELDS[path].unit
    preferred = session.catalog.sources_file.preferred.get(path, [])
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    used: dict[str, list[str]] = {}
    for profile in session.profiles(names):
        line = line_of(field_value(profile, path), preferred, unit)
        if not line:
            missing.append(profile.id)
        for year, (value, source, rank) in line.items():
            rows.append(
                {
                    "country": profile.id,
                    "name": profile.name,
                    "year": year,
                    "value": value,
                    "unit": unit,
                    "source": source,
                    "world_rank": rank,
                }
            )
            countries = used.setdefault(source, [])
            if profile.name not in countries:
                countries.append(profile.name)
    if not rows:
        whom = ", ".join(missing) if names else "any country"
        when = f" up to {session.as_of}" if session.as_of else ""
        raise UsageError(f"no figures for {path} in {whom}{when}: nothing to chart")
    meta = {
        **session.meta(),
        "field": path,
        "label": label,
        "unit": unit,
        "unit_label": unit_label(unit),
        "caption": caption(session.catalog.sources, used),
        "missing": missing,
    }
    return Rows("chart", f"{label} ({unit_label(unit)})", COLUMNS, rows, meta)


def caption(sources: dict[str, Source], used: dict[str, list[str]]) -> str:
    """The sources of a chart, each with the countries it gives and its key for ``cite``."""
    parts = []
    for key, countries in used.items():
        source = sources.get(key)
        name = f"{source.publisher}, {source.title}" if source else key
        year = f" ({source.year})" if source and source.year else ""
        whom = f": {', '.join(countries)}" if len(used) > 1 else ""
        parts.append(f"{name}{year} [{key}]{whom}")
    return ("Source: " if len(parts) == 1 else "Sources: ") + "; ".join(parts) + "."

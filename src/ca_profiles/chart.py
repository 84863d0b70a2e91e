"""A field over the years, country by country: the data a chart draws.

The result is tidy rows (country, year, value, unit, source), so that ``--format csv`` gives
the very numbers a chart shows; the terminal chart and the figure file draw from the same rows.
"""

from __future__ import annotations

from typing import Any

from .errors import UsageError
from .figures import field_value, pick, years_by_source
from .model import FIELDS, Figures, Source, unit_label
from .results import Rows
from .session import Session
from .views import check_field

COLUMNS = ["country", "name", "line", "year", "value", "unit", "source", "world_rank"]


def lines_of(
    value: Figures | None, preferred: list[str], unit: str, by_source: bool = False, source: str | None = None
) -> dict[str, dict[int, float]]:
    """Source → year → value in ``unit``: the lines a country's field draws.

    One line, the whole history of the source whose figure the views show (``get``, ``rank``),
    unless ``by_source`` asks for every source's; only ``source``'s where one is pinned. Two
    sources are never joined into one line: a line that zig-zags between sources would read as
    change where there is disagreement.
    """
    held = years_by_source(value, unit)
    chosen = pick(value, preferred, unit, source)
    keys = list(held) if by_source and source is None else [chosen.source] if chosen else []
    return {key: {year: held[key][year][0] for year in sorted(held[key])} for key in keys}


def chart_view(session: Session, path: str, names: list[str] | None = None, by_source: bool = False) -> Rows:
    """The lines of a chart of ``path``: the named countries, or every one that has the field;
    with ``by_source``, one line for each source of each country."""
    check_field(path)
    label, unit = FIELDS[path].label, FIELDS[path].unit
    preferred = session.catalog.sources_file.preferred.get(path, [])
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    used: dict[str, list[str]] = {}
    for profile in session.profiles(names):
        value = field_value(profile, path)
        lines = lines_of(value, preferred, unit, by_source, session.source)
        # A year's world rank: stated by the source, or computed for a series from a table.
        ranks = {
            key: {year: figure.rank_in(year) for year, (_, figure) in years.items()}
            for key, years in years_by_source(value, unit).items()
        }
        if not lines:
            missing.append(profile.id)
        for source, line in lines.items():
            name = f"{profile.name} ({source})" if by_source else profile.name
            for year, number in line.items():
                rows.append(
                    {
                        "country": profile.id,
                        "name": profile.name,
                        "line": name,
                        "year": year,
                        "value": number,
                        "unit": unit,
                        "source": source,
                        "world_rank": ranks[source].get(year),
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

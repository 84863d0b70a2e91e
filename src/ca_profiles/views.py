"""What each command shows, as plain data: the layer between the catalog and the formats."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import msgspec

from . import __version__
from .asof import as_of
from .catalog import Catalog, normalize
from .checks import as_date
from .errors import UnknownName
from .model import FIELDS, UNITS, Figure, Figures, Leader, Profile, convert

SECTIONS = ("identity", "energy", "memberships", "succession", "migration", "china", "gaps")
_IDENTITY = ("id", "name", "official_name", "iso2", "iso3", "aliases", "capital", "population", "area", "gdp")


@dataclass
class Report:
    """A nested result (one profile, one explanation): JSON object, YAML mapping."""

    kind: str
    data: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


def figures_of(value: Any) -> list[dict[str, Any]]:
    """The figures of a field as plain data, whether it holds one or several."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict) and "unit" in item and "source" in item]


def format_number(value: float) -> str:
    """A number as people read it: thousands separated, no trailing ``.0``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(_BARS[round((v - low) / span * (len(_BARS) - 1))] for v in values)


def meta(catalog: Catalog, as_of: int | None = None) -> dict[str, Any]:
    """What every JSON document says about where its data comes from."""
    release = catalog.release
    return {
        "tool_version": __version__,
        "data_release": release.version if release else None,
        "data_release_date": release.date.isoformat() if release else None,
        "as_of": as_of,
    }


def show(session: Session, name: str, section: str | None = None) -> Report:
    profile = session.profile(name)
    data: dict[str, Any] = msgspec.to_builtins(profile)
    if section is not None:
        if section not in SECTIONS:
            raise UnknownName("section", section, difflib.get_close_matches(section, SECTIONS, n=3))
        keys = _IDENTITY if section == "identity" else ("id", "name", section)
        data = {key: data[key] for key in keys}
    return Report("profile", data, session.meta())


@dataclass
class Rows:
    """A tabular result: JSON array of objects, CSV rows, a table for people."""

    kind: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    #: The columns a table for people shows (default: all); machine formats keep every one.
    people: list[str] | None = None
    #: The keys of the sources the rows rely on, for the caption of a table in a paper.
    sources: list[str] = field(default_factory=list)


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
    figures = [] if value is None else value if isinstance(value, list) else [value]
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
    return Pick(number, unit, year, figure.source, figure.rank, min(latest), max(latest), len(per_source))


def field_value(profile: Profile, path: str) -> Any:
    node: Any = profile
    for part in path.split("."):
        node = getattr(node, part, None)
    return node


def check_field(path: str) -> str:
    if path not in FIELDS:
        raise UnknownName("field", path, difflib.get_close_matches(path, list(FIELDS), n=3, cutoff=0.5))
    return path


class Session:
    """A catalog seen at one date: the profiles every tabular view reads."""

    def __init__(self, catalog: Catalog, as_of: int | None = None) -> None:
        self.catalog, self.as_of = catalog, as_of

    def profile(self, name: str) -> Profile:
        return self._at(self.catalog.lookup(name))

    def profiles(self, names: list[str] | None = None) -> list[Profile]:
        """The named countries, or every readable one; each seen at the session's date."""
        if names:
            return [self.profile(id) for id in dict.fromkeys(self.catalog.resolve(n) for n in names)]
        return [self._at(profile) for profile in self.catalog.profiles()]

    def _at(self, profile: Profile) -> Profile:
        return as_of(profile, self.as_of) if self.as_of else profile

    def pick(self, profile: Profile, path: str) -> Pick | None:
        preferred = self.catalog.sources_file.preferred.get(path, [])
        return pick(field_value(profile, path), preferred, FIELDS[path][1])

    def meta(self) -> dict[str, Any]:
        return meta(self.catalog, self.as_of)


def head_of_state(profile: Profile) -> Leader | None:
    current = [
        leader for leader in profile.succession.leaders if leader.until is None and not leader.parallel
    ]
    return current[-1] if current else None


LIST_FIELDS = ["population", "energy.gas_reserves", "energy.oil_reserves", "migration.remittances_pct_gdp"]


def list_view(session: Session, member: str | None = None, borders_china: bool = False) -> Rows:
    org = resolve_org(session.catalog, member) if member else None
    rows = []
    cited: set[str] = set()
    for profile in session.profiles():
        if org and org not in {
            m.org for m in profile.memberships if m.until is None and m.status == "member"
        }:
            continue
        if borders_china and not session.pick(profile, "china.border_km"):
            continue
        leader = head_of_state(profile)
        if leader:
            cited.add(leader.source)
        row: dict[str, Any] = {
            "id": profile.id,
            "name": profile.name,
            "capital": profile.capital,
            "head_of_state": leader.name if leader else None,
        }
        for path in LIST_FIELDS:
            chosen = session.pick(profile, path)
            row[path.rsplit(".", 1)[-1]] = chosen.value if chosen else None
            if chosen:
                cited.add(chosen.source)
        rows.append(row)
    columns = ["id", "name", "capital", "head_of_state", *(p.rsplit(".", 1)[-1] for p in LIST_FIELDS)]
    units = ", ".join(f"{FIELDS[p][0].lower()} in {UNITS[FIELDS[p][1]]}" for p in LIST_FIELDS)
    return Rows("list", f"Countries ({units})", columns, rows, session.meta(), columns[1:], sorted(cited))


def rank_view(session: Session, path: str, top: int | None = None, ascending: bool = False) -> Rows:
    check_field(path)
    ranked: list[tuple[Profile, Pick]] = []
    missing: list[Profile] = []
    for profile in session.profiles():
        chosen = session.pick(profile, path)
        if chosen is None:
            missing.append(profile)
        else:
            ranked.append((profile, chosen))
    ranked.sort(key=lambda item: item[1].value, reverse=not ascending)
    rows: list[dict[str, Any]] = []
    for position, (profile, chosen) in enumerate(ranked, start=1):
        rows.append(
            {
                "position": position,
                "id": profile.id,
                "name": profile.name,
                "value": chosen.value,
                "unit": chosen.unit,
                "year": chosen.year,
                "source": chosen.source,
                "world_rank": chosen.rank,
                "low": chosen.low,
                "high": chosen.high,
                "sources": chosen.sources,
            }
        )
    if top is not None:
        rows = rows[:top]
    for profile in missing:
        rows.append(
            {
                "position": None,
                "id": profile.id,
                "name": profile.name,
                "value": None,
                "unit": None,
                "year": None,
                "source": None,
                "world_rank": None,
                "low": None,
                "high": None,
                "sources": 0,
            }
        )
    columns = [
        "position",
        "id",
        "name",
        "value",
        "unit",
        "year",
        "source",
        "world_rank",
        "low",
        "high",
        "sources",
    ]
    people = ["position", "name", "value", "year", "source", "world_rank", "low", "high"]
    title = f"{FIELDS[path][0]} ({UNITS[FIELDS[path][1]]})"
    cited = sorted({row["source"] for row in rows if row["source"]})
    return Rows("rank", title, columns, rows, {**session.meta(), "field": path}, people, cited)


def compare_view(session: Session, names: list[str] | None, fields: list[str] | None) -> Rows:
    paths = [check_field(f) for f in fields] if fields else list(FIELDS)
    profiles = session.profiles(names)
    rows = []
    cited: set[str] = set()
    for path in paths:
        row: dict[str, Any] = {"field": path, "label": FIELDS[path][0], "unit": FIELDS[path][1]}
        for profile in profiles:
            chosen = session.pick(profile, path)
            row[profile.id] = chosen.value if chosen else None
            if chosen:
                cited.add(chosen.source)
        rows.append(row)
    ids = [p.id for p in profiles]
    columns = ["field", "label", "unit", *ids]
    return Rows("compare", "Comparison", columns, rows, session.meta(), ["label", *ids], sorted(cited))


def resolve_org(catalog: Catalog, name: str) -> str:
    key = normalize(name)
    for org in catalog.organizations.values():
        if key in {normalize(n) for n in (org.id, org.name, *org.abbreviations, *org.aliases)}:
            return org.id
    close = difflib.get_close_matches(name.lower(), list(catalog.organizations), n=3)
    raise UnknownName("organisation", name, close)


def memberships_view(session: Session, org: str | None = None) -> Rows:
    wanted = resolve_org(session.catalog, org) if org else None
    rows: list[dict[str, Any]] = []
    for profile in session.profiles():
        for span in sorted(profile.memberships, key=lambda s: (s.org, as_date(s.since))):
            if wanted and span.org != wanted:
                continue
            if not wanted and span.until is not None:
                continue  # the matrix shows standing now (or at --as-of); --org shows the timeline
            rows.append(
                {
                    "country": profile.id,
                    "org": span.org,
                    "status": span.status,
                    "since": span.since,
                    "until": span.until,
                    "source": span.source,
                }
            )
    title = session.catalog.organizations[wanted].name if wanted else "Memberships"
    kind = "timeline" if wanted else "memberships"
    columns = ["country", "org", "status", "since", "until", "source"]
    cited = sorted({row["source"] for row in rows})
    return Rows(kind, title, columns, rows, session.meta(), columns[:-1] if wanted else None, cited)


def fields_view() -> Rows:
    rows = [
        {"field": path, "label": label, "unit": unit, "unit_label": UNITS[unit], "description": text}
        for path, (label, unit, text) in FIELDS.items()
    ]
    columns = ["field", "label", "unit", "unit_label", "description"]
    return Rows("fields", "Fields", columns, rows, people=["field", "unit_label", "description"])


def get_view(session: Session, name: str, path: str) -> Report:
    profile = session.profile(name)
    check_field(path)
    chosen = session.pick(profile, path)
    figures = msgspec.to_builtins(field_value(profile, path))
    data = {
        "id": profile.id,
        "field": path,
        "value": chosen.value if chosen else None,
        "unit": chosen.unit if chosen else None,
        "year": chosen.year if chosen else None,
        "source": chosen.source if chosen else None,
        "figures": figures,
    }
    return Report("field", data, session.meta())

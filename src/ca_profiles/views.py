"""What each command shows, as plain data: the layer between the catalog and the formats."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from . import __version__
from .asof import as_of
from .catalog import Catalog, normalize
from .checks import as_date
from .errors import InvalidData, UnknownName
from .figures import Pick, field_value, pick
from .indices import (
    ALIASES,
    INDEX_FIELDS,
    INSUFFICIENT,
    Context,
    IndexResult,
    compute,
    compute_all,
    head_of_state,
)
from .model import FIELDS, UNITS, Profile
from .tidy import figure_rows

SECTIONS = ("identity", "energy", "memberships", "succession", "migration", "china", "indices", "gaps")
_IDENTITY = ("id", "name", "official_name", "iso2", "iso3", "aliases", "capital", "population", "area", "gdp")


@dataclass
class Report:
    """A nested result (one profile, one explanation): JSON object, YAML mapping."""

    kind: str
    data: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    #: Builds the same result as one flat table, for the formats that hold only tables (CSV, …);
    #: called only when one of them is asked for, so JSON and the terminal do not pay for it.
    flat: Callable[[], Rows] | None = None


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
    data["indices"] = {key: result.to_dict() for key, result in session.indices(profile).items()}
    if section is not None:
        if section not in SECTIONS:
            raise UnknownName("section", section, difflib.get_close_matches(section, SECTIONS, n=3))
        keys = _IDENTITY if section == "identity" else ("id", "name", section)
        data = {key: data[key] for key in keys}
    return Report("profile", data, session.meta(), lambda: _figures(session, profile, section))


def _figures(session: Session, profile: Profile, section: str | None) -> Rows:
    """A profile's figures in tidy long form (one row per value), as ``export`` writes them."""
    rows = [row for row in figure_rows(profile) if section in (None, row["section"])]
    columns = list(rows[0]) if rows else ["country", "section", "field", "year", "value", "unit", "source"]
    return Rows("figures", f"{profile.name}: figures", columns, rows, session.meta(), sources=_cited(rows))


def _cited(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({row["source"] for row in rows if row.get("source")})


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
    #: Headings a table for people shows instead of a column's key.
    headings: dict[str, str] = field(default_factory=dict)
    #: The keys of the sources the rows rely on, for the caption of a table in a paper.
    sources: list[str] = field(default_factory=list)


def check_field(path: str, indices: bool = False) -> str:
    """A known figure field (or, with ``indices``, an index path); unknown ones are errors."""
    known = [*FIELDS, *INDEX_FIELDS] if indices else list(FIELDS)
    if path not in known:
        raise UnknownName("field", path, difflib.get_close_matches(path, known, n=3, cutoff=0.5))
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

    @property
    def context(self) -> Context:
        """Facts are read at the end of the as-of year, or today."""
        date = dt.date(self.as_of, 12, 31) if self.as_of else dt.date.today()
        return Context(date, self.catalog.sources_file.preferred)

    def indices(self, profile: Profile) -> dict[str, IndexResult]:
        """Both indices of a profile; none, with the rubric's problems kept, if it cannot be read."""
        try:
            methodology = self.catalog.methodology
        except InvalidData as exc:
            self.catalog.problems += [p for p in exc.problems if p not in self.catalog.problems]
            return {}
        return compute_all(profile, methodology, self.context)

    def index(self, profile: Profile, name: str) -> IndexResult:
        """One index of a profile; the rubric's problems are an error here."""
        rubric = self.catalog.methodology.indices.get(name)  # type: ignore[call-overload]
        if rubric is None:
            raise UnknownName("index", name, sorted(self.catalog.methodology.indices))
        return compute(profile, name, rubric, self.context)


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
    return Rows(
        "list", f"Countries ({units})", columns, rows, session.meta(), columns[1:], sources=sorted(cited)
    )


def rank_view(session: Session, path: str, top: int | None = None, ascending: bool = False) -> Rows:
    check_field(path, indices=True)
    if path in INDEX_FIELDS:
        return _rank_index(session, path, top, ascending)
    scored: list[tuple[Profile, float | None, dict[str, Any]]] = []
    for profile in session.profiles():
        chosen = session.pick(profile, path)
        row = {
            "value": chosen.value if chosen else None,
            "unit": chosen.unit if chosen else None,
            "year": chosen.year if chosen else None,
            "source": chosen.source if chosen else None,
            "world_rank": chosen.rank if chosen else None,
            "low": chosen.low if chosen else None,
            "high": chosen.high if chosen else None,
            "sources": chosen.sources if chosen else 0,
        }
        scored.append((profile, chosen.value if chosen else None, row))
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
    rows = _ranked(scored, top, ascending)
    return Rows("rank", title, columns, rows, {**session.meta(), "field": path}, people, sources=_cited(rows))


def _rank_index(session: Session, path: str, top: int | None, ascending: bool) -> Rows:
    name = path.removeprefix("indices.")
    scored: list[tuple[Profile, float | None, dict[str, Any]]] = []
    for profile in session.profiles():
        result = session.index(profile, name)
        row = {
            "value": None if result.score is None else round(result.score, 1),
            "level": result.level,
            "coverage": round(result.coverage, 2),
            "missing": ", ".join(c.factor for c in result.components if c.treatment != "read") or None,
            "date": result.date.isoformat(),
        }
        # A score read from too few facts is shown but not ranked.
        judged = result.score if result.level != INSUFFICIENT else None
        scored.append((profile, judged, row))
    columns = ["position", "id", "name", "value", "level", "coverage", "missing", "date"]
    people = ["position", "name", "value", "level", "coverage", "missing"]
    short = next((alias for alias, full in ALIASES.items() if full == name), name)
    title = f"{INDEX_FIELDS[path][0]} (score 0–100; `explain COUNTRY {short}` shows why)"
    rows = _ranked(scored, top, ascending)
    rubric = session.catalog.methodology.indices[name]  # type: ignore[index]
    cited = sorted({key for factor in rubric.factors for key in factor.sources})
    return Rows("rank", title, columns, rows, {**session.meta(), "field": path}, people, sources=cited)


def _ranked(
    scored: list[tuple[Profile, float | None, dict[str, Any]]], top: int | None, ascending: bool
) -> list[dict[str, Any]]:
    """Rows in order of their value, numbered; those without one come last, unnumbered."""
    known = sorted((item for item in scored if item[1] is not None), key=lambda item: item[1] or 0.0)
    if not ascending:
        known.reverse()
    rows = [
        {"position": position, "id": profile.id, "name": profile.name, **row}
        for position, (profile, _, row) in enumerate(known, start=1)
    ][:top]
    rows += [
        {"position": None, "id": profile.id, "name": profile.name, **row}
        for profile, value, row in scored
        if value is None
    ]
    return rows


def explain_view(session: Session, country: str, index: str) -> Report:
    """How one index was built for one country, factor by factor."""
    name = ALIASES.get(index, index)
    profile = session.profile(country)
    if f"indices.{name}" not in INDEX_FIELDS:
        raise UnknownName("index", index, [*ALIASES, *(k.removeprefix("indices.") for k in INDEX_FIELDS)])
    result = session.index(profile, name)
    data = {"id": profile.id, "name": profile.name, **result.to_dict()}
    data["literature"] = {
        key: session.catalog.sources[key].title
        for key in dict.fromkeys(k for c in result.components for k in c.literature)
        if key in session.catalog.sources
    }
    rows = [{"id": profile.id, "index": name, **component} for component in data["components"]]
    columns = list(rows[0]) if rows else ["id", "index"]
    cited = sorted(data["literature"])
    table = Rows(
        "explanation", f"{result.label}: {profile.name}", columns, rows, session.meta(), sources=cited
    )
    return Report("explanation", data, session.meta(), lambda: table)


def compare_view(session: Session, names: list[str] | None, fields: list[str] | None) -> Rows:
    # Every figure field by default; the indices on request, as computing them is the slow part.
    paths = [check_field(f, indices=True) for f in fields] if fields else list(FIELDS)
    profiles = session.profiles(names)
    rows = []
    cited: set[str] = set()
    for path in paths:
        if path in INDEX_FIELDS:
            row: dict[str, Any] = {"field": path, "label": INDEX_FIELDS[path][0], "unit": "score"}
            for profile in profiles:
                result = session.index(profile, path.removeprefix("indices."))
                row[profile.id] = None if result.score is None else round(result.score, 1)
                cited.update(key for component in result.components for key in component.literature)
        else:
            row = {"field": path, "label": FIELDS[path][0], "unit": FIELDS[path][1]}
            for profile in profiles:
                chosen = session.pick(profile, path)
                row[profile.id] = chosen.value if chosen else None
                if chosen:
                    cited.add(chosen.source)
        rows.append(row)
    ids = [p.id for p in profiles]
    # Side by side, more than three names crowd a terminal; ISO codes keep every column narrow.
    headings = {p.id: p.name if len(profiles) <= 3 else p.iso3 for p in profiles}
    columns = ["field", "label", "unit", *ids]
    people = ["label", *ids]
    return Rows("compare", "Comparison", columns, rows, session.meta(), people, headings, sorted(cited))


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
    people = columns[:-1] if wanted else None
    return Rows(kind, title, columns, rows, session.meta(), people, sources=_cited(rows))


def fields_view() -> Rows:
    rows = [
        {"field": path, "label": label, "unit": unit, "unit_label": UNITS[unit], "description": text}
        for path, (label, unit, text) in FIELDS.items()
    ]
    columns = ["field", "label", "unit", "unit_label", "description"]
    return Rows("fields", "Fields", columns, rows, people=["field", "unit_label", "description"])


def get_view(session: Session, name: str, path: str) -> Report:
    profile = session.profile(name)
    check_field(path, indices=True)
    if path in INDEX_FIELDS:
        result = session.index(profile, path.removeprefix("indices."))
        data = {
            "id": profile.id,
            "field": path,
            "value": None if result.score is None else round(result.score, 1),
            "unit": "score",
            "year": result.date.year,
            "source": "methodology",
            "index": result.to_dict(),
        }
        return Report("field", data, session.meta())
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

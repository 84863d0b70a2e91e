"""What each tabular command shows, as typed results: the layer between the catalog and the formats.

``show`` lives in ``profile_view.py``; the objects returned are declared in ``results.py``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .asof import running
from .catalog import Catalog, normalize
from .errors import UnknownName, UsageError
from .figures import field_value
from .indices import ALIASES, INDEX_FIELDS
from .model import FIELDS, Profile, as_date, unit_label
from .profile_view import score_text
from .results import Cell, Explanation, FieldValue, NotApplicable, Rows
from .session import Session, Summary


def figure_cell(summary: Summary, path: str) -> Cell | NotApplicable | None:
    """The cell a table shows for a field: its figure with unit, year and source; "n/a" where
    a gap says the field has no meaning for the country; None where no source gives it."""
    chosen = summary.picks.get(path)
    if chosen is not None:
        return Cell(chosen.value, chosen.unit, chosen.year, chosen.source, chosen.newer)
    return NotApplicable() if path in summary.not_applicable else None


def _cited(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({row["source"] for row in rows if row.get("source")})


def check_field(path: str, indices: bool = False) -> str:
    """A known figure field (or, with ``indices``, an index path); unknown ones are errors."""
    known = [*FIELDS, *INDEX_FIELDS] if indices else list(FIELDS)
    if path not in known:
        raise UnknownName("field", path, difflib.get_close_matches(path, known, n=3, cutoff=0.5))
    return path


#: Rows of facts, not figures, that a full comparison opens with.
COMPARE_FACTS = {"capital": "Capital", "head_of_state": "Head of state"}

LIST_FIELDS = ["population", "energy.gas_reserves", "energy.oil_reserves", "migration.remittances_pct_gdp"]


def list_view(session: Session, member: str | None = None, borders_china: bool = False) -> Rows:
    org = resolve_org(session.catalog, member) if member else None
    rows = []
    cited: set[str] = set()
    for summary in session.summaries():
        if org and org not in summary.member_of:
            continue
        if borders_china and not summary.picks.get("china.border_km"):
            continue
        if summary.head_of_state_source:
            cited.add(summary.head_of_state_source)
        row: dict[str, Any] = {
            "id": summary.id,
            "name": summary.name,
            "capital": summary.capital,
            "head_of_state": summary.head_of_state,
        }
        for path in LIST_FIELDS:
            cell = figure_cell(summary, path)
            row[path.rsplit(".", 1)[-1]] = cell
            if isinstance(cell, Cell):
                cited.add(cell.source)
        rows.append(row)
    columns = ["id", "name", "capital", "head_of_state", *(p.rsplit(".", 1)[-1] for p in LIST_FIELDS)]
    units = ", ".join(f"{FIELDS[p].label.lower()} in {unit_label(FIELDS[p].unit)}" for p in LIST_FIELDS)
    title = f"Countries ({units}; {session.figure_rule})"
    headings = {p.rsplit(".", 1)[-1]: FIELDS[p].label for p in LIST_FIELDS}
    # The capital is in every machine format; a table for people leaves it out to keep one line a country.
    people = [c for c in columns if c not in ("id", "capital")]
    return Rows("list", title, columns, rows, session.meta(), people, headings, sorted(cited))


def rank_view(session: Session, path: str, top: int | None = None, ascending: bool = False) -> Rows:
    check_field(path, indices=True)
    if path in INDEX_FIELDS:
        return _rank_index(session, path, top, ascending)
    scored: list[tuple[float | None, dict[str, Any]]] = []
    for summary in session.summaries():
        chosen = summary.picks.get(path)
        row = {
            "id": summary.id,
            "name": summary.name,
            "value": chosen.value if chosen else None,
            "unit": chosen.unit if chosen else None,
            "year": chosen.year if chosen else None,
            "source": chosen.source if chosen else None,
            "world_rank": chosen.rank if chosen else None,
            "world_rank_basis": chosen.rank_basis if chosen else None,
            "low": chosen.low if chosen else None,
            "high": chosen.high if chosen else None,
            "sources": chosen.sources if chosen else 0,
            "newer": chosen.newer if chosen else None,
        }
        scored.append((chosen.value if chosen else None, row))
    columns = [
        "position",
        "id",
        "name",
        "value",
        "unit",
        "year",
        "source",
        "world_rank",
        "world_rank_basis",
        "low",
        "high",
        "sources",
        "newer",
    ]
    people = ["position", "name", "value", "year", "source", "world_rank", "low", "high", "newer"]
    title = f"{FIELDS[path].label} ({unit_label(FIELDS[path].unit)}; {session.figure_rule})"
    rows = _ranked(scored, top, ascending)
    return Rows("rank", title, columns, rows, {**session.meta(), "field": path}, people, sources=_cited(rows))


def _rank_index(session: Session, path: str, top: int | None, ascending: bool) -> Rows:
    name = path.removeprefix("indices.")
    scored: list[tuple[float | None, dict[str, Any]]] = []
    for profile in session.profiles():
        result = session.index(profile, name)
        row: dict[str, Any] = {
            "id": profile.id,
            "name": profile.name,
            "value": result.judged,
            "level": result.level,
            "coverage_pct": round(result.coverage * 100, 1),
            "missing": ", ".join(c.label for c in result.components if c.treatment != "read") or None,
            "date": result.date.isoformat(),
        }
        scored.append((row["value"], row))
    columns = ["position", "id", "name", "value", "level", "coverage_pct", "missing", "date"]
    people = ["position", "name", "value", "level", "coverage_pct", "missing"]
    short = next((alias for alias, full in ALIASES.items() if full == name), name)
    title = f"{INDEX_FIELDS[path].label} (score 0–100; `explain COUNTRY {short}` shows why)"
    rows = _ranked(scored, top, ascending)
    rubric = session.catalog.methodology.indices[name]  # type: ignore[index]
    cited = sorted({key for factor in rubric.factors for key in factor.sources})
    meta = {**session.meta(), "field": path}
    return Rows("rank", title, columns, rows, meta, people, {"coverage_pct": "coverage %"}, cited)


def _ranked(
    scored: list[tuple[float | None, dict[str, Any]]], top: int | None, ascending: bool
) -> list[dict[str, Any]]:
    """Rows in order of their value, numbered; those without one come last, unnumbered."""
    known = sorted((item for item in scored if item[0] is not None), key=lambda item: item[0] or 0.0)
    if not ascending:
        known.reverse()
    rows = [{"position": position, **row} for position, (_, row) in enumerate(known, start=1)][:top]
    rows += [{"position": None, **row} for value, row in scored if value is None]
    return rows


def explain_view(session: Session, country: str, index: str) -> Explanation:
    """How one index was built for one country, factor by factor."""
    name = ALIASES.get(index, index)
    profile = session.profile(country)
    if f"indices.{name}" not in INDEX_FIELDS:
        raise UnknownName("index", index, [*ALIASES, *(k.removeprefix("indices.") for k in INDEX_FIELDS)])
    result = session.index(profile, name)
    literature = {
        key: session.catalog.sources[key].title
        for key in dict.fromkeys(k for c in result.components for k in c.literature)
        if key in session.catalog.sources
    }

    def table() -> Rows:
        rows = [{"id": profile.id, "index": name, **vars(component)} for component in result.components]
        columns = list(rows[0]) if rows else ["id", "index"]
        title = f"{result.label}: {profile.name}"
        return Rows("explanation", title, columns, rows, session.meta(), sources=sorted(literature))

    return Explanation(
        profile.id, profile.name, result, literature, score_text(result), meta=session.meta(), flat=table
    )


@dataclass(frozen=True)
class _Column:
    """One column of a comparison: a country seen at the comparison's date or at its own year."""

    key: str
    heading: str
    short: str
    session: Session
    summary: Summary


def _columns(session: Session, names: list[str] | None) -> list[_Column]:
    """The countries compared; ``NAME@YEAR`` sees that country at the end of YEAR."""
    if not names:
        return [_Column(s.id, s.name, s.iso3, session, s) for s in session.summaries()]
    columns: dict[str, _Column] = {}
    for name in names:
        base, at, year = name.rpartition("@") if "@" in name else (name, "", "")
        if at and not (year.isdigit() and len(year) == 4):
            raise UsageError(f"'{name}': write a country and a year as COUNTRY@YEAR, e.g. kazakhstan@2013")
        seen = session.at(int(year)) if at else session
        summary = seen.summary(base)
        key, suffix = (f"{summary.id}@{year}", f" {year}") if at else (summary.id, "")
        columns.setdefault(key, _Column(key, summary.name + suffix, summary.iso3 + suffix, seen, summary))
    return list(columns.values())


def compare_view(session: Session, names: list[str] | None, fields: list[str] | None) -> Rows:
    """Countries side by side, field by field; ``COUNTRY@YEAR`` puts then beside now."""
    wanted = fields or [*COMPARE_FACTS, *FIELDS]
    # Every figure field by default; the indices on request, as computing them is the slow part.
    paths = [f if f in COMPARE_FACTS else check_field(f, indices=True) for f in wanted]
    columns = _columns(session, names)
    if names is not None and len(columns) < 2:
        raise UsageError("compare needs two or more different countries or years; `show` shows one")
    rows = []
    cited: set[str] = set()
    for path in paths:
        row: dict[str, Any]
        if path in COMPARE_FACTS:
            row = {"field": path, "label": COMPARE_FACTS[path], "unit": None}
            for column in columns:
                summary = column.summary
                if path == "capital":
                    row[column.key] = summary.capital
                else:
                    row[column.key] = summary.head_of_state
                    cited.update([summary.head_of_state_source] if summary.head_of_state_source else [])
        elif path in INDEX_FIELDS:
            row = {"field": path, "label": INDEX_FIELDS[path].label, "unit": "score"}
            for column in columns:
                # An index reads the whole profile.
                profile = column.session.profile(column.summary.id)
                result = column.session.index(profile, path.removeprefix("indices."))
                score = result.judged
                row[column.key] = (
                    None if score is None else Cell(score, "score", result.date.year, "methodology")
                )
                cited.update(key for component in result.components for key in component.literature)
        else:
            row = {"field": path, "label": FIELDS[path].label, "unit": FIELDS[path].unit}
            for column in columns:
                cell = figure_cell(column.summary, path)
                row[column.key] = cell
                if isinstance(cell, Cell):
                    cited.add(cell.source)
        rows.append(row)
    keys = [c.key for c in columns]
    # Side by side, more than three names crowd a terminal; ISO codes keep every column narrow.
    headings = {c.key: c.heading if len(columns) <= 3 else c.short for c in columns}
    return Rows(
        "compare",
        f"Comparison ({session.figure_rule})",
        ["field", "label", "unit", *keys],
        rows,
        session.meta(),
        ["label", *keys],
        headings,
        sorted(cited),
    )


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
            if not wanted and not running(span, session.date):
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


def orgs_view(session: Session) -> Rows:
    """The organisations the memberships refer to: id, names, kind, founding and dissolution,
    and which of the countries are members at the session's date."""
    members: dict[str, list[Profile]] = {}
    for profile in session.profiles():
        for span in profile.memberships:
            if span.until is None and span.status == "member":
                members.setdefault(span.org, []).append(profile)
    rows = [
        {
            "id": org.id,
            "abbreviation": org.abbreviations[0] if org.abbreviations else None,
            "name": org.name,
            "kind": org.kind,
            "founded": org.founded,
            "dissolved": org.dissolved,
            "successor": org.successor,
            "members": sorted(p.id for p in members.get(org.id, [])),
            # ISO codes keep the column narrow for people; scripts read the ids
            "member_codes": " ".join(sorted(p.iso3 for p in members.get(org.id, []))) or None,
            "source": org.source,
        }
        for org in sorted(session.catalog.organizations.values(), key=lambda o: o.id)
    ]
    columns = [c for c in rows[0] if c != "member_codes"] if rows else ["id", "name"]
    people = ["abbreviation", "name", "founded", "dissolved", "member_codes"]
    headings = {"member_codes": f"members at {session.date}"}
    return Rows("orgs", "Organisations", columns, rows, session.meta(), people, headings, _cited(rows))


def fields_view() -> Rows:
    """The field catalogue: every figure field, then the indices, with label, unit and description."""
    rows = [
        {
            "field": path,
            "label": info.label,
            "unit": info.unit,
            "unit_label": unit_label(info.unit),
            "description": info.description,
        }
        for path, info in {**FIELDS, **INDEX_FIELDS}.items()
    ]
    columns = ["field", "label", "unit", "unit_label", "description"]
    people = ["field", "unit_label", "description"]
    # A field path is typed back into `rank`, `get` and `chart`: never broken across lines.
    # The title states the figure rule, so that the catalogue says what a field's value means.
    title = "Fields (each view shows a field's figure of the newest year, then of the preferred source)"
    return Rows("fields", title, columns, rows, people=people, whole=("field",))


def get_view(session: Session, name: str, path: str) -> FieldValue:
    """One field of one country: the figure the views show, with every figure the field holds."""
    profile = session.profile(name)
    check_field(path, indices=True)
    if path in INDEX_FIELDS:
        result = session.index(profile, path.removeprefix("indices."))
        score = result.judged
        year = result.date.year
        return FieldValue(
            profile.id, path, score, "score", year, "methodology", index=result, meta=session.meta()
        )
    chosen = session.pick(profile, path)
    return FieldValue(
        profile.id,
        path,
        chosen.value if chosen else None,
        chosen.unit if chosen else None,
        chosen.year if chosen else None,
        chosen.source if chosen else None,
        figures=field_value(profile, path),
        meta=session.meta(),
        rank=chosen.rank if chosen else None,
        rank_basis=chosen.rank_basis if chosen else None,
    )

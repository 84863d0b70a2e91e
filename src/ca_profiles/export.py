"""The whole data set as tidy tables, written as CSV files, one JSON document or an SQLite database.

Figures are in long form: one row per value, a series giving one row per year. Facts that
change (capital, official name, neutrality, succession rules) are a table of their own, one row
per dated record; ``countries`` gives the value in force at the session's date. Dates of spans,
records and tenures are ISO 8601 text at the precision the data gives (``2001`` or ``2001-06-15``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .asof import text_at
from .bibliography import entry
from .errors import UnknownName, UsageError
from .files import replacing
from .results import Rows
from .session import Session
from .textformats import ExportFormat, to_csv, to_json
from .tidy import attribute_rows, figure_rows, leader_rows, membership_rows, when_text

#: Every table: column → SQLite type and constraints. The one definition of the columns, in
#: every format.
SCHEMA: dict[str, dict[str, str]] = {
    "countries": {
        "id": "TEXT PRIMARY KEY",
        "name": "TEXT NOT NULL",
        "official_name": "TEXT",
        "iso2": "TEXT NOT NULL",
        "iso3": "TEXT NOT NULL",
        "independence": "TEXT",
        "capital": "TEXT",
        "neutrality": "TEXT",
        "aliases": "TEXT",
    },
    "figures": {
        "country": "TEXT NOT NULL REFERENCES countries(id)",
        "section": "TEXT NOT NULL",
        "field": "TEXT NOT NULL",
        "item": "TEXT",
        "year": "INTEGER NOT NULL",
        "value": "REAL NOT NULL",
        "unit": "TEXT NOT NULL",
        "rank": "INTEGER",
        "source": "TEXT NOT NULL REFERENCES sources(key)",
        "note": "TEXT",
    },
    "attributes": {
        "country": "TEXT NOT NULL REFERENCES countries(id)",
        "attribute": "TEXT NOT NULL",
        "value": "TEXT",
        "since": "TEXT",
        "until": "TEXT",
        "source": "TEXT REFERENCES sources(key)",
        "note": "TEXT",
    },
    "memberships": {
        "country": "TEXT NOT NULL REFERENCES countries(id)",
        "org": "TEXT NOT NULL REFERENCES organizations(id)",
        "status": "TEXT NOT NULL",
        "since": "TEXT NOT NULL",
        "until": "TEXT",
        "source": "TEXT NOT NULL REFERENCES sources(key)",
        "note": "TEXT",
    },
    "leaders": {
        "country": "TEXT NOT NULL REFERENCES countries(id)",
        "name": "TEXT NOT NULL",
        "title": "TEXT NOT NULL",
        "since": "TEXT NOT NULL",
        "until": "TEXT",
        "born": "TEXT",
        "how_ended": "TEXT",
        "entry": "TEXT",
        "exit": "TEXT",
        "acting": "INTEGER NOT NULL",
        "parallel": "INTEGER NOT NULL",
        "relation": "TEXT",
        "source": "TEXT NOT NULL REFERENCES sources(key)",
        "note": "TEXT",
    },
    "indices": {
        "country": "TEXT NOT NULL REFERENCES countries(id)",
        "index": "TEXT NOT NULL",
        "date": "TEXT NOT NULL",
        "score": "REAL",
        "level": "TEXT NOT NULL",
        "coverage_pct": "REAL NOT NULL",
        "min_coverage_pct": "REAL NOT NULL",
    },
    "infrastructure": {
        "id": "TEXT NOT NULL",
        "name": "TEXT NOT NULL",
        "kind": "TEXT NOT NULL",
        "route": "TEXT NOT NULL",
        "status": "TEXT NOT NULL",
        "since": "TEXT NOT NULL",
        "until": "TEXT",
        "source": "TEXT NOT NULL REFERENCES sources(key)",
        "note": "TEXT",
    },
    "organizations": {
        "id": "TEXT PRIMARY KEY",
        "name": "TEXT NOT NULL",
        "abbreviations": "TEXT",
        "aliases": "TEXT",
        "kind": "TEXT NOT NULL",
        "founded": "TEXT",
        "dissolved": "TEXT",
        "predecessor": "TEXT",
        "successor": "TEXT",
        "leading_power": "TEXT",
        "url": "TEXT",
        "source": "TEXT REFERENCES sources(key)",
        "note": "TEXT",
    },
    "sources": {
        "key": "TEXT PRIMARY KEY",
        "author": "TEXT",
        "title": "TEXT NOT NULL",
        "publisher": "TEXT NOT NULL",
        "year": "INTEGER",
        "url": "TEXT NOT NULL",
        "accessed": "TEXT NOT NULL",
        "kind": "TEXT NOT NULL",
        "origin": "TEXT",
        "licence": "TEXT",
        "note": "TEXT",
    },
    "meta": {"key": "TEXT PRIMARY KEY", "value": "TEXT"},
}

_KEYS = {
    "memberships": "PRIMARY KEY (country, org, since)",
    "leaders": "PRIMARY KEY (country, since, name)",
    "indices": 'PRIMARY KEY (country, "index")',
    "infrastructure": "PRIMARY KEY (id, since)",
}
#: For the questions researchers ask: one country's figures, one field across countries, one
#: source's figures, one organisation's members.
_INDEXES = {
    "figures_country_field": "figures (country, field, year)",
    "figures_field_year": "figures (field, year)",
    "figures_source": "figures (source)",
    "memberships_org": "memberships (org, status)",
}


def table(session: Session, name: str) -> Rows:
    """One table of the export, for the profiles the session sees."""
    if name not in SCHEMA:
        raise UnknownName("table", name, list(SCHEMA))
    rows = list(_ROWS[name](session))
    return Rows(name, name, list(SCHEMA[name]), rows, session.meta())


def tables(session: Session) -> dict[str, Rows]:
    """Every table of the export, in ``SCHEMA`` order."""
    return {name: table(session, name) for name in SCHEMA}


def _countries(session: Session) -> Iterator[dict[str, Any]]:
    for p in session.profiles():
        yield {
            "id": p.id,
            "name": p.name,
            "official_name": text_at(p.official_name, session.date),
            "iso2": p.iso2,
            "iso3": p.iso3,
            "independence": p.independence.date.isoformat() if p.independence else None,
            "capital": text_at(p.capital, session.date),
            "neutrality": text_at(p.neutrality, session.date),
            "aliases": p.aliases,
        }


def _organizations(session: Session) -> Iterator[dict[str, Any]]:
    for org in sorted(session.catalog.organizations.values(), key=lambda org: org.id):
        yield {
            "id": org.id,
            "name": org.name,
            "abbreviations": org.abbreviations,
            "aliases": org.aliases,
            "kind": org.kind,
            "founded": when_text(org.founded),
            "dissolved": when_text(org.dissolved),
            "predecessor": org.predecessor,
            "successor": org.successor,
            "leading_power": org.leading_power,
            "url": org.url,
            "source": org.source,
            "note": org.note,
        }


def _indices(session: Session) -> Iterator[dict[str, Any]]:
    """Each country's two scores at the session's date; no score where too few facts were read."""
    for profile in session.profiles():
        for name, result in session.indices(profile).items():
            yield {
                "country": profile.id,
                "index": name,
                "date": result.date.isoformat(),
                "score": result.judged,
                "level": result.level,
                "coverage_pct": round(result.coverage * 100, 1),
                "min_coverage_pct": round(result.min_coverage * 100, 1),
            }


def _statuses(session: Session, id: str) -> Iterator[dict[str, Any]]:
    """An infrastructure record at the session's date, one row per status of its history."""
    record = session.record(id)
    if record is None:
        return
    for status in record.status:
        yield {
            "id": record.id,
            "name": record.name,
            "kind": record.kind,
            "route": record.route,
            "status": status.value,
            "since": when_text(status.since),
            "until": when_text(status.until),
            "source": status.source,
            "note": status.note,
        }


def _sources(session: Session) -> Iterator[dict[str, Any]]:
    for key, source in sorted(session.catalog.sources.items()):
        yield {**entry(key, source), "note": source.note}


_ROWS: dict[str, Callable[[Session], Iterable[dict[str, Any]]]] = {
    "countries": _countries,
    "figures": lambda session: (
        row for p in session.profiles() for row in figure_rows(p, session.references(p))
    ),
    "infrastructure": lambda session: (
        row for record in sorted(session.catalog.infrastructure) for row in _statuses(session, record)
    ),
    "attributes": lambda session: (row for p in session.profiles() for row in attribute_rows(p)),
    "memberships": lambda session: (row for p in session.profiles() for row in membership_rows(p)),
    "leaders": lambda session: (row for p in session.profiles() for row in leader_rows(p)),
    "indices": _indices,
    "organizations": _organizations,
    "sources": _sources,
    "meta": lambda session: (
        {"key": key, "value": value if not isinstance(value, list | dict) else to_json(value).strip()}
        for key, value in session.meta().items()
    ),
}


def export(session: Session, fmt: ExportFormat, output: Path, force: bool = False) -> dict[str, int]:
    """Write the whole data set to ``output``; the number of rows of each table.

    CSV gives a folder with one file per table (``figures.csv``, ``sources.csv``, …), since one
    CSV file holds one table. Nothing is left half-written: the output is written beside its
    place under a temporary name and renamed when whole.
    """
    if fmt is ExportFormat.csv and output.suffix.lower() == ".csv":
        raise UsageError(
            f"--format csv writes a folder of CSV files, one per table: name a folder, not '{output}'"
        )
    result = tables(session)
    with replacing(output, force, folder=fmt is ExportFormat.csv) as temp:
        if fmt is ExportFormat.csv:
            for name, table in result.items():
                (temp / f"{name}.csv").write_text(to_csv(table.rows, table.columns), encoding="utf-8")
        elif fmt is ExportFormat.json:
            document: dict[str, Any] = {name: table.rows for name, table in result.items() if name != "meta"}
            document["meta"] = session.meta()
            temp.write_text(to_json(document), encoding="utf-8")
        else:
            _write_sqlite(temp, result, output)
    return {name: len(table.rows) for name, table in result.items() if name != "meta"}


def _sql(value: Any) -> Any:
    """A cell as SQLite stores it: lists as ``; ``-separated text, like the CSV files."""
    return "; ".join(map(str, value)) if isinstance(value, list) else value


def _write_sqlite(path: Path, result: dict[str, Rows], output: Path) -> None:
    try:
        _fill_sqlite(path, result)
    except sqlite3.Error as exc:
        # A full disk is "database or disk is full"; the temporary file is then removed.
        raise UsageError(f"cannot write '{output}': {exc}") from None


def _fill_sqlite(path: Path, result: dict[str, Rows]) -> None:
    connection = sqlite3.connect(path)
    try:
        # A new file, renamed into place only when whole: no rollback journal beside it is needed.
        connection.execute("PRAGMA journal_mode = OFF")
        with connection:
            for name, columns in SCHEMA.items():
                # Names quoted: `index` is an SQL keyword.
                definitions = [f'"{column}" {kind}' for column, kind in columns.items()]
                definitions += [_KEYS[name]] if name in _KEYS else []
                connection.execute(f"CREATE TABLE {name} ({', '.join(definitions)})")
                marks = ", ".join("?" * len(columns))
                connection.executemany(
                    f"INSERT INTO {name} VALUES ({marks})",
                    ([_sql(row[column]) for column in columns] for row in result[name].rows),
                )
            for index, target in _INDEXES.items():
                connection.execute(f"CREATE INDEX {index} ON {target}")
    finally:
        connection.close()

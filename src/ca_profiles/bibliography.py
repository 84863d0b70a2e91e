"""The bibliography behind the data: which sources a profile cites, and where it cites them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import msgspec

from .checks import mentions
from .errors import UnknownName
from .loader import format_path
from .model import Profile, Source, walk
from .results import Rows
from .session import Session

#: A YAML comment: ``#`` at the start of a line or after a blank, outside a double-quoted string.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")

COLUMNS = ["key", "author", "title", "publisher", "year", "url", "accessed", "kind", "origin", "licence"]


def citations(record: msgspec.Struct, keys: Collection[str]) -> dict[str, list[str]]:
    """Source key → the places in a record (a profile, an organisation) that cite it, as paths.

    A place cites a source by its ``source`` key, or by naming the key in a note (where a
    figure's note tells which other source confirms or disputes it).
    """
    places: dict[str, list[str]] = {}
    for path, value in walk(record):
        if not isinstance(value, str):
            continue
        if path[-1] == "source":
            places.setdefault(value, []).append(format_path(path[:-1]))
        else:
            for key in mentions(value, keys):
                places.setdefault(key, []).append(format_path(path))
    return {key: list(dict.fromkeys(where)) for key, where in places.items()}


def comment_citations(path: Path, keys: Collection[str]) -> dict[str, list[str]]:
    """Source key → the comment lines of a data file that name it.

    Profiles source their names, codes and aliases in comments, which the model does not keep;
    the file is read as text for them. Comments are about identity, so they hold at any date.
    """
    places: dict[str, list[str]] = {}
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, start=1):
        comment = _COMMENT.search(_QUOTED.sub('""', line))
        if comment:
            for key in mentions(comment[1], keys):
                places.setdefault(key, []).append(f"comment, line {number}")
    return {key: list(dict.fromkeys(where)) for key, where in places.items()}


def profile_citations(session: Session, profile: Profile) -> dict[str, list[str]]:
    """Every source a profile as seen by the session cites: fields, notes and comments.

    A source named only in a gap's note is left out: the gap says what the data lack, and the
    profile does not rest on it.
    """
    keys = session.catalog.sources
    places = {
        key: where
        for key, where in citations(profile, keys).items()
        if not all(place.startswith("gaps") for place in where)
    }
    for _, record in session.references(profile):
        for key, where in citations(record, keys).items():
            places.setdefault(key, []).extend(f"infrastructure[{record.id}].{at}" for at in where)
    for key, where in comment_citations(session.catalog.files[profile.id], keys).items():
        places.setdefault(key, []).extend(where)
    return dict(sorted(places.items()))


def entry(key: str, source: Source | None) -> dict[str, Any]:
    """A bibliography entry as a row of ``COLUMNS``."""
    if source is None:  # cited but not in the bibliography: `validate` reports it
        return {column: key if column == "key" else None for column in COLUMNS}
    return {
        "key": key,
        "author": source.author,
        "title": source.title,
        "publisher": source.publisher,
        "year": source.year,
        "url": source.url,
        "accessed": source.accessed.isoformat(),
        "kind": source.kind,
        "origin": source.origin,
        "licence": source.licence,
    }


def sources_view(session: Session, name: str | None = None) -> Rows:
    """The sources one profile cites, with where; or the whole bibliography, with who cites it."""
    bibliography = session.catalog.sources
    if name is not None:
        profile = session.profile(name)
        rows = [
            {**entry(key, bibliography.get(key)), "citations": len(where), "cited_at": where}
            for key, where in profile_citations(session, profile).items()
        ]
        columns = [*COLUMNS, "citations", "cited_at"]
        people = ["key", "year", "origin", "title", "citations"]
        return Rows("sources", f"Sources of {profile.name}", columns, rows, session.meta(), people)
    users: dict[str, set[str]] = {}
    for profile in session.profiles():
        for key in profile_citations(session, profile):
            users.setdefault(key, set()).add(profile.id)
    for org in session.catalog.organizations.values():
        for key in citations(org, bibliography):
            users.setdefault(key, set()).add("organizations")
    rows = [
        {**entry(key, source), "cited_by": sorted(users.get(key, ()))}
        for key, source in sorted(bibliography.items())
    ]
    people = ["key", "year", "origin", "title", "cited_by"]
    return Rows("sources", "Sources", [*COLUMNS, "cited_by"], rows, session.meta(), people)


def cited_sources(session: Session, names: list[str] | None = None) -> list[tuple[str, Source]]:
    """The bibliography entries the named countries or source keys cite, or every entry; in key
    order. A name that is a source key stands for that source; any other is a country."""
    bibliography = session.catalog.sources
    if names is None:
        return sorted(bibliography.items())
    keys = {name for name in names if name in bibliography}
    countries = [name for name in names if name not in bibliography]
    keys |= {key for profile in _countries(session, countries) for key in profile_citations(session, profile)}
    return [(key, bibliography[key]) for key in sorted(keys) if key in bibliography]


def _countries(session: Session, names: list[str]) -> list[Profile]:
    try:
        return session.profiles(names) if names else []
    except UnknownName as exc:
        close = difflib.get_close_matches(exc.name, list(session.catalog.sources), n=3, cutoff=0.6)
        raise UnknownName("country or source", exc.name, exc.suggestions + close) from None


#: The keys under which a result of any command names its sources.
_SOURCE_KEYS = frozenset({"source", "sources", "literature"})


def sources_in(document: Any, bibliography: Collection[str]) -> list[str]:
    """The source keys a JSON result names (``rank --json``, ``show --json``, …), in key order:
    every ``source``, ``sources`` or ``literature`` value, at any depth, that is a source key."""
    found: set[str] = set()

    def visit(node: Any, named: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                visit(value, key in _SOURCE_KEYS)
                if key == "literature" and isinstance(value, dict):
                    found.update(k for k in value if k in bibliography)
        elif isinstance(node, list):
            for item in node:
                visit(item, named)
        elif named and isinstance(node, str) and node in bibliography:
            found.add(node)

    visit(document, False)
    return sorted(found)

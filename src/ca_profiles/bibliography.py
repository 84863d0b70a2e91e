"""The bibliography behind the data: which sources a profile cites, and where it cites them."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import msgspec

from .loader import format_path
from .model import Profile, Source, walk
from .results import Rows
from .session import Session

#: A run of the characters a source key may hold; trailing punctuation is trimmed before lookup.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
#: A YAML comment: ``#`` at the start of a line or after a blank, outside a double-quoted string.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")

COLUMNS = ["key", "author", "title", "publisher", "year", "url", "accessed", "kind", "licence"]


def mentions(text: str, keys: Collection[str]) -> list[str]:
    """The source keys named in a piece of text (a note, a comment), in order."""
    found = (match.group().rstrip("_.:-") for match in _TOKEN.finditer(text))
    return [token for token in found if token in keys]


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
    """Every source a profile as seen by the session cites: fields, notes and comments."""
    keys = session.catalog.sources
    places = citations(profile, keys)
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
        people = ["key", "year", "title", "citations"]
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
    people = ["key", "year", "title", "cited_by"]
    return Rows("sources", "Sources", [*COLUMNS, "cited_by"], rows, session.meta(), people)


def cited_sources(session: Session, names: list[str] | None = None) -> list[tuple[str, Source]]:
    """The bibliography entries the named countries cite, or every entry; in key order."""
    bibliography = session.catalog.sources
    if names is None:
        return sorted(bibliography.items())
    keys = {key for profile in session.profiles(names) for key in profile_citations(session, profile)}
    return [(key, bibliography[key]) for key in sorted(keys) if key in bibliography]

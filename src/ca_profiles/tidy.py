"""A profile in tidy long form: one row per figure value, per membership span, per tenure.

The rows ``export`` writes, ``diff`` compares and ``show --format csv`` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .asof import records
from .model import IDENTITY_FIGURES, Dated, Figure, Infrastructure, Profile, When, walk

#: The dated attributes of a profile: name in the tidy table → how to read it from a profile.
ATTRIBUTES: dict[str, Callable[[Profile], str | int | list[Dated] | None]] = {
    "official_name": lambda p: p.official_name,
    "capital": lambda p: p.capital,
    "neutrality": lambda p: p.neutrality,
    "succession.rules.term_years": lambda p: p.succession.rules.term_years if p.succession.rules else None,
    "succession.rules.term_limit": lambda p: p.succession.rules.term_limit if p.succession.rules else None,
    "succession.rules.successor": lambda p: p.succession.rules.successor if p.succession.rules else None,
}


def when_text(value: When | None) -> str | None:
    """A date or a bare year as text, as every tidy table writes it."""
    return None if value is None else str(value)


def figure_rows(
    profile: Profile, references: Sequence[tuple[tuple[str, ...], Infrastructure]] = ()
) -> Iterator[dict[str, Any]]:
    """Every figure of a profile, a series giving one row per year.

    ``field`` is the path of the figure without list positions; ``item`` names the plant,
    pipeline or project a figure belongs to. ``references`` are the infrastructure records the
    profile names, with the list that names them: their figures count as the profile's, under
    ``infrastructure.…`` in the section that names them, as ``show --format json`` lists them.
    """
    yield from _figure_rows(profile.id, profile, ())
    for where, record in references:
        yield from _figure_rows(profile.id, record, ("infrastructure",), where[0])


def _figure_rows(
    country: str, record: Any, prefix: tuple[str, ...], section: str | None = None
) -> Iterator[dict[str, Any]]:
    nodes = dict(walk(record))
    for path, node in nodes.items():
        if not isinstance(node, Figure):
            continue
        names = [*prefix, *(part for part in path if isinstance(part, str))]
        owners = (nodes[path[:end]] for end in range(len(path) - 1, -1 if prefix else 0, -1))
        item = next((owner.name for owner in owners if isinstance(getattr(owner, "name", None), str)), None)
        values = sorted(node.series.items()) if node.series else [(node.year, node.value)]
        for year, value in values:
            yield {
                "country": country,
                "section": section or ("identity" if names[0] in IDENTITY_FIGURES else names[0]),
                "field": ".".join(names),
                "item": item,
                "year": year,
                "value": value,
                "unit": node.unit,
                "rank": node.rank_in(year) if year is not None else node.rank,
                "source": node.source,
                "note": node.note,
            }


def membership_rows(profile: Profile) -> Iterator[dict[str, Any]]:
    for span in profile.memberships:
        yield {
            "country": profile.id,
            "org": span.org,
            "status": span.status,
            "since": when_text(span.since),
            "until": when_text(span.until),
            "source": span.source,
            "note": span.note,
        }


def leader_rows(profile: Profile) -> Iterator[dict[str, Any]]:
    for leader in profile.succession.leaders:
        yield {
            "country": profile.id,
            "name": leader.name,
            "title": leader.title,
            "since": when_text(leader.since),
            "until": when_text(leader.until),
            "born": when_text(leader.born),
            "how_ended": leader.how_ended,
            "entry": leader.entry,
            "exit": leader.exit,
            "acting": leader.acting,
            "parallel": leader.parallel,
            "relation": leader.relation,
            "source": leader.source,
            "note": leader.note,
        }


def attribute_rows(profile: Profile) -> Iterator[dict[str, Any]]:
    """Every dated record of a profile's changing facts, resets of the term rules included."""
    for attribute, read in ATTRIBUTES.items():
        for record in records(read(profile)):
            yield {
                "country": profile.id,
                "attribute": attribute,
                "value": None if record.value is None else str(record.value),
                "since": when_text(record.since),
                "until": when_text(record.until),
                "source": record.source or None,
                "note": record.note,
            }
    rules = profile.succession.rules
    for reset in rules.resets if rules else []:
        yield {
            "country": profile.id,
            "attribute": "succession.rules.resets",
            "value": reset.value + (f": {reset.incumbent}" if reset.incumbent else ""),
            "since": when_text(reset.since),
            "until": when_text(reset.until),
            "source": reset.source,
            "note": reset.note,
        }

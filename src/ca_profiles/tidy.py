"""A profile in tidy long form: one row per figure value, per membership span, per tenure.

The rows ``export`` writes, ``diff`` compares and ``show --format csv`` prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .model import IDENTITY_FIGURES, Figure, Profile, When, walk


def when_text(value: When | None) -> str | None:
    """A date or a bare year as text, as every tidy table writes it."""
    return None if value is None else str(value)


def figure_rows(profile: Profile) -> Iterator[dict[str, Any]]:
    """Every figure of a profile, a series giving one row per year.

    ``field`` is the path of the figure without list positions; ``item`` names the plant,
    pipeline or project a figure belongs to.
    """
    nodes = dict(walk(profile))
    for path, node in nodes.items():
        if not isinstance(node, Figure):
            continue
        names = [part for part in path if isinstance(part, str)]
        owners = (nodes[path[:end]] for end in range(len(path) - 1, 0, -1))
        item = next((owner.name for owner in owners if isinstance(getattr(owner, "name", None), str)), None)
        values = sorted(node.series.items()) if node.series else [(node.year, node.value)]
        for year, value in values:
            yield {
                "country": profile.id,
                "section": "identity" if names[0] in IDENTITY_FIGURES else names[0],
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
            "acting": leader.acting,
            "parallel": leader.parallel,
            "relation": leader.relation,
            "source": leader.source,
            "note": leader.note,
        }

"""What each command shows, as plain data: the layer between the catalog and the formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from . import __version__
from .catalog import Catalog
from .errors import UnknownName

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


def show(catalog: Catalog, name: str, section: str | None = None) -> Report:
    profile = catalog.lookup(name)
    data: dict[str, Any] = msgspec.to_builtins(profile)
    if section is not None:
        if section not in SECTIONS:
            import difflib

            raise UnknownName("section", section, difflib.get_close_matches(section, SECTIONS, n=3))
        keys = _IDENTITY if section == "identity" else ("id", "name", section)
        data = {key: data[key] for key in keys}
    return Report("profile", data, meta(catalog))

"""Text for people: numbers as people read them, and data made inert before rich sees it."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ca_profiles.errors import printable


def plain(value: Any) -> str:
    """A cell's value as text: nothing for None, lists joined with commas."""
    if value is None:
        return ""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def safe(value: Any) -> Text:
    """Data as inert text: no markup is parsed and control characters are shown, not sent."""
    return Text(printable(plain(value), newlines=True))


def format_number(value: float) -> str:
    """A number as people read it: thousands separated, no trailing ``.0``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: tuple[float, ...] | list[float], width: int = 24) -> str:
    """A series as a line of block characters, lowest to highest.

    A series longer than ``width`` is drawn from ``width`` evenly spaced years, its first and
    last among them, so that forty years of a Review series do not crowd out the other columns.
    """
    if len(values) > width:
        step = (len(values) - 1) / (width - 1)
        values = [values[round(i * step)] for i in range(width)]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(_BARS[round((v - low) / span * (len(_BARS) - 1))] for v in values)

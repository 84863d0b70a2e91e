"""The text formats by name, and the plain encodings that renderers and ``export`` share.

Kept apart from ``render/`` so that writing data files (``export``) depends on no renderer,
and light, since every command imports the names of its formats at start-up.
"""

from __future__ import annotations

import io
from enum import StrEnum
from typing import Any

import msgspec


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    yaml = "yaml"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


class ExportFormat(StrEnum):
    """What ``export`` writes: a folder of CSV files, one JSON document or an SQLite database."""

    csv = "csv"
    json = "json"
    sqlite = "sqlite"


def to_json(data: Any) -> str:
    """Indented JSON, UTF-8 text as is, keys in model order."""
    return msgspec.json.format(msgspec.json.encode(data), indent=2).decode() + "\n"


def cell(value: Any) -> str:
    """A value as one cell of a flat table: lists joined with ``; ``, whole floats as integers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "; ".join(map(cell, value))
    return str(value)


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """RFC 4180 CSV with a header row."""
    import csv  # here, so that every command choosing a format does not pay for the module

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell(row.get(c)) for c in columns] for row in rows)
    return out.getvalue()

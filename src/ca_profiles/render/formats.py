"""Machine formats: plain text with no colour or markup, stable key order, numbers as numbers."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from ca_profiles.views import Report


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    yaml = "yaml"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


def to_json(data: Any) -> str:
    """Indented JSON, UTF-8 text as is, keys in model order."""
    return msgspec.json.format(msgspec.json.encode(data), indent=2).decode() + "\n"


def render(result: Report, fmt: OutputFormat) -> str:
    """The one dispatch from (result, format) to text."""
    document = {**result.data, "meta": result.meta}
    if fmt is OutputFormat.json:
        return to_json(document)
    if fmt is OutputFormat.jsonl:
        return msgspec.json.encode(document).decode() + "\n"
    if fmt is OutputFormat.yaml:
        import yaml

        plain = msgspec.to_builtins(document)
        return str(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, default_flow_style=False))
    raise NotImplementedError(fmt)

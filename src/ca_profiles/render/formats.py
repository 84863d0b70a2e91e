"""Machine formats: plain text with no colour or markup, stable key order, numbers as numbers."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

import msgspec

from ca_profiles.errors import UsageError

if TYPE_CHECKING:
    from ca_profiles.views import Report, Rows


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


def format_plain(value: float) -> str:
    """A number for scripts: no separators, no trailing ``.0``."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def render(result: Report | Rows, fmt: OutputFormat) -> str | None:
    """The one dispatch from (result, format) to text; None where a rich table is wanted."""
    from ca_profiles.views import Rows

    if fmt is OutputFormat.table:
        if isinstance(result, Rows) or result.kind != "field":
            return None
        # `get` is for scripts: its view for people is the bare value.
        value = result.data["value"]
        return ("" if value is None else format_plain(value)) + "\n"
    if isinstance(result, Rows):
        rows, columns = result.rows, result.columns
        if "data_release" in result.meta and fmt is not OutputFormat.markdown:
            # Every row says which release and date it describes, so rows from several runs
            # (`--as-of 2013` and `--as-of 2023`, say) can be stacked and still told apart.
            stamp = {"as_of": result.meta["as_of"], "data_release": result.meta["data_release"]}
            rows, columns = [{**row, **stamp} for row in rows], [*columns, *stamp]
        return _rows(rows, columns, fmt)
    document = {**result.data, "meta": result.meta}
    if fmt is OutputFormat.json:
        return to_json(document)
    if fmt is OutputFormat.jsonl:
        return msgspec.json.encode(document).decode() + "\n"
    if fmt is OutputFormat.yaml:
        return _yaml(document)
    raise UsageError(f"--format {fmt.value} is for tables; use json, jsonl or yaml for a whole profile")


def _yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(msgspec.to_builtins(data), allow_unicode=True, sort_keys=False))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(rows: list[dict[str, Any]], columns: list[str], fmt: OutputFormat) -> str:
    ordered = [{c: row.get(c) for c in columns} for row in rows]
    if fmt is OutputFormat.json:
        return to_json(ordered)
    if fmt is OutputFormat.jsonl:
        return "".join(msgspec.json.encode(row).decode() + "\n" for row in ordered)
    if fmt is OutputFormat.yaml:
        return _yaml(ordered)
    if fmt is OutputFormat.csv:
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(row[c]) for c in columns] for row in ordered)
        return out.getvalue()
    if fmt is OutputFormat.markdown:
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in ordered:
            cells = (_cell(row[c]).replace("|", "\\|").replace("\n", " ") for c in columns)
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
    raise UsageError(f"--format {fmt.value} is not available for this command yet")

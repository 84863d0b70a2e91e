"""Machine formats: plain text with no colour or markup, stable key order, numbers as numbers."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from ca_profiles.errors import UsageError
from ca_profiles.results import Cell, FieldValue, NotApplicable, Report, Rows
from ca_profiles.textformats import OutputFormat, cell, to_csv, to_json


def format_plain(value: float) -> str:
    """A number for scripts: no separators, no trailing ``.0``."""
    return str(int(value)) if float(value).is_integer() else repr(value)


#: Formats that hold one flat table and nothing nested.
_TABLE_ONLY = frozenset({OutputFormat.csv, OutputFormat.markdown, OutputFormat.latex})


def render(result: Report | Rows, fmt: OutputFormat) -> str | None:
    """The one dispatch from (result, format) to text; None where a rich table is wanted."""
    if fmt is OutputFormat.table:
        if not isinstance(result, FieldValue):
            return None
        # `get` is for scripts: its view for people is the bare value.
        return "" if result.value is None else format_plain(result.value) + "\n"
    if not isinstance(result, Rows) and result.flat is not None and fmt in _TABLE_ONLY:
        result = result.flat()  # a profile as CSV is its figures in tidy long form
    if isinstance(result, Rows):
        if fmt is OutputFormat.latex:
            return _latex(result)
        if fmt is OutputFormat.markdown:
            # A table for a paper: the columns alone, captioned with its sources.
            return _markdown(result.rows, result.columns) + "\n" + _markdown_caption(result)
        if fmt is OutputFormat.csv:
            return to_csv(*result.flat())
        return _records(result.records(), fmt)
    document = {**result.document(), "meta": result.meta}
    if fmt is OutputFormat.json:
        return to_json(document)
    if fmt is OutputFormat.jsonl:
        return msgspec.json.encode(document).decode() + "\n"
    if fmt is OutputFormat.yaml:
        return _yaml(document)
    raise UsageError(f"--format {fmt.value} is for tables; use json, jsonl or yaml here")


def _yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(msgspec.to_builtins(data), allow_unicode=True, sort_keys=False))


def _records(records: list[dict[str, Any]], fmt: OutputFormat) -> str:
    if fmt is OutputFormat.jsonl:
        return "".join(msgspec.json.encode(row).decode() + "\n" for row in records)
    if fmt is OutputFormat.yaml:
        return _yaml(records)
    return to_json(records)


def _paper_cell(value: Any) -> str:
    """A cell of a table in a paper: a figure with its year, as ``20,432,662 (2025)`` reads."""
    if isinstance(value, Cell):
        return f"{cell(value.value)} ({value.year})"
    if isinstance(value, NotApplicable):
        return "n/a"
    return cell(value)


def _markdown(rows: list[dict[str, Any]], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = (_markdown_text(_paper_cell(row.get(c))) for c in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _markdown_caption(result: Rows) -> str:
    """A Pandoc table caption; ``[@key]`` resolves against ``cite --format csl-json``."""
    cited = "; ".join(f"@{key}" for key in result.sources)
    return f"Table: {_markdown_text(result.title)}." + (f" Sources: [{cited}]." if cited else "") + "\n"


def _markdown_text(text: str) -> str:
    """Text on one line of a Markdown table: a pipe would end its cell, a line break its row."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\t", " ")


#: TeX's special characters as text. One pass replaces them, so no escape is escaped again.
_TEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # A blank line ends a paragraph, which a caption, a cell or a BibTeX field cannot hold.
    "\n": " ",
}
_TEX_SPECIAL = re.compile("|".join(map(re.escape, _TEX)))


def escape_tex(text: str) -> str:
    """Text that TeX prints as written."""
    return _TEX_SPECIAL.sub(lambda match: _TEX[match.group()], text)


def _latex(result: Rows) -> str:
    """A booktabs table in a float, captioned with its title and ``\\cite`` of its sources.

    It shows the columns the table for people shows: it is meant for a page, not a script.
    """
    columns = result.people or result.columns
    numeric = {
        c
        for c in columns
        if any(
            isinstance(r.get(c), int | float | Cell) and not isinstance(r.get(c), bool) for r in result.rows
        )
    }
    caption = escape_tex(result.title) + "."
    if result.sources:
        caption += r" Sources: \cite{" + ",".join(result.sources) + "}."
    lines = [
        r"\begin{table}",
        r"\centering",
        r"\caption{" + caption + "}",
        r"\begin{tabular}{" + "".join("r" if c in numeric else "l" for c in columns) + "}",
        r"\toprule",
        " & ".join(escape_tex(c.replace("_", " ")) for c in columns) + r" \\",
        r"\midrule",
    ]
    for row in result.rows:
        lines.append(" & ".join(escape_tex(_paper_cell(row.get(c))) for c in columns) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"

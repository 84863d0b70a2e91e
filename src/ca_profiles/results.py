"""The typed objects views return and renderers lay out.

A view decides everything that is shown: which figure, which range, how a label reads, which
rows and columns. A renderer only lays these objects out, as a table for people or as JSON,
CSV, Markdown or LaTeX for machines, so every format shows the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from .figures import Newer
from .indices import IndexResult
from .model import Figures, Infrastructure, Profile, When

_PARTS = ("unit", "year", "source")


class Cell(msgspec.Struct, frozen=True):
    """A figure in a table's cell: the number with the unit, year and source it comes with.

    JSON shows it as an object; the flat formats (CSV) as a column for each part.
    """

    value: float
    unit: str
    year: int
    source: str
    #: A newer figure from another source, where ``--source`` pinned this one.
    newer: Newer | None = None


class NotApplicable(msgspec.Struct, frozen=True):
    """A cell of a field that has no meaning for the country (no border with China): "n/a",
    not "no data"."""

    value: None = None
    not_applicable: bool = True


class Rows(msgspec.Struct):
    """A tabular result: JSON array of objects, CSV rows, a table for people."""

    kind: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    meta: dict[str, Any] = msgspec.field(default_factory=dict)
    #: The columns a table for people shows (default: all); machine formats keep every one.
    people: list[str] | None = None
    #: Headings a table for people shows instead of a column's key.
    headings: dict[str, str] = msgspec.field(default_factory=dict)
    #: The keys of the sources the rows rely on, for the caption of a table in a paper.
    sources: list[str] = msgspec.field(default_factory=list)
    #: Columns a table for people never breaks inside a word (a field path that is typed back).
    whole: tuple[str, ...] = ()

    @property
    def stamped_columns(self) -> list[str]:
        """Every column, then the release and date each row describes where the rows have them."""
        return [*self.columns, *self._stamp()]

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON, CSV and the Python API give them: every column, in order, stamped.

        Every row says which release and date it describes, so rows from several runs
        (``--as-of 2013`` and ``--as-of 2023``, say) can be stacked and still told apart.
        """
        stamp = self._stamp()
        return [{**{c: row.get(c) for c in self.columns}, **stamp} for row in self.rows]

    def flat(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The records and columns with each figure cell spread over ``c``, ``c_unit``,
        ``c_year`` and ``c_source``, for the formats that hold only scalars."""
        records = self.records()
        cells = [c for c in self.columns if any(isinstance(r.get(c), Cell | NotApplicable) for r in records)]
        if not cells:
            return records, self.stamped_columns
        columns = [
            part
            for c in self.stamped_columns
            for part in ([c, *(f"{c}_{p}" for p in _PARTS)] if c in cells else [c])
        ]
        flat = []
        for record in records:
            row = dict(record)
            for c in cells:
                value = record.get(c)
                row[c] = "n/a" if isinstance(value, NotApplicable) else getattr(value, "value", value)
                for part in _PARTS:
                    row[f"{c}_{part}"] = getattr(value, part) if isinstance(value, Cell) else None
            flat.append(row)
        return flat, columns

    def _stamp(self) -> dict[str, Any]:
        if "data_release" not in self.meta:
            return {}
        return {"as_of": self.meta["as_of"], "data_release": self.meta["data_release"]}


class Report(msgspec.Struct, kw_only=True):
    """A nested result (one profile, one explanation, one value): a JSON object, a YAML mapping."""

    meta: dict[str, Any] = msgspec.field(default_factory=dict)
    #: Builds the same result as one flat table, for the formats that hold only tables (CSV, …);
    #: called only when one of them is asked for, so JSON and the terminal do not pay for it.
    flat: Callable[[], Rows] | None = None

    def document(self) -> dict[str, Any]:
        """The result as a JSON object, without its ``meta``."""
        raise NotImplementedError


# --- one profile --------------------------------------------------------------------------


class FigureRow(msgspec.Struct, frozen=True):
    """One figure of a field: a point, or a series shown by its latest year."""

    label: str
    value: float
    #: The unit as people read it (``billion m³``).
    unit: str
    year: int
    source: str
    rank: int | None = None
    #: A series' first year; None for a point.
    first_year: int | None = None
    #: A series' values in year order, for a sparkline; empty for a point.
    trend: tuple[float, ...] = ()


class RangeRow(msgspec.Struct, frozen=True):
    """Where sources disagree: the spread of each source's latest figure, in the field's unit."""

    label: str
    low: float
    high: float
    #: The field's unit as people read it.
    unit: str
    sources: int


class FigureTable(msgspec.Struct, frozen=True):
    rows: list[FigureRow | RangeRow]
    #: One line a figure under no header, as a brief lists its headline figures.
    brief: bool = False


class ProjectRow(msgspec.Struct, frozen=True):
    """A plant, pipeline or project: its status, the year it began or is due, its capacity."""

    name: str
    status: str | None
    year: When | None
    capacity: float | None
    #: The capacity's unit as people read it.
    unit: str | None
    source: str | None


class ProjectTable(msgspec.Struct, frozen=True):
    title: str
    rows: list[ProjectRow]


class SpanRow(msgspec.Struct, frozen=True):
    """One span of a country's standing in an organisation."""

    org: str
    status: str
    since: When
    until: When | None
    source: str


class LeaderRow(msgspec.Struct, frozen=True):
    """One tenure as head of state, its name as people should read it."""

    name: str
    title: str
    since: When
    until: When | None
    how_ended: str | None
    #: Its Archigos entry and exit codes, as people read them ("regular → irregular").
    coded: str | None = None


class Fact(msgspec.Struct, frozen=True):
    """A labelled line of text: a rule, a risk factor, a score."""

    label: str
    text: str


class Facts(msgspec.Struct, frozen=True):
    rows: list[Fact]


class Note(msgspec.Struct, frozen=True):
    text: str


class GapRow(msgspec.Struct, frozen=True):
    field: str
    note: str


Block = FigureTable | ProjectTable | Facts | Note | list[SpanRow] | list[LeaderRow] | list[GapRow]


class Section(msgspec.Struct, frozen=True):
    """A part of a profile for people: a titled run of blocks."""

    key: str
    title: str
    blocks: list[Block]


class ProfileView(Report):
    """One country as seen at a date: sections for people, the profile itself for machines."""

    id: str
    name: str
    #: The profile as seen at the view's date, which JSON and YAML mirror key for key.
    profile: Profile
    indices: dict[str, IndexResult]
    #: The top-level keys of the machine document (``--section`` narrows them).
    keys: list[str]
    sections: list[Section]
    #: The infrastructure records the profile names, as they stood at the view's date.
    infrastructure: list[Infrastructure] = msgspec.field(default_factory=list)

    def document(self) -> dict[str, Any]:
        data: dict[str, Any] = msgspec.to_builtins(self.profile)
        data["indices"] = {key: result.to_dict() for key, result in self.indices.items()}
        data["infrastructure"] = msgspec.to_builtins(self.infrastructure)
        return {key: data[key] for key in self.keys}


class Explanation(Report):
    """How one index was built for one country, factor by factor."""

    id: str
    name: str
    result: IndexResult
    #: Source key → title of the literature behind the rubric.
    literature: dict[str, str]
    #: The score in one line: score, level and coverage.
    summary: str

    def document(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, **self.result.to_dict(), "literature": self.literature}


class FieldValue(Report):
    """One field of one country: the figure the views show, and every figure the field holds."""

    id: str
    field: str
    value: float | None
    unit: str | None
    year: int | None
    source: str | None
    figures: Figures | None = None
    index: IndexResult | None = None
    #: The world rank of the value: stated by its source, or computed from a table of every
    #: country, in which case ``rank_basis`` says among how many ("rank among 48 countries in …").
    rank: int | None = None
    rank_basis: str | None = None

    def document(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "field": self.field,
            "value": self.value,
            "unit": self.unit,
            "year": self.year,
            "source": self.source,
        }
        if self.index is not None:
            data["index"] = self.index.to_dict()
        else:
            data["rank"] = self.rank
            data["rank_basis"] = self.rank_basis
            data["figures"] = msgspec.to_builtins(self.figures)
        return data

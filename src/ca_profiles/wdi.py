"""World Bank World Development Indicators downloads: read them, and update profiles from them.

Two layouts are read. The API download (``API_<indicator>_DS2_…csv``, one indicator) opens
with a preamble::

    "Data Source","World Development Indicators",

    "Last Updated Date","2026-07-01",

and the bulk ``WDICSV.csv`` (every indicator in one file) has none. Both then have the header
``Country Name,Country Code,Indicator Name,Indicator Code,1960,1961,…`` and one row per country
and indicator, a year's cell left empty where there is no value.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import imports
from .catalog import display
from .errors import InvalidData, Problem, UsageError
from .imports import Outcome
from .model import FIELDS

#: The key of the World Bank WDI in ``sources.yaml``.
SOURCE = "wb-wdi"
#: The whole data set, for a bibliography entry that covers several indicators.
DATASET_TITLE = "World Development Indicators"
DATASET_URL = "https://databank.worldbank.org/source/world-development-indicators"


@dataclass(frozen=True)
class Indicator:
    """A WDI series and the profile field it feeds."""

    code: str
    field: str
    #: The unit of the values in the World Bank file.
    unit: str
    #: The values the quantity can take, in ``unit``: anything else is an error in the file.
    low: float
    high: float


#: The series an import updates, by WDI indicator code.
INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        # Remittances received are never negative; as a share of GDP, at most the whole of it.
        Indicator("BX.TRF.PWKR.DT.GD.ZS", "migration.remittances_pct_gdp", "pct_gdp", 0, 100),
        Indicator("BX.TRF.PWKR.CD.DT", "migration.remittances_usd", "usd", 0, 1e13),
        Indicator("SP.POP.TOTL", "population", "persons", 0, 1e10),
    )
}

_HEADER = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
_YEAR = re.compile(r"\d{4}", re.ASCII)
_YEARS = range(1900, 2101)
#: A number as the World Bank writes one: ASCII digits, a point, an exponent; no grouping
#: (``1_000``, ``1,000``), no other digits (``١٢``), no ``inf`` or ``nan``.
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
#: More rows of the indicators than any World Bank file has (some 270 economies and
#: aggregates each): a file past it is not one, and reading it would only use memory.
MAX_ROWS = 3_000


@dataclass(frozen=True)
class Row:
    """One country's values of one indicator the import reads."""

    line: int
    country_code: str
    country_name: str
    indicator: Indicator
    indicator_name: str
    values: dict[int, float]


@dataclass
class Download:
    """What a World Bank file holds for the indicators in :data:`INDICATORS`."""

    file: str
    name: str
    #: The "Last Updated Date" of an API download; the bulk file does not state it.
    updated: dt.date | None = None
    rows: list[Row] = field(default_factory=list)


class _Reader:
    """CSV records with the line they end on, and errors located at a line and column."""

    def __init__(self, file: str, stream: TextIO) -> None:
        self.file, self.stream, self.last = file, stream, ""
        self.records = csv.reader(self._lines())

    def _lines(self) -> Iterator[str]:
        for line in self.stream:
            self.last = line
            yield line

    @property
    def line(self) -> int:
        return self.records.line_num

    def problem(self, message: str, cell: int | None = None) -> InvalidData:
        column = 1 if cell is None else _column(self.last, cell)
        return InvalidData([Problem(self.file, max(1, self.line), column, "", message)])


def _column(line: str, cell: int) -> int:
    """The 1-based character column where cell ``cell`` (0-based) of a CSV line starts."""
    quoted, seen = False, 0
    for index, char in enumerate(line):
        if seen == cell:
            return index + 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            seen += 1
    return len(line.rstrip("\r\n")) + 1


def read(path: Path) -> Download:
    """The rows of the indicators in :data:`INDICATORS`; a malformed line is an error."""
    if not path.is_file():
        raise UsageError(f"no such file: '{path}'")
    # The API download starts with a byte-order mark, which utf-8-sig drops.
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = _Reader(display(path), stream)
        try:
            return _read(reader, Download(reader.file, path.name))
        except UnicodeDecodeError:
            raise InvalidData([_undecodable(path, reader.file)]) from None
        except csv.Error as exc:
            raise reader.problem(f"not a readable CSV line: {exc}") from None


def _undecodable(path: Path, file: str) -> Problem:
    """Where the first bytes that are not UTF-8 are (text is decoded by blocks, not by lines)."""
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return Problem(
                    file, number, exc.start + 1, "", f"not UTF-8 text: byte 0x{raw[exc.start]:02x}"
                )
    return Problem(file, 1, 1, "", "not UTF-8 text")


def _read(reader: _Reader, download: Download) -> Download:
    years: list[int | None] = []
    for cells in reader.records:
        if not _trim(cells) or cells[0] == "Data Source":
            continue
        if cells[0] == "Last Updated Date":
            try:
                download.updated = dt.date.fromisoformat(cells[1] if len(cells) > 1 else "")
            except ValueError:
                raise reader.problem("the Last Updated Date is not a date (YYYY-MM-DD)", 1) from None
            continue
        if tuple(cells[:4]) != _HEADER:
            raise reader.problem(f"expected the World Bank header {','.join(_HEADER)},1960,1961,…")
        years = _years(cells, reader)
        break
    if not years:
        raise reader.problem(f"no World Bank header ({','.join(_HEADER)},1960,…) in the file")
    seen: dict[tuple[str, str], int] = {}
    width = len(years) + 4
    for cells in reader.records:
        if not cells:
            continue
        if len(cells) != width:
            raise reader.problem(f"expected {width} cells as in the header, found {len(cells)}")
        country_name, code, indicator_name, indicator_code = cells[:4]
        if not code.strip() or not code.isprintable():
            raise reader.problem(f"the Country Code {code!r} is not a code", 1)
        indicator = INDICATORS.get(indicator_code.strip().upper())
        if indicator is None:
            continue
        # Codes are compared as the profiles' ISO codes are: KAZ and kaz are one country.
        key = (code.strip().upper(), indicator.code)
        if key in seen:
            first = seen[key]
            raise reader.problem(f"a second row for {key[0]} {key[1]} (the first is on line {first})", 1)
        if len(seen) >= MAX_ROWS:
            raise reader.problem(f"more than {MAX_ROWS:,} rows of the indicators: not a World Bank download")
        seen[key] = reader.line
        values: dict[int, float] = {}
        for cell, (year, text) in enumerate(zip(years, cells[4:], strict=True), start=4):
            if year is None or not text.strip():
                continue
            number = float(text) if _NUMBER.fullmatch(text.strip()) else math.nan
            if not math.isfinite(number):
                raise reader.problem(f"{code} {year}: {text!r} is not a number", cell)
            if not indicator.low <= number <= indicator.high:
                shown = f"{indicator.low:,.0f} to {indicator.high:,.0f} {indicator.unit}"
                raise reader.problem(
                    f"{code} {year}: {text} is out of range for {indicator.field} ({shown})", cell
                )
            values[year] = number
        download.rows.append(Row(reader.line, code, country_name, indicator, indicator_name, values))
    return download


def _trim(cells: list[str]) -> list[str]:
    """A preamble line without the empty cells its trailing commas make."""
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _years(header: list[str], reader: _Reader) -> list[int | None]:
    """The year of each column after the first four; None for empty trailing ones."""
    years: list[int | None] = []
    for cell, text in enumerate(header[4:], start=4):
        if _YEAR.fullmatch(text.strip()) and int(text) in _YEARS:
            if int(text) in years:
                first = years.index(int(text)) + 5
                raise reader.problem(
                    f"header column {cell + 1} repeats the year {text} of column {first}", cell
                )
            years.append(int(text))
        elif not any(rest.strip() for rest in header[cell:]):
            years.append(None)  # the API download ends every line with a comma
        else:
            raise reader.problem(f"header column {cell + 1} is {text!r}, not a year", cell)
    if not any(years):
        raise reader.problem("the header has no year columns")
    return years


# --- updating profiles -----------------------------------------------------------------------


def import_file(path: Path, data_dir: Path | None, *, today: dt.date, dry_run: bool = False) -> Outcome:
    """Update the WDI series of the profiles in the target folder from a World Bank file."""
    from . import update

    download = read(path)
    if not download.rows:
        wanted = ", ".join(INDICATORS)
        raise UsageError(f"{download.file} holds no rows of {wanted}: nothing to import")
    with imports.run(display(path), data_dir, dry_run=dry_run) as run:
        by_code = {profile.iso3.upper(): profile.id for profile in run.catalog.profiles()}
        run.outcome.ignored = sorted(
            {r.country_code for r in download.rows if r.country_code.upper() not in by_code}
        )
        codes: set[str] = set()
        for row in download.rows:
            id = by_code.get(row.country_code.upper())
            if id is None or not row.values:
                continue
            series = update.SeriesUpdate(
                field=row.indicator.field,
                source=SOURCE,
                unit=row.indicator.unit,
                values=row.values,
                new_unit=FIELDS[row.indicator.field].unit,
                new_note=f"{row.indicator.code}: {row.indicator_name} (read from {download.name})",
            )
            if run.update(id, series):
                codes.add(row.indicator.code)

        def entry(held: Any) -> dict[str, Any]:
            """The WDI entry's access date and note; its title widened where it named one indicator."""
            values: dict[str, Any] = {"accessed": today}
            if download.updated is not None:
                values["year"] = download.updated.year
            if not all(code in str(held.get("title", "")) for code in codes):
                values |= {"title": DATASET_TITLE, "url": DATASET_URL}
            updated = f", last updated {download.updated.isoformat()}" if download.updated else ""
            values["note"] = (
                f"{', '.join(sorted(codes))} read from {download.name}{updated}, on {today.isoformat()}."
            )
            return values

        return run.write(SOURCE, entry, tag="wdi", today=today)

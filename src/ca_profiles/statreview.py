"""The Statistical Review of World Energy's all-data workbook: read it, and update profiles from it.

The Energy Institute's editions (and bp's before them) publish one workbook with a sheet per
table. A table's sheet opens with a title, then a header row that names the unit in column A
and the years from column B on, the last year repeated for the share column::

    Trillion cubic metres | 1980 | 1981 | … | 2020 | 2020 | 2009-19 | 2020

Rows below are countries, regional totals ("Total CIS"), groups ("Other CIS", "of which: OECD",
"OPEC", "European Union", "USSR") and sub-entries ("Venezuela: Orinoco Belt"); "n/a", "-" and
"^" (less than 0.05) stand for no value. Until the Soviet Union's end its republics are a zero
beside a "USSR" row that holds the total.

A country's world rank in a year is computed here from every country of the sheet that has a
value that year (groups and sub-entries left out; equal values share a rank), and kept with the
series: ``ranks`` and how many countries each rank is among.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import imports
from .catalog import Catalog, display, normalize
from .errors import AmbiguousName, InvalidData, Problem, UnknownName, UsageError
from .imports import Outcome
from .model import FIELDS

DATASET_URL = "https://www.energyinst.org/statistical-review"
#: Values are kept to this many significant digits: more than the Review prints, without the
#: binary noise of the workbook's own unit conversions (1.7132322067407268).
DIGITS = 7
#: The cells that stand for no value.
MISSING = frozenset({"n/a", "-", "^", ""})
#: Rows of the sheet searched for the header.
HEADER_ROWS = 10


@dataclass(frozen=True)
class Table:
    """A sheet of the workbook and the profile field it feeds."""

    sheet: str
    field: str
    #: The unit of the sheet's numbers, and how its header names it (column A).
    unit: str
    label: str
    #: For a table of one year ("Total proved reserves at end 2020"), the heading of the column
    #: read; a table of years has none.
    column: str | None = None


#: The sheets an import reads, found by title (case and surrounding spaces aside).
TABLES: tuple[Table, ...] = (
    Table("Gas - Proved reserves history", "energy.gas_reserves", "tcm", "Trillion cubic metres"),
    Table("Oil - Proved reserves history", "energy.oil_reserves", "billion_bbl", "Thousand million barrels"),
    Table("Gas Production - Bcm", "energy.gas_production", "bcm_per_year", "Billion cubic metres"),
    Table(
        "Oil Production - Barrels",
        "energy.oil_production",
        "thousand_bbl_per_day",
        "Thousand barrels daily",
    ),
    Table("Coal Production - Tonnes", "energy.coal_production", "million_t_per_year", "Million tonnes"),
    Table("Hydro Generation - TWh", "energy.hydropower.generation", "twh_per_year", "Terawatt-hours"),
    Table("Electricity Generation", "energy.electricity_generation", "twh_per_year", "Terawatt-hours"),
    Table("Coal - Reserves", "energy.coal_reserves", "million_t", "Million tonnes", column="Total"),
)

#: Rows that are not countries: totals, groups, regions, and sub-entries ("Venezuela: Orinoco Belt").
_GROUP = re.compile(
    r"^(total|other|of which|rest of)\b|:"
    r"|^(non-)?(oecd|opec)$|^(european union|ussr|cis|world|middle east|asia pacific|africa|europe)$"
    r"|^(north|south|central|eastern|western|middle|northern|southern)( and \w+)? "
    r"(africa|america|europe|asia)$",
    re.IGNORECASE,
)
_EDITION = re.compile(
    r"\b((?:19|20)\d\d)\s+(Energy Institute|bp)\s+Statistical Review of World Energy", re.IGNORECASE
)
_URL = re.compile(r"https?://\S+")


def is_country(name: str) -> bool:
    """Whether a row name is a country rather than a total, group, region or sub-entry."""
    return not _GROUP.search(name)


@dataclass(frozen=True)
class Entry:
    """One row of a sheet: its name as printed and its values by year."""

    row: int
    name: str
    values: dict[int, float]


@dataclass
class Sheet:
    """What one sheet holds: its countries' values (groups and sub-entries left out)."""

    table: Table
    title: str
    years: list[int]
    countries: list[Entry] = field(default_factory=list)

    def ranks(self) -> tuple[dict[str, dict[int, int]], dict[int, int]]:
        """Each country's world rank by year, and how many countries have a value each year.

        Equal values share a rank, and the next rank counts them all (1, 2, 2, 4).
        """
        by_year: dict[int, list[float]] = {}
        for entry in self.countries:
            for year, value in entry.values.items():
                by_year.setdefault(year, []).append(value)
        ranks = {
            entry.name: {
                year: 1 + sum(other > value for other in by_year[year])
                for year, value in sorted(entry.values.items())
            }
            for entry in self.countries
        }
        return ranks, {year: len(values) for year, values in sorted(by_year.items())}


@dataclass
class Workbook:
    """The sheets of :data:`TABLES` in one edition of the Review."""

    file: str
    edition: int
    publisher: str
    url: str
    sheets: list[Sheet] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The bibliography key of the edition: ``ei-statreview-2023``, ``bp-statreview-2022``."""
        return f"{'ei' if self.publisher == 'Energy Institute' else 'bp'}-statreview-{self.edition}"

    @property
    def title(self) -> str:
        return f"Statistical Review of World Energy {self.edition}"


class _Located:
    """Errors located in a workbook: sheet, row and column (cell reference) in one line."""

    def __init__(self, file: str, sheet: str) -> None:
        self.file, self.sheet = file, sheet.strip()

    def problem(self, row: int, column: int, message: str) -> InvalidData:
        where = f"sheet '{self.sheet}', cell {_letters(column)}{row}"
        return InvalidData([Problem(self.file, row, column, where, message)])


def _letters(column: int) -> str:
    """A 1-based column number as the workbook names it: 1 → A, 28 → AB."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _fold(title: str) -> str:
    return " ".join(title.split()).casefold()


def read(path: Path) -> Workbook:
    """The sheets of :data:`TABLES`; a file or sheet not laid out as the Review's is an error."""
    if not path.is_file():
        raise UsageError(f"no such file: '{path}'")
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:
        raise UsageError(
            "reading the Statistical Review's workbook needs openpyxl: pip install 'ca-profiles[xlsx]'"
        ) from None
    file = display(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, InvalidFileException):
        message = "not an Excel workbook (.xlsx)"
        raise InvalidData([Problem(file, 1, 1, "", message)]) from None
    try:
        sheets = {_fold(sheet.title): sheet for sheet in book.worksheets}
        edition, publisher, url = _edition(file, sheets.get("contents"))
        missing = [table.sheet for table in TABLES if _fold(table.sheet) not in sheets]
        if missing:
            names = ", ".join(f"'{name}'" for name in missing)
            message = f"no sheet {names}: not the Statistical Review's all-data workbook"
            raise InvalidData([Problem(file, 1, 1, "", message)])
        workbook = Workbook(file, edition, publisher, url)
        for table in TABLES:
            sheet = sheets[_fold(table.sheet)]
            rows = sheet.iter_rows(values_only=True)
            try:
                workbook.sheets.append(_read_sheet(table, sheet.title, rows, file))
            finally:
                rows.close()  # a sheet left half read keeps its part of the file open
        return workbook
    finally:
        book.close()


def _edition(file: str, contents: Any) -> tuple[int, str, str]:
    """The edition's year, its publisher and its web address, from the Contents sheet."""
    text = ""
    if contents is not None:
        rows = contents.iter_rows(max_row=40, values_only=True)
        try:
            text = " ".join(c for row in rows for c in row if isinstance(c, str))
        finally:
            rows.close()
    found = _EDITION.search(" ".join(text.split()))
    if found is None:
        message = (
            "the Contents sheet does not say which edition it is "
            "('… the 2023 Energy Institute Statistical Review of World Energy …')"
        )
        raise InvalidData([Problem(file, 1, 1, "sheet 'Contents'", message)])
    publisher = "Energy Institute" if found[2].casefold() == "energy institute" else "bp"
    url = _URL.search(text)
    return int(found[1]), publisher, url[0].rstrip(".,)") if url else DATASET_URL


def _year(cell: Any) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, str) and cell.strip().isdigit():
        cell = int(cell.strip())
    return cell if isinstance(cell, int) and 1900 <= cell <= 2100 else None


def _read_sheet(table: Table, title: str, rows: Generator[tuple[Any, ...], None, None], file: str) -> Sheet:
    where = _Located(file, title)
    header = None
    above: list[str] = []
    for number, cells in enumerate(rows, start=1):
        first = cells[0] if cells else None
        if isinstance(first, str) and _fold(first) == _fold(table.label):
            header = number, cells
            break
        above += [cell for cell in cells if isinstance(cell, str)]
        if number >= HEADER_ROWS:
            break
    if header is None:
        message = f"no header row naming the unit '{table.label}' in column A of rows 1–{HEADER_ROWS}"
        raise where.problem(1, 1, message)
    header_row, cells = header
    if table.column is None:
        years, columns = _year_columns(where, header_row, cells)
    else:
        years, columns = _one_year(table.column, where, header_row, cells, above)
    sheet = Sheet(table, title.strip(), years)
    groups: list[Entry] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=header_row + 1):
        name = cells[0] if cells else None
        if not isinstance(name, str) or not name.strip():
            continue
        entry = _entry(
            where,
            number,
            name,
            [(y, c, cells[c] if c < len(cells) else None) for y, c in zip(years, columns, strict=True)],
        )
        if entry is None:
            continue  # a note under the table: text in column A only
        if not is_country(entry.name):
            groups.append(entry)
            continue
        key = normalize(entry.name)
        if key in seen:
            raise where.problem(number, 1, f"a second row for {entry.name!r} (the first is row {seen[key]})")
        seen[key] = number
        sheet.countries.append(entry)
    ussr = next((g for g in groups if g.name.casefold() == "ussr"), None)
    soviet = {year for year, value in ussr.values.items() if value > 0} if ussr else set()
    if soviet:
        # Before 1985 (or 1991) the republics are a 0 beside the Soviet total: no value of theirs.
        sheet.countries = [
            Entry(e.row, e.name, {y: v for y, v in e.values.items() if not (v == 0 and y in soviet)})
            for e in sheet.countries
        ]
    return sheet


def _year_columns(where: _Located, row: int, cells: tuple[Any, ...]) -> tuple[list[int], list[int]]:
    """The years of a header row from column B on, and the (0-based) cell of each."""
    years: list[int] = []
    for cell in cells[1:]:
        year = _year(cell)
        if year is None or (years and year <= years[-1]):
            break  # the share column repeats the last year; growth rates are text
        years.append(year)
    if not years:
        found = cells[1] if len(cells) > 1 else None
        raise where.problem(row, 2, f"the header row names no years (found {found!r})")
    return years, list(range(1, len(years) + 1))


def _one_year(
    heading: str, where: _Located, row: int, cells: tuple[Any, ...], above: list[str]
) -> tuple[list[int], list[int]]:
    """The year a one-year table states above its header ("at end 2020") and its column."""
    column = next((i for i, c in enumerate(cells) if isinstance(c, str) and _fold(c) == _fold(heading)), None)
    if column is None:
        raise where.problem(row, 2, f"the header row has no column {heading!r}")
    stated = re.search(r"\bat end (\d{4})\b", " ".join(above), re.IGNORECASE)
    if stated is None:
        raise where.problem(row, 1, "no year above the header row ('… at end 2020')")
    return [int(stated[1])], [column]


def _entry(where: _Located, row: int, name: str, cells: list[tuple[int, int, Any]]) -> Entry | None:
    """A row's values from (year, cell index, cell); None for a row with none of them (a note)."""
    if all(cell is None or (isinstance(cell, str) and not cell.strip()) for _, _, cell in cells):
        return None
    clean = name.strip().rstrip("#*").strip()
    values: dict[int, float] = {}
    for year, column, cell in cells:
        if cell is None or (isinstance(cell, str) and cell.strip().casefold() in MISSING):
            continue
        if isinstance(cell, bool) or not isinstance(cell, int | float):
            raise where.problem(row, column + 1, f"{clean} {year}: {cell!r} is not a number")
        values[year] = float(cell)
    return Entry(row, clean, values)


# --- updating profiles -----------------------------------------------------------------------


def import_file(path: Path, data_dir: Path | None, *, today: dt.date, dry_run: bool = False) -> Outcome:
    """Update the energy series of the profiles in the target folder from a Review workbook."""
    from . import update

    workbook = read(path)
    with imports.run(display(path), data_dir, dry_run=dry_run) as run:
        ignored: set[str] = set()
        for sheet in workbook.sheets:
            ranks, among = sheet.ranks()
            table = sheet.table
            for entry in sheet.countries:
                id = _resolve(run.catalog, workbook.file, sheet, entry)
                if id is None:
                    ignored.add(entry.name)
                    continue
                if not entry.values:
                    continue
                series = update.SeriesUpdate(
                    field=table.field,
                    source=workbook.key,
                    unit=table.unit,
                    values={year: float(f"{value:.{DIGITS}g}") for year, value in entry.values.items()},
                    new_unit=FIELDS[table.field].unit,
                    new_note=f"{sheet.title} ({table.label}); world rank among the countries of the sheet",
                    per_year={"ranks": ranks[entry.name], "among": {y: among[y] for y in entry.values}},
                    keys={"sheet": sheet.title},
                )
                run.update(id, series)
        run.outcome.ignored = sorted(ignored)
        run.outcome.ignored_kind = "name(s)"
        sheets = "; ".join(sheet.title for sheet in workbook.sheets)
        note = (
            f"All-data workbook of the {workbook.edition} edition; figures from the sheets {sheets}. "
            "World ranks are computed over every country of a sheet with a value that year, "
            "leaving out totals, groups and sub-entries; equal values share a rank."
        )
        bibliography = {
            "title": workbook.title,
            "publisher": workbook.publisher,
            "year": workbook.edition,
            "url": workbook.url,
            "accessed": today,
            "kind": "dataset",
            "origin": "dataset",
            "note": note,
        }
        return run.write(
            workbook.key,
            lambda held: {"accessed": today, "note": note},
            tag="statreview",
            today=today,
            new_entry=bibliography,
        )


def _resolve(catalog: Catalog, file: str, sheet: Sheet, entry: Entry) -> str | None:
    """The profile a row's country name refers to; None where no profile answers to it."""
    try:
        return catalog.resolve(entry.name)
    except UnknownName:
        return None
    except AmbiguousName as exc:
        where = _Located(file, sheet.title)
        raise where.problem(entry.row, 1, str(exc)) from None

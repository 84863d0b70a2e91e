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
from typing import TYPE_CHECKING, Any, TextIO

from .catalog import Catalog, display
from .errors import InvalidData, Problem, UsageError
from .loader import bundled_root, env_roots
from .model import FIELDS, Source, Sources

if TYPE_CHECKING:
    from .results import Rows
    from .update import Change, Document

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


def target_folder(data_dir: Path | None) -> tuple[Path, list[Path] | None]:
    """The data folder an import writes to, and the ``--data-dir`` layers to read it with.

    ``--data-dir``, else the first folder of ``CA_PROFILES_DATA``; never the bundled data.
    """
    if data_dir is not None:
        target, layers = data_dir, [data_dir] if data_dir.exists() else None
    elif env := env_roots():
        target, layers = env[0], None
    else:
        raise UsageError(
            "give --data-dir DIR (or set CA_PROFILES_DATA): the data folder whose profiles the import "
            "updates; the bundled data is never changed"
        )
    if target.exists() and not target.is_dir():
        raise UsageError(f"data folder '{target}' is not a folder")
    if target.resolve() == bundled_root().resolve():
        raise UsageError(
            f"'{target}' is the bundled data, which an import never changes; give another --data-dir"
        )
    return target, layers


@dataclass
class Outcome:
    """What an import changed, or would change in a dry run."""

    download: Download
    target: Path
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    #: Profiles copied into the target folder (from the bundled data or another layer) first.
    copied: list[str] = field(default_factory=list)
    #: Country codes of the file that no profile has.
    ignored: list[str] = field(default_factory=list)
    release: str | None = None
    #: Data files that could not be read (their countries' rows count as ignored).
    problems: list[Problem] = field(default_factory=list)

    def rows(self) -> Rows:
        from .results import Rows

        rows = [
            {"country": c.country, "field": c.field, "year": c.year, "old": c.old, "new": c.new}
            for c in self.changes
        ]
        title = "Changes (dry run: nothing written)" if self.dry_run else "Changes"
        meta = {"file": self.download.file, "data_dir": str(self.target), "dry_run": self.dry_run}
        return Rows("changes", title, ["country", "field", "year", "old", "new"], rows, meta)

    def summary(self) -> str:
        countries = sorted({c.country for c in self.changes})
        where = display(self.target)
        if not self.changes:
            lines = [f"Nothing to change in {where}: the profiles already hold these values."]
        elif self.dry_run:
            lines = [
                f"Dry run: would update {len(self.changes)} value(s) in {len(countries)} profile(s) "
                f"in {where} ({', '.join(countries)}); nothing written."
            ]
        else:
            lines = [
                f"Updated {len(self.changes)} value(s) in {len(countries)} profile(s) in {where} "
                f"({', '.join(countries)}); data release {self.release}."
            ]
        if self.copied:
            verb = "Would copy" if self.dry_run else "Copied"
            lines.append(
                f"{verb} these profiles into {where} before updating them: {', '.join(self.copied)}."
            )
        if self.ignored:
            shown = ", ".join(self.ignored[:8]) + (
                f" and {len(self.ignored) - 8} more" if len(self.ignored) > 8 else ""
            )
            lines.append(f"Ignored the rows of {len(self.ignored)} code(s) that no profile has: {shown}.")
        return "\n".join(lines)


def import_file(path: Path, data_dir: Path | None, *, today: dt.date, dry_run: bool = False) -> Outcome:
    """Update the WDI series of the profiles in the target folder from a World Bank file."""
    from . import update

    target, layers = target_folder(data_dir)
    download = read(path)
    if not download.rows:
        wanted = ", ".join(INDICATORS)
        raise UsageError(f"{download.file} holds no rows of {wanted}: nothing to import")
    # The folder stays locked from before its profiles are read until the update is in place.
    with update.writing(target, dry_run=dry_run):
        return _import(download, target, layers, today, dry_run)


def _import(
    download: Download, target: Path, layers: list[Path] | None, today: dt.date, dry_run: bool
) -> Outcome:
    from . import update

    catalog = Catalog.open(layers)
    by_code = {profile.iso3.upper(): profile.id for profile in catalog.profiles()}
    outcome = Outcome(download, target, dry_run)
    outcome.problems = catalog.problems
    outcome.ignored = sorted({r.country_code for r in download.rows if r.country_code.upper() not in by_code})
    documents: dict[str, Document] = {}
    codes: set[str] = set()
    for row in download.rows:
        id = by_code.get(row.country_code.upper())
        if id is None or not row.values:
            continue
        document = documents.get(id) or update.open_document(catalog.files[id])
        documents[id] = document
        series = update.SeriesUpdate(
            field=row.indicator.field,
            source=SOURCE,
            unit=row.indicator.unit,
            values=row.values,
            new_unit=FIELDS[row.indicator.field].unit,
            new_note=f"{row.indicator.code}: {row.indicator_name} (read from {download.name})",
        )
        changes = update.update_series(document, id, series)
        if changes:
            codes.add(row.indicator.code)
            outcome.changes += changes
    changed = sorted({c.country for c in outcome.changes})
    files: dict[Path, str] = {}
    for id in changed:
        destination = target / "countries" / f"{id}.yaml"
        if not _same(catalog.files[id], destination):
            _check_not_shadowed(catalog, id, target)
            outcome.copied.append(id)
        files[destination] = documents[id].dump()
    outcome.changes.sort(key=lambda c: (c.country, c.field, c.year))
    if files:
        sources, outcome.release = _sources_layer(catalog, target, download, sorted(codes), today)
        files[target / "sources.yaml"] = sources
        update.write_all(files, target, layers, today, dry_run=dry_run)
    return outcome


def _same(a: Path, b: Path) -> bool:
    return b.exists() and a.resolve() == b.resolve()


def _check_not_shadowed(catalog: Catalog, id: str, target: Path) -> None:
    """Refuse to write a profile that a later data folder would hide."""
    roots = [root.resolve() for root in catalog.roots]
    held = catalog.files[id].parent.parent.resolve()
    if target.resolve() in roots and roots.index(held) > roots.index(target.resolve()):
        raise UsageError(
            f"the profile {id!r} in '{catalog.files[id].parent.parent}' takes precedence over "
            f"'{target}'; give that folder as --data-dir"
        )


def _sources_layer(
    catalog: Catalog, target: Path, download: Download, codes: list[str], today: dt.date
) -> tuple[str, str]:
    """The target's ``sources.yaml`` with the WDI entry's access date and the release updated.

    The WDI entry is copied from the layer that holds it where the target has none. A layer's
    release takes the place of the bundled one in ``--version`` and every JSON document, so it
    is stamped ``<release it builds on>+wdi.<YYYYMMDD>``: data updated after the release never
    pass for the release itself.
    """
    from . import update

    path = target / "sources.yaml"
    if path.is_file():
        document = update.open_document(path)
    else:
        document = update.new_document(
            path, "A layer over the bundled sources.yaml: entries here add to or replace those there."
        )
    data = document.data
    order = update.field_order(Sources)
    if data.get("sources") is None:
        update.insert_in_order(data, "sources", update.mapping({}), order)
    entries = data["sources"]
    if SOURCE not in entries:
        entries[SOURCE] = _entry_below(catalog)
    entry = entries[SOURCE]
    values: dict[str, Any] = {"accessed": today}
    if download.updated is not None:
        values["year"] = download.updated.year
    if not all(code in str(entry.get("title", "")) for code in codes):
        # The entry named one indicator; it now stands for several.
        values |= {"title": DATASET_TITLE, "url": DATASET_URL}
    updated = f", last updated {download.updated.isoformat()}" if download.updated else ""
    values["note"] = f"{', '.join(codes)} read from {download.name}{updated}, on {today.isoformat()}."
    update.set_keys(entry, values, update.field_order(Source))
    held = data.get("release")
    base = str(held["version"]) if held else catalog.release.version if catalog.release else "local"
    version = f"{base.split('+')[0]}+wdi.{today:%Y%m%d}"
    # Quoted, so that no release number is ever read as a float.
    release = update.mapping({"version": update.quoted(version), "date": today})
    if held:
        update.set_keys(held, dict(release), ["version", "date"])
    else:
        update.insert_in_order(data, "release", release, order)
    return document.dump(), version


def _entry_below(catalog: Catalog) -> Any:
    """The WDI entry of the layers under the target, as a new mapping in the model's key order."""
    import msgspec

    from . import update

    source = catalog.sources.get(SOURCE)
    if source is None:
        raise UsageError(f"no data folder's sources.yaml has the source {SOURCE!r} to update")
    return update.mapping({k: v for k, v in msgspec.structs.asdict(source).items() if v is not None})

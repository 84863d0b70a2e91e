"""Edits of data files that keep their comments, key order and layout, written all or nothing.

The files are edited with ruamel.yaml's round-trip mode, which keeps what PyYAML drops
(comments, quoting, flow or block style), and then read back by the strict loader: every file an
edit writes is validated before any is put in place. This module is imported only by the
commands that write data, so ruamel.yaml never weighs on the reading commands' start-up.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import shutil
import tempfile
import typing
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import msgspec
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import catalog as catalog_module
from . import journal
from .catalog import display
from .errors import InvalidData, Problem, UsageError
from .journal import locked
from .loader import format_path
from .model import Figure, Profile, convert

#: Wide enough that no long note or flow mapping is ever folded onto a new line.
_WIDTH = 1 << 16


class _Representer(RoundTripRepresenter):
    """Floats as YAML 1.1 reads them, and no anchors, which the strict loader refuses."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_float(representer: RoundTripRepresenter, value: float) -> Any:
    text = repr(value)
    if "e" in text and "." not in text:
        # PyYAML (YAML 1.1) reads 1e-05 as text; 1.0e-05 is a float to every reader.
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


_Representer.add_representer(float, _represent_float)


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML()
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = _WIDTH
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


@dataclass
class Document:
    """A YAML file open for editing."""

    file: str
    data: CommentedMap
    yaml: YAML

    def dump(self) -> str:
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return out.getvalue()

    def problem(self, node: CommentedMap, key: str, path: tuple[str | int, ...], message: str) -> Problem:
        line, column = node.lc.value(key) if key in node else (node.lc.line, node.lc.col)
        return Problem(self.file, line + 1, column + 1, format_path((*path, key)), message)


def open_document(path: Path) -> Document:
    """Read a YAML file for editing, with the indentation that writes it back unchanged."""
    file = display(path)
    text = path.read_text(encoding="utf-8")
    yaml = _yaml(2, 4, 2)
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise InvalidData([Problem(file, 1, 1, "", f"cannot edit the file: {exc}")]) from None
    # Try the layout the file seems to use, then the usual ones; keep the first that writes the
    # file back byte for byte (else the guess: the data stay, only indentation may change).
    guessed = _guess_indent(text)
    for indent in dict.fromkeys([guessed, (2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4)]):
        document = Document(file, data, _yaml(*indent))
        if document.dump() == text:
            return document
    return Document(file, data, _yaml(*guessed))


def _guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) from the first nested lines of the file."""
    mapping = sequence = offset = None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for before, line in zip(lines, lines[1:], strict=False):
        if not before.rstrip().endswith(":"):
            continue
        outer = len(before) - len(before.lstrip())
        inner = len(line) - len(line.lstrip())
        if line.lstrip().startswith("- ") and sequence is None:
            offset = inner - outer
            sequence = offset + 2
        elif not line.lstrip().startswith("- ") and mapping is None and inner > outer:
            mapping = inner - outer
        if mapping is not None and sequence is not None:
            break
    return mapping or 2, sequence or 4, 2 if offset is None else offset


def new_document(path: Path, comment: str) -> Document:
    """An empty mapping to fill, written as a new file that opens with ``comment``."""
    data = CommentedMap()
    data.yaml_set_start_comment(comment)
    return Document(display(path), data, _yaml(2, 4, 2))


def insert_in_order(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Add ``key`` after the keys that come before it in ``order`` (the model's field order)."""
    rank = order.index(key)
    position = max(
        (i + 1 for i, k in enumerate(mapping) if k in order and order.index(k) < rank),
        default=0,
    )
    mapping.insert(position, key, value)


def field_order(struct: type[msgspec.Struct]) -> list[str]:
    """The keys of a record in the order the model declares them."""
    return [f.name for f in msgspec.structs.fields(struct)]


def mapping(items: dict[Any, Any]) -> CommentedMap:
    """A mapping written in block style, one key a line."""
    return CommentedMap(items)


def quoted(text: str) -> DoubleQuotedScalarString:
    """Text written in double quotes."""
    scalar: DoubleQuotedScalarString = DoubleQuotedScalarString(text)
    return scalar


def flow(items: dict[Any, Any]) -> CommentedMap:
    """A mapping written on one line, the way the data files write figures and series."""
    mapping = CommentedMap(items)
    mapping.fa.set_flow_style()
    return mapping


def tidy(value: float) -> int | float:
    """A whole number written without ``.0`` (a population, an amount in US$ million)."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


@dataclass(frozen=True)
class Change:
    """One value an edit adds or replaces."""

    country: str
    field: str
    year: int
    old: float | None
    new: float


@dataclass(frozen=True)
class SeriesUpdate:
    """Values of one field from one source, as the source states them."""

    field: str
    source: str
    unit: str
    values: dict[int, float]
    #: Unit and note of the figure added where the field holds none from ``source``.
    new_unit: str
    new_note: str
    #: Numbers kept by year beside the values, by the figure's key (a series' ``ranks``).
    per_year: dict[str, dict[int, int]] = dataclasses.field(default_factory=dict)
    #: Keys the figure takes as they are (the ``sheet`` its series was read from).
    keys: dict[str, str] = dataclasses.field(default_factory=dict)


def update_series(document: Document, country: str, update: SeriesUpdate) -> list[Change]:
    """Put ``update``'s values into the figure of its source; add that figure where missing.

    Only the figure whose ``source`` is the update's is touched; values are converted to its
    unit; years the update has no value for keep theirs. Nothing is edited if nothing differs.
    """
    parts = update.field.split(".")
    parent, struct = _walk(document.data, parts[:-1])
    key = parts[-1]
    current = parent.get(key) if parent is not None else None
    items = current if isinstance(current, list) else [] if current is None else [current]
    mine = [f for f in items if isinstance(f, CommentedMap) and f.get("source") == update.source]
    target = next((f for f in mine if "series" in f), mine[0] if mine else None)
    unit = target["unit"] if target is not None else update.new_unit
    held: dict[int, Any] = {}
    if target is not None:
        held = dict(target["series"]) if "series" in target else {target["year"]: target["value"]}
    changes: list[Change] = []
    for year, value in sorted(update.values.items()):
        number = convert(value, update.unit, unit)
        if number is None:
            assert target is not None  # a new figure takes the update's own quantity
            path: tuple[str | int, ...] = tuple(parts)
            if isinstance(current, list):
                path = (*path, items.index(target))
            message = f"unit {unit!r} cannot hold {update.source} values in {update.unit!r}"
            raise InvalidData([document.problem(target, "unit", path, message)])
        old = held.get(year)
        if old is None or float(old) != number:
            changes.append(Change(country, update.field, year, None if old is None else float(old), number))
    beside: dict[str, list[Change]] = {}
    for name, numbers in update.per_year.items():
        kept = dict(target.get(name) or {}) if target is not None else {}
        beside[name] = [
            Change(country, f"{update.field}.{name}", year, kept.get(year), number)
            for year, number in sorted(numbers.items())
            if kept.get(year) != number
        ]
    if not changes and not any(beside.values()):
        return []
    if target is None:
        series = flow({c.year: tidy(c.new) for c in changes})
        made_keys = {k: flow({c.year: int(c.new) for c in made}) for k, made in beside.items() if made}
        figure = flow(
            {"unit": unit, "source": update.source, "series": series, **made_keys}
            | update.keys
            | {"note": update.new_note}
        )
        parent = _make_parents(document.data, parts[:-1])
        if current is None:
            insert_in_order(parent, key, CommentedSeq([figure]), field_order(struct))
        elif isinstance(current, list):
            current.append(figure)
        else:
            parent[key] = CommentedSeq([current, figure])
        return changes + [c for made in beside.values() for c in made]
    if "series" not in target:
        # A single WDI value becomes the first year of a series, in the place the value held.
        position = list(target).index("value")
        point = {target.pop("year"): target.pop("value")}
        target.insert(position, "series", flow(point))
    _put_years(target["series"], {c.year: tidy(c.new) for c in changes})
    order = field_order(Figure)
    for name, made in beside.items():
        if not made:
            continue
        if name not in target:
            insert_in_order(target, name, flow({}), order)
        _put_years(target[name], {c.year: int(c.new) for c in made})
    for name, text in update.keys.items():
        if target.get(name) != text:
            set_keys(target, {name: text}, order)
    return changes + [c for made in beside.values() for c in made]


def _put_years(mapping: CommentedMap, values: dict[int, Any]) -> None:
    """Set each year's value in a year → value mapping, a new year in its place in year order."""
    for year, value in values.items():
        if year in mapping:
            mapping[year] = value
        else:
            later = [i for i, held in enumerate(mapping) if held > year]
            mapping.insert(later[0] if later else len(mapping), year, value)


def _walk(root: CommentedMap, parts: list[str]) -> tuple[CommentedMap | None, type[msgspec.Struct]]:
    """The mapping at ``parts`` (None where a section is missing) and the record it holds."""
    node: CommentedMap | None = root
    struct: type[msgspec.Struct] = Profile
    for part in parts:
        struct = _record_of(struct, part)
        node = node.get(part) if node is not None else None
    return node, struct


def _make_parents(root: CommentedMap, parts: list[str]) -> CommentedMap:
    node: CommentedMap = root
    struct: type[msgspec.Struct] = Profile
    for part in parts:
        if node.get(part) is None:
            insert_in_order(node, part, CommentedMap(), field_order(struct))
        struct = _record_of(struct, part)
        node = node[part]
    return node


def _record_of(struct: type[msgspec.Struct], part: str) -> type[msgspec.Struct]:
    """The record a section of ``struct`` holds (``Hydropower`` for ``hydropower: Hydropower | None``)."""
    kind = next(f.type for f in msgspec.structs.fields(struct) if f.name == part)
    options = typing.get_args(kind) or (kind,)
    return next(t for t in options if isinstance(t, type) and issubclass(t, msgspec.Struct))


def set_keys(mapping: CommentedMap, values: dict[str, Any], order: list[str]) -> None:
    """Set keys in place; a key the mapping lacks goes where the model's field order puts it."""
    for key, value in values.items():
        if key in mapping:
            mapping[key] = value
        else:
            insert_in_order(mapping, key, value, order)


# --- writing ---------------------------------------------------------------------------------


def write_all(
    files: dict[Path, str],
    target: Path,
    layers: list[Path] | None,
    today: dt.date,
    *,
    dry_run: bool = False,
) -> None:
    """Write ``files`` (all inside the data folder ``target``) or none of them, across any crash.

    Every file is first written to a staging folder and the staged data folder is validated
    over ``layers``, as ``ca-profiles validate`` would; only then are the files committed
    (:func:`ca_profiles.journal.commit`: a journal the next run completes if this one dies
    half-way). The folder's lock is held throughout; an importer that reads the files it
    changes should hold it from before that reading, with :func:`locked`, so that no other
    writer's update is lost in between. A dry run validates in a temporary folder elsewhere
    and leaves ``target`` as it was.
    """
    if dry_run:
        _stage_and_check(files, target, layers, today, Path(tempfile.mkdtemp(prefix=journal.STAGING)))
        return
    with writing(target):
        try:
            staging = Path(tempfile.mkdtemp(prefix=journal.STAGING, dir=target))
        except OSError as exc:
            raise _unwritable(target, exc) from None
        _stage_and_check(files, target, layers, today, staging)
        try:
            journal.commit(target, staging, [str(final.relative_to(target)) for final in files])
        except OSError as exc:
            committed = (target / journal.JOURNAL).exists()
            then = "the next run completes the update" if committed else "nothing was changed"
            raise _unwritable(target, exc, then) from None


@contextlib.contextmanager
def writing(target: Path, *, dry_run: bool = False) -> Iterator[None]:
    """Hold the lock of the data folder ``target`` (made if missing, removed again if nothing
    was written to it) while an importer reads what it will change and writes it. Another
    writer on the folder is a :class:`~ca_profiles.errors.DataFolderError` error (exit 1); an
    update a crash interrupted is first completed. A dry run takes no lock and makes nothing.
    """
    if dry_run:
        yield
        return
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(target, exc) from None
    try:
        with locked(target):
            yield
    finally:
        if created and target.is_dir() and not any(target.iterdir()):
            shutil.rmtree(target, ignore_errors=True)


def _stage_and_check(
    files: dict[Path, str], target: Path, layers: list[Path] | None, today: dt.date, staging: Path
) -> None:
    """Write ``files`` under ``staging`` and validate it as a data folder; on any failure
    (invalid data, a full disk, a signal) the staging folder is removed."""
    try:
        for final, text in files.items():
            staged = staging / final.relative_to(target)
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(text, encoding="utf-8")
        problems = catalog_module.validate([staging], layers, today)
        if problems:
            shown = display(staging)
            raise InvalidData([replace(p, file=p.file.replace(shown, display(target), 1)) for p in problems])
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _unwritable(target, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if staging.parent != target:
        shutil.rmtree(staging, ignore_errors=True)


def _unwritable(target: Path, exc: OSError, then: str = "") -> UsageError:
    """A data folder that cannot be written (read-only, full): one line, and what became of it."""
    return UsageError(
        f"cannot write to data folder '{display(target)}': {exc.strerror}" + (f"; {then}" if then else "")
    )

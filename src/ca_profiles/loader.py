"""Strict YAML reading, data folder discovery and layering.

YAML is read event by event from PyYAML's (libyaml, where present) safe parser, and the Python
objects are built here rather than by PyYAML's constructor. That is what lets us reject anchors,
aliases, tags, duplicate keys and deep nesting as they come, and remember the line and column
of every node, so that a type error found later by msgspec still points at the right line.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from .errors import UNSHOWABLE, InvalidData, Problem, UsageError

MAX_BYTES = 1024 * 1024
#: Deep enough for every file the model describes (a figure in a list in a plant in a list…).
MAX_DEPTH = 12
#: Values (scalars and collections) in one file. The bundled files hold 20 to 30 bytes per
#: value, so real data reaches the 1 MiB limit first; a file of bare one-character values
#: could hold ten times as many and take many seconds to read.
MAX_NODES = 50_000

#: The tags of plain YAML data; any other tag (``!!python/object``, ``!custom``) is refused.
_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:str": "construct_yaml_str",
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:null": "construct_yaml_null",
    "tag:yaml.org,2002:timestamp": "construct_yaml_timestamp",
}

Key = str | int
KeyPath = tuple[Key, ...]
T = TypeVar("T")


def format_path(path: KeyPath) -> str:
    """``("energy", "gas_reserves", 0, "unit")`` → ``energy.gas_reserves[0].unit``."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Document:
    """A parsed YAML file: its plain Python data and where each node stands in the file."""

    file: str
    data: Any
    #: path → (line, column) of the value at that path, 1-based.
    values: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    #: path → (line, column) of the key that introduces that path.
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def problem(self, path: KeyPath, message: str, *, at_key: bool = False) -> Problem:
        """A problem at ``path``, or at the nearest enclosing node the file has."""
        line, column = self.locate(path, at_key=at_key)
        return Problem(self.file, line, column, format_path(path), message)

    def locate(self, path: KeyPath, *, at_key: bool = False) -> tuple[int, int]:
        if at_key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)


def _fail(file: str, mark: Any, message: str, path: KeyPath = ()) -> InvalidData:
    return InvalidData([Problem(file, mark.line + 1, mark.column + 1, format_path(path), message)])


def read_yaml(path: Path, display: str | None = None) -> Document:
    """Read one YAML file strictly; raise :class:`InvalidData` on the first problem."""
    file = display or str(path)
    try:
        raw = read_regular(path, MAX_BYTES)
    except NotRegular:
        raise InvalidData([Problem(file, 1, 1, "", "not a regular file")]) from None
    except TooBig as exc:
        message = f"file is {exc.size:,} bytes; the limit is 1 MiB"
        raise InvalidData([Problem(file, 1, 1, "", message)]) from None
    except OSError as exc:
        raise InvalidData([Problem(file, 1, 1, "", f"cannot read file: {exc.strerror}")]) from None
    return parse_yaml(raw, file)


class NotRegular(Exception):
    """A named pipe, a device, a folder: what is not a regular file is never read."""


class TooBig(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def read_regular(path: Path, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (:class:`NotRegular`,
    :class:`TooBig` else); with ``follow`` false, a link is not followed (an ``OSError``)."""
    # Without O_NONBLOCK, opening a named pipe waits for a writer that may never come.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular
        if info.st_size > limit:
            raise TooBig(info.st_size)
        with open(fd, "rb", closefd=False) as stream:
            # read(n) allocates n bytes at once: ask for what the file holds, and for more (up
            # to the limit) only where it grew meanwhile; a file over the limit is caught by
            # the reader.
            raw = stream.read(info.st_size + 1)
            if len(raw) > info.st_size:
                raw += stream.read(limit - len(raw) + 1)
            return raw
    finally:
        os.close(fd)


def parse_yaml(raw: bytes, file: str) -> Document:
    # PyYAML is imported here, by the runs that parse: a run served by the cache never needs it.
    import yaml

    if len(raw) > MAX_BYTES:
        raise InvalidData([Problem(file, 1, 1, "", f"file is {len(raw):,} bytes; the limit is 1 MiB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded"
        raise InvalidData([Problem(file, line, column, "", message)]) from None
    # A byte-order mark is valid UTF-8 that some editors add; it carries no data.
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise InvalidData([Problem(file, *_locate(text, text.index("\x00")), "", "NUL byte in file")])
    doc = Document(file, None)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        doc.data = _build(loader, doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = ": ".join(p for p in (exc.context, exc.problem) if p)
        raise _fail(file, mark, problem or "invalid YAML") from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow in a file (a raw escape or control character); the
        # parsers count its position differently, but it is the first such character.
        character = chr(exc.character) if isinstance(exc.character, int) else ""
        where = _locate(text, text.find(character)) if character else (1, 1)
        message = f"character {character!r} is not allowed in text: control characters are refused"
        raise InvalidData([Problem(file, *where, "", message)]) from None
    except yaml.YAMLError as exc:
        raise InvalidData([Problem(file, 1, 1, "", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return doc


def _locate(text: str, offset: int) -> tuple[int, int]:
    """Line and column, 1-based, of a character of ``text``."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _build(loader: Any, doc: Document) -> Any:
    """Turn the parser's events into Python data, recording marks, refusing what we do not read."""
    import yaml

    constructor = yaml.constructor.SafeConstructor()
    file = doc.file
    # Each open collection: [container, path, pending key (mappings), key mark].
    stack: list[list[Any]] = []
    result: Any = None
    documents = 0

    def place(value: Any, mark: Any) -> None:
        nonlocal result
        if not stack:
            result = value
            doc.values[()] = (mark.line + 1, mark.column + 1)
            return
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            here = (*path, len(container))
            container.append(value)
        elif frame[2] is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise _fail(file, mark, "a mapping key must be a plain value", path)
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                value = str(value) if value is not None else "null"
            if value in container:
                first = doc.keys[(*path, value)]
                raise _fail(file, mark, f"duplicate key {value!r} (first at line {first[0]})", (*path, value))
            frame[2] = value
            doc.keys[(*path, value)] = (mark.line + 1, mark.column + 1)
            return
        else:
            here = (*path, frame[2])
            container[frame[2]] = value
            frame[2] = _NO_KEY
        doc.values[here] = (mark.line + 1, mark.column + 1)

    def child_path() -> KeyPath:
        if not stack:
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            return (*path, len(container))
        # Where a key is awaited, what comes is that key: it is named by the mapping's path.
        return path if frame[2] is _NO_KEY else (*path, frame[2])

    construct = {tag: getattr(constructor, method) for tag, method in _SCALAR_CONSTRUCTORS.items()}
    starts = {yaml.MappingStartEvent: dict, yaml.SequenceStartEvent: list}
    ends = {yaml.MappingEndEvent, yaml.SequenceEndEvent}
    nodes = 0
    # Events are told apart by exact type, most frequent first: this loop runs once per value.
    while loader.check_event():
        event = loader.get_event()
        kind = type(event)
        if kind in ends:
            stack.pop()
            continue
        mark = event.start_mark
        if kind is yaml.ScalarEvent or kind in starts:
            nodes += 1
            if nodes > MAX_NODES:
                raise _fail(file, mark, f"more than {MAX_NODES:,} values in one file", child_path())
            if event.anchor is not None:
                raise _fail(file, mark, f"anchor &{event.anchor} is not allowed", child_path())
            tag = event.tag
            if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise _fail(file, mark, f"tag {shown!r} is not allowed", child_path())
        if kind is yaml.ScalarEvent:
            if event.tag in _SCALAR_CONSTRUCTORS:
                tag = event.tag
            elif event.tag == "!" or event.tag is not None:
                tag = _STR
            else:
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR or tag not in construct:
                value = event.value  # what construct_yaml_str would return
            else:
                try:
                    value = construct[tag](yaml.ScalarNode(tag, event.value, style=event.style))
                except (ValueError, OverflowError) as exc:
                    raise _fail(file, mark, f"cannot read {event.value!r}: {exc}", child_path()) from None
                except (KeyError, AttributeError, TypeError):
                    # An explicit tag on text that is not of its kind (``!!bool maybe``):
                    # PyYAML's constructors do not expect it.
                    what = tag.rsplit(":", 1)[-1]
                    article = "an" if what[0] in "aeiou" else "a"
                    what = {"bool": "boolean", "int": "integer", "float": "number"}.get(what, what)
                    message = f"cannot read {event.value!r}: not {article} {what}"
                    raise _fail(file, mark, message, child_path()) from None
                if type(value) is int and not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
                    message = f"number {event.value} is out of range (64-bit integers only)"
                    raise _fail(file, mark, message, child_path())
            if type(value) is str and (bad := UNSHOWABLE.search(value)):
                awaiting_key = bool(stack) and stack[-1][2] is _NO_KEY and isinstance(stack[-1][0], dict)
                where = (*child_path(), value) if awaiting_key else child_path()
                raise _unshowable(file, mark, bad, event.style, where)
            place(value, mark)
        elif kind in starts:
            if len(stack) >= MAX_DEPTH:
                raise _fail(file, mark, f"nested deeper than {MAX_DEPTH} levels", child_path())
            container: Any = starts[kind]()
            path = child_path()
            place(container, mark)
            stack.append([container, path, _NO_KEY])
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _fail(file, mark, "more than one YAML document in the file")
        elif kind is yaml.AliasEvent:
            raise _fail(file, mark, f"alias *{event.anchor} is not allowed", child_path())
    return result


def _unshowable(file: str, mark: Any, bad: re.Match[str], style: str | None, path: KeyPath) -> InvalidData:
    import unicodedata

    code = ord(bad[0])
    name = unicodedata.name(bad[0], "a control character")
    # In a plain scalar each character is one column; elsewhere the scalar's start is given.
    column = mark.column + 1 + (bad.start() if not style else 0)
    message = (
        f"U+{code:04X} ({name}) is not allowed in text: control, bidi and zero-width characters are refused"
    )
    return InvalidData([Problem(file, mark.line + 1, column, format_path(path), message)])


_NO_KEY = object()
_STR = "tag:yaml.org,2002:str"
#: The integers msgpack and JSON encoders take; nothing in the data needs more.
_INT_RANGE = (-(2**63), 2**64 - 1)


# --- decoding into the model -----------------------------------------------------------------

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")


_ANY_KEY = object()


def _parse_msgspec_path(text: str) -> tuple[Any, ...]:
    """msgspec's ``$.a[0].b[...]`` as path parts; ``[...]`` (some dict key) as ``_ANY_KEY``."""
    return tuple(
        _ANY_KEY if index == "..." else int(index) if index else name for name, index in _PART.findall(text)
    )


def _pin_dict_key(data: Any, path: tuple[Any, ...], type_: Any) -> KeyPath:
    """Replace each ``_ANY_KEY`` by the key whose value fails, trying one entry at a time."""
    if _ANY_KEY not in path:
        return path
    cut = path.index(_ANY_KEY)
    prefix: KeyPath = path[:cut]

    def with_only(key: Any) -> Any:
        def rebuild(node: Any, depth: int) -> Any:
            if depth == len(prefix):
                return {key: node[key]}
            copy: Any = list(node) if isinstance(node, list) else dict(node)
            copy[prefix[depth]] = rebuild(node[prefix[depth]], depth + 1)
            return copy

        return rebuild(data, 0)

    container = data
    for part in prefix:
        container = container[part]
    for key in container:
        try:
            msgspec.convert(with_only(key), type_)
        except msgspec.ValidationError:
            return _pin_dict_key(data, (*prefix, key, *path[cut + 1 :]), type_)
    return prefix


def decode(doc: Document, type_: type[T]) -> T:
    """Convert a document's data to ``type_``; type errors point at the offending line."""
    if doc.data is None:
        raise InvalidData([Problem(doc.file, 1, 1, "", "empty file: expected a mapping")])
    try:
        return msgspec.convert(doc.data, type_)
    except msgspec.ValidationError as exc:
        raise InvalidData([_explain(doc, type_, str(exc))]) from None


def _explain(doc: Document, type_: Any, text: str) -> Problem:
    """Rewrite a msgspec validation message for people who edit YAML by hand."""
    if pattern := re.match(
        r"Expected `str` matching regex '(.*)'(?: - at `key` in `\$(.*)`| - at `\$(.*)`)?$", text
    ):
        return _bad_source_key(doc, re.compile(pattern[1]), pattern[2], pattern[3])
    match = _AT.match(text)
    assert match is not None  # the pattern matches any text
    message = match["message"]
    path = _pin_dict_key(doc.data, _parse_msgspec_path(match["path"] or ""), type_)
    if unknown := re.fullmatch(r"Object contains unknown field `(.*)`", message):
        key = unknown[1]
        from .model import RETIRED, Profile  # only needed to explain an error

        dotted = ".".join(part for part in (*path, key) if isinstance(part, str))
        if type_ is Profile and dotted in RETIRED:
            return doc.problem((*path, key), f"{key!r} is no longer a field: {RETIRED[dotted]}", at_key=True)
        expected = _expected(type_, path)
        close = difflib.get_close_matches(key, expected, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f" (expected one of {', '.join(expected)})"
        return doc.problem((*path, key), f"unknown key {key!r}{hint}", at_key=True)
    if missing := re.fullmatch(r"Object missing required field `(.*)`", message):
        return doc.problem(path, f"missing required key {missing[1]!r}")
    if invalid := re.fullmatch(r"Invalid enum value (.*)", message):
        expected = _expected(type_, path)
        what = "unit" if path and path[-1] == "unit" else "value"
        return doc.problem(path, f"unknown {what} {invalid[1]} (expected one of {', '.join(expected)})")
    if got := re.fullmatch(r"Expected `(.*)`, got `(.*)`", message):
        want, have = got[1], got[2]
        hint = ""
        if have == "bool" and "str" in want:
            hint = " (YAML reads yes/no/on/off/true/false as booleans: quote the text)"
        return doc.problem(path, f"expected {want}, got {have}{hint}")
    return doc.problem(path, message)


def _bad_source_key(doc: Document, pattern: re.Pattern[str], keys_of: str | None, at: str | None) -> Problem:
    """A source key (the only text the model constrains by a pattern) that is not one."""
    rule = "cannot serve as a citation key: use letters, digits and inner -_.:"
    if keys_of is not None and _ANY_KEY not in _parse_msgspec_path(keys_of):
        path: KeyPath = _parse_msgspec_path(keys_of)
        container = doc.data
        for part in path:
            container = container[part]
        key = next(k for k in container if not isinstance(k, str) or not pattern.search(k))
        return doc.problem((*path, key), f"source key {key!r} {rule}", at_key=True)
    path = _parse_msgspec_path(at or keys_of or "")
    if _ANY_KEY in path:  # inside a mapping of records: the record is as precise as we get
        return doc.problem(path[: path.index(_ANY_KEY)], f"a source key here {rule}")
    value: Any = doc.data
    for part in path:
        value = value[part]
    return doc.problem(path, f"source key {value!r} {rule}")


def _expected(type_: Any, path: KeyPath) -> list[str]:
    """The keys (for a record) or values (for a vocabulary) the model allows at ``path``."""
    import msgspec.inspect as mi  # only needed to explain an error

    def options(info: Any) -> list[Any]:
        return list(info.types) if isinstance(info, mi.UnionType) else [info]

    infos = [mi.type_info(type_)]
    for part in path:
        following: list[Any] = []
        for info in (o for i in infos for o in options(i)):
            if isinstance(info, mi.StructType) and isinstance(part, str):
                following += [f.type for f in info.fields if f.name == part]
            elif isinstance(info, mi.ListType) and isinstance(part, int):
                following.append(info.item_type)
            elif isinstance(info, mi.DictType):
                following.append(info.value_type)
        infos = following
    found: list[str] = []
    for info in (o for i in infos for o in options(i)):
        if isinstance(info, mi.StructType):
            found += [f.name for f in info.fields]
        elif isinstance(info, mi.LiteralType):
            found += [str(v) for v in info.values]
        elif isinstance(info, mi.ListType) and isinstance(info.item_type, mi.StructType):
            found += [f.name for f in info.item_type.fields]
    return found


def load(path: Path, type_: type[T], display: str | None = None) -> tuple[T, Document]:
    doc = read_yaml(path, display)
    return decode(doc, type_), doc


# --- data folders ----------------------------------------------------------------------------


def bundled_root() -> Path:
    """The bundled ``data/``: inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def env_roots() -> list[Path]:
    """The data folders named by ``CA_PROFILES_DATA``, in order."""
    return [Path(p) for p in os.environ.get("CA_PROFILES_DATA", "").split(os.pathsep) if p]


def data_roots(extra: list[Path] | None = None) -> list[Path]:
    """The bundled data, then ``CA_PROFILES_DATA``, then ``--data-dir``: later layers win."""
    roots = [bundled_root()]
    for root in [*env_roots(), *(extra or [])]:
        if not root.is_dir():
            raise UsageError(f"data folder '{root}' does not exist or is not a folder")
        roots.append(root)
    return roots


def profile_files(root: Path) -> Iterator[tuple[Path, Problem | None]]:
    """Each ``countries/*.yaml`` of a data folder; a link leading outside the folder is a problem."""
    countries = root / "countries"
    if not countries.is_dir():
        return
    inside = countries.resolve()
    # scandir knows which entries are links without a system call for each of them.
    try:
        with os.scandir(countries) as listing:
            entries = sorted((e for e in listing if e.name.endswith(".yaml")), key=lambda e: e.name)
    except OSError as exc:
        yield countries, Problem(str(countries), 1, 1, "", f"cannot read folder: {exc.strerror}")
        return
    for entry in entries:
        path = countries / entry.name
        if entry.is_symlink():
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # RuntimeError: a loop of links (before Python 3.13)
                yield path, Problem(str(path), 1, 1, "", "link cannot be followed")
                continue
            if not target.is_relative_to(inside):
                yield path, Problem(str(path), 1, 1, "", "link points outside the data folder")
                continue
        yield path, None

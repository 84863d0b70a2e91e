"""A cached profile decoded in part: only the fields a view reads.

A profile's cache entry is the msgpack of the whole record. Decoding all of it into typed
records is most of what ``rank`` or ``compare --all`` over a large data folder costs, while
``rank energy.gas_reserves`` reads one field of each profile. A projection decodes the named
fields (and whatever a record cannot be built without) and leaves every other field at its
default, as if the file did not give it; the rest of the entry is skipped, not decoded.

A projection is only ever asked for by the view that reads it, which names what it reads; a
profile decoded whole serves every projection.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

import msgspec

from .model import Profile

T = TypeVar("T", bound=msgspec.Struct)

#: Read for every profile, whatever the view, beside the fields a record cannot be built
#: without (its id, name and codes): the date of independence, since a country not yet
#: independent at the date asked is left out.
ALWAYS = ("independence",)

#: Field names to what is read of each: None for the whole field.
Tree = dict[str, "Tree | None"]

_NIL = b"\xc0"
_fields = msgspec.msgpack.Decoder(dict[str, msgspec.Raw])


def tree(paths: Iterable[str]) -> Tree:
    """Dotted field paths as a tree; a path inside a field read whole adds nothing."""
    root: Tree = {}
    for path in (*ALWAYS, *paths):
        node: Tree | None = root
        *parents, last = path.split(".")
        for part in parents:
            assert node is not None
            node = node.setdefault(part, {})
            if node is None:
                break
        else:
            assert node is not None
            node[last] = None
    return root


def decode(payload: msgspec.Raw | bytes, wanted: Tree) -> Profile:
    """A profile from its msgpack with only the fields of ``wanted`` (see ``tree``) read."""
    return _build(Profile, payload, wanted)


def _build(type_: type[T], payload: msgspec.Raw | bytes, wanted: Tree) -> T:
    given = _fields.decode(payload)
    values: dict[str, Any] = {}
    for name, (field_type, required) in _layout(type_).items():
        if name not in given or not (required or name in wanted):
            continue
        raw, inner = given[name], wanted.get(name)
        record = _record(field_type) if inner is not None else None
        if inner is not None and record is not None and bytes(raw) != _NIL:
            values[name] = _build(record, raw, inner)
        else:
            values[name] = _decoder(field_type).decode(raw)
    return type_(**values)


@cache
def _layout(type_: type[msgspec.Struct]) -> dict[str, tuple[Any, bool]]:
    """A record's fields by the names files use: each one's type, and whether it is required."""
    return {f.encode_name: (f.type, f.required) for f in msgspec.structs.fields(type_)}


@cache
def _record(field_type: Any) -> type[msgspec.Struct] | None:
    """The record type of a field that holds one record (or nothing); None for anything else,
    which is decoded whole."""
    options = get_args(field_type) if get_origin(field_type) in (Union, types.UnionType) else (field_type,)
    records = [t for t in options if isinstance(t, type) and issubclass(t, msgspec.Struct)]
    others = [t for t in options if t is not type(None) and t not in records]
    return records[0] if len(records) == 1 and not others else None


@cache
def _decoder(field_type: Any) -> msgspec.msgpack.Decoder[Any]:
    return msgspec.msgpack.Decoder(field_type)

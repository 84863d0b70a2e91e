"""A cache of decoded data files, so that a run need not parse YAML it has read before, and of
what is derived from them (the summaries of ``Session.summaries``).

Entries live under ``$CA_PROFILES_CACHE``, else ``$XDG_CACHE_HOME/ca-profiles``, else
``~/.cache/ca-profiles``, as msgpack, one file per entry, each stamped with what it was built
from: the data files' :func:`stamp` and the code that decoded or derived it. The cache is
never required: an entry that is missing, stale, corrupt or unreadable is a miss, and a cache
folder that cannot be written is simply not written (the tool then parses every time). Only
regular files of a bounded size are read as entries: a named pipe, a device or a link there is
a miss. A file that fails to decode is never stored as decoded data, and ``validate`` never
reads the cache.
"""

from __future__ import annotations

import os
import zlib
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from . import __version__
from .errors import UsageError
from .loader import NotRegular, TooBig, read_regular

T = TypeVar("T")
#: The largest entry read: more than any data file decodes to (they are 1 MiB at most) or a
#: folder's name index needs. Anything bigger, or not a regular file, is a miss.
MAX_ENTRY = 32 * 1024 * 1024
#: What an entry was built from: a file's :func:`stamp`, or () where the entry checks itself.
Stamp = tuple[int, ...]


class _Entry(msgspec.Struct, array_like=True):
    code: str
    key: str
    stamp: Stamp
    payload: msgspec.Raw


def folder() -> Path | None:
    """Where entries live; None where no home folder can be found."""
    env = os.environ
    return _folder(env.get("CA_PROFILES_CACHE"), env.get("XDG_CACHE_HOME"), env.get("HOME"))


@cache
def _folder(chosen: str | None, xdg: str | None, home: str | None) -> Path | None:
    # Keyed by the variables it reads: asked once per file, and tests change them.
    if chosen:
        return Path(chosen)
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative value is ignored
        return Path(xdg) / "ca-profiles"
    try:
        return Path.home() / ".cache" / "ca-profiles"
    except RuntimeError:
        return None


def stamp(path: Path) -> Stamp:
    """What changes whenever a file's content may have: its inode, modification and change
    times and size. The change time also moves on ``chmod``, so a file made unreadable is
    read again (and reported) rather than served from the cache. Take it before reading the
    file: a change made while it is read then leaves an entry the next run sees as stale."""
    info = path.stat()
    return (info.st_ino, info.st_mtime_ns, info.st_ctime_ns, info.st_size)


@cache
def _code() -> str:
    # Entries from another version, or from an edited module, are stale: what a file decodes
    # to depends on the model and the loader, and what is derived from it on the views' rules.
    # The package's own modules are all stamped (the command line and the renderers, in
    # folders of their own, derive nothing that is kept).
    here = Path(__file__).parent
    return ";".join([__version__, *(str(stamp(path)) for path in sorted(here.glob("*.py")))])


def _place(kind: str, key: str) -> Path | None:
    root = folder()
    if root is None:
        return None
    # 64 bits of checksum name the file (hashlib costs more to import than a run of the tool
    # can spare); the key inside an entry is what is checked, so a clash is only a miss.
    raw = key.encode(errors="surrogateescape")
    return root / kind / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.msgpack"


def _name(key: Path, context: str) -> str:
    return f"{key.absolute()}\n{context}" if context else str(key.absolute())


def load(kind: str, key: Path, stamp: Stamp, type_: type[T], *, context: str = "") -> T | None:
    """The value stored for ``key`` (and ``context``, what else it was derived for) with this
    ``stamp``; None on any miss."""
    name = _name(key, context)
    place = _place(kind, name)
    if place is None:
        return None
    try:
        raw = read_regular(place, MAX_ENTRY, follow=False)
        if len(raw) > MAX_ENTRY:
            return None
        entry = msgspec.msgpack.decode(raw, type=_Entry)
        if (entry.code, entry.key, entry.stamp) != (_code(), name, stamp):
            return None
        return msgspec.msgpack.decode(entry.payload, type=type_)
    except (OSError, NotRegular, TooBig, msgspec.MsgspecError):
        return None


def store(kind: str, key: Path, stamp: Stamp, value: Any, *, context: str = "") -> None:
    """Keep ``value`` for ``key`` and ``context``; silently nothing where the cache cannot be
    written."""
    name = _name(key, context)
    place = _place(kind, name)
    if place is None:
        return
    from .files import replacing  # only a run that stores needs tempfile and shutil

    try:
        payload = msgspec.Raw(msgspec.msgpack.encode(value))
        data = msgspec.msgpack.encode(_Entry(_code(), name, stamp, payload))
        place.parent.mkdir(parents=True, exist_ok=True)
        # Written whole or not at all: a reader, or an interrupted run, never sees half an entry.
        with replacing(place, force=True, sweep=False) as temporary:
            temporary.write_bytes(data)
    except (OSError, UsageError, OverflowError, msgspec.EncodeError):
        pass

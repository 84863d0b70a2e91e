"""Writing outputs so that nothing half-written is ever left under the name asked for.

What an output may replace: nothing without ``--force``; with it, a regular file (or, for a
folder output, a folder) or a symbolic link, which is itself replaced and never written
through. Named pipes, devices, sockets and anything of the other kind are refused.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError
from .journal import fault

_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_target(target: Path, force: bool, *, folder: bool = False) -> None:
    """Refuse an output ``target`` that may not be replaced (see the module's rule)."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"cannot write '{target}': {_reason(exc)}") from None
    if not target.parent.is_dir():
        raise UsageError(f"cannot write '{target}': folder '{target.parent}' does not exist")
    if info is None:
        return
    mode = stat.S_IFMT(info.st_mode)
    if mode in _KINDS:
        raise UsageError(
            f"'{target}' is {_KINDS[mode]}; only a regular file is replaced, so it is left as it is"
        )
    if mode == stat.S_IFDIR and not folder:
        raise UsageError(f"'{target}' is a folder; it is left as it is")
    if mode == stat.S_IFREG and folder:
        raise UsageError(f"'{target}' exists and is not a folder; it is left as it is")
    if not force:
        if mode == stat.S_IFLNK:
            raise UsageError(
                f"'{target}' is a link; --force replaces the link itself, never what it points to"
            )
        raise UsageError(f"'{target}' exists; --force replaces it")


@contextlib.contextmanager
def replacing(target: Path, force: bool, *, folder: bool = False) -> Iterator[Path]:
    """A temporary file (or folder) beside ``target`` to write, renamed to ``target`` when whole.

    An existing ``target`` is replaced only with ``force``, and only when :func:`check_target`
    allows. On any failure (a full disk, a read-only folder, a signal) the temporary is
    removed and ``target`` left as it was; an ``OSError`` becomes a one-line ``UsageError``.
    """
    check_target(target, force, folder=folder)
    umask = os.umask(0)
    os.umask(umask)
    try:
        if folder:
            temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
        else:
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            os.close(handle)
            temp = Path(name)
        # mkstemp and mkdtemp make private files; the output gets the usual permissions.
        temp.chmod((0o777 if folder else 0o666) & ~umask)
    except OSError as exc:
        raise UsageError(f"cannot write '{target}': {_reason(exc)}") from None
    try:
        yield temp
        fault("before-rename")
        # Checked again just before the rename: what appeared meanwhile is not replaced blindly.
        check_target(target, force, folder=folder)
        if folder and target.is_dir() and not target.is_symlink():
            # A folder cannot replace another in one rename: move the old one aside first.
            old = temp.with_name(temp.name + ".old")
            os.replace(target, old)
            try:
                os.replace(temp, target)
            except OSError:
                os.replace(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        elif folder and target.is_symlink():
            target.unlink()  # rename cannot put a folder in a link's place
            os.replace(temp, target)
        else:
            os.replace(temp, target)  # a link is replaced itself, never written through
    except BaseException as exc:
        remove(temp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write '{target}': {_reason(exc)}") from None
        raise


def remove(path: Path) -> None:
    """Remove a temporary file or folder (and what SQLite keeps beside a file), if there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    for suffix in ("-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)

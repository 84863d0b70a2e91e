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
def replacing(target: Path, force: bool, *, folder: bool = False, sweep: bool = True) -> Iterator[Path]:
    """A temporary file (or folder) beside ``target`` to write, renamed to ``target`` when whole.

    An existing ``target`` is replaced only with ``force``, and only when :func:`check_target`
    allows. On any failure (a full disk, a read-only folder, a signal) the temporary is
    removed and ``target`` left as it was; an ``OSError`` becomes a one-line ``UsageError``.
    The temporary is locked (``flock``) while it is written, so that with ``sweep`` the
    temporaries of ``target`` that a killed run left (no live run holds their lock) are
    removed first.
    """
    check_target(target, force, folder=folder)
    if sweep:
        _sweep(target)
    umask = os.umask(0)
    os.umask(umask)
    try:
        if folder:
            temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
            handle = os.open(temp, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        else:
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            temp = Path(name)
        # mkstemp and mkdtemp make private files; the output gets the usual permissions.
        temp.chmod((0o777 if folder else 0o666) & ~umask)
    except OSError as exc:
        raise UsageError(f"cannot write '{target}': {_reason(exc)}") from None
    with _held(handle):
        yield from _fill_and_rename(temp, target, force, folder, output=sweep)


@contextlib.contextmanager
def _held(handle: int) -> Iterator[None]:
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: no one else holds it
        yield
    finally:
        os.close(handle)


def _sweep(target: Path) -> None:
    """Remove what runs killed while writing ``target`` left beside it (SIGKILL, a crash)."""
    prefix = f".{target.name}."
    try:
        names = [
            n for n in os.listdir(target.parent) if n.startswith(prefix) and n.endswith((".tmp", ".tmp.old"))
        ]
    except OSError:
        return
    for name in names:
        path = target.parent / name
        live = name.removesuffix(".old")
        fd = _claim(target.parent / live) if os.path.lexists(target.parent / live) else None
        if fd is None and os.path.lexists(target.parent / live):
            continue  # a live run is writing it
        try:
            if name.endswith(".old") and not os.path.lexists(target):
                os.replace(path, target)  # killed between the two renames of a folder swap
            else:
                remove(path)
        except OSError:
            pass
        finally:
            if fd is not None:
                os.close(fd)


def _claim(path: Path) -> int | None:
    """A descriptor holding ``path``'s lock; None where a live run holds it."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _fill_and_rename(temp: Path, target: Path, force: bool, folder: bool, *, output: bool) -> Iterator[Path]:
    try:
        yield temp
        if output:  # an output the user asked for, not a cache entry
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

"""Writing outputs so that nothing half-written is ever left under the name asked for."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError


@contextlib.contextmanager
def replacing(target: Path, force: bool, *, folder: bool = False) -> Iterator[Path]:
    """A temporary file (or folder) beside ``target`` to write, renamed to ``target`` when whole.

    An existing ``target`` is replaced only with ``force``, and only by one of its kind.
    """
    kind = "folder" if folder else "file"
    if not target.parent.is_dir():
        raise UsageError(f"cannot write '{target}': folder '{target.parent}' does not exist")
    if target.exists():
        if not force:
            raise UsageError(f"'{target}' exists; --force replaces it")
        if target.is_dir() != folder:
            raise UsageError(f"'{target}' exists and is not a {kind}; it is left as it is")
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
        raise UsageError(f"cannot write '{target}': {exc.strerror}") from None
    try:
        yield temp
        if folder and target.exists():
            # A folder cannot replace another in one rename: move the old one aside first.
            old = temp.with_name(temp.name + ".old")
            os.replace(target, old)
            os.replace(temp, target)
            shutil.rmtree(old)
        else:
            os.replace(temp, target)
    except BaseException as exc:
        if folder:
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write '{target}': {exc.strerror}") from None
        raise

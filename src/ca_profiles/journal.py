"""The data folder's lock and the journal that makes a multi-file update all or nothing.

A writer holds an advisory lock (``flock``) on the folder ``DIR`` itself from before it reads
the files it will change until they are in place, so two imports never interleave and neither
loses the other's values. A second writer is refused at once rather than made to wait.

An update is staged in a folder inside ``DIR``, then committed by one atomic rename of the
journal ``DIR/.ca-profiles-journal.json``, which names the staging folder and the files. Only
then are the files moved into place, one rename each. After a crash at any point:

- no journal: the update never committed; the staging folder is removed and every file is old;
- a journal: the update committed; the renames it lists that have not happened are made, so
  every file is new.

:func:`recover` does this. Every writer runs it when it takes the lock, and every command that
reads ``DIR`` runs it before reading (a rename or two, only when a journal is there), so no
command ever sees half an update.

This module uses the standard library only, imported where needed: every run imports it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import DataFolderError, InvalidData, Problem

JOURNAL = ".ca-profiles-journal.json"
STAGING = ".ca-profiles-staging-"
#: Fault injection for the crash tests: ``after-replace:N`` kills the process (SIGKILL) right
#: after the N-th file of an update is moved into place; ``before-commit:SIGNAL`` sends it that
#: signal once the files are staged, before the journal is written; ``before-rename:SIGNAL``
#: once an output is written in full, before it is renamed into place.
FAULT = "CA_PROFILES_FAULT"

#: Folders whose lock this process holds.
_held: set[Path] = set()


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold the data folder's lock (re-entrant within a process); an interrupted update is
    finished first. Another process holding it is a :class:`DataFolderError` error."""
    import fcntl

    key = target.resolve()
    if key in _held:  # an outer block of this process holds it
        yield
        return
    try:
        # The folder itself is locked: no lock file is left behind, and none can be faked.
        fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise DataFolderError(f"cannot lock data folder '{target}': {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DataFolderError(
                f"another import is running on '{target}'; try again when it ends"
            ) from None
        _held.add(key)
        try:
            try:
                _recover_locked(target)
            except OSError as exc:
                message = f"an interrupted update of '{target}' cannot be completed: {exc.strerror}"
                raise DataFolderError(message) from None
            yield
        finally:
            _held.discard(key)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def recover(target: Path) -> None:
    """Finish or undo an update a crash interrupted in ``target``; nothing when there is none."""
    leftovers = (target / JOURNAL, target / (JOURNAL + ".tmp"))
    if not any(path.exists() for path in leftovers) and not any(_staging_folders(target)):
        return
    try:
        with locked(target):
            pass
    except DataFolderError:
        if (target / JOURNAL).exists():
            # A writer is moving its files into place this very moment.
            raise DataFolderError(
                f"an import is updating '{target}' right now; try again when it ends"
            ) from None


def _staging_folders(target: Path) -> Iterator[Path]:
    try:
        with os.scandir(target) as listing:
            names = [e.name for e in listing if e.name.startswith(STAGING)]
    except OSError:
        return
    yield from (target / name for name in names)


def _recover_locked(target: Path) -> None:
    journal = target / JOURNAL
    if journal.exists():
        staging, files = _read_journal(target)
        _apply(target, staging, files)
    (target / (JOURNAL + ".tmp")).unlink(missing_ok=True)
    for folder in _staging_folders(target):
        _rmtree(folder, ignore_errors=True)


def _read_journal(target: Path) -> tuple[Path, list[str]]:
    import json

    journal = target / JOURNAL
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        staging = data["staging"]
        files = data["files"]
        valid = (
            isinstance(staging, str)
            and staging.startswith(STAGING)
            and "/" not in staging
            and isinstance(files, list)
            and all(isinstance(f, str) and _inside(f) for f in files)
        )
    except (OSError, ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        message = "the journal of an interrupted update cannot be read; restore the folder from a backup"
        raise InvalidData([Problem(str(journal), 1, 1, "", message)])
    return target / staging, files


def _inside(relative: str) -> bool:
    parts = Path(relative).parts
    return bool(parts) and not Path(relative).is_absolute() and ".." not in parts


def commit(target: Path, staging: Path, files: list[str]) -> None:
    """Put the staged ``files`` (paths relative to ``target`` and to ``staging``) in place, all
    or none across any crash. The caller holds the lock; ``staging`` lies inside ``target``."""
    import json
    import signal

    temporary = target / (JOURNAL + ".tmp")
    try:
        for relative in files:
            _fsync(staging / relative)
        fault("before-commit")
        record = json.dumps({"staging": staging.name, "files": files}, ensure_ascii=False)
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(record)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        # Not committed: every file is still the old one.
        temporary.unlink(missing_ok=True)
        _rmtree(staging, ignore_errors=True)
        raise
    # SIGTERM and Ctrl-C wait while the update is applied: the run then ends with every file new.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        os.replace(temporary, target / JOURNAL)  # the commit point
        _fsync(target)
        _apply(target, staging, files)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _apply(target: Path, staging: Path, files: list[str]) -> None:
    import signal

    kill_after = _number("after-replace")
    for count, relative in enumerate(files, start=1):
        staged = staging / relative
        if staged.exists():  # else moved before a crash
            final = target / relative
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
            if count == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
    _fsync(target)
    (target / JOURNAL).unlink(missing_ok=True)
    _rmtree(staging, ignore_errors=True)


def fault(name: str) -> None:
    """Send the signal ``CA_PROFILES_FAULT`` asks for at this point, if it names it."""
    if (number := _number(name)) is not None:
        os.kill(os.getpid(), number)


def _number(name: str) -> int | None:
    spec = os.environ.get(FAULT, "")
    kind, _, count = spec.partition(":")
    return int(count) if kind == name and count.isdigit() else None


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _rmtree(path: Path, *, ignore_errors: bool) -> None:
    import shutil  # only a run that cleans up needs it

    shutil.rmtree(path, ignore_errors=ignore_errors)

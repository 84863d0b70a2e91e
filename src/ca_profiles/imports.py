"""What every import shares: the data folder it writes, the profiles it edits, one write at the end.

An importer (``wdi.py``, ``statreview.py``) reads its publisher's file, then hands each country's
series to a :class:`Run`, which edits the profiles with their comments kept and writes them, the
layer's ``sources.yaml`` and its release stamp all or nothing (``update.write_all``), with the
data folder locked throughout (:func:`run`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import Catalog, display
from .errors import Problem, UsageError
from .loader import bundled_root, env_roots
from .model import Source, Sources

if TYPE_CHECKING:
    from .results import Rows
    from .update import Change, Document, SeriesUpdate


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

    #: The file read, as users see its path.
    file: str
    target: Path
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    #: Profiles copied into the target folder (from the bundled data or another layer) first.
    copied: list[str] = field(default_factory=list)
    #: Names or codes of the file that no profile has.
    ignored: list[str] = field(default_factory=list)
    #: What ``ignored`` holds, for the summary: "code(s)", "name(s)".
    ignored_kind: str = "code(s)"
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
        meta = {"file": self.file, "data_dir": str(self.target), "dry_run": self.dry_run}
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
            lines.append(
                f"Ignored the rows of {len(self.ignored)} {self.ignored_kind} that no profile has: {shown}."
            )
        return "\n".join(lines)


#: The values an importer sets in its bibliography entry, given the entry as it stands.
EntryValues = Callable[[Any], dict[str, Any]]


@contextlib.contextmanager
def run(file: str, data_dir: Path | None, *, dry_run: bool) -> Iterator[Run]:
    """One import into the target folder of ``data_dir``, locked from before its profiles are
    read until the update is in place, so that two imports never lose each other's values."""
    from . import update

    target, layers = target_folder(data_dir)
    with update.writing(target, dry_run=dry_run):
        yield Run(file, target, layers, dry_run=dry_run)


class Run:
    """One import: the target folder read over its layers, the profiles edited so far."""

    def __init__(self, file: str, target: Path, layers: list[Path] | None, *, dry_run: bool) -> None:
        self.target, self.layers = target, layers
        self.catalog = Catalog.open(self.layers)
        self.outcome = Outcome(file, self.target, dry_run)
        self.outcome.problems = self.catalog.problems
        self.documents: dict[str, Document] = {}

    def update(self, id: str, series: SeriesUpdate) -> list[Change]:
        """Put one series into the profile ``id``; the changes it makes are kept for the outcome."""
        from . import update

        document = self.documents.get(id) or update.open_document(self.catalog.files[id])
        self.documents[id] = document
        changes = update.update_series(document, id, series)
        self.outcome.changes += changes
        return changes

    def write(
        self,
        key: str,
        values: EntryValues,
        *,
        tag: str,
        today: dt.date,
        new_entry: dict[str, Any] | None = None,
    ) -> Outcome:
        """Write the changed profiles and the layer's ``sources.yaml``, all or none of them.

        The entry ``key`` gets ``values``; a layer without it takes ``new_entry``, else a copy
        of the entry in the layers below. The release is stamped ``<release>+<tag>.<YYYYMMDD>``.
        """
        from . import update

        outcome = self.outcome
        files: dict[Path, str] = {}
        for id in sorted({c.country for c in outcome.changes}):
            destination = self.target / "countries" / f"{id}.yaml"
            if not _same(self.catalog.files[id], destination):
                self._check_not_shadowed(id)
                outcome.copied.append(id)
            files[destination] = self.documents[id].dump()
        outcome.changes.sort(key=lambda c: (c.country, c.field, c.year))
        if files:
            sources, outcome.release = self._sources_layer(key, values, new_entry, tag, today)
            files[self.target / "sources.yaml"] = sources
            update.write_all(files, self.target, self.layers, today, dry_run=outcome.dry_run)
        return outcome

    def _check_not_shadowed(self, id: str) -> None:
        """Refuse to write a profile that a later data folder would hide."""
        catalog, target = self.catalog, self.target
        roots = [root.resolve() for root in catalog.roots]
        held = catalog.files[id].parent.parent.resolve()
        if target.resolve() in roots and roots.index(held) > roots.index(target.resolve()):
            raise UsageError(
                f"the profile {id!r} in '{catalog.files[id].parent.parent}' takes precedence over "
                f"'{target}'; give that folder as --data-dir"
            )

    def _sources_layer(
        self, key: str, values: EntryValues, new_entry: dict[str, Any] | None, tag: str, today: dt.date
    ) -> tuple[str, str]:
        """The target's ``sources.yaml`` with the entry and the release updated.

        A layer's release takes the place of the bundled one in ``--version`` and every JSON
        document, so it is stamped ``<release it builds on>+<tag>.<YYYYMMDD>``: data updated
        after the release never pass for the release itself.
        """
        from . import update

        path = self.target / "sources.yaml"
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
        if key not in entries:
            entries[key] = update.mapping(new_entry) if new_entry is not None else self._entry_below(key)
        entry = entries[key]
        update.set_keys(entry, values(entry), update.field_order(Source))
        held = data.get("release")
        release_below = self.catalog.release
        base = str(held["version"]) if held else release_below.version if release_below else "local"
        version = f"{base.split('+')[0]}+{tag}.{today:%Y%m%d}"
        # Quoted, so that no release number is ever read as a float.
        release = update.mapping({"version": update.quoted(version), "date": today})
        if held:
            update.set_keys(held, dict(release), ["version", "date"])
        else:
            update.insert_in_order(data, "release", release, order)
        return document.dump(), version

    def _entry_below(self, key: str) -> Any:
        """The entry of the layers under the target, as a new mapping in the model's key order."""
        import msgspec

        from . import update

        source = self.catalog.sources.get(key)
        if source is None:
            raise UsageError(f"no data folder's sources.yaml has the source {key!r} to update")
        return update.mapping({k: v for k, v in msgspec.structs.asdict(source).items() if v is not None})


def _same(a: Path, b: Path) -> bool:
    return b.exists() and a.resolve() == b.resolve()

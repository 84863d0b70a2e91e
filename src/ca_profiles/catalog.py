"""All profiles of a run: layered data folders, name resolution and the shared files."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import msgspec

from . import cache, checks, journal
from .asof import records
from .errors import AmbiguousName, InvalidData, Problem, UnknownName, UsageError
from .loader import Document, data_roots, load, profile_files
from .model import (
    Infrastructure,
    InfrastructureFile,
    Methodology,
    Organization,
    Organizations,
    Profile,
    Release,
    Source,
    Sources,
)

_FOLD = re.compile(r"[\s\-_'’‘ʻʼ`.,()]+")
T = TypeVar("T")


def normalize(name: str) -> str:
    """Fold case, accents, apostrophes, spaces and hyphens: ``O‘zbekiston`` → ``ozbekiston``."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _FOLD.sub("", bare)


def display(path: Path) -> str:
    """A path as users should see it in messages: relative to the working folder when inside."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


class _Names(msgspec.Struct, array_like=True):
    """What the name index keeps of one profile file: every name it answers to, normalized,
    or the problems that keep it from being read (a bad file stays bad until it changes)."""

    stamp: cache.Stamp
    names: list[str]
    problems: list[Problem]
    #: The id the file declares and its ISO codes, checked across layers (required: an
    #: entry written before they were kept is a miss, not an empty id).
    id: str
    iso: list[str]


@dataclass
class Catalog:
    """The data of one run. Profiles are read lazily; a bad one is reported, not fatal."""

    roots: list[Path]
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _loaded: dict[str, Profile | None] = field(default_factory=dict)
    #: The profile files of each data folder, for the folder's name index.
    _folders: dict[Path, list[Path]] = field(default_factory=dict)
    #: Profile ids whose file in a later data folder replaces one in an earlier folder.
    overridden: set[str] = field(default_factory=set)
    #: The stamps of every layer's shared files, taken when the folders were listed (before
    #: any is read): what is derived from a profile may read them too (see ``derived``).
    shared: cache.Stamp = ()
    #: The stamp of each data file as it was when this catalog read it.
    _read: dict[Path, cache.Stamp] = field(default_factory=dict)

    @classmethod
    def open(cls, data_dirs: list[Path] | None = None, *, roots: list[Path] | None = None) -> Catalog:
        """The bundled data with the user's folders over it; or, given ``roots``, those folders alone."""
        catalog = cls(data_roots(data_dirs) if roots is None else roots)
        for root in catalog.roots[1:] if roots is None else catalog.roots:
            journal.recover(root)  # an update a crash cut short is finished before it is read
        for root in catalog.roots:
            paths = catalog._folders.setdefault(root, [])
            for path, problem in profile_files(root):
                if problem is not None:
                    catalog.problems.append(problem)
                else:
                    if path.stem in catalog.files:
                        catalog.overridden.add(path.stem)
                    catalog.files[path.stem] = path
                    paths.append(path)
        catalog.shared = tuple(
            number for root in catalog.roots for name in _SHARED for number in _stamp(root / name)
        )
        if len(catalog.roots) > 1:
            catalog._check_layers()
        return catalog

    def layers(self) -> list[dict[str, object]]:
        """Each data folder over the first (the bundled data): what it replaces and adds."""
        result: list[dict[str, object]] = []
        below: set[str] = set()
        for index, root in enumerate(self.roots):
            names = [f"countries/{path.name}" for path in self._folders.get(root, [])]
            names += [name for name in _SHARED if (root / name).is_file()]
            if index:
                result.append(
                    {
                        "path": str(root),
                        "overrides": sorted(n for n in names if n in below),
                        "adds": sorted(n for n in names if n not in below),
                    }
                )
            below.update(names)
        return result

    def _check_layers(self) -> None:
        """Across every layer: each profile's id is its file name, and no two profiles claim one
        ISO code (else a country would be shown twice, or receive another's imported rows)."""
        entries = self._entries
        problems: list[Problem] = []
        holders: dict[str, str] = {}
        for id in self.ids:
            path = self.files[id]
            entry = entries[str(path)]
            if entry.problems:
                continue
            if entry.id != id:
                message = f"id {entry.id!r} differs from the file name: name the file {entry.id}.yaml"
                problems.append(Problem(display(path), 1, 1, "id", message))
            for code in entry.iso:
                other = holders.setdefault(code, id)
                if other != id:
                    message = f"ISO code {code} is claimed by {other!r} too ({display(self.files[other])})"
                    problems.append(Problem(display(path), 1, 1, "iso", message))
        if problems:
            raise InvalidData(problems)

    # --- profiles ---------------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return sorted(self.files)

    def _decode(self, path: Path, type_: type[T]) -> T:
        """A data file as ``type_``: from the cache while the file is unchanged, else parsed."""
        stamp = _stamp(path)  # none where it cannot be read: the parser says what is wrong
        self._read[path] = stamp
        if stamp and (cached := cache.load("files", path, stamp, type_)) is not None:
            return cached
        value = load(path, type_, display(path))[0]
        if stamp:
            cache.store("files", path, stamp, value)
        return value

    def _load(self, id: str) -> Profile | None:
        if id not in self._loaded:
            try:
                self._loaded[id] = self._decode(self.files[id], Profile)
            except InvalidData as exc:
                self.problems += exc.problems
                self._loaded[id] = None
        return self._loaded[id]

    def get(self, id: str) -> Profile:
        """The profile with this id; its file's problem if it cannot be read."""
        loaded = self._load(id)
        if loaded is None:
            raise InvalidData([p for p in self.problems if p.file == display(self.files[id])])
        return loaded

    def lookup(self, name: str) -> Profile:
        """The profile a user's name for a country refers to."""
        return self.get(self.resolve(name))

    def profiles(self) -> list[Profile]:
        """Every profile that reads cleanly, in id order; problems are kept in ``problems``."""
        loaded = [(id, self._load(id)) for id in self.ids]
        self._refuse_broken_overrides([id for id, profile in loaded if profile is None])
        return [profile for _, profile in loaded if profile is not None]

    def derived(self, kind: str, context: str, derive: Callable[[Profile], T], type_: type[T]) -> list[T]:
        """``derive`` of every profile that reads cleanly, in id order, served by the cache.

        A result is kept per profile file and ``context`` (what else ``derive`` depends on, as
        text), stamped with the file, every layer's shared files and the code: while none of
        them changes, the profile is not read again.
        """
        results: list[T] = []
        unread: list[str] = []
        for id in self.ids:
            path = self.files[id]
            stamp = _stamp(path)
            kept = cache.load(kind, path, stamp + self.shared, type_, context=context) if stamp else None
            if kept is not None:
                results.append(kept)
                continue
            profile = self._load(id)
            if profile is None:
                unread.append(id)
                continue
            results.append(derive(profile))
            # Stamped as the file was when it was read: a file changed since (in a long
            # session of the Python API, say) leaves an entry the next run sees as stale.
            if read := self._read.get(path):
                cache.store(kind, path, read + self.shared, results[-1], context=context)
        self._refuse_broken_overrides(unread)
        return results

    def _refuse_broken_overrides(self, unread: list[str]) -> None:
        """A file that replaces a profile of an earlier data folder and cannot be read is an
        error: leaving that country out would show a world without it."""
        broken = {display(self.files[id]) for id in unread if id in self.overridden}
        if broken:
            raise InvalidData([p for p in self.problems if p.file in broken])

    # --- names ------------------------------------------------------------------------------

    @cached_property
    def _entries(self) -> dict[str, _Names]:
        """Each profile file's entry in its data folder's name index."""
        entries: dict[str, _Names] = {}
        for root, paths in self._folders.items():
            index = self._index(root, paths)
            entries.update((str(path), index[path.name]) for path in paths)
        return entries

    @cached_property
    def _names(self) -> dict[str, set[str]]:
        """Normalized name → ids, from each data folder's index rather than every profile."""
        entries = self._entries
        names: dict[str, set[str]] = {}
        for id in self.ids:
            path = self.files[id]
            entry = entries[str(path)]
            if entry.problems and id in self.overridden:
                # Its names would resolve to nothing: the replaced country would seem unknown.
                raise InvalidData([replace(problem, file=display(path)) for problem in entry.problems])
            if entry.problems and id not in self._loaded:
                self.problems += [replace(problem, file=display(path)) for problem in entry.problems]
                self._loaded[id] = None
            for name in entry.names:
                names.setdefault(name, set()).add(id)
        return names

    def _index(self, root: Path, paths: list[Path]) -> dict[str, _Names]:
        """The names of a data folder's profiles by file name; only changed files are read."""
        known = cache.load("names", root, (), dict[str, _Names]) or {}
        index: dict[str, _Names] = {}
        for path in paths:
            stamp = _stamp(path)
            entry = known.get(path.name)
            if not stamp or entry is None or entry.stamp != stamp:
                entry = self._names_of(path, stamp)
            index[path.name] = entry
        if index != known:
            cache.store("names", root, (), index)
        return index

    def _names_of(self, path: Path, stamp: cache.Stamp) -> _Names:
        names = [normalize(path.stem)]
        try:
            profile = self._decode(path, Profile)
        except InvalidData as exc:
            return _Names(stamp, names, exc.problems, path.stem, [])
        if self.files[path.stem] == path:  # not a profile that a later folder replaces
            self._loaded[path.stem] = profile
        # Every official name the country has had answers to it, not only today's.
        official = [str(r.value) for r in records(profile.official_name) if r.value is not None]
        labels = (profile.name, *official, profile.iso2, profile.iso3, *profile.aliases)
        iso = [profile.iso2.upper(), profile.iso3.upper()]
        return _Names(stamp, names + [normalize(label) for label in labels], [], profile.id, iso)

    def resolve(self, name: str) -> str:
        """A country id from any of its names; unknown and ambiguous names are errors."""
        if name in self.files:
            return name
        key = normalize(name)
        ids = self._names.get(key, set())
        if len(ids) == 1:
            return next(iter(ids))
        if ids:
            raise AmbiguousName("country", name, sorted(ids))
        close = difflib.get_close_matches(key, list(self._names), n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(id for match in close for id in sorted(self._names[match])))
        raise UnknownName("country", name, suggestions[:3])

    # --- shared files -----------------------------------------------------------------------

    def _shared(self, name: str) -> list[Path]:
        return [root / name for root in self.roots if (root / name).is_file()]

    @cached_property
    def sources_file(self) -> Sources:
        """``sources.yaml`` of every layer merged: later layers add and replace entries."""
        merged = Sources()
        for path in self._shared("sources.yaml"):
            layer = self._decode(path, Sources)
            merged.release = layer.release or merged.release
            merged.preferred = {**merged.preferred, **layer.preferred}
            merged.sources = {**merged.sources, **layer.sources}
        return merged

    @property
    def sources(self) -> dict[str, Source]:
        return self.sources_file.sources

    @property
    def release(self) -> Release | None:
        return self.sources_file.release

    @cached_property
    def organizations(self) -> dict[str, Organization]:
        merged: dict[str, Organization] = {}
        for path in self._shared("organizations.yaml"):
            layer = self._decode(path, Organizations)
            merged.update((org.id, org) for org in layer.organizations)
        return merged

    @cached_property
    def infrastructure(self) -> dict[str, Infrastructure]:
        """Pipelines and large projects by id: later layers add and replace records."""
        merged: dict[str, Infrastructure] = {}
        for path in self._shared("infrastructure.yaml"):
            layer = self._decode(path, InfrastructureFile)
            merged.update((record.id, record) for record in layer.infrastructure)
        return merged

    @cached_property
    def methodology(self) -> Methodology:
        """The index rubrics: the last layer's ``methodology.yaml`` replaces those below it."""
        layers = self._shared("methodology.yaml")
        if not layers:
            raise UsageError("no methodology.yaml in any data folder")
        path = layers[-1]
        return self._decode(path, Methodology)


def _stamp(path: Path) -> cache.Stamp:
    """A file's ``cache.stamp``; () where it is missing or cannot be read."""
    try:
        return cache.stamp(path)
    except OSError:
        return ()


_SHARED = {
    "sources.yaml": Sources,
    "organizations.yaml": Organizations,
    "methodology.yaml": Methodology,
    "infrastructure.yaml": InfrastructureFile,
}


def validate(
    paths: list[Path] | None,
    data_dirs: list[Path] | None,
    today: dt.date,
) -> list[Problem]:
    """Every problem in the data: each file alone, then the checks across files.

    Without ``paths``, every layer is checked. A folder in ``paths`` is checked as a data folder
    over the bundled one; a file is checked alone, against the sources and organisations of the
    layers (and of the data folder it stands in).
    """
    roots = data_roots(data_dirs)
    for root in roots[1:]:
        journal.recover(root)
    targets: list[tuple[Path, Problem | None]] = []
    if not paths:
        targets = [t for root in roots for t in _files_of(root)]
    for path in paths or []:
        if path.is_dir():
            journal.recover(path)
            roots.append(path)
            targets += _files_of(path)
        elif path.is_file():
            root = path.parent.parent if path.parent.name == "countries" else path.parent
            if path.name in _SHARED or path.parent.name == "countries":
                roots.append(root)
            targets.append((path, None))
        else:
            raise UsageError(f"no such file or folder: '{path}'")
    wanted = [path for path, _ in targets]
    shared = [root / name for root in roots for name in _SHARED if (root / name).is_file()]
    problems: list[Problem] = []
    decoded: dict[Path, tuple[object, Document]] = {}
    for path in dict.fromkeys([*shared, *(t for t in wanted if t.name in _SHARED)]):
        try:
            decoded[path] = load(path, _SHARED[path.name], display(path))
        except InvalidData as exc:
            if path in wanted:
                problems += exc.problems
    source_keys = {k for record, _ in decoded.values() if isinstance(record, Sources) for k in record.sources}
    orgs = {
        o.id: o
        for record, _ in decoded.values()
        if isinstance(record, Organizations)
        for o in record.organizations
    }
    org_ids = set(orgs)
    infrastructure = {
        r.id
        for record, _ in decoded.values()
        if isinstance(record, InfrastructureFile)
        for r in record.infrastructure
    }
    effective: dict[str, tuple[Profile, Document]] = {}
    for path, problem in targets:
        if problem is not None:
            problems.append(problem)
            continue
        if path in decoded:
            record, doc = decoded[path]
            if isinstance(record, Sources):
                problems += checks.check_sources(record, doc, source_keys, today)
            elif isinstance(record, Organizations):
                problems += checks.check_organizations(record, doc, source_keys, today)
            elif isinstance(record, Methodology):
                problems += checks.check_methodology(record, doc, source_keys, org_ids)
            elif isinstance(record, InfrastructureFile):
                problems += checks.check_infrastructure(record, doc, source_keys, today)
            continue
        if path.name in _SHARED:
            continue
        try:
            profile, doc = load(path, Profile, display(path))
        except InvalidData as exc:
            problems += exc.problems
            continue
        problems += checks.check_profile(
            profile,
            doc,
            stem=path.stem,
            sources=source_keys,
            organizations=orgs,
            infrastructure=infrastructure,
            today=today,
        )
        effective[profile.id] = (profile, doc)
    problems += checks.check_unique_iso(list(effective.values()))
    if not any(path.is_file() for path in paths or []):
        problems += _unused_sources(list(dict.fromkeys(roots)), decoded, set(wanted), source_keys)
    return problems


def _unused_sources(
    roots: list[Path],
    decoded: dict[Path, tuple[object, Document]],
    wanted: set[Path],
    keys: set[str],
) -> list[Problem]:
    """Bibliography entries that nothing cites. Every data folder of the run counts, whichever
    layer the entry and the citing file are in: a folder may hold a copy of the bibliography
    for profiles that lie in the layer below it."""
    cited: set[str] = set()
    for root in roots:
        files = [root / n for n in _SHARED if n != "sources.yaml" and (root / n).is_file()]
        files += [path for path, problem in profile_files(root) if problem is None]
        for path in files:
            cited.update(checks.mentions(path.read_text(encoding="utf-8", errors="replace"), keys))
        record, _ = decoded.get(root / "sources.yaml", (None, None))
        if isinstance(record, Sources):
            cited.update(key for preferred in record.preferred.values() for key in preferred)
    problems: list[Problem] = []
    for root in roots:
        record, doc = decoded.get(root / "sources.yaml", (None, None))
        if isinstance(record, Sources) and doc is not None and root / "sources.yaml" in wanted:
            problems += checks.check_unused_sources(record, doc, cited)
    return problems


def _files_of(root: Path) -> list[tuple[Path, Problem | None]]:
    shared: list[tuple[Path, Problem | None]] = [(root / n, None) for n in _SHARED if (root / n).is_file()]
    return shared + list(profile_files(root))

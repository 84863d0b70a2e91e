"""The data of one run seen at one date: what every view reads."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

import msgspec

from . import __version__
from .asof import as_of, drop_unopened, record_at, running, text_at
from .catalog import Catalog
from .errors import InvalidData, NotYetIndependent, UnknownName, UsageError
from .figures import Pick, field_value, pick
from .indices import Context, IndexResult, compute, compute_all, head_of_state
from .model import FIELDS, Infrastructure, Profile

#: How a view chooses the one figure of a field it shows (``figures.pick``), as ``meta`` says it.
FIGURE_RULE = "newest year, then the source preference of sources.yaml"


class Summary(msgspec.Struct, frozen=True):
    """What the views over every country (``list``, ``rank``, ``compare``) read of one country
    at a session's date, found by the rules the views of one country follow.

    A summary is a few kilobytes where a profile with decades of series is tens, and it is
    kept in the cache per profile file and session (``Catalog.derived``): a folder of a
    thousand profiles is read without decoding them.
    """

    id: str
    name: str
    iso3: str
    #: Whether the state was independent at the date; the views leave it out otherwise.
    independent: bool
    capital: str | None = None
    head_of_state: str | None = None
    #: The source of the head of state's tenure.
    head_of_state_source: str | None = None
    #: The organisations the country was a full member of at the date.
    member_of: list[str] = []
    #: The figure of every field that has one (``Session.pick``).
    picks: dict[str, Pick] = {}
    #: The fields a gap marks as having no meaning for the country (no border with China).
    not_applicable: list[str] = []


class Session:
    """A catalog seen at one date.

    The date is the end of ``as_of`` where one is asked for; else the data release's date, so
    that the same release gives the same output on any day. ``today`` is read only where the
    data name no release (a user's own ``sources.yaml`` without one).
    """

    def __init__(
        self,
        catalog: Catalog,
        as_of: int | None = None,
        *,
        today: dt.date | None = None,
        source: str | None = None,
    ) -> None:
        self.catalog, self.as_of = catalog, as_of
        if source is not None and source not in catalog.sources:
            close = difflib.get_close_matches(source, list(catalog.sources), n=3, cutoff=0.5)
            raise UnknownName("source", source, close)
        #: The one source every figure is read from, where ``--source`` pins one.
        self.source = source
        release = catalog.release
        if as_of is not None and release is not None and as_of > release.date.year:
            raise UsageError(
                f"--as-of {as_of} is after the data release {release.version} "
                f"({release.date.isoformat()}): the data say nothing of later years"
            )
        if as_of is not None:
            self.date = dt.date(as_of, 12, 31)
        elif release is not None:
            self.date = release.date
        elif today is not None:
            self.date = today
        else:
            raise UsageError("the data name no release date: give the date to read them at")

    def at(self, year: int) -> Session:
        """The same data, with the same source pinned, seen at the end of ``year``."""
        return Session(self.catalog, year, today=self.date, source=self.source)

    def profile(self, name: str) -> Profile:
        """One country at the session's date; an error if it was not yet independent then."""
        profile = self.catalog.lookup(name)
        if not self.existed(profile):
            assert profile.independence is not None  # else it would have existed
            raise NotYetIndependent(profile.name, profile.independence.date, self.date)
        return self._at(profile)

    def profiles(self, names: list[str] | None = None) -> list[Profile]:
        """The named countries, or every one readable and independent at the session's date."""
        if names:
            return [self.profile(id) for id in dict.fromkeys(self.catalog.resolve(n) for n in names)]
        return [self._at(profile) for profile in self.catalog.profiles() if self.existed(profile)]

    def summaries(self) -> list[Summary]:
        """Every country readable and independent at the session's date, summarized; served by
        the cache while the data files and the code are unchanged."""
        # Everything else a summary depends on: the date, what it cuts, and the pinned source.
        context = f"at {self.date.isoformat()}, as of {self.as_of}, source {self.source}"
        summaries = self.catalog.derived("summaries", context, self._summary_of_file, Summary)
        return [summary for summary in summaries if summary.independent]

    def summary(self, name: str) -> Summary:
        """One country at the session's date, summarized; an error if not yet independent."""
        return self._summarize(self.profile(name))

    def _summary_of_file(self, profile: Profile) -> Summary:
        if not self.existed(profile):
            return Summary(profile.id, profile.name, profile.iso3, independent=False)
        return self._summarize(self._at(profile))

    def _summarize(self, profile: Profile) -> Summary:
        """A profile seen at the session's date, summarized."""
        leader = head_of_state(profile)
        picks = {path: chosen for path in FIELDS if (chosen := self.pick(profile, path)) is not None}
        return Summary(
            profile.id,
            profile.name,
            profile.iso3,
            independent=True,
            capital=text_at(profile.capital, self.date),
            head_of_state=leader.name if leader else None,
            head_of_state_source=leader.source if leader else None,
            member_of=list(
                dict.fromkeys(
                    m.org for m in profile.memberships if running(m, self.date) and m.status == "member"
                )
            ),
            picks=picks,
            not_applicable=[gap.field for gap in profile.gaps if gap.reason == "not_applicable"],
        )

    def existed(self, profile: Profile) -> bool:
        """Whether the state was independent at the session's date (unknown counts as yes)."""
        return profile.independence is None or profile.independence.date <= self.date

    def _at(self, profile: Profile) -> Profile:
        # At the release's date every record has begun (validate refuses future dates), so
        # only a past date has anything to cut.
        if not self.as_of:
            return profile
        return drop_unopened(as_of(profile, self.as_of), self._opened)

    def _opened(self, id: str) -> bool:
        """Whether a pipeline or project a profile names existed at the session's date; one
        that ``infrastructure.yaml`` does not hold stays (``validate`` reports it)."""
        record = self.catalog.infrastructure.get(id)
        return record is None or record_at(record, self.date, cut=False) is not None

    def references(self, profile: Profile) -> list[tuple[tuple[str, ...], Infrastructure]]:
        """Each infrastructure record a profile names, once, with the list that first names it."""
        energy, china = profile.energy, profile.china
        lists: list[tuple[tuple[str, ...], list[Any]]] = [
            (("energy", "pipelines"), list(energy.pipelines)),
            (("energy", "hydropower", "plants"), list(energy.hydropower.plants if energy.hydropower else [])),
            (("china", "pipelines"), list(china.pipelines)),
            (("china", "projects"), list(china.projects)),
        ]
        found: dict[str, tuple[tuple[str, ...], Infrastructure]] = {}
        for path, items in lists:
            for item in items:
                if isinstance(item, str) and item not in found and (record := self.record(item)):
                    found[item] = (path, record)
        return list(found.values())

    def record(self, id: str) -> Infrastructure | None:
        """A pipeline or project of ``infrastructure.yaml`` at the session's date; None if it did
        not exist yet (or is unknown)."""
        record = self.catalog.infrastructure.get(id)
        return None if record is None else record_at(record, self.date, cut=self.as_of is not None)

    def pick(self, profile: Profile, path: str) -> Pick | None:
        """The figure of a field that every view shows (see ``figures.pick`` for the rule)."""
        preferred = self.catalog.sources_file.preferred.get(path, [])
        return pick(field_value(profile, path), preferred, FIELDS[path].unit, self.source)

    def meta(self) -> dict[str, Any]:
        """What every JSON document says about where its data come from."""
        release = self.catalog.release
        meta: dict[str, Any] = {
            "tool_version": __version__,
            "data_release": release.version if release else None,
            "data_release_date": release.date.isoformat() if release else None,
            "as_of": self.as_of,
            "figure_rule": self.figure_rule,
        }
        if layers := self.catalog.layers():
            # The folders over the bundled data, and the files of the release they replace.
            meta["data_folders"] = layers
        return meta

    @property
    def figure_rule(self) -> str:
        """How the figure of a field is chosen in this session, as tables and ``meta`` say it."""
        return f"source {self.source}" if self.source else FIGURE_RULE

    @property
    def context(self) -> Context:
        return Context(self.date, self.catalog.sources_file.preferred)

    def indices(self, profile: Profile) -> dict[str, IndexResult]:
        """Both indices of a profile; none, with the rubric's problems kept, if it cannot be read."""
        try:
            methodology = self.catalog.methodology
        except InvalidData as exc:
            self.catalog.problems += [p for p in exc.problems if p not in self.catalog.problems]
            return {}
        return compute_all(profile, methodology, self.context)

    def index(self, profile: Profile, name: str) -> IndexResult:
        """One index of a profile; the rubric's problems are an error here."""
        rubric = self.catalog.methodology.indices.get(name)  # type: ignore[call-overload]
        if rubric is None:
            raise UnknownName("index", name, sorted(self.catalog.methodology.indices))
        return compute(profile, name, rubric, self.context)

"""Checks that span records or files: references resolve, spans and terms are in order."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from typing import Any, get_args

from .errors import Problem
from .loader import Document, KeyPath
from .model import (
    FACTS,
    Dated,
    Entry,
    Exit,
    Figure,
    InfrastructureFile,
    Leader,
    Membership,
    Methodology,
    Organization,
    Organizations,
    Pipeline,
    Profile,
    SourceOrigin,
    Sources,
    Status,
    as_date,
    walk,
)

#: A run of the characters a source key may hold; trailing punctuation is trimmed before lookup.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
#: The parts of an address that do not make it another publication.
_SCHEME = re.compile(r"^https?://(?:www\.)?", re.IGNORECASE)

#: Keys whose value is a date or a year of something that has happened.
_DATE_KEYS = frozenset(
    {"since", "until", "born", "commissioned", "founded", "dissolved", "year", "date", "accessed"}
)
#: Parts of a profile that look ahead on purpose.
_FUTURE_ALLOWED = ("next_election",)


def _unknown(kind: str, key: str, known: set[str] | dict[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(known), n=3)
    return f"unknown {kind} {key!r}" + (f"; did you mean {', '.join(close)}?" if close else "")


def check_records(record: Any, doc: Document, sources: set[str], today: dt.date) -> Iterator[Problem]:
    """Checks every data file shares: sources resolve, nothing dated in the future."""
    for path, value in walk(record):
        if not path:
            continue
        key = path[-1]
        if key == "source" and isinstance(value, str) and value not in sources:
            yield doc.problem(path, _unknown("source", value, sources))
        elif isinstance(value, Figure):
            yield from _check_figure(value, path, doc, today)
        elif key in _DATE_KEYS and not any(p in _FUTURE_ALLOWED for p in path):
            if isinstance(value, dt.date) and value > today:
                yield doc.problem(path, f"date {value.isoformat()} lies in the future")
            elif isinstance(value, int) and not isinstance(value, bool) and value > today.year:
                yield doc.problem(path, f"year {value} lies in the future")


def _check_figure(figure: Figure, path: KeyPath, doc: Document, today: dt.date) -> Iterator[Problem]:
    if figure.year is not None and figure.year > today.year:
        yield doc.problem((*path, "year"), f"year {figure.year} lies in the future")
    if figure.rank is not None and figure.rank < 1:
        yield doc.problem((*path, "rank"), f"rank {figure.rank} must be 1 or more")
    if figure.series:
        yield from _check_ranks(figure, figure.series, path, doc)
        years = list(figure.series)
        for before, after in zip(years, years[1:], strict=False):
            if after <= before:
                yield doc.problem(
                    (*path, "series", after), f"series years must increase: {after} after {before}"
                )
        if years[-1] > today.year:
            yield doc.problem((*path, "series", years[-1]), f"year {years[-1]} lies in the future")


def _check_ranks(figure: Figure, series: dict[int, float], path: KeyPath, doc: Document) -> Iterator[Problem]:
    """A series read from a sheet of every country has its world rank, among how many, each year."""
    if figure.sheet is not None and figure.ranks is None:
        yield doc.problem((*path, "sheet"), f"a series read from {figure.sheet!r} needs its `ranks`")
    for key, per_year in (("ranks", figure.ranks), ("among", figure.among)):
        if per_year is None:
            if key == "among" and figure.ranks is not None:
                yield doc.problem((*path, "ranks"), "`ranks` need `among`: how many countries each year")
            continue
        if set(per_year) != set(series):
            missing = ", ".join(str(y) for y in sorted(set(series) - set(per_year)))
            extra = ", ".join(str(y) for y in sorted(set(per_year) - set(series)))
            parts = [
                f"no {key} for {missing}" if missing else "",
                f"{key} for {extra} with no value" if extra else "",
            ]
            message = f"`{key}` must have the years of `series`: " + "; ".join(p for p in parts if p)
            yield doc.problem((*path, key), message)
        for year, number in per_year.items():
            if number < 1:
                yield doc.problem((*path, key, year), f"{key} {number} must be 1 or more")
            elif key == "ranks" and figure.among and number > figure.among.get(year, number):
                yield doc.problem((*path, key, year), f"rank {number} among {figure.among[year]} countries")


def check_profile(
    profile: Profile,
    doc: Document,
    *,
    stem: str,
    sources: set[str],
    organizations: Mapping[str, Organization],
    infrastructure: set[str] = frozenset(),  # type: ignore[assignment]
    today: dt.date,
) -> list[Problem]:
    problems = list(check_records(profile, doc, sources, today))
    if profile.id != stem:
        problems.append(doc.problem(("id",), f"id {profile.id!r} differs from the file name {stem!r}"))
    problems += _check_memberships(profile, doc, organizations)
    problems += _check_leaders(profile, doc)
    problems += _check_dated(profile, doc)
    problems += _check_references(profile, doc, infrastructure)
    return problems


def _check_references(profile: Profile, doc: Document, infrastructure: set[str]) -> Iterator[Problem]:
    """Every id a profile names is a record of ``infrastructure.yaml`` (a China pipeline may also
    name a pipeline the profile describes itself)."""
    energy, china = profile.energy, profile.china
    named = {p.name for p in energy.pipelines if isinstance(p, Pipeline)}
    plants = energy.hydropower.plants if energy.hydropower else []
    lists: list[tuple[KeyPath, list[Any], set[str]]] = [
        (("energy", "pipelines"), list(energy.pipelines), set()),
        (("energy", "hydropower", "plants"), list(plants), set()),
        (("china", "pipelines"), list(china.pipelines), named),
        (("china", "projects"), list(china.projects), set()),
    ]
    for path, items, also in lists:
        for index, item in enumerate(items):
            if isinstance(item, str) and item not in infrastructure and item not in also:
                known = infrastructure | also
                yield doc.problem((*path, index), _unknown("infrastructure record", item, known))


def _check_dated(record: Any, doc: Document) -> Iterator[Problem]:
    """Every list of dated records (attributes, statuses) runs forward without overlaps."""
    for path, value in walk(record):
        if not isinstance(value, list) or not value or not isinstance(value[0], Dated | Status):
            continue
        for index, item in enumerate(value):
            here = (*path, index)
            if item.since is not None and item.until is not None:
                if as_date(item.until, end=True) < as_date(item.since):
                    yield doc.problem((*here, "until"), "ends before it begins")
            if index == 0:
                continue
            before = value[index - 1]
            if item.since is None:
                yield doc.problem(here, "only the first record may leave out `since`")
            elif before.since is not None and as_date(item.since) < as_date(before.since):
                yield doc.problem((*here, "since"), "records must be listed in order of their start")
            elif before.until is None or as_date(item.since) < as_date(before.until):
                yield doc.problem((*here, "since"), f"overlaps the record at {_where(path)}[{index - 1}]")


def _where(path: KeyPath) -> str:
    return ".".join(str(part) for part in path)


def check_infrastructure(
    file: InfrastructureFile, doc: Document, sources: set[str], today: dt.date
) -> list[Problem]:
    """Ids unique, statuses in order and not overlapping, sources known."""
    problems = list(check_records(file, doc, sources, today))
    problems += _check_dated(file, doc)
    seen: set[str] = set()
    for index, record in enumerate(file.infrastructure):
        if record.id in seen:
            problems.append(doc.problem(("infrastructure", index, "id"), f"duplicate id {record.id!r}"))
        seen.add(record.id)
        if not record.status:
            problems.append(doc.problem(("infrastructure", index, "status"), "give at least one status"))
    return problems


def _check_memberships(
    profile: Profile, doc: Document, organizations: Mapping[str, Organization]
) -> Iterator[Problem]:
    spans: dict[str, list[int]] = defaultdict(list)
    for index, span in enumerate(profile.memberships):
        path = ("memberships", index)
        record = organizations.get(span.org)
        if record is None:
            yield doc.problem((*path, "org"), _unknown("organisation", span.org, set(organizations)))
        else:
            yield from _check_span_in_time(profile, doc, path, span, record)
        if span.until is not None and as_date(span.until, end=True) < as_date(span.since):
            yield doc.problem((*path, "until"), "ends before it begins")
        spans[span.org].append(index)
    for org, indices in spans.items():
        ordered = sorted(indices, key=lambda i: as_date(profile.memberships[i].since))
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            a, b = profile.memberships[earlier], profile.memberships[later]
            if a.until is None or as_date(b.since) < as_date(a.until):
                yield doc.problem(
                    ("memberships", later, "since"),
                    f"{org} span overlaps the span at memberships[{earlier}]",
                )


def _check_span_in_time(
    profile: Profile, doc: Document, path: KeyPath, span: Membership, org: Organization
) -> Iterator[Problem]:
    """A standing in an organisation begins once both the organisation and the state exist, and
    before the organisation ended. A bare year counts as any day of it, so a year agrees with
    any date in the same year."""
    since = as_date(span.since, end=True)
    if org.founded is not None and since < as_date(org.founded):
        yield doc.problem((*path, "since"), f"begins before {org.id} was founded ({org.founded})")
    if org.dissolved is not None and as_date(span.since) >= as_date(org.dissolved, end=True):
        yield doc.problem((*path, "since"), f"begins after {org.id} was dissolved ({org.dissolved})")
    independence = profile.independence
    if independence is not None and since < independence.date:
        yield doc.problem((*path, "since"), f"begins before independence ({independence.date})")


def _check_leaders(profile: Profile, doc: Document) -> Iterator[Problem]:
    leaders = profile.succession.leaders
    in_office = None  # the latest tenure that is not a parallel claim
    for index, leader in enumerate(leaders):
        path = ("succession", "leaders", index)
        if leader.until is not None and as_date(leader.until, end=True) < as_date(leader.since):
            yield doc.problem((*path, "until"), "term ends before it begins")
        if index and as_date(leader.since) < as_date(leaders[index - 1].since):
            yield doc.problem((*path, "since"), "leaders must be listed in order of their start")
        elif not leader.parallel and in_office is not None:
            if in_office.until is None or as_date(leader.since) < as_date(in_office.until):
                yield doc.problem((*path, "since"), f"term overlaps that of {in_office.name}")
        if not leader.parallel:
            in_office = leader
        yield from _check_codes(leader, path, doc)


def _check_codes(leader: Leader, path: KeyPath, doc: Document) -> Iterator[Problem]:
    """Every tenure carries its Archigos entry and exit codes, and `in_office` exactly when it
    has not ended. A tenure without them still loads; the index then leaves its factor out."""
    for key, codes in (("entry", Entry), ("exit", Exit)):
        if getattr(leader, key) is None:
            choices = ", ".join(get_args(codes))
            yield doc.problem(
                path, f"tenure of {leader.name} has no Archigos `{key}` code (one of {choices})"
            )
    if leader.exit == "in_office" and leader.until is not None:
        yield doc.problem((*path, "exit"), "exit is `in_office` but the tenure has an `until`")
    elif leader.exit not in (None, "in_office") and leader.until is None:
        yield doc.problem((*path, "exit"), f"exit is `{leader.exit}` but the tenure has no `until`")


def check_organizations(
    orgs: Organizations, doc: Document, sources: set[str], today: dt.date
) -> list[Problem]:
    problems = list(check_records(orgs, doc, sources, today))
    seen: dict[str, int] = {}
    for index, org in enumerate(orgs.organizations):
        if org.id in seen:
            problems.append(
                doc.problem(("organizations", index, "id"), f"duplicate organisation id {org.id!r}")
            )
        seen[org.id] = index
    for index, org in enumerate(orgs.organizations):
        for key in ("predecessor", "successor"):
            ref = getattr(org, key)
            if ref is not None and ref not in seen:
                problems.append(
                    doc.problem(("organizations", index, key), _unknown("organisation", ref, seen))
                )
    return problems


def check_methodology(
    methodology: Methodology, doc: Document, sources: set[str], organizations: set[str]
) -> list[Problem]:
    """Each index present; each factor's curve or scores well-formed; its literature cited."""
    problems = [
        doc.problem(("indices",), f"index {name!r} is missing")
        for name in ("succession_risk", "migration_dependence")
        if name not in methodology.indices
    ]
    for name, rubric in methodology.indices.items():
        base: KeyPath = ("indices", name)
        levels = rubric.levels
        if not 0 < levels.moderate < levels.high < levels.very_high <= 100:
            problems.append(
                doc.problem((*base, "levels"), "levels must rise: 0 < moderate < high < very_high ≤ 100")
            )
        if not 0 <= rubric.min_coverage <= 1:
            problems.append(doc.problem((*base, "min_coverage"), "min_coverage is a share between 0 and 1"))
        seen: set[str] = set()
        for index, factor in enumerate(rubric.factors):
            problems += [
                doc.problem((*base, "factors", index, *key), message)
                for key, message in _factor_problems(factor, seen, sources, organizations)
            ]
            seen.add(factor.id)
    return problems


def _factor_problems(
    factor: Any, seen: set[str], sources: set[str], organizations: set[str]
) -> Iterator[tuple[KeyPath, str]]:
    if factor.id in seen:
        yield ("id",), f"duplicate factor id {factor.id!r}"
    if factor.weight <= 0:
        yield ("weight",), "weight must be positive"
    if FACTS[factor.fact]:
        xs = [x for x, _ in factor.points]
        ys = [y for _, y in factor.points]
        if len(xs) < 2 or factor.scores:
            yield ("points",), f"fact {factor.fact!r} is a number: give `points` (two or more), not `scores`"
        elif any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
            yield ("points",), "the values of `points` must increase"
        elif any(b < a for a, b in zip(ys, ys[1:], strict=False)) or not all(0 <= y <= 1 for y in ys):
            yield ("points",), "scores of `points` lie in 0–1 and never fall as the value grows"
    elif not factor.scores or factor.points:
        yield ("scores",), f"fact {factor.fact!r} is a category: give `scores`, not `points`"
    elif not all(0 <= score <= 1 for score in factor.scores.values()):
        yield ("scores",), "scores lie in 0–1"
    if factor.fact == "risk_factors" and not factor.names:
        yield ("names",), "name the risk factors that count"
    if factor.fact == "membership":
        if not factor.orgs:
            yield ("orgs",), "name the organisations whose status is read"
        for index, org in enumerate(factor.orgs):
            if org not in organizations:
                yield ("orgs", index), _unknown("organisation", org, organizations)
    if factor.missing == "assume" and (factor.assume is None or not 0 <= factor.assume <= 1):
        yield ("assume",), "missing: assume needs `assume`, a score in 0–1"
    for index, key in enumerate(factor.sources):
        if key not in sources:
            yield ("sources", index), _unknown("source", key, sources)


def check_sources(sources: Sources, doc: Document, known: set[str], today: dt.date) -> list[Problem]:
    # Keys that cannot be citation keys are refused as the file is read (model.SourceKey).
    problems = list(check_records(sources, doc, known, today))
    origins = ", ".join(get_args(SourceOrigin))
    for key, source in sources.sources.items():
        if source.origin is None:
            problems.append(
                doc.problem(("sources", key), f"source {key!r} has no `origin` (one of {origins})")
            )
    for field, keys in sources.preferred.items():
        for index, key in enumerate(keys):
            if key not in known:
                problems.append(doc.problem(("preferred", field, index), _unknown("source", key, known)))
    problems += [doc.problem(("sources", key), message) for key, message in check_duplicate_sources(sources)]
    return problems


def mentions(text: str, keys: Collection[str]) -> list[str]:
    """The source keys named in a piece of text (a note, a comment, a whole file), in order."""
    found = (match.group().rstrip("_.:-") for match in _TOKEN.finditer(text))
    return [token for token in found if token in keys]


def publication(url: str, year: int | None) -> tuple[str, int | None]:
    """What makes two entries one publication: the address, whatever its scheme, ``www.`` or
    trailing slash, and the year. Two editions at one address (a yearly Factbook) are two."""
    address = _SCHEME.sub("", url.strip()).rstrip("/")
    host, _, rest = address.partition("/")
    return f"{host.lower()}/{rest}", year


def check_duplicate_sources(sources: Sources) -> Iterator[tuple[str, str]]:
    """(key, message) for each entry that repeats an earlier entry's publication."""
    first: dict[tuple[str, int | None], str] = {}
    for key, source in sources.sources.items():
        identity = publication(source.url, source.year)
        if identity in first:
            year = "no year" if source.year is None else f"year {source.year}"
            yield (
                key,
                (
                    f"source {key!r} is the publication of {first[identity]!r} (same url, {year}): "
                    f"keep one key and cite it everywhere"
                ),
            )
        first.setdefault(identity, key)


def check_unused_sources(sources: Sources, doc: Document, cited: Collection[str]) -> Iterator[Problem]:
    """Each entry that no data file cites: by a ``source`` key, in a note or in a comment."""
    for key in sources.sources:
        if key not in cited:
            yield doc.problem(
                ("sources", key), f"source {key!r} is cited nowhere in the data: cite it or remove it"
            )


def check_unique_iso(profiles: list[tuple[Profile, Document]]) -> Iterator[Problem]:
    """ISO codes name one country each across every loaded profile."""
    for key in ("iso2", "iso3"):
        seen: dict[str, str] = {}
        for profile, doc in profiles:
            code = getattr(profile, key).upper()
            if code in seen and seen[code] != profile.id:
                yield doc.problem((key,), f"{key} {code!r} is also used by {seen[code]!r}")
            seen.setdefault(code, profile.id)

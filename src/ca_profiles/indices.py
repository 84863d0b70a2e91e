"""The two indices (docs/architecture.md, "Indices"): facts read from a profile, scored by the
rubric in methodology.yaml.

A profile is read as it stood at a date (the caller cuts it with ``asof.as_of`` first); ages
and tenures are counted to that date. A fact that cannot be read is never a silent zero: the
factor is excluded (or given the rubric's assumed score) and the result says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .asof import began, dated, running
from .figures import field_value, pick, years_by_source
from .model import (
    FIELDS,
    Dated,
    Factor,
    FieldInfo,
    Figures,
    IndexRubric,
    Leader,
    Methodology,
    Profile,
    Reset,
    When,
    as_date,
)

#: How the indices appear as fields (``rank indices.succession_risk``), in the field catalogue.
INDEX_FIELDS: dict[str, FieldInfo] = {
    "indices.succession_risk": FieldInfo(
        "Succession risk", "score", "Score 0–100 from methodology.yaml; `explain COUNTRY succession`"
    ),
    "indices.migration_dependence": FieldInfo(
        "Migration dependence", "score", "Score 0–100 from methodology.yaml; `explain COUNTRY migration`"
    ),
}
#: Short names ``explain`` accepts for each index.
ALIASES = {"succession": "succession_risk", "migration": "migration_dependence"}
INSUFFICIENT = "insufficient data"
_IRREGULAR = ("ousted", "coup")


@dataclass
class Fact:
    """What a factor read: a number or a category, in words for people, with its sources."""

    value: float | str | None
    reading: str
    sources: list[str] = field(default_factory=list)
    #: The dated records read (a rule in force then, a reset), named for ``explain``.
    records: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What facts are read against: the date, and the preferred source of each figure field."""

    date: dt.date
    preferred: dict[str, list[str]]


def head_of_state(profile: Profile) -> Leader | None:
    """The head of state in office (of a profile already cut to a date): the latest open tenure."""
    current = [
        leader for leader in profile.succession.leaders if leader.until is None and not leader.parallel
    ]
    return current[-1] if current else None


def _in_power_since(profile: Profile, leader: Leader) -> dt.date:
    """Start of the leader's unbroken time in office: an acting spell that ran straight into
    the full term counts (Tokayev from March 2019); a spell with someone else between does not."""
    tenures = sorted(
        (t for t in profile.succession.leaders if not t.parallel), key=lambda t: as_date(t.since)
    )
    start = as_date(leader.since)
    for tenure in reversed(tenures):
        if tenure.name == leader.name and tenure.until is not None and as_date(tenure.until) == start:
            start = as_date(tenure.since)
    return start


def _age(born: When, on: dt.date) -> int:
    if isinstance(born, int):
        return on.year - born  # only the year is known: the age reached during that year
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _missing(reason: str) -> Fact:
    return Fact(None, reason)


def _gap(profile: Profile, path: str) -> bool:
    return any(gap.field == path for gap in profile.gaps)


def _leader_age(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    leader = head_of_state(profile)
    if leader is None:
        return _missing("no head of state in office recorded")
    if leader.born is None:
        return _missing(f"{leader.name}: year of birth not recorded")
    age = _age(leader.born, ctx.date)
    return Fact(age, f"{leader.name}, {age} (born {leader.born})", [leader.source], [_tenure(leader)])


def _leader_tenure(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    leader = head_of_state(profile)
    if leader is None:
        return _missing("no head of state in office recorded")
    since = _in_power_since(profile, leader)
    years = round((ctx.date - since).days / 365.25, 1)
    reading = f"{leader.name}, in power since {since.isoformat()}"
    return Fact(years, reading, [leader.source], [_tenure(leader)])


def _tenure(leader: Leader) -> str:
    return f"succession.leaders: {leader.name}, {leader.title} (since {leader.since}, {leader.source})"


def _record(path: str, record: Dated) -> str:
    """Which dated record a factor read, as ``explain`` names it."""
    span = f"since {record.since}" if record.since is not None else "in force before the sources' dates"
    if record.until is not None:
        span += f" until {record.until}"
    cited = f", {record.source}" if record.source else ""
    return f"{path} = {record.value if record.value is not None else 'none'} ({span}{cited})"


def _rule(profile: Profile, key: str, what: str, ctx: Context) -> Fact | Dated:
    """The succession rule ``key`` in force at the context's date, or the fact of its absence.

    No rules at all, no record covering the date, or a rule listed under ``gaps:`` is unknown
    (a missing fact); a record whose value is none, or an undated rule left out of recorded
    rules, means there is none.
    """
    rules = profile.succession.rules
    if rules is None:
        return _missing("no succession rules recorded")
    value = getattr(rules, key)
    path = f"succession.rules.{key}"
    record = dated(value, ctx.date, rules.source)
    if record is None and isinstance(value, list):
        return _missing(f"{what} in force on {ctx.date.isoformat()} not recorded")
    if record is not None and record.value is not None:
        return record
    if record is not None and record.since is not None:  # a dated record saying there is none
        return Fact("no", f"no {what}", [record.source], [_record(path, record)])
    if _gap(profile, path):
        return _missing(f"{what} not found (listed under gaps)")
    source = record.source if record is not None and record.source else rules.source
    return Fact("no", f"no {what}", [source] if source else [])


def _resets(profile: Profile, ctx: Context) -> list[Reset]:
    rules = profile.succession.rules
    return [reset for reset in rules.resets if began(reset.since, ctx.date)] if rules else []


def _binding_term_limit(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    rule = _rule(profile, "term_limit", "term limit", ctx)
    if isinstance(rule, Fact):
        return rule
    leader = head_of_state(profile)
    since = _in_power_since(profile, leader) if leader else ctx.date
    waived = [
        reset
        for reset in _resets(profile, ctx)
        if reset.value == "lifted"
        and (
            reset.incumbent == leader.name
            if reset.incumbent and leader
            else as_date(reset.since).year >= since.year
        )
    ]
    read = [_record("succession.rules.term_limit", rule)]
    if waived:
        years = ", ".join(str(reset.since) for reset in waived)
        reading = f"{rule.value}-term limit waived for the incumbent ({years})"
        read += [_reset_record(reset) for reset in waived]
        return Fact("no", reading, [rule.source, *(reset.source for reset in waived)], read)
    return Fact("yes", f"limit of {rule.value} term(s)", [rule.source], read)


def _reset_record(reset: Reset) -> str:
    whom = f" for {reset.incumbent}" if reset.incumbent else ""
    return f"succession.rules.resets: {reset.value}{whom} (since {reset.since}, {reset.source})"


def _constitutional_successor(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    rule = _rule(profile, "successor", "constitutional successor", ctx)
    if isinstance(rule, Fact):
        return rule
    return Fact("yes", str(rule.value), [rule.source], [_record("succession.rules.successor", rule)])


def _irregular_exits(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    leaders = profile.succession.leaders
    if not leaders:
        return _missing("no heads of state recorded")
    exits = [leader for leader in leaders if leader.how_ended in _IRREGULAR]
    listed = "; ".join(f"{leader.name} {as_date(leader.until or leader.since).year}" for leader in exits)
    return Fact(len(exits), listed or "none", [leader.source for leader in exits])


def _term_limit_resets(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    if profile.succession.rules is None:
        return _missing("no succession rules recorded")
    resets = [reset for reset in _resets(profile, ctx) if reset.value != "other"]
    listed = ", ".join(f"{as_date(reset.since).year} {reset.value}" for reset in resets)
    return Fact(
        len(resets), listed or "none", [reset.source for reset in resets], [_reset_record(r) for r in resets]
    )


def _risk_factors(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    found = [
        item
        for item in profile.succession.risk_factors
        if item.factor in factor.names and item.value is not False and item.value is not None
    ]
    if not found:
        return Fact("no", "none recorded of: " + ", ".join(factor.names))
    listed = "; ".join(f"{item.factor} ({item.year})" if item.year else item.factor for item in found)
    return Fact("yes", listed, [item.source for item in found])


def _figure(path: str, what: str) -> Callable[[Profile, Factor, Context], Fact]:
    """A factor that reads the figure of one field; ``what`` names the fact in ``explain``."""

    def read(profile: Profile, factor: Factor, ctx: Context) -> Fact:
        chosen = pick(field_value(profile, path), ctx.preferred.get(path, []), FIELDS[path].unit)
        if chosen is None:
            return _missing(f"{what}: not recorded ({path})")
        return Fact(chosen.value, f"{what}: {chosen.value:g} ({chosen.year})", [chosen.source])

    return read


def _migrants_share(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    """Migrants abroad (all destinations) ÷ population, both of one year: the newest year that
    both give. Figures of different years are never divided; the fact then names the years."""
    abroad = _by_year(profile.migration.migrants_abroad, ctx.preferred.get("migration.migrants_abroad", []))
    people = _by_year(profile.population, ctx.preferred.get("population", []))
    if not abroad:
        return _missing("no migration.migrants_abroad figure (all destinations)")
    if not people:
        return _missing("no population figure")
    common = sorted(set(abroad) & set(people))
    if not common:
        return _missing(
            "cannot be computed: migrants abroad are given for "
            + ", ".join(map(str, sorted(abroad)))
            + ", population for "
            + ", ".join(map(str, sorted(people)))
            + ", no year in common"
        )
    year = common[-1]
    (migrants, migrants_source), (population, population_source) = abroad[year], people[year]
    share = round(100 * migrants / population, 2)
    reading = (
        f"{migrants:,.0f} migrants abroad, all destinations, of a population of {population:,.0f} ({year})"
    )
    return Fact(share, reading, list(dict.fromkeys([migrants_source, population_source])))


def _by_year(value: Figures | None, preferred: list[str]) -> dict[int, tuple[float, str]]:
    """A field's value in persons for each year any source gives, from the preferred source."""
    found: dict[int, tuple[float, str]] = {}
    held = years_by_source(value, "persons")
    order = sorted(held, key=lambda key: (preferred.index(key) if key in preferred else len(preferred), key))
    for key in order:
        for year, (number, _) in held[key].items():
            found.setdefault(year, (number, key))
    return found


def _membership(profile: Profile, factor: Factor, ctx: Context) -> Fact:
    spans = [span for span in profile.memberships if span.org in factor.orgs and running(span, ctx.date)]
    if not spans:
        return Fact("none", "not a member or observer of " + ", ".join(factor.orgs))
    best = max(spans, key=lambda span: factor.scores.get(span.status, 0.0))
    record = f"memberships: {best.org} {best.status} (since {best.since}, {best.source})"
    return Fact(best.status, f"{best.org} {best.status} since {best.since}", [best.source], [record])


_FACTS: dict[str, Callable[[Profile, Factor, Context], Fact]] = {
    "leader_age": _leader_age,
    "leader_tenure": _leader_tenure,
    "binding_term_limit": _binding_term_limit,
    "constitutional_successor": _constitutional_successor,
    "irregular_exits": _irregular_exits,
    "term_limit_resets": _term_limit_resets,
    "risk_factors": _risk_factors,
    "remittances_pct_gdp": _figure("migration.remittances_pct_gdp", "personal remittances, % of GDP"),
    "russia_share_of_remittances": _figure(
        "migration.russia_share_of_remittances", "share of remittances received from Russia, %"
    ),
    "migrants_abroad_pct_population": _migrants_share,
    "membership": _membership,
}


def scale(factor: Factor, value: float | str) -> float:
    """A fact mapped to 0–1 by the factor's curve (numbers) or its scores (categories)."""
    if isinstance(value, str):
        return factor.scores.get(value, 0.0)
    points = factor.points
    if value <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if value <= x1:
            return y0 + (y1 - y0) * (value - x0) / (x1 - x0)
    return points[-1][1]


@dataclass
class Component:
    """One factor of one country's index: what it read, how it scored, what it added."""

    factor: str
    label: str
    fact: str
    value: float | str | None
    reading: str
    sources: list[str]
    #: The dated records the fact was read from (the rule in force then, a reset, a span).
    records: list[str]
    #: "read", or what was done with a missing fact: "excluded" or "assumed".
    treatment: str
    score: float | None
    weight: float
    share: float
    contribution: float
    literature: list[str]


@dataclass
class IndexResult:
    index: str
    label: str
    date: dt.date
    score: float | None
    level: str
    coverage: float
    min_coverage: float
    components: list[Component]

    @property
    def judged(self) -> float | None:
        """The score as tables give it, to one decimal; none where too few facts were read."""
        if self.score is None or self.level == INSUFFICIENT:
            return None
        return round(self.score, 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the index with its score and each component with its contribution."""
        return {
            "index": self.index,
            "label": self.label,
            "date": self.date.isoformat(),
            "score": self.score,
            "level": self.level,
            "coverage": self.coverage,
            "min_coverage": self.min_coverage,
            "components": [vars(component) for component in self.components],
            "missing": [c.factor for c in self.components if c.treatment != "read"],
        }


def compute(profile: Profile, name: str, rubric: IndexRubric, ctx: Context) -> IndexResult:
    """The index ``name`` of ``profile``: every factor's fact, score and contribution."""
    read: list[tuple[Factor, Fact, str, float | None]] = []
    for factor in rubric.factors:
        fact = _FACTS[factor.fact](profile, factor, ctx)
        if fact.value is not None:
            read.append((factor, fact, "read", scale(factor, fact.value)))
        elif factor.missing == "assume" and factor.assume is not None:
            read.append((factor, fact, "assumed", factor.assume))
        else:
            read.append((factor, fact, "excluded", None))
    counted = sum(factor.weight for factor, _, _, score in read if score is not None)
    total = sum(factor.weight for factor in rubric.factors)
    coverage = round(sum(f.weight for f, _, how, _ in read if how == "read") / total, 4) if total else 0.0
    components = [
        Component(
            factor=factor.id,
            label=factor.label,
            fact=factor.fact,
            value=fact.value,
            reading=fact.reading,
            sources=fact.sources,
            records=fact.records,
            treatment=how,
            score=None if score is None else round(score, 4),
            weight=factor.weight,
            share=round(factor.weight / counted, 4) if score is not None and counted else 0.0,
            # Rounded once here, so that the score is exactly the sum users can check.
            contribution=round(100 * factor.weight * score / counted, 3)
            if score is not None and counted
            else 0.0,
            literature=factor.sources,
        )
        for factor, fact, how, score in read
    ]
    score = round(sum(c.contribution for c in components), 3) if counted else None
    level = _level(rubric, score, coverage)
    return IndexResult(name, rubric.label, ctx.date, score, level, coverage, rubric.min_coverage, components)


def _level(rubric: IndexRubric, score: float | None, coverage: float) -> str:
    if score is None or coverage < rubric.min_coverage:
        return INSUFFICIENT
    levels = rubric.levels
    if score >= levels.very_high:
        return "very high"
    if score >= levels.high:
        return "high"
    return "moderate" if score >= levels.moderate else "low"


def compute_all(profile: Profile, methodology: Methodology, ctx: Context) -> dict[str, IndexResult]:
    return {name: compute(profile, name, rubric, ctx) for name, rubric in methodology.indices.items()}

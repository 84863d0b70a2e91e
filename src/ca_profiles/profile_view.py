"""``show``: one country as typed sections for people, and the profile itself for machines."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence

from .asof import dated, in_force, opened, running, text_at
from .errors import UnknownName
from .figures import field_value
from .indices import INSUFFICIENT, IndexResult, head_of_state
from .model import (
    FIELDS,
    IDENTITY_FIGURES,
    Figures,
    Infrastructure,
    Leader,
    Pipeline,
    Plant,
    Profile,
    Project,
    When,
    figures_of,
    unit_label,
)
from .results import (
    Block,
    Fact,
    Facts,
    FigureRow,
    FigureTable,
    GapRow,
    LeaderRow,
    Note,
    ProfileView,
    ProjectRow,
    ProjectTable,
    RangeRow,
    Rows,
    Section,
    SpanRow,
)
from .session import Session
from .tidy import figure_rows

SECTIONS = ("identity", "energy", "memberships", "succession", "migration", "china", "indices", "gaps")
#: The top-level keys of a profile's identity, which ``--section identity`` keeps.
IDENTITY_KEYS = ("id", "name", "official_name", "iso2", "iso3", "aliases", "capital", *IDENTITY_FIGURES)
#: The top-level keys each section keeps in machine formats, where they are not the section's own.
SECTION_KEYS = {"identity": IDENTITY_KEYS, "memberships": ("memberships", "neutrality")}


def show(session: Session, name: str, sections: list[str] | None = None, full: bool = False) -> ProfileView:
    """One profile at the session's date: a one-screen brief, or whole (``full``), or only the
    ``sections`` asked for, in full. Machine formats always hold the profile itself."""
    wanted = [_section(s) for s in sections or ()]
    profile = session.profile(name)
    indices = session.indices(profile)
    if wanted:
        keys = list(dict.fromkeys(k for s in wanted for k in SECTION_KEYS.get(s, (s,))))
        keys = list(dict.fromkeys(["id", "name", *keys]))
        if {"energy", "china"} & set(wanted):
            keys.append("infrastructure")
    else:
        keys = [*(f for f in profile.__struct_fields__), "indices", "infrastructure"]
    if wanted or full:
        parts = [_build(session, profile, indices, key) for key in wanted or SECTIONS]
    else:
        parts = _brief(session, profile, indices)
    return ProfileView(
        profile.id,
        profile.name,
        profile,
        indices,
        keys,
        [part for part in parts if part.blocks],
        meta=session.meta(),
        flat=lambda: _figures(session, profile, wanted),
        infrastructure=[record for _, record in session.references(profile)],
    )


#: The figures a brief shows, section by section: one line each, the figure every view shows.
BRIEF_FIGURES = {
    "energy": (
        "energy.gas_reserves",
        "energy.oil_reserves",
        "energy.gas_production",
        "energy.oil_production",
        "energy.gas_exports",
        "energy.electricity_generation",
    ),
    "migration": (
        "migration.remittances_pct_gdp",
        "migration.remittances_usd",
        "migration.russia_share_of_remittances",
        "migration.russia_share_of_migrants",
        "migration.migrants_abroad",
    ),
    "china": tuple(path for path in FIELDS if path.startswith("china.")),
}


def _brief(session: Session, profile: Profile, indices: dict[str, IndexResult]) -> list[Section]:
    """One screen: who and where, the scores, headline figures each with year and source."""
    leader = head_of_state(profile)
    facts = [
        Fact("Official name", text_at(profile.official_name, session.date) or "not recorded for this date")
    ]
    capital = text_at(profile.capital, session.date)
    if capital:
        facts.append(Fact("Capital", capital))
    if leader:
        facts.append(Fact("Head of state", f"{leader_name(leader)}, {leader.title}, since {leader.since}"))
    identity = FigureTable(_picked(session, profile, IDENTITY_FIGURES), brief=True)
    parts = [
        Section("identity", profile.name, [Facts(facts), identity]),
        Section("indices", "Indices", [Facts([_index_fact(result) for result in indices.values()])]),
    ]
    for key, paths in BRIEF_FIGURES.items():
        blocks: list[Block] = [FigureTable(_picked(session, profile, paths), brief=True)]
        if key == "china":
            blocks.append(_pipelines_to_china(session, profile))
        parts.append(Section(key, key.title(), [b for b in blocks if _filled(b)]))
        if key == "energy":
            parts.append(Section("memberships", "Memberships", [_standing(session, profile)]))
    more = f"`show {profile.id} --full` for the whole profile, `--section` for one of: {', '.join(SECTIONS)}"
    gaps = f"{len(profile.gaps)} known gaps (`--section gaps`); " if profile.gaps else ""
    parts.append(Section("more", "More", [Note(gaps + more)]))
    return parts


def _picked(session: Session, profile: Profile, paths: Iterable[str]) -> list[FigureRow | RangeRow]:
    """One line a field: the figure every view shows."""
    rows: list[FigureRow | RangeRow] = []
    for path in paths:
        chosen = session.pick(profile, path)
        if chosen is not None:
            unit = unit_label(chosen.unit)
            rows.append(
                FigureRow(FIELDS[path].label, chosen.value, unit, chosen.year, chosen.source, chosen.rank)
            )
    return rows


def _standing(session: Session, profile: Profile) -> Facts:
    """Memberships in force, one line per status: organisations and the year each began."""
    by_status: dict[str, list[str]] = {}
    organizations = session.catalog.organizations
    for span in sorted(profile.memberships, key=lambda s: (s.org, str(s.since))):
        if running(span, session.date):
            org = organizations.get(span.org)
            short = org.abbreviations[0] if org and org.abbreviations else span.org.upper()
            by_status.setdefault(span.status, []).append(f"{short} {str(span.since)[:4]}")
    order = ["member", "associate", "observer", "dialogue_partner", "applicant", "suspended"]
    facts = [Fact(_words(s).capitalize(), ", ".join(by_status[s])) for s in order if s in by_status]
    return Facts(facts + _neutrality(session, profile).rows)


def _neutrality(session: Session, profile: Profile) -> Facts:
    """The status of neutrality in force at the session's date, with its start and source."""
    record = dated(profile.neutrality, session.date)
    if record is None or record.value is None:
        return Facts([])
    began = f"since {record.since}; " if record.since is not None else ""
    return Facts([Fact("Neutrality", f"{record.value} ({began}{record.source})")])


def _section(name: str) -> str:
    key = name.strip().lower()
    if key not in SECTIONS:
        raise UnknownName("section", name, difflib.get_close_matches(key, SECTIONS, n=3) or list(SECTIONS))
    return key


def _figures(session: Session, profile: Profile, sections: list[str]) -> Rows:
    """A profile's figures in tidy long form (one row per value), as ``export`` writes them."""
    rows = [
        row
        for row in figure_rows(profile, session.references(profile))
        if not sections or row["section"] in sections
    ]
    columns = list(rows[0]) if rows else ["country", "section", "field", "year", "value", "unit", "source"]
    cited = sorted({row["source"] for row in rows})
    return Rows("figures", f"{profile.name}: figures", columns, rows, session.meta(), sources=cited)


def _build(session: Session, profile: Profile, indices: dict[str, IndexResult], key: str) -> Section:
    blocks: list[Block]
    if key == "identity":
        return Section(key, profile.name, [block for block in _identity(session, profile) if _filled(block)])
    if key in ("energy", "migration", "china"):
        blocks = [_figure_table(session, profile, key), *_extras(session, profile, key)]
    elif key == "memberships":
        spans = sorted(profile.memberships, key=lambda s: (s.org, str(s.since)))
        rows = [SpanRow(s.org, _words(s.status), s.since, s.until, s.source) for s in spans]
        blocks = [_neutrality(session, profile), rows]
    elif key == "succession":
        blocks = [[_leader(leader) for leader in profile.succession.leaders], _rules(session, profile)]
    elif key == "indices":
        blocks = [Facts([_index_fact(result) for result in indices.values()])]
    else:
        blocks = [[GapRow(_gap_label(gap.field), gap.note) for gap in profile.gaps]]
    return Section(key, key.title(), [block for block in blocks if _filled(block)])


def _filled(block: Block) -> bool:
    if isinstance(block, list):
        return bool(block)
    if isinstance(block, Note):
        return bool(block.text)
    return bool(block.rows)


def _words(key: str) -> str:
    """A vocabulary key (``dialogue_partner``) as people read it."""
    return key.replace("_", " ")


def _identity(session: Session, profile: Profile) -> list[Block]:
    official = text_at(profile.official_name, session.date)
    facts = [
        Fact("Official name", official or "not recorded for this date"),
        Fact("ISO 3166", f"{profile.iso2} / {profile.iso3}"),
    ]
    if profile.independence:
        facts.append(Fact("Independence", profile.independence.date.isoformat()))
    capital = text_at(profile.capital, session.date)
    if capital:
        facts.append(Fact("Capital", capital))
    if profile.aliases:
        facts.append(Fact("Also", ", ".join(profile.aliases)))
    table = FigureTable([row for path in IDENTITY_FIGURES for row in figure_lines(session, profile, path)])
    return [Facts(facts), table]


def figure_lines(session: Session, profile: Profile, path: str) -> list[FigureRow | RangeRow]:
    """Every figure of a field, after the spread of the sources' latest figures where they differ."""
    label = FIELDS[path].label
    rows: list[FigureRow | RangeRow] = []
    chosen = session.pick(profile, path)
    if chosen is not None and chosen.sources > 1 and chosen.low != chosen.high:
        rows.append(RangeRow(label, chosen.low, chosen.high, unit_label(chosen.unit), chosen.sources))
    for figure in figures_of(field_value(profile, path)):
        if figure.series:
            years = sorted(figure.series)
            trend = tuple(figure.series[year] for year in years)
            last, first = years[-1], years[0]
            rows.append(
                FigureRow(
                    label,
                    trend[-1],
                    unit_label(figure.unit),
                    last,
                    figure.source,
                    figure.rank_in(last),
                    first,
                    trend,
                )
            )
        else:
            assert figure.value is not None and figure.year is not None  # a point has both
            rows.append(
                FigureRow(
                    label, figure.value, unit_label(figure.unit), figure.year, figure.source, figure.rank
                )
            )
    return rows


def _figure_table(session: Session, profile: Profile, section: str) -> FigureTable:
    paths = [path for path in FIELDS if path.startswith(f"{section}.")]
    return FigureTable([row for path in paths for row in figure_lines(session, profile, path)])


def _extras(session: Session, profile: Profile, section: str) -> list[Block]:
    """What a figure section holds besides figures: plants, pipelines, projects, its note.

    Pipelines and projects named by id are the records of ``infrastructure.yaml`` at the
    session's date, so that the energy and China sections tell the same story.
    """
    if section == "energy":
        energy = profile.energy
        plants = energy.hydropower.plants if energy.hydropower else []
        return [
            ProjectTable("Hydropower plants", _projects(session, plants)),
            ProjectTable("Pipelines", _projects(session, energy.pipelines)),
            Note(energy.note or ""),
        ]
    if section == "china":
        china = profile.china
        return [
            _pipelines_to_china(session, profile),
            ProjectTable("Projects", _projects(session, china.projects)),
            Note(china.note or ""),
        ]
    return [Note(profile.migration.note or "")]


def _pipelines_to_china(session: Session, profile: Profile) -> Facts:
    """The pipelines to China that existed at the session's date, by name."""
    names = [name for name in (_named(session, item) for item in profile.china.pipelines) if name]
    return Facts([Fact("Pipelines to China", ", ".join(names))] if names else [])


def _named(session: Session, item: str) -> str | None:
    record = session.record(item)
    if record is not None:
        return record.name
    return None if item in session.catalog.infrastructure else item


def _projects(session: Session, items: Sequence[str | Plant | Pipeline | Project]) -> list[ProjectRow]:
    rows = []
    for item in items:
        found = session.record(item) if isinstance(item, str) else item
        if found is not None:
            rows.append(_project(found, session.date))
    return rows


def _project(item: Plant | Pipeline | Project | Infrastructure, on: dt.date) -> ProjectRow:
    if isinstance(item, Infrastructure):
        status = in_force(item.status, on)
        operating = [s.since for s in item.status if s.value == "operating"]
        year: When | None = operating[0] if operating else opened(item)
        state: str | None = status.value if status else None
    else:
        year = item.year if isinstance(item, Project) else item.commissioned
        state = item.status
    capacity = _first(item.capacity)
    return ProjectRow(
        item.name,
        _words(state) if state else None,
        year,
        capacity[0] if capacity else None,
        capacity[1] if capacity else None,
        item.source,
    )


def _first(value: Figures | None) -> tuple[float, str] | None:
    """The value and unit of a record's first figure (a plant's capacity, say)."""
    figures = figures_of(value)
    if not figures:
        return None
    figure = figures[0]
    number = figure.series[max(figure.series)] if figure.series else figure.value
    assert number is not None  # a point figure has a value
    return number, unit_label(figure.unit)


def leader_name(leader: Leader) -> str:
    """A head of state's name as a list shows it: marked when acting (unless the title says so)
    or when a parallel claim."""
    name = leader.name
    title = leader.title.lower()
    if leader.acting and "acting" not in title and "interim" not in title:
        name += " (acting)"
    return name + (" (parallel claim)" if leader.parallel else "")


def _leader(leader: Leader) -> LeaderRow:
    how = _words(leader.how_ended) if leader.how_ended else None
    codes = [_words(code) if code else "?" for code in (leader.entry, leader.exit)]
    coded = " → ".join(codes) if leader.entry or leader.exit else None
    return LeaderRow(leader_name(leader), leader.title, leader.since, leader.until, how, coded)


def _rules(session: Session, profile: Profile) -> Facts:
    """The succession rules in force at the session's date, each with the date it took effect."""
    succession = profile.succession
    rules = succession.rules
    facts: list[Fact] = []
    if rules is not None:
        for label, key, unit in (("Term", "term_years", " years"), ("Term limit", "term_limit", " term(s)")):
            record = dated(getattr(rules, key), session.date)
            if record is not None:
                text = f"{record.value}{unit}" if record.value is not None else "none"
                facts.append(Fact(label, text + _since(record.since)))
        successor = dated(rules.successor, session.date)
        if successor is not None and successor.value is not None:
            facts.append(Fact("Successor", f"{successor.value}{_since(successor.since)}"))
        for reset in rules.resets:
            whom = f" for {reset.incumbent}" if reset.incumbent else ""
            text = f"{reset.since} ({reset.value}{whom}): {reset.note or ''}"
            facts.append(Fact("Reset", text.rstrip(": ")))
    election = succession.next_election
    if election is not None:
        when = election.date or election.year
        facts.append(Fact("Next election", f"{election.kind}, {when} ({election.source})"))
    for factor in succession.risk_factors:
        # A count or measure means little without the note that says what it counts.
        value = "yes" if factor.value is True else "no" if factor.value is False else str(factor.value)
        said = f"{value}: {factor.note}" if factor.note and not isinstance(factor.value, bool) else value
        facts.append(Fact(_words(factor.factor).capitalize(), f"{said} ({factor.source})"))
    return Facts(facts)


def _gap_label(field: str) -> str:
    """A gap's field as people read it: the catalogue's label, with the path it stands for."""
    info = FIELDS.get(field)
    return f"{info.label} ({field})" if info else field


def _since(since: When | None) -> str:
    return f" (since {since})" if since is not None else ""


def score_text(result: IndexResult) -> str:
    """An index score as one line: score, level and how much of the weight facts covered."""
    covered = f"facts for {result.coverage:.0%} of the weight"
    if result.score is None or result.level == INSUFFICIENT:
        return f"{INSUFFICIENT} ({covered}; {result.min_coverage:.0%} needed)"
    return f"{result.score:.1f} / 100, {result.level} ({covered})"


def _index_fact(result: IndexResult) -> Fact:
    missing = ", ".join(c.label for c in result.components if c.treatment != "read")
    return Fact(result.label, score_text(result) + (f"; missing: {missing}" if missing else ""))

"""The data contract (docs/architecture.md, "Data contract") as msgspec Structs.

Everything a data file may hold is declared here; unknown keys are errors. Checks that span
several records or files (sources resolve, spans do not overlap) live in ``checks.py``.
"""

# No `from __future__ import annotations`: msgspec reads these annotations on every run to
# build its decoders, and evaluating them from strings would take a few milliseconds of the
# start-up budget (docs/architecture.md, "Performance budgets").

import datetime as dt
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

#: A source key is also its citation key in BibTeX, LaTeX and Pandoc: letters, digits and
#: inner ``-_.:``, which all three accept as they are. Checked as every file is read, so no
#: other key ever reaches a caption or a bibliography.
SOURCE_KEY = r"[A-Za-z0-9](?:[A-Za-z0-9_.:-]*[A-Za-z0-9])?"
SourceKey = Annotated[str, msgspec.Meta(pattern=f"^{SOURCE_KEY}$", max_length=200)]

#: The closed unit vocabulary: key as written in data files → label shown to people.
UNITS: dict[str, str] = {
    "persons": "persons",
    "km": "km",
    "km2": "km²",
    "pct": "%",
    "pct_gdp": "% of GDP",
    "usd": "US$",
    "usd_million": "US$ million",
    "usd_billion": "US$ billion",
    "tcm": "trillion m³",
    "bcm": "billion m³",
    "bcm_per_year": "billion m³/year",
    "billion_bbl": "billion barrels",
    "million_bbl": "million barrels",
    "bbl_per_day": "barrels/day",
    "thousand_bbl_per_day": "thousand barrels/day",
    "million_t": "million tonnes",
    "million_t_per_year": "million tonnes/year",
    "t_per_year": "tonnes/year",
    "t_u_per_year": "tonnes U/year",
    "mw": "MW",
    "gw": "GW",
    "twh_per_year": "TWh/year",
    "m": "m",
    "km3": "km³",
    "years": "years",
}


def unit_label(unit: str) -> str:
    """A unit as people read it; an index's score (unit ``score``) has a label of its own."""
    return "score 0–100" if unit == "score" else UNITS[unit]


#: Units that measure the same quantity: unit → (common unit, how many of it one unit is).
_SCALES: dict[str, tuple[str, float]] = {
    "tcm": ("bcm", 1000),
    "bcm": ("bcm", 1),
    "billion_bbl": ("million_bbl", 1000),
    "million_bbl": ("million_bbl", 1),
    "usd": ("usd", 1),
    "usd_million": ("usd", 1e6),
    "usd_billion": ("usd", 1e9),
    "thousand_bbl_per_day": ("bbl_per_day", 1000),
    "bbl_per_day": ("bbl_per_day", 1),
    "gw": ("mw", 1000),
    "mw": ("mw", 1),
    "million_t_per_year": ("t_per_year", 1e6),
    "t_per_year": ("t_per_year", 1),
}


def convert(value: float, unit: str, to: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to``; None where they measure different things."""
    if unit == to:
        return value
    common, factor = _SCALES.get(unit, (unit, 1.0))
    target, target_factor = _SCALES.get(to, (to, 1.0))
    if common != target:
        return None
    # Twelve significant digits drop binary noise (5.663 / 1000 → 0.005663, not …0000005).
    return float(f"{value * factor / target_factor:.12g}")


if TYPE_CHECKING:
    Unit = str
else:
    Unit = Literal[tuple(UNITS)]

MembershipStatus = Literal[
    "member", "observer", "associate", "dialogue_partner", "applicant", "suspended", "withdrawn"
]
ProjectStatus = Literal[
    "operating", "under_construction", "planned", "suspended", "cancelled", "partially_operating"
]
HowEnded = Literal[
    "regular_election", "resigned", "died", "ousted", "coup", "handover", "acting_ended", "in_office"
]
#: How a leader came to and left office, in the categories of the Archigos codebook (Goemans,
#: Gleditsch & Chiozza, cited by the irregular-exits factor of methodology.yaml): regular means
#: by the rules and conventions in force then; irregular, against them (a coup, a revolt, removal
#: under popular protest); a foreign imposition or removal is one made by another state.
Entry = Literal["regular", "irregular", "foreign_imposition"]
Exit = Literal["regular", "irregular", "natural_death", "ill_health", "foreign", "in_office"]
ProjectKind = Literal["hydropower", "rail", "road", "pipeline", "mining", "industrial", "power", "other"]
OrgKind = Literal[
    "political", "economic", "security", "trade", "financial", "religious", "cultural", "general"
]
SourceKind = Literal["dataset", "report", "webpage", "article", "book", "legal"]
#: Who stands behind a source, beside what kind of publication it is: a dataset's compiler; a
#: government, parliament, central bank or statistics office; an intergovernmental organisation
#: (its own site or depositary); scholarship; the press (state news agencies included); an
#: encyclopedia or any copy of one; or anyone else (blogs, vendors, aggregators).
SourceOrigin = Literal[
    "dataset", "official", "intergovernmental", "academic", "press", "encyclopedia", "other"
]

#: A date in a data file: an ISO date, or a bare year where only the year is known.
When = int | dt.date


def as_date(when: When, *, end: bool = False) -> dt.date:
    """A date or a bare year as a date: the year's first day, or its last with ``end``."""
    if isinstance(when, dt.date):
        return when
    return dt.date(when, 12, 31) if end else dt.date(when, 1, 1)


class Record(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every record: unknown keys are errors, fields are passed by name."""


class Dated(Record, kw_only=True):
    """One value of a fact that changes (a capital, a term limit), with the dates it held.

    The same shape as a membership span. ``since`` left out: in force from before the earliest
    date the sources give (a gap says so). ``value`` left out: the fact is explicitly absent
    then (no term limit), which is not the same as no record (not known).
    """

    value: str | int | None = None
    since: When | None = None
    until: When | None = None
    source: SourceKey
    note: str | None = None


#: A fact that changes: one undated value (in force whenever the profile is read), or the list
#: of its dated records.
DatedText = str | list[Dated]
DatedNumber = int | list[Dated]


class Figure(Record, kw_only=True):
    """A number with its unit, the year it describes and its source.

    Either a point (``value`` and ``year``) or a series (``series``: year → value). A point's
    ``rank`` is the world rank its source states; a series read from a table of every country
    (a sheet of the Statistical Review) carries the world rank computed for each year:
    ``ranks`` among ``among`` countries of ``sheet``.
    """

    unit: Unit
    source: SourceKey
    value: float | None = None
    year: int | None = None
    series: dict[int, float] | None = None
    rank: int | None = None
    ranks: dict[int, int] | None = None
    among: dict[int, int] | None = None
    sheet: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.series is None:
            if self.value is None or self.year is None:
                raise ValueError("a figure needs `value` and `year`, or a `series`")
            if not math.isfinite(self.value):
                raise ValueError(f"value {self.value} is not a finite number")
        else:
            if self.value is not None or self.year is not None:
                raise ValueError("a series takes no `value` or `year`: put them in `series`")
            if not self.series:
                raise ValueError("a series needs at least one year")
            # One pass in C over the values; the year at fault is looked for only on failure.
            if not all(map(math.isfinite, self.series.values())):
                year = next(y for y, v in self.series.items() if not math.isfinite(v))
                raise ValueError(f"series value for {year} is not a finite number")
        if (self.ranks is not None or self.among is not None) and self.series is None:
            raise ValueError("`ranks` and `among` go with a `series`; a point takes `rank`")

    def rank_in(self, year: int) -> int | None:
        """The world rank of the figure's value for ``year``: stated, or computed for a series."""
        return self.ranks.get(year) if self.ranks is not None else self.rank

    def rank_basis(self, year: int) -> str | None:
        """What a computed rank is counted among: "rank among 48 countries in <sheet>"."""
        if self.ranks is None or year not in self.ranks:
            return None
        among = self.among.get(year) if self.among else None
        whom = f"among {among} countries" if among else "among the countries"
        return f"rank {whom} in {self.sheet}" if self.sheet else f"rank {whom}"


#: A field holds one figure or, where sources or vintages differ, a list of them.
Figures = Figure | list[Figure]


def figures_of(value: Figures | None) -> list[Figure]:
    """The figures of a field as a list, whether it holds none, one or several."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Plant(Record, kw_only=True):
    name: str
    river: str | None = None
    capacity: Figures | None = None
    height: Figures | None = None
    status: ProjectStatus | None = None
    commissioned: When | None = None
    source: SourceKey | None = None
    note: str | None = None


class Pipeline(Record, kw_only=True):
    name: str
    kind: Literal["gas", "oil"]
    route: list[str] = []
    commissioned: When | None = None
    capacity: Figures | None = None
    length: Figures | None = None
    status: ProjectStatus | None = None
    source: SourceKey | None = None
    note: str | None = None


InfrastructureKind = Literal[
    "gas_pipeline", "oil_pipeline", "hydropower", "rail", "dry_port", "power", "other"
]


class Status(Record, kw_only=True):
    """One span of an infrastructure record's status: planned, under construction, operating…"""

    value: ProjectStatus
    since: When
    until: When | None = None
    source: SourceKey
    note: str | None = None


class Infrastructure(Record, kw_only=True):
    """A pipeline or large project, defined once in ``infrastructure.yaml`` and referred to by id
    from every profile it crosses. Its status is a dated history; it exists from its first."""

    id: str
    name: str
    kind: InfrastructureKind
    #: The countries it crosses or serves, in order, as lower-case ids (``china`` included).
    route: list[str]
    #: Places along the route, as the sources name them.
    places: list[str] = []
    capacity: Figures | None = None
    length: Figures | None = None
    river: str | None = None
    status: list[Status]
    source: SourceKey
    note: str | None = None


class InfrastructureFile(Record, kw_only=True):
    """The file ``infrastructure.yaml``."""

    infrastructure: list[Infrastructure]


class Hydropower(Record, kw_only=True):
    installed_capacity: Figures | None = None
    potential: Figures | None = None
    generation: Figures | None = None
    #: Plants of the profile's own, or ids of ``infrastructure.yaml`` records.
    plants: list[str | Plant] = []


class Energy(Record, kw_only=True):
    gas_reserves: Figures | None = None
    oil_reserves: Figures | None = None
    coal_reserves: Figures | None = None
    gas_production: Figures | None = None
    oil_production: Figures | None = None
    coal_production: Figures | None = None
    gas_exports: Figures | None = None
    uranium_production: Figures | None = None
    electricity_capacity: Figures | None = None
    electricity_generation: Figures | None = None
    hydro_share: Figures | None = None
    hydro_share_of_generation: Figures | None = None
    hydropower: Hydropower | None = None
    #: Ids of ``infrastructure.yaml`` records, or pipelines described in the profile itself.
    pipelines: list[str | Pipeline] = []
    note: str | None = None


class Membership(Record, kw_only=True):
    """One span of a country's standing in an organisation."""

    org: str
    status: MembershipStatus
    since: When
    until: When | None = None
    source: SourceKey
    note: str | None = None


class Leader(Record, kw_only=True):
    """One tenure as head of state."""

    name: str
    title: str
    since: When
    until: When | None = None
    born: When | None = None
    #: The plain description of how the tenure ended; ``entry`` and ``exit`` code it (and the
    #: tenure's start) by the Archigos codebook, and the succession index reads only those.
    how_ended: HowEnded | None = None
    entry: Entry | None = None
    exit: Exit | None = None
    acting: bool = False
    #: A rival claim held alongside the tenure before it (a recognised government in exile,
    #: say): listed, but not counted as the head of state in office.
    parallel: bool = False
    relation: str | None = None
    source: SourceKey
    note: str | None = None


ResetKind = Literal["reset", "lifted", "extended", "other"]


class Reset(Record, kw_only=True):
    """A constitutional change to the presidential term in an incumbent's favour, dated like
    every changing fact.

    ``value`` — ``reset``: the count of terms restarted, or eligibility for another term
    restored; ``lifted``: the limit removed or waived for the incumbent; ``extended``: a mandate
    lengthened or prolonged without an election; ``other``: a rule bent for a candidate.
    ``incumbent`` names the head of state it was made for, where the sources name one.
    """

    value: ResetKind
    since: When
    until: When | None = None
    incumbent: str | None = None
    source: SourceKey
    note: str | None = None


class Rules(Record, kw_only=True):
    """The constitutional rules of presidential succession; each may change over time."""

    term_years: DatedNumber | None = None
    term_limit: DatedNumber | None = None
    successor: DatedText | None = None
    resets: list[Reset] = []
    source: SourceKey | None = None
    note: str | None = None


class Election(Record, kw_only=True):
    kind: str
    year: int | None = None
    date: dt.date | None = None
    source: SourceKey
    note: str | None = None


class RiskFactor(Record, kw_only=True):
    factor: str
    value: bool | int | float | str | None = None
    year: int | None = None
    source: SourceKey
    note: str | None = None


class Succession(Record, kw_only=True):
    leaders: list[Leader] = []
    rules: Rules | None = None
    next_election: Election | None = None
    risk_factors: list[RiskFactor] = []


class Migration(Record, kw_only=True):
    remittances_pct_gdp: Figures | None = None
    remittances_usd: Figures | None = None
    remittances_from_russia_usd: Figures | None = None
    russia_share_of_remittances: Figures | None = None
    russia_share_of_migrants: Figures | None = None
    migrants_abroad: Figures | None = None
    migrants_in_russia: Figures | None = None
    refugees_abroad: Figures | None = None
    note: str | None = None


class Project(Record, kw_only=True):
    name: str
    kind: ProjectKind
    status: ProjectStatus | None = None
    year: int | None = None
    capacity: Figures | None = None
    source: SourceKey
    note: str | None = None


class China(Record, kw_only=True):
    border_km: Figures | None = None
    trade_with_china: Figures | None = None
    china_share_of_exports: Figures | None = None
    china_share_of_imports: Figures | None = None
    debt_to_china: Figures | None = None
    #: Ids of ``infrastructure.yaml`` records (or, in older files, names of energy.pipelines).
    pipelines: list[str] = []
    #: Ids of ``infrastructure.yaml`` records, or projects described in the profile itself.
    projects: list[str | Project] = []
    note: str | None = None


class Independence(Record, kw_only=True):
    """The date the state became independent: before it there is no profile to show."""

    date: dt.date
    source: SourceKey
    note: str | None = None


class Gap(Record, kw_only=True):
    """A field no source could fill: shown to users instead of a guess."""

    field: str
    note: str
    #: ``not_applicable`` where the field has no meaning for the country (no border with China):
    #: views say "n/a" there, and "no data" only where a value exists but no source gives it.
    reason: Literal["unknown", "not_applicable"] = "unknown"


class Profile(Record, kw_only=True):
    """One country: a file ``countries/<id>.yaml``."""

    id: str
    name: str
    official_name: DatedText
    iso2: str
    iso3: str
    aliases: list[str] = []
    independence: Independence | None = None
    capital: DatedText | None = None
    population: Figures | None = None
    area: Figures | None = None
    gdp: Figures | None = None
    energy: Energy = msgspec.field(default_factory=Energy)
    #: A status of neutrality in international law (Turkmenistan's permanent neutrality, which
    #: the UN General Assembly recognised), dated like every changing fact: before it, none.
    neutrality: DatedText | None = None
    memberships: list[Membership] = []
    succession: Succession = msgspec.field(default_factory=Succession)
    migration: Migration = msgspec.field(default_factory=Migration)
    china: China = msgspec.field(default_factory=China)
    gaps: list[Gap] = []


class Organization(Record, kw_only=True):
    id: str
    name: str
    abbreviations: list[str] = []
    aliases: list[str] = []
    kind: OrgKind
    founded: When | None = None
    dissolved: When | None = None
    predecessor: str | None = None
    successor: str | None = None
    leading_power: list[str] = []
    url: str | None = None
    source: SourceKey | None = None
    note: str | None = None


class Organizations(Record, kw_only=True):
    """The file ``organizations.yaml``."""

    organizations: list[Organization]


class Source(Record, kw_only=True):
    """A bibliography entry."""

    title: str
    publisher: str
    author: str | None = None
    #: Publication year; left out where the page shows none (cited as "n.d.").
    year: int | None = None
    url: str
    accessed: dt.date
    licence: str | None = None
    kind: SourceKind = "webpage"
    #: Left out, the entry still loads (a user's layer written before the field existed), and
    #: ``validate`` reports it: every bundled entry has one.
    origin: SourceOrigin | None = None
    note: str | None = None


class Release(Record, kw_only=True):
    """The data release: reported by ``--version`` and in every JSON document."""

    version: str
    date: dt.date


class Sources(Record, kw_only=True):
    """The file ``sources.yaml``: the release, preferred sources and the bibliography."""

    release: Release | None = None
    #: Field path → source keys in order of preference, for ranking where sources disagree.
    preferred: dict[str, list[SourceKey]] = {}
    sources: dict[SourceKey, Source] = {}


IndexName = Literal["succession_risk", "migration_dependence"]
#: The facts an index can read (computed in ``indices.py``): name → whether it is a number.
FACTS: dict[str, bool] = {
    "leader_age": True,
    "leader_tenure": True,
    "binding_term_limit": False,
    "constitutional_successor": False,
    "irregular_exits": True,
    "term_limit_resets": True,
    "risk_factors": False,
    "remittances_pct_gdp": True,
    "russia_share_of_remittances": True,
    "migrants_abroad_pct_population": True,
    "membership": False,
}
if TYPE_CHECKING:
    FactName = str
else:
    FactName = Literal[tuple(FACTS)]


class Factor(Record, kw_only=True):
    """One part of an index: the fact it reads, how that maps to 0–1, its weight, its grounds."""

    id: str
    label: str
    fact: FactName
    weight: float
    #: Numbers: (fact value, score) corners of a piecewise-linear curve, flat beyond the ends.
    points: list[tuple[float, float]] = []
    #: Categories (yes/no, a membership status): category → score; unlisted ones score 0.
    scores: dict[str, float] = {}
    #: For ``risk_factors``: the names in a profile's ``succession.risk_factors`` that count.
    names: list[str] = []
    #: For ``membership``: the organisations whose status is read.
    orgs: list[str] = []
    #: What a missing fact does: ``exclude`` it (the other weights are rescaled and coverage
    #: drops), or ``assume`` the score given in ``assume``.
    missing: Literal["exclude", "assume"] = "exclude"
    assume: float | None = None
    sources: list[SourceKey]
    rationale: str


class Levels(Record, kw_only=True):
    """Lower bounds of each level on the 0–100 score; below ``moderate`` is ``low``."""

    moderate: float
    high: float
    very_high: float


class IndexRubric(Record, kw_only=True):
    label: str
    description: str
    factors: list[Factor]
    levels: Levels
    #: Below this share of the total weight read from facts, the level is "insufficient data".
    min_coverage: float = 0.6


class Methodology(Record, kw_only=True):
    """The file ``methodology.yaml``: the rubric of each index."""

    indices: dict[IndexName, IndexRubric]


class FieldInfo(msgspec.Struct, frozen=True):
    """What the field catalogue says of a figure field: how people read it, and its unit."""

    label: str
    unit: str
    description: str


#: The figure fields of a profile's identity: the brief shows them beside name and capital, and
#: the tidy tables file them under the section "identity".
IDENTITY_FIGURES = ("population", "area", "gdp")

#: Every figure field of a profile by path. ``fields`` lists these; a test checks that they are
#: exactly the figure fields the model declares.
FIELDS: dict[str, FieldInfo] = {
    "population": FieldInfo("Population", "persons", "Resident population, estimate or census"),
    "area": FieldInfo("Area", "km2", "Total area, land and water"),
    "gdp": FieldInfo("GDP", "usd_billion", "Gross domestic product at official exchange rates, current US$"),
    "energy.gas_reserves": FieldInfo("Gas reserves", "tcm", "Proven natural gas reserves"),
    "energy.oil_reserves": FieldInfo("Oil reserves", "billion_bbl", "Proven crude oil reserves"),
    "energy.coal_reserves": FieldInfo("Coal reserves", "million_t", "Proven coal reserves"),
    "energy.gas_production": FieldInfo("Gas production", "bcm_per_year", "Natural gas production"),
    "energy.oil_production": FieldInfo(
        "Oil production", "bbl_per_day", "Crude oil or total petroleum production"
    ),
    "energy.coal_production": FieldInfo("Coal production", "million_t_per_year", "Coal production"),
    "energy.gas_exports": FieldInfo("Gas exports", "bcm_per_year", "Natural gas exports"),
    "energy.uranium_production": FieldInfo("Uranium production", "t_u_per_year", "Uranium mined"),
    "energy.electricity_capacity": FieldInfo(
        "Power capacity", "gw", "Installed electricity generating capacity"
    ),
    "energy.electricity_generation": FieldInfo("Power generation", "twh_per_year", "Electricity generated"),
    "energy.hydro_share": FieldInfo("Hydro share", "pct", "Hydropower's share of installed capacity"),
    "energy.hydro_share_of_generation": FieldInfo(
        "Hydro share of generation", "pct", "Hydropower's share of electricity generated in the year"
    ),
    "energy.hydropower.installed_capacity": FieldInfo(
        "Hydro capacity", "mw", "Installed hydropower capacity"
    ),
    "energy.hydropower.potential": FieldInfo("Hydro potential", "twh_per_year", "Hydropower potential"),
    "energy.hydropower.generation": FieldInfo(
        "Hydro generation", "twh_per_year", "Electricity generated by hydropower"
    ),
    "migration.remittances_pct_gdp": FieldInfo(
        "Remittances", "pct_gdp", "Personal remittances received, % of GDP"
    ),
    "migration.remittances_usd": FieldInfo(
        "Remittances (US$)", "usd_million", "Personal remittances received"
    ),
    "migration.remittances_from_russia_usd": FieldInfo(
        "Remittances from Russia (US$)",
        "usd_million",
        "Money transfers received from Russia in the year, by the channel the source names",
    ),
    "migration.russia_share_of_remittances": FieldInfo(
        "Russia's share of remittances",
        "pct",
        "Share of the remittances or money transfers received in a calendar year that came from Russia",
    ),
    "migration.russia_share_of_migrants": FieldInfo(
        "Russia's share of migrants",
        "pct",
        "Share of the citizens working or living abroad who are in Russia",
    ),
    "migration.migrants_abroad": FieldInfo(
        "Migrants abroad",
        "persons",
        "Emigrants or labour migrants living or working abroad, all destinations",
    ),
    "migration.migrants_in_russia": FieldInfo(
        "Migrants in Russia", "persons", "Citizens living or working in Russia"
    ),
    "migration.refugees_abroad": FieldInfo(
        "Refugees abroad",
        "persons",
        "Refugees, people in refugee-like situations and asylum-seekers from the country, all host countries",
    ),
    "china.border_km": FieldInfo("Border with China", "km", "Length of the land border with China"),
    "china.trade_with_china": FieldInfo(
        "Trade with China",
        "usd_million",
        "Exports plus imports, by the source named",
    ),
    "china.china_share_of_exports": FieldInfo("China's share of exports", "pct", "China's share of exports"),
    "china.china_share_of_imports": FieldInfo("China's share of imports", "pct", "China's share of imports"),
    "china.debt_to_china": FieldInfo("Debt to China", "usd_million", "External debt owed to Chinese lenders"),
}


#: Fields that no longer exist, each with what replaced it: a data file that still uses one gets
#: this, as one line naming the file, line, column and key, instead of a bare "unknown key".
RETIRED: dict[str, str] = {
    "migration.russia_share": (
        "it held shares of two kinds; use migration.russia_share_of_remittances "
        "(share of remittances from Russia) or migration.russia_share_of_migrants "
        "(share of migrants abroad who are in Russia)"
    ),
}


def walk(obj: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every node of a record, depth first, with its path of field names and list positions."""
    yield path, obj
    if isinstance(obj, msgspec.Struct):
        for name in obj.__struct_fields__:
            yield from walk(getattr(obj, name), (*path, name))
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            yield from walk(item, (*path, index))

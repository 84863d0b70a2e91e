"""Integrity of the bundled data, record by record."""

from __future__ import annotations

import datetime as dt

import pytest

from ca_profiles.asof import records
from ca_profiles.catalog import Catalog, validate
from ca_profiles.model import Figure, Profile, as_date, walk

BUNDLED = ["afghanistan", "kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"]
CATALOG = Catalog.open()
PROFILES = {p.id: p for p in CATALOG.profiles()}

#: What a value in each unit can plausibly be: anything outside is a typing or unit error.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "pct": (0, 100),
    "pct_gdp": (0, 100),
    "persons": (1, 2e9),
    "km": (0, 50_000),
    "km2": (1, 2e7),
    "tcm": (0, 100),
    "bcm": (0, 100_000),
    "bcm_per_year": (0, 1_000),
    "billion_bbl": (0, 400),
    "million_bbl": (0, 400_000),
    "bbl_per_day": (0, 15e6),
    "million_t": (0, 1e6),
    "million_t_per_year": (0, 5_000),
    "t_u_per_year": (0, 50_000),
    "gw": (0, 500),
    "mw": (0, 50_000),
    "twh_per_year": (0, 10_000),
    "usd_million": (0, 1e7),
    "usd_billion": (0, 1e5),
    "m": (0, 1_000),
}


def test_the_six_bundled_profiles_load() -> None:
    assert sorted(PROFILES) == BUNDLED
    assert CATALOG.problems == []


def test_bundled_data_has_no_problems() -> None:
    assert validate(None, None, dt.date(2026, 12, 2)) == []


@pytest.mark.parametrize("id", BUNDLED)
def test_every_section_is_filled(id: str) -> None:
    p = PROFILES[id]
    assert p.official_name and p.iso2 and p.iso3 and p.capital and p.aliases and p.population
    assert p.energy.gas_reserves and p.energy.oil_reserves and p.energy.electricity_capacity
    assert p.memberships
    assert p.succession.leaders and p.succession.rules and p.succession.risk_factors
    assert p.migration.remittances_pct_gdp or any(g.field.startswith("migration") for g in p.gaps)
    assert p.china.projects or p.china.trade_with_china
    assert p.gaps, "every profile lists what it lacks"


@pytest.mark.parametrize("id", BUNDLED)
def test_figures_are_plausible_for_their_unit(id: str) -> None:
    for path, node in walk(PROFILES[id]):
        if not isinstance(node, Figure):
            continue
        values = list(node.series.values()) if node.series else [node.value]
        low, high = PLAUSIBLE.get(node.unit, (float("-inf"), float("inf")))
        for value in values:
            assert value is not None and low <= value <= high, (path, node)
        years = list(node.series) if node.series else [node.year]
        assert all(y is not None and 1900 <= y <= dt.date.today().year for y in years), (path, node)


@pytest.mark.parametrize("id", BUNDLED)
def test_one_head_of_state_is_in_office(id: str) -> None:
    leaders = PROFILES[id].succession.leaders
    current = [leader for leader in leaders if leader.until is None and not leader.parallel]
    assert len(current) == 1 and current[0] is leaders[-1]
    assert all(leader.how_ended for leader in leaders[:-1]), "every ended tenure says how"


@pytest.mark.parametrize(("id", "name"), [(p.id, n) for p in PROFILES.values() for n in p.aliases])
def test_every_alias_resolves_to_its_country(id: str, name: str) -> None:
    assert CATALOG.resolve(name) == id


@pytest.mark.parametrize(
    ("name", "id"),
    [
        ("Kazakstan", "kazakhstan"),
        ("Kyrgyz Republic", "kyrgyzstan"),
        ("Kirgizia", "kyrgyzstan"),
        ("Tadzhikistan", "tajikistan"),
        ("O'zbekiston", "uzbekistan"),
        ("Казахстан", "kazakhstan"),
        ("哈萨克斯坦", "kazakhstan"),
    ],
)
def test_the_names_researchers_meet_in_the_literature_resolve(name: str, id: str) -> None:
    assert CATALOG.resolve(name) == id


@pytest.mark.parametrize("id", BUNDLED)
def test_names_and_codes_resolve(id: str) -> None:
    p: Profile = PROFILES[id]
    official = [str(record.value) for record in records(p.official_name)]
    for name in (p.id, p.name, *official, p.iso2, p.iso3, p.name.upper(), p.iso3.lower()):
        assert CATALOG.resolve(name) == id


def test_every_source_has_url_and_access_date() -> None:
    for key, source in CATALOG.sources.items():
        assert source.url.startswith(("http://", "https://")), key
        assert source.accessed <= dt.date.today(), key


def test_every_bundled_source_says_who_stands_behind_it() -> None:
    assert [key for key, source in CATALOG.sources.items() if source.origin is None] == []
    # Wikipedia and its copies are encyclopedias, whoever hosts the copy.
    for key, source in CATALOG.sources.items():
        if "wikipedia" in f"{source.publisher} {source.url}".lower():
            assert source.origin == "encyclopedia", key


def test_preferred_sources_name_real_fields() -> None:
    for field in CATALOG.sources_file.preferred:
        node: object = PROFILES["kazakhstan"]
        for part in field.split("."):
            assert hasattr(node, part), field
            node = getattr(node, part)


@pytest.mark.parametrize("id", BUNDLED)
def test_every_tenure_carries_its_archigos_codes(id: str) -> None:
    for leader in PROFILES[id].succession.leaders:
        assert leader.entry is not None and leader.exit is not None, leader.name
        assert (leader.exit == "in_office") == (leader.until is None), leader.name


@pytest.mark.parametrize("id", BUNDLED)
def test_the_leader_list_starts_at_independence(id: str) -> None:
    """CONTRIBUTING.md, the rules the data keeps: a state independent since 1991 lists its heads of
    state from the independence date (one already in office then starts there); Afghanistan, an
    older state, from the fall of the Republic in April 1992; none before its state existed."""
    profile = PROFILES[id]
    assert profile.independence is not None
    independence = as_date(profile.independence.date)
    first = as_date(profile.succession.leaders[0].since)
    if independence.year >= 1991:
        assert first == independence, (first, independence)
    else:
        assert first == dt.date(1992, 4, 28)

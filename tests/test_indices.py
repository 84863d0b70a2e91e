"""The indices: bounds, sums, monotonicity, dates, missing facts and a rubric users change."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ca_profiles import indices
from ca_profiles.asof import as_of
from ca_profiles.catalog import Catalog
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.figures import years_by_source
from ca_profiles.indices import Context, compute, head_of_state
from ca_profiles.loader import bundled_root
from ca_profiles.model import FACTS, Figure, Profile

CATALOG = Catalog.open()
METHODOLOGY = CATALOG.methodology
PREFERRED = CATALOG.sources_file.preferred
YEARS = [1995, 2001, 2008, 2013, 2016, 2019, 2022, 2026]


def result(profile: Profile, name: str, year: int) -> indices.IndexResult:
    seen = as_of(profile, year)
    return compute(seen, name, METHODOLOGY.indices[name], Context(dt.date(year, 12, 31), PREFERRED))  # type: ignore[index]


def explain(runner: CliRunner, *args: str) -> Any:
    outcome = runner.invoke(app, ["explain", *args, "--json"])
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.stdout)


def test_every_fact_the_model_names_is_computed() -> None:
    assert set(FACTS) == set(indices._FACTS)


@pytest.mark.parametrize("name", ["succession_risk", "migration_dependence"])
@pytest.mark.parametrize("year", YEARS)
def test_scores_lie_in_bounds_and_contributions_sum_to_them(name: str, year: int) -> None:
    for profile in CATALOG.profiles():
        outcome = result(profile, name, year)
        if outcome.score is None:
            assert outcome.level == indices.INSUFFICIENT
            continue
        assert 0 <= outcome.score <= 100
        assert sum(c.contribution for c in outcome.components) == pytest.approx(outcome.score)
        assert all(0 <= c.score <= 1 for c in outcome.components if c.score is not None)
        read = sum(c.weight for c in outcome.components if c.treatment == "read")
        assert outcome.coverage == pytest.approx(read / sum(c.weight for c in outcome.components))


def _with_leader(profile: Profile, **changes: Any) -> Profile:
    leaders = list(profile.succession.leaders)
    leaders[-1] = msgspec.structs.replace(leaders[-1], **changes)
    return msgspec.structs.replace(
        profile, succession=msgspec.structs.replace(profile.succession, leaders=leaders)
    )


@settings(max_examples=60, deadline=None)
@given(
    country=st.sampled_from(["kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"]),
    born=st.integers(1925, 1985),
    older_by=st.integers(0, 30),
)
def test_an_older_leader_never_lowers_succession_risk(country: str, born: int, older_by: int) -> None:
    profile = CATALOG.get(country)
    young = result(_with_leader(profile, born=born), "succession_risk", 2026)
    old = result(_with_leader(profile, born=born - older_by), "succession_risk", 2026)
    assert old.score is not None and young.score is not None
    assert old.score >= young.score - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    country=st.sampled_from(["kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"]),
    since=st.integers(1992, 2025),
    longer_by=st.integers(0, 30),
)
def test_a_longer_tenure_never_lowers_succession_risk(country: str, since: int, longer_by: int) -> None:
    profile = CATALOG.get(country)
    start = max(1992, since - longer_by)
    short = result(_with_leader(profile, since=dt.date(since, 1, 1)), "succession_risk", 2026)
    long = result(_with_leader(profile, since=dt.date(start, 1, 1)), "succession_risk", 2026)
    assert long.score is not None and short.score is not None
    assert long.score >= short.score - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    country=st.sampled_from(["kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan"]),
    share=st.floats(0, 80),
    more=st.floats(0, 40),
)
def test_a_larger_remittance_share_never_lowers_dependence(country: str, share: float, more: float) -> None:
    profile = CATALOG.get(country)

    def with_share(value: float) -> Profile:
        figure = Figure(unit="pct_gdp", source="wb-wdi", series={2026: value})
        migration = msgspec.structs.replace(profile.migration, remittances_pct_gdp=figure)
        return msgspec.structs.replace(profile, migration=migration)

    low = result(with_share(share), "migration_dependence", 2026)
    high = result(with_share(share + more), "migration_dependence", 2026)
    assert low.score is not None and high.score is not None
    assert high.score >= low.score - 1e-9


def test_as_of_reads_the_age_and_tenure_of_that_date(runner: CliRunner) -> None:
    data = explain(runner, "kazakhstan", "succession", "--as-of", "2015")
    parts = {c["factor"]: c for c in data["components"]}
    assert data["date"] == "2015-12-31"
    assert parts["age"]["value"] == 75 and "Nazarbayev" in parts["age"]["reading"]
    assert parts["tenure"]["value"] == 24.0
    # The 2007 waiver fell in his tenure; the 2022 reset lies in the future.
    assert parts["term_limit"]["value"] == "no"
    assert parts["resets"]["value"] == 2
    now = explain(runner, "kazakhstan", "succession")
    assert "Tokayev" in {c["factor"]: c for c in now["components"]}["age"]["reading"]


def test_an_acting_spell_running_into_the_term_counts_as_tenure() -> None:
    profile = as_of(CATALOG.get("kazakhstan"), 2020)
    leader = head_of_state(profile)
    assert leader is not None and leader.name == "Kassym-Jomart Tokayev"
    assert indices._in_power_since(profile, leader) == dt.date(2019, 3, 20)


def test_a_missing_fact_is_excluded_and_said_so(runner: CliRunner) -> None:
    data = explain(runner, "afghanistan", "succession")
    age = {c["factor"]: c for c in data["components"]}["age"]
    assert (age["value"], age["score"], age["treatment"]) == (None, None, "excluded")
    assert "year of birth not recorded" in age["reading"]
    assert data["missing"] == ["age"] and data["coverage"] == pytest.approx(0.8)
    table = runner.invoke(app, ["explain", "afghanistan", "succession"])
    assert "Missing: Age of the head of state" in table.stdout


def test_thin_coverage_is_insufficient_and_not_ranked(runner: CliRunner) -> None:
    outcome = runner.invoke(app, ["rank", "indices.migration_dependence", "--as-of", "2005", "--json"])
    rows = json.loads(outcome.stdout)
    assert all(row["level"] == "insufficient data" and row["position"] is None for row in rows)


def test_rank_orders_the_indices(runner: CliRunner) -> None:
    outcome = runner.invoke(app, ["rank", "indices.migration_dependence", "--json"])
    rows = json.loads(outcome.stdout)
    assert [row["id"] for row in rows[:3]] == ["tajikistan", "kyrgyzstan", "uzbekistan"]
    assert rows == sorted(rows, key=lambda row: -row["value"])


def test_show_carries_the_indices_in_json_and_table(runner: CliRunner) -> None:
    shown = json.loads(runner.invoke(app, ["show", "tajikistan", "--json"]).stdout)
    index = shown["indices"]["succession_risk"]
    explained = explain(runner, "tajikistan", "succession")
    assert index == {k: v for k, v in explained.items() if k not in ("id", "name", "literature", "meta")}
    assert set(index) >= {"score", "level", "coverage", "components", "missing"}
    assert all("contribution" in c for c in index["components"])
    table = runner.invoke(app, ["show", "tajikistan", "--section", "indices"])
    assert "Succession risk" in table.stdout and "Migration dependence" in table.stdout


def test_explain_names_unknown_indices(runner: CliRunner) -> None:
    outcome = runner.invoke(app, ["explain", "kazakhstan", "sucession"])
    assert outcome.exit_code == ExitStatus.USAGE
    assert outcome.stderr.startswith("Error: unknown index 'sucession'")
    assert "succession" in outcome.stderr


def _user_folder(tmp_path: Path, edit: str, new: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    text = (bundled_root() / "methodology.yaml").read_text(encoding="utf-8")
    assert edit in text
    (folder / "methodology.yaml").write_text(text.replace(edit, new, 1), encoding="utf-8")
    return folder


def test_a_rubric_in_a_data_folder_changes_the_score(runner: CliRunner, tmp_path: Path) -> None:
    bundled = explain(runner, "kazakhstan", "succession")
    folder = _user_folder(tmp_path, "points: [[55, 0], [85, 1]]", "points: [[40, 0], [60, 1]]")
    changed = explain(runner, "kazakhstan", "succession", "--data-dir", str(folder))
    assert changed["score"] > bundled["score"]
    assert {c["factor"]: c for c in changed["components"]}["age"]["score"] == 1.0


def test_an_assumed_score_is_used_and_said(runner: CliRunner, tmp_path: Path) -> None:
    folder = _user_folder(
        tmp_path,
        "points: [[55, 0], [85, 1]]",
        "points: [[55, 0], [85, 1]]\n        missing: assume\n        assume: 0.5",
    )
    data = explain(runner, "afghanistan", "succession", "--data-dir", str(folder))
    age = {c["factor"]: c for c in data["components"]}["age"]
    assert (age["treatment"], age["score"]) == ("assumed", 0.5)
    assert data["coverage"] == pytest.approx(0.8)  # an assumption is not a fact read


def test_a_broken_rubric_is_reported_and_profiles_still_show(runner: CliRunner, tmp_path: Path) -> None:
    folder = _user_folder(tmp_path, "points: [[55, 0], [85, 1]]", "points: [[85, 0], [55, 1]]")
    checked = runner.invoke(app, ["validate", str(folder)])
    assert checked.exit_code == ExitStatus.INVALID_DATA
    assert "methodology.yaml:" in checked.stdout
    assert "indices.succession_risk.factors[0].points: the values of `points` must increase" in checked.stdout
    folder2 = _user_folder(tmp_path / "b", "weight: 20", "weight: heavy")
    shown = runner.invoke(app, ["show", "kazakhstan", "--json", "--data-dir", str(folder2)])
    assert shown.exit_code == 0 and "indices" in json.loads(shown.stdout)
    assert "Warning: skipped" in shown.stderr and "weight" in shown.stderr
    explained = runner.invoke(app, ["explain", "kazakhstan", "succession", "--data-dir", str(folder2)])
    assert explained.exit_code == ExitStatus.INVALID_DATA and "expected float" in explained.stderr


def test_explain_json_through_a_pipe() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "explain", "uz", "migration", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    assert data["index"] == "migration_dependence" and "\x1b" not in done.stdout
    assert set(data["literature"]) >= {"worldbank-2024-journey-ahead"}


def test_the_bundled_rubric_is_valid_and_its_literature_resolves() -> None:
    used = {key for rubric in METHODOLOGY.indices.values() for f in rubric.factors for key in f.sources}
    assert used <= set(CATALOG.sources)


def test_get_and_compare_take_index_paths(runner: CliRunner) -> None:
    explained = explain(runner, "tajikistan", "succession", "--as-of", "2025")
    bare = runner.invoke(app, ["get", "tj", "indices.succession_risk", "--as-of", "2025"])
    assert bare.stdout == f"{round(explained['score'], 1):g}\n"
    rows = json.loads(
        runner.invoke(
            app, ["compare", "--all", "--fields", "indices.succession_risk", "--as-of", "2025", "--json"]
        ).stdout
    )
    assert rows[0]["unit"] == "score" and rows[0]["tajikistan"]["value"] == round(explained["score"], 1)


@pytest.mark.parametrize(
    ("country", "factor", "value", "reading"),
    [
        ("uzbekistan", "successor", None, "constitutional successor in force on 2025-12-31 not recorded"),
        ("afghanistan", "successor", "no", "no constitutional successor"),
        ("turkmenistan", "term_limit", "no", "no term limit"),
        ("tajikistan", "term_limit", "no", "2-term limit waived for the incumbent (2016-05-22)"),
        ("kazakhstan", "term_limit", "yes", "limit of 1 term(s)"),
    ],
)
def test_an_unstated_rule_is_unknown_only_where_a_gap_says_so(
    runner: CliRunner, country: str, factor: str, value: str | None, reading: str
) -> None:
    parts = {c["factor"]: c for c in explain(runner, country, "succession", "--as-of", "2025")["components"]}
    assert (parts[factor]["value"], parts[factor]["reading"]) == (value, reading)


def test_the_russia_factor_reads_only_shares_of_remittances(runner: CliRunner) -> None:
    """Tajikistan's share of migrants in Russia is recorded, but the factor reads remittances."""
    tajik = CATALOG.get("tajikistan").migration
    assert tajik.russia_share_of_migrants is not None and tajik.russia_share_of_remittances is None
    parts = {c["factor"]: c for c in explain(runner, "tajikistan", "migration")["components"]}
    assert parts["russia_share"]["treatment"] == "excluded"
    assert "share of remittances received from Russia" in parts["russia_share"]["reading"]
    uzbek = {c["factor"]: c for c in explain(runner, "uzbekistan", "migration")["components"]}
    assert uzbek["russia_share"]["reading"] == "share of remittances received from Russia, %: 77 (2024)"


def _migrants(country: str, abroad: Figure) -> Profile:
    profile = CATALOG.get(country)
    migration = msgspec.structs.replace(profile.migration, migrants_abroad=abroad)
    return msgspec.structs.replace(profile, migration=migration)


@settings(max_examples=40, deadline=None)
@given(country=st.sampled_from(sorted(CATALOG.ids)), year=st.integers(2000, 2026))
def test_migrants_are_divided_only_by_the_population_of_their_year(country: str, year: int) -> None:
    profile = _migrants(country, Figure(value=100_000, unit="persons", year=year, source="wb-wdi"))
    part = next(
        c for c in result(profile, "migration_dependence", 2026).components if c.factor == "migrants_abroad"
    )
    population = {
        year for values in years_by_source(profile.population, "persons").values() for year in values
    }
    if year in population:
        assert part.treatment == "read" and f"({year})" in part.reading
    else:
        assert part.treatment == "excluded" and part.value is None
        assert f"migrants abroad are given for {year}, population for" in part.reading


def test_the_newest_year_both_give_is_divided() -> None:
    abroad = Figure(unit="persons", source="wb-wdi", series={2020: 1_000_000, 2023: 2_000_000})
    part = next(
        c
        for c in result(_migrants("tajikistan", abroad), "migration_dependence", 2026).components
        if c.factor == "migrants_abroad"
    )
    assert part.value == pytest.approx(round(100 * 1_000_000 / 8873669, 2))
    assert part.reading.endswith("of a population of 8,873,669 (2020)")

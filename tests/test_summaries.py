"""The views over every country read summaries kept in the cache: they say what a run that
reads every profile says, and a change to anything a summary depends on is seen at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ATLANTIS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import ca_profiles
from ca_profiles import cache
from ca_profiles.cli import app
from ca_profiles.model import FIELDS

COMMANDS = [
    *(["rank", path, "--json"] for path in FIELDS),
    ["rank", "energy.gas_reserves", "--as-of", "2005", "--json"],
    ["rank", "energy.gas_reserves", "--source", "cia-wfb-2020", "--json"],
    ["rank", "energy.gas_reserves"],
    ["compare", "--all", "--json"],
    ["compare", "--all", "--as-of", "2000", "--json"],
    ["compare", "--all", "--as-of", "1990", "--json"],
    ["compare", "--all", "--source", "cia-wfb-2020", "--json"],
    ["compare", "--all", "--fields", "indices.succession_risk", "--fields", "population", "--json"],
    ["compare", "--all", "--format", "csv"],
    ["compare", "kazakhstan", "kazakhstan@2000", "--json"],
    ["list", "--json"],
    ["list", "--member", "sco", "--as-of", "2001", "--json"],
    ["list", "--borders-china", "--format", "csv"],
]


def _run(runner: CliRunner, args: list[str], cache_folder: Path) -> Result:
    """A run with its own cache folder; a folder under a file is one nothing is kept in."""
    result = runner.invoke(app, args, env={"CA_PROFILES_CACHE": str(cache_folder)})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def no_cache(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("")
    return tmp_path / "file" / "cache"


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_run_served_by_summaries_says_what_a_run_without_a_cache_says(
    runner: CliRunner, cache_dir: Path, no_cache: Path, args: list[str]
) -> None:
    first = _run(runner, args, cache_dir)  # reads the profiles and keeps their summaries
    served = _run(runner, args, cache_dir)
    assert served.stdout == first.stdout == _run(runner, args, no_cache).stdout


def test_summaries_are_kept(runner: CliRunner, cache_dir: Path) -> None:
    _run(runner, ["rank", "population", "--json"], cache_dir)
    assert len(list((cache_dir / "summaries").glob("*.msgpack"))) == 6


#: A field ranked, the year of ``--as-of`` and the source of ``--source`` (None: not given).
Asked = tuple[str, int | None, str | None]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*FIELDS, "indices.succession_risk"]),
            st.one_of(st.none(), st.integers(1991, 2026)),
            st.sampled_from([None, "cia-wfb-2026", "cia-wfb-2020", "ei-statreview-2023"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_runs_at_other_dates_and_sources_share_a_cache_and_keep_apart(
    runner: CliRunner, tmp_path_factory: pytest.TempPathFactory, asked: list[Asked]
) -> None:
    """One cache serves runs at many dates and with many pinned sources: each sees its own."""
    shared, none = tmp_path_factory.mktemp("shared"), tmp_path_factory.mktemp("none")
    (none / "file").write_text("")
    for field, year, source in asked * 2:
        args = ["rank", field, "--json"]
        args += ["--as-of", str(year)] if year else []
        args += ["--source", source] if source else []
        assert _run(runner, args, shared).stdout == _run(runner, args, none / "file" / "cache").stdout


def _atlantis(folder: Path, population: str) -> None:
    (folder / "countries").mkdir(parents=True, exist_ok=True)
    (folder / "countries" / "atlantis.yaml").write_text(
        ATLANTIS + "population:\n"
        f"  - {{value: {population}, unit: persons, year: 2020, source: cia-wfb-2026}}\n"
        "  - {value: 2000, unit: persons, year: 2020, source: cia-wfb-2020}\n"
    )


def _prefer(folder: Path, preferred: str) -> None:
    (folder / "sources.yaml").write_text(f"preferred:\n  population: [{preferred}]\n")


def _atlantis_population(runner: CliRunner, folder: Path, cache_folder: Path) -> float:
    args = ["rank", "population", "--json", "--data-dir", str(folder)]
    rows = json.loads(_run(runner, args, cache_folder).stdout)
    return float(next(row["value"] for row in rows if row["id"] == "atlantis"))


def test_a_summary_follows_its_profile_and_the_source_preferences(
    runner: CliRunner, cache_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    _atlantis(folder, "1000")
    _prefer(folder, "cia-wfb-2026, cia-wfb-2020")
    assert _atlantis_population(runner, folder, cache_dir) == 1000
    assert _atlantis_population(runner, folder, cache_dir) == 1000
    _prefer(folder, "cia-wfb-2020, cia-wfb-2026")  # the preference turns
    assert _atlantis_population(runner, folder, cache_dir) == 2000
    _atlantis(folder, "1500")  # the profile is edited
    _prefer(folder, "cia-wfb-2026, cia-wfb-2020")
    assert _atlantis_population(runner, folder, cache_dir) == 1500


def test_a_summary_from_another_layering_is_not_served(
    runner: CliRunner, cache_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    _atlantis(folder, "1000")
    _prefer(folder, "cia-wfb-2020, cia-wfb-2026")
    assert _atlantis_population(runner, folder, cache_dir) == 2000
    (folder / "sources.yaml").unlink()  # the bundled preference holds again
    assert _atlantis_population(runner, folder, cache_dir) == 1000


def test_a_profile_edited_after_a_session_read_it_is_summarized_afresh(
    runner: CliRunner, cache_dir: Path, tmp_path: Path
) -> None:
    """A long session of the Python API keeps the profile it read; what it derives from that
    copy is never taken for a summary of the edited file."""
    folder = tmp_path / "data"
    _atlantis(folder, "1000")
    data = ca_profiles.load([folder])
    assert data.country("atlantis").name == "Atlantis"  # the session reads the profile
    _atlantis(folder, "1500")
    rows = data.rank("population")
    assert next(row["value"] for row in rows if row["id"] == "atlantis") == 1000
    assert _atlantis_population(runner, folder, cache_dir) == 1500


def test_an_edit_to_any_module_of_the_package_makes_summaries_stale() -> None:
    # The views' rules decide what a summary holds: an entry made by other code is a miss.
    package = Path(cache.__file__).parent
    for module in ("views.py", "session.py", "figures.py", "asof.py", "indices.py", "model.py"):
        assert str(cache.stamp(package / module)) in cache._code()

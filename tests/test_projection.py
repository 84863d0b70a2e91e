"""A profile read in part from the cache shows what the whole profile shows."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ca_profiles import projection
from ca_profiles.cli import app
from ca_profiles.figures import field_value
from ca_profiles.loader import bundled_root, load
from ca_profiles.model import FIELDS, Profile

PROFILES = sorted((bundled_root() / "countries").glob("*.yaml"))
#: Every field a view may read, records and their parts.
PATHS = [
    *FIELDS,
    "capital",
    "succession.leaders",
    "succession",
    "memberships",
    "gaps",
    "energy",
    "china.pipelines",
]


def _whole(path: Path) -> Profile:
    return load(path, Profile)[0]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PROFILES), st.lists(st.sampled_from(PATHS), max_size=6))
def test_a_projection_holds_the_fields_asked_and_defaults_elsewhere(path: Path, paths: list[str]) -> None:
    whole = _whole(path)
    part = projection.decode(msgspec.msgpack.encode(whole), projection.tree(paths))
    for asked in [*paths, "id", "name", "iso3", "independence"]:
        assert field_value(part, asked) == field_value(whole, asked)
    untouched = {"memberships", "gaps", "succession", "energy"} - {p.split(".")[0] for p in paths}
    for name in untouched:
        assert getattr(part, name) == getattr(
            Profile(id="", name="", official_name="", iso2="", iso3=""), name
        )


def test_a_path_inside_a_field_read_whole_adds_nothing() -> None:
    assert projection.tree(["energy", "energy.gas_reserves"]) == {"independence": None, "energy": None}
    assert projection.tree(["energy.hydropower.generation", "gaps"]) == {
        "independence": None,
        "energy": {"hydropower": {"generation": None}},
        "gaps": None,
    }


COMMANDS = [
    *(["rank", path, "--json"] for path in FIELDS),
    ["rank", "energy.gas_reserves", "--as-of", "2005", "--json"],
    ["rank", "energy.gas_reserves", "--source", "cia-wfb-2020", "--json"],
    ["rank", "energy.gas_reserves"],
    ["compare", "--all", "--json"],
    ["compare", "--all", "--as-of", "2000", "--json"],
    ["compare", "--all", "--fields", "indices.succession_risk", "--fields", "population", "--json"],
    ["compare", "--all", "--format", "csv"],
    ["list", "--json"],
    ["list", "--member", "sco", "--as-of", "2001", "--json"],
    ["list", "--borders-china", "--format", "csv"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_commands_served_in_part_by_the_cache_say_what_a_first_run_says(
    runner: CliRunner, cache_dir: Path, args: list[str]
) -> None:
    first = runner.invoke(app, args)  # parses every file and fills the cache
    assert first.exit_code == 0, first.output
    assert list(cache_dir.rglob("*.msgpack"))
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert second.stdout == first.stdout

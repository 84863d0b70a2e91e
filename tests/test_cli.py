from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from ca_profiles import __version__
from ca_profiles.catalog import display
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus

BAD = Path(__file__).parent / "fixtures" / "bad" / "countries"

EXPECTED_PROBLEMS = {
    "alias.yaml": "3:16: official_name: anchor &n is not allowed",
    "duplicate-key.yaml": "5:1: name: duplicate key 'name' (first at line 2)",
    "future-date.yaml": "8:69: succession.leaders[0].until: date 2999-01-01 lies in the future",
    "invalid-utf8.yaml": "2:10: not UTF-8: byte 0xe9 cannot be decoded",
    "overlapping-spans.yaml": "8:39: memberships[1].since: sco span overlaps the span at memberships[0]",
    "python-tag.yaml": "2:7: name: tag '!!python/object/apply:os.system' is not allowed",
    "retired-field.yaml": "7:3: migration.russia_share: 'russia_share' is no longer a field: it held shares "
    "of two kinds; use migration.russia_share_of_remittances (share of remittances from Russia) or "
    "migration.russia_share_of_migrants (share of migrants abroad who are in Russia)",
    "unknown-key.yaml": "7:3: energy.gas_reserve: unknown key 'gas_reserve'; "
    "did you mean gas_reserves, coal_reserves, oil_reserves?",
    "unknown-source.yaml": "7:48: migration.remittances_pct_gdp.source: unknown source 'test-sauce'; "
    "did you mean test-source?",
    "unknown-unit.yaml": "9:11: energy.gas_reserves.unit: unknown unit 'tcf' (expected one of "
    "bbl_per_day, bcm, bcm_per_year, billion_bbl, gw, km, km2, km3, m, million_bbl, million_t, "
    "million_t_per_year, mw, pct, pct_gdp, persons, t_per_year, t_u_per_year, tcm, thousand_bbl_per_day, "
    "twh_per_year, "
    "usd, usd_billion, usd_million, years)",
    "wrong-type.yaml": "9:45: energy.oil_reserves[1].year: expected int | null, got str",
}


def test_every_bad_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED_PROBLEMS)


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEMS))
def test_validate_names_file_line_and_column(runner: CliRunner, name: str) -> None:
    path = BAD / name
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert result.stdout == f"{display(path)}:{EXPECTED_PROBLEMS[name]}\n"
    assert result.stderr == "1 problem(s) in 1 file(s)\n"


def test_validate_reports_every_problem_as_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(BAD.parent), "--format", "json"])
    assert result.exit_code == ExitStatus.INVALID_DATA
    problems = json.loads(result.stdout)
    assert len(problems) == len(EXPECTED_PROBLEMS)
    assert all(set(p) == {"file", "line", "column", "path", "message"} for p in problems)
    assert {Path(p["file"]).name for p in problems} == set(EXPECTED_PROBLEMS)


def test_bundled_data_is_valid(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.stdout == ""
    assert result.stderr == "all data files are valid\n"
    assert result.exit_code == 0


def test_show_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "kazakhstan", "--format", "json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.stdout)
    assert (profile["id"], profile["iso3"]) == ("kazakhstan", "KAZ")
    assert profile["meta"]["tool_version"] == __version__
    assert profile["meta"]["data_release"] == "2026.11"


def test_unknown_country_suggests(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "kazakstn", "--json"])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stdout == ""
    assert result.stderr == "Error: unknown country 'kazakstn'; did you mean kazakhstan, tajikistan?\n"


def test_schema_is_a_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["$ref"] == "#/$defs/Profile"
    figure = schema["$defs"]["Figure"]
    assert set(figure["required"]) == {"unit", "source"}
    assert "tcm" in figure["properties"]["unit"]["enum"]


def test_version_names_the_data_release(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"ca-profiles {__version__}, data release 2026.11 (2026-11-28)\n"


def test_user_profile_replaces_bundled_one(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "countries").mkdir()
    (tmp_path / "countries" / "kazakhstan.yaml").write_text(
        "id: kazakhstan\nname: Kazakhstan (mine)\nofficial_name: Republic of Kazakhstan\n"
        "iso2: KZ\niso3: KAZ\n"
    )
    result = runner.invoke(app, ["show", "kazakhstan", "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["name"] == "Kazakhstan (mine)"


def test_broken_user_file_leaves_the_others_working(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "countries").mkdir()
    broken = tmp_path / "countries" / "atlantis.yaml"
    broken.write_text("id: atlantis\nname: [\n")
    result = runner.invoke(app, ["show", "Qazaqstan", "--json"], env={"CA_PROFILES_DATA": str(tmp_path)})
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "kazakhstan"
    assert result.stderr.startswith(f"Warning: skipped {display(broken)}:3:1: ")
    assert result.stderr.count("\n") == 1
    asked = runner.invoke(app, ["show", "atlantis", "--json"], env={"CA_PROFILES_DATA": str(tmp_path)})
    assert asked.exit_code == ExitStatus.INVALID_DATA
    assert asked.stderr.startswith(f"Error: {display(broken)}:3:1: ")


def test_missing_data_folder_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "kazakhstan", "--data-dir", str(tmp_path / "nope")])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == f"Error: data folder '{tmp_path / 'nope'}' does not exist or is not a folder\n"


def test_debug_shows_the_traceback(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--debug", "show", "atlantis"])
    assert result.exit_code == 1
    assert result.exception is not None and type(result.exception).__name__ == "UnknownName"


def test_subprocess_pipe_into_json(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "show", "KZ", "--format", "json"],
        capture_output=True,
        check=True,
        cwd=tmp_path,
    )
    assert json.loads(proc.stdout)["id"] == "kazakhstan"
    assert proc.stderr == b""


def test_subprocess_expected_error_has_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "validate", str(BAD / "python-tag.yaml")],
        capture_output=True,
        cwd=tmp_path,
    )
    assert proc.returncode == ExitStatus.INVALID_DATA
    assert b"Traceback" not in proc.stderr
    assert proc.stdout.decode().count("\n") == 1


def _complete(words: str) -> list[str]:
    """Ask the installed command for completions the way bash does."""
    env = {
        **os.environ,
        "_CA_PROFILES_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    env.pop("CA_PROFILES_DATA", None)
    done = subprocess.run(
        [sys.executable, "-c", "from ca_profiles.cli import app; app(prog_name='ca-profiles')"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("ca-profiles show kaz", ["kazakhstan"]),
        ("ca-profiles compare kazakhstan t", ["tajikistan", "turkmenistan"]),
        (
            "ca-profiles rank energy.gas_",
            ["energy.gas_reserves", "energy.gas_production", "energy.gas_exports"],
        ),
        ("ca-profiles rank indices.", ["indices.succession_risk", "indices.migration_dependence"]),
        ("ca-profiles memberships --org cs", ["cst", "csto"]),
        ("ca-profiles list --member ea", ["eaeu"]),
        ("ca-profiles explain kazakhstan s", ["succession"]),
    ],
)
def test_shell_completion(words: str, expected: list[str]) -> None:
    assert _complete(words) == expected


def test_every_command_has_help_and_is_in_the_readme(runner: CliRunner) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    assert len(commands) >= 9
    for name, command in commands.items():
        assert command.help, name
        assert f"ca-profiles {name}" in readme, name

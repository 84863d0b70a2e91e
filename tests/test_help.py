"""Every command's --help shows real examples, and every example runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from test_statreview import write_workbook
from typer.testing import CliRunner

from ca_profiles.cli import app

ROOT = Path(__file__).parent.parent


def commands() -> list[list[str]]:
    """The words that name each command, sub-commands included (``import wdi``)."""
    group = typer.main.get_group(app)
    found = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found += [[name, sub] for sub in subcommands]
        else:
            found.append([name])
    return found


def examples(words: list[str]) -> list[str]:
    help_text = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200"}).stdout
    _, _, tail = help_text.partition("Examples:\n")
    lines = []
    for line in tail.splitlines():
        if not line.startswith("    ca-profiles"):
            break
        lines.append(line.strip())
    return lines


@pytest.mark.parametrize("words", commands(), ids=" ".join)
def test_every_command_has_an_example_of_itself(words: list[str]) -> None:
    found = examples(words)
    assert found, f"{' '.join(words)} --help shows no example"
    assert all(" ".join(["ca-profiles", *words]) in example for example in found)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the examples' files exist: the test fixtures, a user data folder, a download."""
    here = tmp_path_factory.mktemp("examples")
    (here / "tests").symlink_to(ROOT / "tests")
    shutil.copytree(ROOT / "data", here / "my-data")
    fixture = ROOT / "tests" / "fixtures" / "wdi" / "API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_fixture.csv"
    shutil.copy(fixture, here / "API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2.csv")
    write_workbook(here / "ei-statistical-review-2023-all-data.xlsx")
    return here


@pytest.mark.parametrize(
    "example", [example for words in commands() for example in examples(words)], ids=lambda e: e[12:60]
)
def test_every_example_runs(example: str, workspace: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CA_PROFILES_DATA", None)
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", example], cwd=workspace, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr

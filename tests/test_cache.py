from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ATLANTIS
from typer.testing import CliRunner

from ca_profiles import cache
from ca_profiles.catalog import Catalog, display
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.loader import bundled_root, load
from ca_profiles.model import Profile


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.msgpack"))


@pytest.mark.parametrize("path", sorted((bundled_root() / "countries").glob("*.yaml")), ids=lambda p: p.stem)
def test_a_cached_profile_equals_the_parsed_one(path: Path, cache_dir: Path) -> None:
    parsed, _ = load(path, Profile)
    first = Catalog.open()._decode(path, Profile)
    assert entries(cache_dir), "the first read stores the decoded profile"
    second = Catalog.open()._decode(path, Profile)
    assert first == second == parsed


def test_names_resolve_from_the_index_on_later_runs(runner: CliRunner, cache_dir: Path) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["show", "Qazaqstan", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["id"] == "kazakhstan"
    assert list((cache_dir / "names").glob("*.msgpack"))


def test_a_run_served_by_the_cache_imports_neither_yaml_nor_rich(tmp_path: Path) -> None:
    env = {**os.environ, "CA_PROFILES_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-X", "importtime", "-m", "ca_profiles", "show", "Qazaqstan", "--json"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    second = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    imported = {line.split("|")[-1].strip() for line in second.stderr.splitlines()}
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert "yaml" in {line.split("|")[-1].strip() for line in first.stderr.splitlines()}
    assert "yaml" not in imported and "rich" not in imported and "pydantic" not in imported


def test_an_edited_file_is_read_again(runner: CliRunner, user_data: Path) -> None:
    data = user_data
    assert runner.invoke(app, ["show", "Poseidonia", "--json", "--data-dir", str(data)]).exit_code == 0
    path = data / "countries" / "atlantis.yaml"
    info = path.stat()
    # Same size, same modification time: only the change time and content tell the edit.
    path.write_text(ATLANTIS.replace("Poseidonia", "Poseidonis"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    renamed = runner.invoke(app, ["show", "Poseidonis", "--json", "--data-dir", str(data)])
    assert renamed.exit_code == 0, renamed.output
    assert json.loads(renamed.stdout)["aliases"] == ["Poseidonis"]
    gone = runner.invoke(app, ["show", "Poseidonia", "--json", "--data-dir", str(data)])
    assert gone.exit_code == ExitStatus.USAGE


def test_added_and_removed_files_change_the_names(runner: CliRunner, user_data: Path) -> None:
    data = user_data
    assert runner.invoke(app, ["show", "Poseidonia", "--data-dir", str(data)]).exit_code == 0
    (data / "countries" / "lemuria.yaml").write_text(
        ATLANTIS.replace("atlantis", "lemuria").replace("Atlantis", "Lemuria").replace("Poseidonia", "Mu")
    )
    assert runner.invoke(app, ["show", "Mu", "--data-dir", str(data)]).exit_code == 0
    (data / "countries" / "atlantis.yaml").unlink()
    gone = runner.invoke(app, ["show", "Poseidonia", "--data-dir", str(data)])
    assert gone.exit_code == ExitStatus.USAGE
    assert "unknown country 'Poseidonia'" in gone.stderr


def test_corrupt_entries_are_misses(runner: CliRunner, cache_dir: Path) -> None:
    expected = runner.invoke(app, ["show", "Qazaqstan", "--json"]).stdout
    assert entries(cache_dir)
    for number, entry in enumerate(entries(cache_dir)):
        entry.write_bytes([b"", b"\x00" * 10, b"\x94\xa1x", os.urandom(64)][number % 4])
    result = runner.invoke(app, ["show", "Qazaqstan", "--json"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")


def test_a_cache_folder_that_cannot_be_made_is_no_cache(runner: CliRunner, tmp_path: Path) -> None:
    # A file where a folder should be refuses writes even to root, whom permissions do not stop.
    (tmp_path / "file").write_text("")
    env = {"CA_PROFILES_CACHE": str(tmp_path / "file" / "cache")}
    for _ in range(2):
        result = runner.invoke(app, ["show", "Qazaqstan", "--json"], env=env)
        assert (result.exit_code, result.stderr) == (0, "")
        assert json.loads(result.stdout)["id"] == "kazakhstan"
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_a_bad_file_is_never_cached_as_good(runner: CliRunner, user_data: Path) -> None:
    data = user_data
    (data / "countries" / "atlantis.yaml").write_text(ATLANTIS + "capital: [\n")
    broken = display(data / "countries" / "atlantis.yaml")
    for _ in range(2):
        result = runner.invoke(app, ["show", "Qazaqstan", "--json", "--data-dir", str(data)])
        assert result.exit_code == 0
        assert result.stderr.startswith(f"Warning: skipped {broken}:8:1: ")
        asked = runner.invoke(app, ["show", "atlantis", "--json", "--data-dir", str(data)])
        assert asked.exit_code == ExitStatus.INVALID_DATA
    path = data / "countries" / "atlantis.yaml"
    assert cache.load("files", path, cache.stamp(path), Profile) is None


def test_validate_reads_the_files_not_the_cache(runner: CliRunner, user_data: Path) -> None:
    data = user_data
    path = data / "countries" / "atlantis.yaml"
    good = load(path, Profile)[0]
    path.write_text(ATLANTIS + "capitol: Atlantis\n")
    # An entry that calls the bad file good (as a stale or forged entry would): show believes
    # it, validate does not.
    cache.store("files", path, cache.stamp(path), good)
    assert runner.invoke(app, ["show", "atlantis", "--json", "--data-dir", str(data)]).exit_code == 0
    result = runner.invoke(app, ["validate", str(data)])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert "unknown key 'capitol'" in result.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CA_PROFILES_CACHE": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/c"),
        ({"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x/ca-profiles"),
        ({"XDG_CACHE_HOME": "relative", "HOME": "/h"}, "/h/.cache/ca-profiles"),
        ({"HOME": "/h"}, "/h/.cache/ca-profiles"),
    ],
)
def test_cache_folder(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for name in ("CA_PROFILES_CACHE", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache.folder() == Path(expected)

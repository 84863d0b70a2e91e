"""The wheel carries the bundled data, and an installed copy finds it outside the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("ca_profiles-*.whl"))


def test_wheel_contains_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"ca_profiles/data/{path.relative_to(ROOT / 'data').as_posix()}"
        for path in (ROOT / "data").rglob("*.yaml")
    }
    assert "ca_profiles/data/countries/kazakhstan.yaml" in expected
    assert expected <= names
    assert "ca_profiles/py.typed" in names  # type checkers read the API's annotations


def test_installed_wheel_finds_its_data_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("CA_PROFILES_DATA", None)
    run = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "show", "kazakhstan", "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        check=True,
    )
    assert json.loads(run.stdout)["id"] == "kazakhstan"
    probe = "import ca_profiles.loader as l; print(l.bundled_root())"
    where = subprocess.run(
        [sys.executable, "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert where.stdout.strip() == str(target / "ca_profiles" / "data")
    check = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "validate"], cwd=elsewhere, env=env, capture_output=True
    )
    assert check.returncode == 0, check.stdout
    api = (
        "import ca_profiles; d = ca_profiles.load(); print(d.country('Qazaqstan').name, len(d.figures()) > 0)"
    )
    used = subprocess.run([sys.executable, "-c", api], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert used.stdout.split() == ["Kazakhstan", "True"], used.stderr

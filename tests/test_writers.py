"""Writers of a data folder, on real processes: one at a time (a lock), and an update is all or
nothing across any kill (a journal the next run completes), with nothing left behind."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ca_profiles.errors import ExitStatus
from ca_profiles.journal import FAULT, JOURNAL, STAGING

FIXTURES = Path(__file__).parent / "fixtures" / "wdi"
API = FIXTURES / "API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_fixture.csv"
TOOL = [sys.executable, "-m", "ca_profiles"]
HEADER = '"Country Name","Country Code","Indicator Name","Indicator Code","2023"\n'


def env(cache: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("CA_PROFILES_DATA", FAULT)}
    return {**base, "CA_PROFILES_CACHE": str(cache), **extra}


def run(args: list[str], cache: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TOOL, *args], capture_output=True, text=True, env=env(cache, **extra), timeout=120
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def population(tmp_path: Path, value: int) -> Path:
    path = tmp_path / f"population-{value}.csv"
    rows = [
        f'"{name}","{code}","Population, total","SP.POP.TOTL","{value}"\n'
        for name, code in (("Kazakhstan", "KAZ"), ("Kyrgyz Republic", "KGZ"), ("Tajikistan", "TJK"))
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The data folder after an import that nobody interrupts."""
    folder = tmp_path_factory.mktemp("whole") / "mine"
    done = run(["import", "wdi", str(API), "--data-dir", str(folder)], folder.parent / "cache")
    assert done.returncode == 0, done.stderr
    return snapshot(folder)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith((STAGING, JOURNAL))]


def test_a_second_writer_is_refused_while_the_folder_is_locked(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        done = run(["import", "wdi", str(API), "--data-dir", str(folder)], tmp_path / "cache")
    finally:
        os.close(fd)
    assert done.returncode == ExitStatus.INVALID_DATA
    assert done.stderr == f"Error: another import is running on '{folder}'; try again when it ends\n"
    assert list(folder.iterdir()) == []


def test_two_imports_at_once_lose_nothing(tmp_path: Path) -> None:
    """Each import either lands whole or is refused: never both succeeding with one lost."""
    for attempt in range(3):
        folder = tmp_path / f"mine-{attempt}"
        files = [API, population(tmp_path, 5_000_000 + attempt)]
        processes = [
            subprocess.Popen(
                [*TOOL, "import", "wdi", str(file), "--data-dir", str(folder)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env(tmp_path / "cache"),
            )
            for file in files
        ]
        results = [(p.wait(timeout=120), p.communicate()[1]) for p in processes]
        assert any(status == 0 for status, _ in results), results
        kazakhstan = (folder / "countries" / "kazakhstan.yaml").read_text()
        for (status, stderr), landed in zip(
            results, ("2023: 0.5", f"2023: {5_000_000 + attempt}"), strict=True
        ):
            if status == 0:
                assert landed in kazakhstan
            else:
                assert status == ExitStatus.INVALID_DATA
                assert "another import is running on" in stderr or "is updating" in stderr, stderr
        assert leftovers(folder) == []


@pytest.mark.parametrize("replaced", [1, 2, 3])
def test_a_kill_between_replacements_is_completed_by_the_next_run(
    tmp_path: Path, expected: dict[str, bytes], replaced: int
) -> None:
    folder = tmp_path / "mine"
    killed = run(
        ["import", "wdi", str(API), "--data-dir", str(folder)],
        tmp_path / "cache",
        **{FAULT: f"after-replace:{replaced}"},
    )
    assert killed.returncode == -signal.SIGKILL
    assert (folder / JOURNAL).exists()
    # Any next run, even one that only reads, finds every file new.
    shown = run(["show", "kazakhstan", "--json", "--data-dir", str(folder)], tmp_path / "cache")
    assert shown.returncode == 0, shown.stderr
    assert snapshot(folder) == expected
    assert leftovers(folder) == []
    assert run(["validate", str(folder)], tmp_path / "cache").returncode == 0


@pytest.mark.parametrize("sent", [signal.SIGKILL, signal.SIGTERM])
def test_a_kill_before_the_commit_leaves_every_file_old(tmp_path: Path, sent: signal.Signals) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(Path(__file__).parent / "fixtures" / "chart", folder)
    before = snapshot(folder)
    args = ["import", "wdi", str(API), "--data-dir", str(folder)]
    killed = run(args, tmp_path / "cache", **{FAULT: f"before-commit:{int(sent)}"})
    if sent == signal.SIGTERM:
        # SIGTERM unwinds: the staging folder goes with the run.
        assert (killed.returncode, killed.stderr) == (ExitStatus.TERMINATED, "")
        assert leftovers(folder) == []
    else:
        assert killed.returncode == -signal.SIGKILL
    again = run(["validate", str(folder)], tmp_path / "cache")
    assert run(["list", "--data-dir", str(folder)], tmp_path / "cache").returncode == 0
    assert leftovers(folder) == []
    assert snapshot(folder) == before
    assert again.returncode == 0, again.stdout

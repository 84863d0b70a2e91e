"""Writers of a data folder, on real processes: one at a time (a lock), and an update is all or
nothing across any kill (a journal the next run completes), with nothing left behind."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
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


def run(
    args: list[str], cache: Path, preexec: Callable[[], None] | None = None, *, fault: str = ""
) -> subprocess.CompletedProcess[str]:
    """The tool in a subprocess; ``fault`` is a fault to inject (see ``journal.FAULT``)."""
    extra = {FAULT: fault} if fault else {}
    return subprocess.run(
        [*TOOL, *args],
        capture_output=True,
        text=True,
        env=env(cache, **extra),
        timeout=120,
        preexec_fn=preexec,
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
        fault=f"after-replace:{replaced}",
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
    killed = run(args, tmp_path / "cache", fault=f"before-commit:{int(sent)}")
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


# --- outputs: export and chart ----------------------------------------------------------------


def stray(folder: Path) -> list[str]:
    """Temporary files an output left beside its place."""
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith((".tmp", ".old"))
    )


def export(output: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(["export", "--format", "json", "--output", str(output), *args], output.parent / ".." / "cache")


def test_a_fifo_or_a_device_is_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    done = export(fifo, "--force")
    assert done.returncode == ExitStatus.USAGE
    assert (
        done.stderr
        == f"Error: '{fifo}' is a named pipe; only a regular file is replaced, so it is left as it is\n"
    )
    assert fifo.is_fifo() and stray(tmp_path) == []
    device = run(["export", "--format", "json", "--output", "/dev/null", "--force"], tmp_path / "cache")
    assert device.returncode == ExitStatus.USAGE
    assert (
        device.stderr
        == "Error: '/dev/null' is a device; only a regular file is replaced, so it is left as it is\n"
    )
    folder = tmp_path / "folder"
    folder.mkdir()
    assert export(folder, "--force").stderr == f"Error: '{folder}' is a folder; it is left as it is\n"


def test_a_link_is_replaced_only_with_force_and_never_written_through(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    refused = export(link)
    assert refused.returncode == ExitStatus.USAGE
    assert (
        refused.stderr
        == f"Error: '{link}' is a link; --force replaces the link itself, never what it points to\n"
    )
    assert link.is_symlink()
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere")
    assert export(dangling).returncode == ExitStatus.USAGE
    assert dangling.is_symlink() and not (tmp_path / "nowhere").exists()
    done = export(link, "--force")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # nothing went through the link to the terminal
    assert not link.is_symlink() and link.read_text().startswith("{")
    assert stray(tmp_path) == []


def test_a_csv_export_replaces_a_link_to_a_folder_not_the_folder(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "mine.txt").write_text("mine")
    link = tmp_path / "linkdir"
    link.symlink_to(kept)
    done = run(["export", "--format", "csv", "--output", str(link), "--force"], tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert not link.is_symlink() and (link / "figures.csv").is_file()
    assert [p.name for p in kept.iterdir()] == ["mine.txt"]
    assert stray(tmp_path) == []


def test_chart_output_replaces_a_file_only_with_force(tmp_path: Path) -> None:
    output = tmp_path / "figure.svg"
    output.write_text("mine")
    done = run(["chart", "population", "--output", str(output)], tmp_path / "cache")
    assert done.returncode == ExitStatus.USAGE
    assert done.stderr == f"Error: '{output}' exists; --force replaces it\n"
    assert output.read_text() == "mine"
    os.mkfifo(tmp_path / "pipe.svg")
    piped = run(
        ["chart", "population", "--output", str(tmp_path / "pipe.svg"), "--force"], tmp_path / "cache"
    )
    assert piped.returncode == ExitStatus.USAGE and "named pipe" in piped.stderr


def _small_files() -> None:
    """In the child: files may not grow past 64 KiB, as on a full disk (EFBIG, not a signal)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))


@pytest.mark.parametrize("fmt", ["json", "sqlite", "csv"])
def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    output = tmp_path / "out" / f"data.{fmt}"
    output.parent.mkdir()
    target = output.with_suffix("") if fmt == "csv" else output
    done = run(["export", "--format", fmt, "--output", str(target)], tmp_path / "cache", _small_files)
    assert done.returncode == ExitStatus.USAGE, done.stderr
    assert done.stderr.startswith("Error: cannot write '") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert list(output.parent.iterdir()) == []


def test_a_full_disk_during_an_import_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(Path(__file__).parent / "fixtures" / "chart", folder)
    (folder / "countries" / "kazakhstan.yaml").write_text(
        "# padding\n" * 7000
        + (Path(__file__).parents[1] / "data" / "countries" / "kazakhstan.yaml").read_text()
    )
    before = snapshot(folder)
    done = run(["import", "wdi", str(API), "--data-dir", str(folder)], tmp_path / "cache", _small_files)
    assert done.returncode == ExitStatus.USAGE, done.stderr
    assert done.stderr == f"Error: cannot write to data folder '{folder}': File too large\n"
    assert snapshot(folder) == before and leftovers(folder) == []


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGKILL])
@pytest.mark.parametrize("fmt", ["json", "sqlite", "csv"])
def test_a_killed_export_leaves_nothing_for_long(tmp_path: Path, fmt: str, sent: signal.Signals) -> None:
    """SIGTERM removes the temporary file on the way out; after SIGKILL, which cannot be
    caught, the next export of the same output removes it."""
    output = tmp_path / "out" / "data"
    output.parent.mkdir()
    args = ["export", "--format", fmt, "--output", str(output)]
    killed = run(args, tmp_path / "cache", fault=f"before-rename:{int(sent)}")
    if sent == signal.SIGTERM:
        assert (killed.returncode, killed.stdout, killed.stderr) == (ExitStatus.TERMINATED, "", "")
        assert list(output.parent.iterdir()) == []
        return
    assert killed.returncode == -signal.SIGKILL
    assert len(stray(output.parent)) == 1
    done = run(args, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in output.parent.iterdir()] == ["data"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder whatever its mode")
def test_a_read_only_folder_is_one_line_and_left_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(Path(__file__).parent / "fixtures" / "chart", folder)
    before = snapshot(folder)
    out = tmp_path / "out"
    out.mkdir()
    for path in (folder, folder / "countries", out):
        path.chmod(0o555)
    try:
        imported = run(["import", "wdi", str(API), "--data-dir", str(folder)], tmp_path / "cache")
        exported = run(["export", "--format", "json", "--output", str(out / "x.json")], tmp_path / "cache")
    finally:
        for path in (folder, folder / "countries", out):
            path.chmod(0o755)
    assert (imported.returncode, imported.stderr) == (
        ExitStatus.USAGE,
        f"Error: cannot write to data folder '{folder}': Permission denied\n",
    )
    assert snapshot(folder) == before
    assert (exported.returncode, exported.stderr) == (
        ExitStatus.USAGE,
        f"Error: cannot write '{out / 'x.json'}': Permission denied\n",
    )
    assert list(out.iterdir()) == []

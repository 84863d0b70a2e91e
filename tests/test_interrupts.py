"""Ctrl-C and closed pipes, on a real process: quiet, with the documented exit status, and
nothing half-written left behind."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from conftest import ATLANTIS

from ca_profiles.errors import ExitStatus
from ca_profiles.loader import bundled_root

TOOL = [sys.executable, "-m", "ca_profiles"]


def start(args: list[str], cache: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CA_PROFILES_CACHE": str(cache)}
    return subprocess.Popen([*TOOL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def wait_for(condition: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_ctrl_c_while_working_exits_130_quietly(tmp_path: Path) -> None:
    countries = tmp_path / "data" / "countries"
    countries.mkdir(parents=True)
    for number in range(300):  # read cold, a few seconds of parsing
        shutil.copy(bundled_root() / "countries" / "kazakhstan.yaml", countries / f"copy-{number}.yaml")
    cache = tmp_path / "cache"
    process = start(["rank", "energy.gas_reserves", "--data-dir", str(tmp_path / "data")], cache)
    wait_for(lambda: len(list(cache.glob("files/*.msgpack"))) >= 3, "the command to be at work")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == ExitStatus.INTERRUPTED
    assert (stdout, stderr) == (b"", b"")
    assert not [path for path in cache.rglob("*") if path.name.endswith(".tmp")]


def test_ctrl_c_while_blocked_on_a_full_pipe_exits_130_quietly(tmp_path: Path, user_data: Path) -> None:
    # A profile whose JSON is bigger than a pipe holds: the writer blocks until someone reads.
    long_note = "x" * 300_000
    (user_data / "countries" / "atlantis.yaml").write_text(ATLANTIS + f"capital: {long_note}\n")
    process = start(["show", "atlantis", "--json", "--data-dir", str(user_data)], tmp_path / "cache")
    stdout = process.stdout
    assert stdout is not None
    size = fcntl.fcntl(stdout, fcntl.F_GETPIPE_SZ)

    def pending() -> int:
        buffer = bytearray(4)
        fcntl.ioctl(stdout, termios.FIONREAD, buffer)
        return int.from_bytes(buffer, sys.byteorder)

    wait_for(lambda: pending() >= size, "the pipe to fill")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == ExitStatus.INTERRUPTED
    assert stderr == b""


@pytest.mark.parametrize(
    "args", [["list"], ["list", "--format", "json"], ["show", "kazakhstan"], ["--version"]]
)
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    process = start(args, tmp_path / "cache")
    assert process.stdout is not None
    process.stdout.close()  # the reader goes away before a byte is written
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == ExitStatus.PIPE_CLOSED
    assert stderr == b""


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_head_gets_its_line_and_nothing_is_said(tmp_path: Path, fmt: str) -> None:
    command = " ".join([*TOOL, "compare", "--all", "--format", fmt])
    env = {**os.environ, "CA_PROFILES_CACHE": str(tmp_path / "cache"), "COLUMNS": "100"}
    done = subprocess.run(
        f"{command} | head -1", shell=True, capture_output=True, env=env, timeout=30, check=True
    )
    assert done.stdout.count(b"\n") == 1
    assert done.stderr == b""


# --- standard streams and terminals -----------------------------------------------------------


def shell(command: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[bytes]:
    """``command`` in bash, with ``TOOL`` for the tool: redirections as a user would write them."""
    env = {**os.environ, "CA_PROFILES_CACHE": str(tmp_path / "cache"), "TOOL": " ".join(TOOL), **extra}
    return subprocess.run(["bash", "-c", command], capture_output=True, env=env, timeout=60)


def test_a_closed_stdout_is_a_closed_pipe_and_files_are_still_written(tmp_path: Path) -> None:
    listed = shell("$TOOL list >&-", tmp_path)
    assert (listed.returncode, listed.stderr) == (ExitStatus.PIPE_CLOSED, b"")
    output = tmp_path / "out.json"
    exported = shell(f"$TOOL export --format json --output {output} >&-", tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr.startswith(f"Wrote {output}".encode())
    assert output.is_file()


def test_a_closed_stderr_keeps_the_exit_status(tmp_path: Path) -> None:
    done = shell("$TOOL show nowhere 2>&-", tmp_path)
    assert (done.returncode, done.stdout) == (ExitStatus.USAGE, b"")


def test_a_failing_stdout_is_one_line_and_its_own_status(tmp_path: Path) -> None:
    done = shell("$TOOL list > /dev/full", tmp_path)
    assert done.returncode == ExitStatus.OUTPUT_FAILED
    assert done.stderr == b"Error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("args", [["show", "atlantis"], ["show", "atlantis", "--json"], ["list"]])
def test_an_encoding_that_lacks_a_character_degrades(
    tmp_path: Path, user_data: Path, args: list[str]
) -> None:
    (user_data / "countries" / "atlantis.yaml").write_text(ATLANTIS + "capital: Poseidonía ✓ Ə\n")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "CA_PROFILES_DATA": str(user_data), "COLUMNS": "100"}
    done = subprocess.run([*TOOL, *args], capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    done.stdout.decode("ascii")
    assert b"Poseidon?a" in done.stdout or args == ["list"]


def _bounded_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("columns", ["0", "1", "10", "15", "39", "80", "100000", "10000000"])
@pytest.mark.parametrize("args", [["rank", "population", "--top", "3"], ["chart", "population", "kz", "kg"]])
def test_any_columns_gives_readable_output_in_bounded_time_and_memory(
    tmp_path: Path, columns: str, args: list[str]
) -> None:
    env = {**os.environ, "COLUMNS": columns, "CA_PROFILES_CACHE": str(tmp_path / "cache")}
    figures = subprocess.run([*TOOL, *args, "--format", "csv"], capture_output=True, env=env, timeout=60)
    start = time.monotonic()
    done = subprocess.run(
        [*TOOL, *args], capture_output=True, env=env, timeout=60, preexec_fn=_bounded_memory
    )
    assert time.monotonic() - start < 20
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert max(map(len, out.splitlines())) <= 1000
    if args[0] == "rank":
        # Every figure whole on one line, never split between two.
        for line in figures.stdout.decode().splitlines()[1:]:
            value = float(line.split(",")[3])
            assert f"{value:,.0f}" in out, (value, out)
    else:
        assert "Population" in out and "●" in out

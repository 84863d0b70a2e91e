"""Hostile input (docs/architecture.md, "Reliability"): each file gets one line naming what is
wrong, fast, with nothing run from it, and every other profile keeps working.
Big inputs are made here, not committed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ATLANTIS
from typer.testing import CliRunner

from ca_profiles.catalog import display
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.loader import MAX_BYTES, MAX_DEPTH, MAX_NODES

BAD = Path(__file__).parent / "fixtures" / "bad" / "countries"
HEAD = "id: hostile\nname: Hostile\nofficial_name: Hostile Republic\niso2: HO\niso3: HOS\n"
FIGURE = "{{value: {}, unit: km2, year: 2020, source: cia-wfb-2026}}"


def alias_bomb() -> bytes:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(levels).encode() + b"\n"


#: name → (file content, the problem's place and message after the file name: text, or a
#: pattern where the parser's own words differ between libyaml and pure Python).
CASES: dict[str, tuple[bytes, str | re.Pattern[str]]] = {
    "alias bomb": (alias_bomb(), "1:5: a0: anchor &a0 is not allowed"),
    "10 MB": (b"# " + b"x" * (10 * 1024 * 1024) + b"\n", "1:1: file is 10,485,763 bytes; the limit is 1 MiB"),
    # libyaml stops at a thousand levels of brackets before any event reaches us.
    "lists nested 10,000 deep": (
        b"x: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        re.compile(
            rf"1:\d+: (x(\[0\]){{{MAX_DEPTH - 1}}}: nested deeper than {MAX_DEPTH} levels|.*nesting depth)"
        ),
    ),
    "mappings nested 10,000 deep": (
        b"x: " + b"{k: " * 10_000 + b"1" + b"}" * 10_000 + b"\n",
        re.compile(
            rf"1:\d+: (x(\.k){{{MAX_DEPTH - 1}}}: nested deeper than {MAX_DEPTH} levels|.*nesting depth)"
        ),
    ),
    "block mappings nested 300 deep": (
        "".join(f"{' ' * i}k:\n" for i in range(300)).encode(),
        f"{MAX_DEPTH + 1}:{MAX_DEPTH + 1}: {'.'.join(['k'] * MAX_DEPTH)}: "
        f"nested deeper than {MAX_DEPTH} levels",
    ),
    "half a million tiny values": (
        b"x: [" + b"1," * (MAX_BYTES // 2 - 4) + b"1]\n",
        f"1:{2 * (MAX_NODES - 3) + 5}: x[{MAX_NODES - 3}]: more than {MAX_NODES:,} values in one file",
    ),
    "python object": (
        (HEAD + "capital: !!python/object/apply:os.system ['touch {marker}']\n").encode(),
        "6:10: capital: tag '!!python/object/apply:os.system' is not allowed",
    ),
    "UTF-16": (
        "\ufeff".encode("utf-16-le") + HEAD.encode("utf-16-le"),
        "1:1: not UTF-8: byte 0xff cannot be decoded",
    ),
    "a raw escape character": (
        HEAD.encode() + b"capital: \xc3\xa9\x1b[31mred\n",
        r"6:11: character '\x1b' is not allowed in YAML (escape it in double quotes)",
    ),
    "NUL byte": (HEAD.encode() + b"capital: A\x00stana\n", "6:11: NUL byte in file"),
    "only a comment": (b"# nothing here\n", "1:1: empty file: expected a mapping"),
    "duplicate nested key": (
        (HEAD + f"area:\n  - {FIGURE.format(1)}\nenergy: {{coal_reserves: 1, coal_reserves: 2}}\n").encode(),
        "8:28: energy.coal_reserves: duplicate key 'coal_reserves' (first at line 8)",
    ),
    "Norway's no": (
        HEAD.replace("iso2: HO", "iso2: NO").encode(),
        "4:7: iso2: expected str, got bool (YAML reads yes/no/on/off/true/false as booleans: quote the text)",
    ),
    "yes as an alias": (
        (HEAD + "aliases: [Hostilia, yes]\n").encode(),
        "6:21: aliases[1]: expected str, got bool (YAML reads yes/no/on/off/true/false as booleans: "
        "quote the text)",
    ),
    "on as a capital": (
        (HEAD + "capital: on\n").encode(),
        "6:10: capital: expected str | null, got bool "
        "(YAML reads yes/no/on/off/true/false as booleans: quote the text)",
    ),
    "a number past float": (
        (HEAD + f"area: {FIGURE.format('1.0e+999')}\n").encode(),
        "6:7: area: value inf is not a finite number",
    ),
    "an integer past 64 bits": (
        (HEAD + f"area: {FIGURE.format(10**30)}\n").encode(),
        "6:15: area.value: number 1000000000000000000000000000000 is out of range (64-bit integers only)",
    ),
    "a year past 64 bits": (
        (
            HEAD + "area: {value: 1, unit: km2, year: 99999999999999999999999, source: cia-wfb-2026}\n"
        ).encode(),
        "6:35: area.year: number 99999999999999999999999 is out of range (64-bit integers only)",
    ),
    "infinity in a series": (
        (HEAD + "gdp: {unit: usd, source: cia-wfb-2026, series: {2019: 1, 2020: -.inf}}\n").encode(),
        "6:6: gdp: series value for 2020 is not a finite number",
    ),
    "30 February": (
        (HEAD + "memberships: [{org: sco, status: member, since: 2021-02-30, source: sco}]\n").encode(),
        "6:49: memberships[0].since: cannot read '2021-02-30': day is out of range for month",
    ),
    "month 13": (
        (HEAD + "memberships: [{org: sco, status: member, since: 2021-13-01, source: sco}]\n").encode(),
        "6:49: memberships[0].since: cannot read '2021-13-01': month must be in 1..12",
    ),
    "escape in a key": (
        (HEAD + '"capital\\e[31m": x\n').encode(),
        "6:1: capital\\x1b[31m: unknown key 'capital\\x1b[31m'; did you mean capital?",
    ),
}


@pytest.fixture
def hostile(
    request: pytest.FixtureRequest, user_data: Path, tmp_path: Path
) -> tuple[Path, Path, str | re.Pattern[str]]:
    """A data folder with a good profile and the hostile file beside it; the expected line."""
    content, where = CASES[request.param]
    marker = tmp_path / "code-ran"
    path = user_data / "countries" / "hostile.yaml"
    path.write_bytes(content.replace(b"{marker}", str(marker).encode()))
    return user_data, path, where


@pytest.mark.parametrize("hostile", sorted(CASES), indirect=True)
def test_hostile_file_is_one_line_and_the_rest_still_works(
    runner: CliRunner, hostile: tuple[Path, Path, str | re.Pattern[str]], tmp_path: Path
) -> None:
    data, path, where = hostile
    start = time.perf_counter()
    checked = runner.invoke(app, ["validate", str(data)])
    assert time.perf_counter() - start < 2
    assert checked.exit_code == ExitStatus.INVALID_DATA
    expected = checked.stdout.removesuffix("\n")
    pattern = where if isinstance(where, re.Pattern) else re.compile(re.escape(where))
    assert pattern.fullmatch(expected.removeprefix(f"{display(path)}:")), expected
    assert expected.startswith(f"{display(path)}:")
    assert checked.stderr == "1 problem(s) in 1 file(s)\n"

    good = runner.invoke(app, ["show", "Poseidonia", "--json", "--data-dir", str(data)])
    assert good.exit_code == 0
    assert json.loads(good.stdout)["id"] == "atlantis"
    assert good.stderr == f"Warning: skipped {expected}\n"

    asked = runner.invoke(app, ["show", "hostile", "--data-dir", str(data)])
    assert asked.exit_code == ExitStatus.INVALID_DATA
    assert asked.stderr == f"Error: {expected}\n"
    assert not (tmp_path / "code-ran").exists()


@pytest.mark.parametrize("fixture", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_bad_fixtures_leave_the_rest_working(runner: CliRunner, user_data: Path, fixture: Path) -> None:
    """The files of tests/fixtures/bad (their messages are checked in test_cli) end to end."""
    shutil.copy(fixture, user_data / "countries")
    checked = runner.invoke(app, ["validate", str(user_data)])
    assert checked.exit_code == ExitStatus.INVALID_DATA
    problems = checked.stdout.splitlines()
    assert problems and all(
        line.startswith(display(user_data / "countries" / fixture.name)) for line in problems
    )
    good = runner.invoke(app, ["show", "Poseidonia", "--json", "--data-dir", str(user_data)])
    assert good.exit_code == 0
    assert json.loads(good.stdout)["id"] == "atlantis"
    # A file that cannot be read is named; what only reading across files finds (an unknown
    # source, a date to come) is for validate.
    assert good.stderr in ("", *(f"Warning: skipped {line}\n" for line in problems))


def test_a_byte_order_mark_is_no_problem(runner: CliRunner, user_data: Path) -> None:
    (user_data / "countries" / "atlantis.yaml").write_bytes(b"\xef\xbb\xbf" + ATLANTIS.encode())
    assert runner.invoke(app, ["validate", str(user_data)]).exit_code == 0
    assert runner.invoke(app, ["show", "Poseidonia", "--data-dir", str(user_data)]).exit_code == 0


def test_no_code_runs_from_a_python_tag_in_a_subprocess(tmp_path: Path, user_data: Path) -> None:
    marker = tmp_path / "code-ran"
    (user_data / "countries" / "evil.yaml").write_text(
        HEAD + f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "validate", str(user_data)], capture_output=True, timeout=30
    )
    assert done.returncode == ExitStatus.INVALID_DATA
    assert b"Traceback" not in done.stderr
    assert not marker.exists()


# --- text from data files on the terminal -----------------------------------------------------

#: Rich markup, a colour escape, a window-title escape ending in a bell, an 8-bit CSI, a bidi
#: override and a carriage return.
MARKED = "[bold red]Atlan[/]tis \x1b[5;31mblink\x1b[0m \x1b]0;pwned\x07 \x9b2J \u202egnp.exe \rover"
MARKED_YAML = json.dumps(MARKED)  # a YAML double-quoted scalar, escapes and all
RAW = ("\x1b[5;31m", "\x1b]0;", "\x07", "\x9b", "\u202e", "\r")


@pytest.fixture
def marked(user_data: Path) -> Path:
    (user_data / "countries" / "atlantis.yaml").write_text(
        ATLANTIS
        + f"capital: {MARKED_YAML}\n"
        + f"gaps: [{{field: energy.gas_reserves, note: {MARKED_YAML}}}]\n"
    )
    return user_data


def test_markup_and_escapes_in_data_are_shown_not_obeyed(runner: CliRunner, marked: Path) -> None:
    result = runner.invoke(
        app, ["show", "Poseidonia", "--full", "--data-dir", str(marked)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert not any(raw in result.stdout for raw in RAW)
    assert result.stdout.count("[bold red]Atlan[/]tis \\x1b[5;31mblink\\x1b[0m \\x1b]0;pwned\\x07") == 2
    assert "\\x9b2J \\u202egnp.exe \\x0dover" in result.stdout


def test_escapes_in_data_reach_no_terminal_through_a_pipe_or_in_colour(marked: Path) -> None:
    for colour in ({}, {"FORCE_COLOR": "1", "TERM": "xterm-256color"}):
        env = {**os.environ, "CA_PROFILES_DATA": str(marked), "COLUMNS": "200", **colour}
        env.pop("NO_COLOR", None)
        done = subprocess.run(
            [sys.executable, "-m", "ca_profiles", "show", "Poseidonia"],
            capture_output=True,
            env=env,
            timeout=30,
        )
        out = done.stdout.decode()
        assert done.returncode == 0
        assert not any(raw in out for raw in RAW)
        assert "\\x1b[5;31mblink" in out
        assert ("\x1b[" in out) == bool(colour)  # rich's own colours only when asked for


def test_escapes_in_a_file_name_or_key_reach_no_terminal(runner: CliRunner, user_data: Path) -> None:
    evil = user_data / "countries" / "\x1b]0;pwned\x07.yaml"
    evil.write_text(HEAD + '"\\e[31m": x\n')
    result = runner.invoke(app, ["show", "Poseidonia", "--json", "--data-dir", str(user_data)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.startswith("Warning: skipped ")
    assert "\\x1b]0;pwned\\x07.yaml:6:1: \\x1b[31m: unknown key '\\x1b[31m'" in result.stderr
    assert result.stderr.count("\n") == 1


# --- names, paths and folders -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "countries/atlantis", "atlantis.yaml"])
def test_a_path_is_not_a_country(runner: CliRunner, user_data: Path, name: str) -> None:
    result = runner.invoke(app, ["show", name, "--data-dir", str(user_data)])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: unknown country {name!r}")
    assert result.stderr.count("\n") == 1


def test_a_profile_file_named_as_a_path_is_never_opened(runner: CliRunner, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(ATLANTIS)
    result = runner.invoke(app, ["show", str(outside)])
    assert result.exit_code == ExitStatus.USAGE
    relative = os.path.relpath(outside.with_suffix(""), Path.cwd() / "data" / "countries")
    assert runner.invoke(app, ["show", relative]).exit_code == ExitStatus.USAGE


def test_links_out_of_the_data_folder_are_refused(runner: CliRunner, user_data: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(ATLANTIS.replace("atlantis", "outside"))
    countries = user_data / "countries"
    (countries / "outside.yaml").symlink_to(outside)
    (countries / "passwd.yaml").symlink_to("/etc/passwd")
    (countries / "loop.yaml").symlink_to(countries / "loop.yaml")
    (countries / "inside.yaml").symlink_to(countries / "atlantis.yaml")
    result = runner.invoke(app, ["show", "atlantis", "--json", "--data-dir", str(user_data)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "atlantis"
    assert result.stderr.splitlines() == [
        f"Warning: skipped {countries / 'loop.yaml'}:1:1: link cannot be followed",
        f"Warning: skipped {countries / 'outside.yaml'}:1:1: link points outside the data folder",
        f"Warning: skipped {countries / 'passwd.yaml'}:1:1: link points outside the data folder",
    ]
    # A link within the folder is a file like any other.
    inside = runner.invoke(app, ["show", "inside", "--json", "--data-dir", str(user_data)])
    assert inside.exit_code == 0
    assert runner.invoke(app, ["validate", str(user_data)]).exit_code == ExitStatus.INVALID_DATA


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_what_is_not_a_file_is_refused_without_waiting(runner: CliRunner, user_data: Path, kind: str) -> None:
    path = user_data / "countries" / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # reading it would wait for a writer for ever
    else:
        path.mkdir()
    result = runner.invoke(app, ["show", "Poseidonia", "--data-dir", str(user_data)])
    assert result.exit_code == 0
    assert result.stderr == f"Warning: skipped {display(path)}:1:1: not a regular file\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_reported(runner: CliRunner, user_data: Path) -> None:
    path = user_data / "countries" / "secret.yaml"
    path.write_text(ATLANTIS.replace("atlantis", "secret"))
    path.chmod(0)
    result = runner.invoke(app, ["show", "Poseidonia", "--json", "--data-dir", str(user_data)])
    assert result.exit_code == 0
    assert result.stderr == f"Warning: skipped {display(path)}:1:1: cannot read file: Permission denied\n"
    asked = runner.invoke(app, ["show", "secret", "--data-dir", str(user_data)])
    assert asked.exit_code == ExitStatus.INVALID_DATA


@pytest.mark.parametrize("how", ["option", "environment", "a file"])
def test_a_data_folder_that_does_not_exist_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, how: str
) -> None:
    folder = tmp_path / "nope"
    if how == "a file":
        folder.write_text("")
    args, env = (
        (["--data-dir", str(folder)], {}) if how == "option" else ([], {"CA_PROFILES_DATA": str(folder)})
    )
    if how == "a file":
        args = ["--data-dir", str(folder)]
    result = runner.invoke(app, ["show", "kazakhstan", *args], env=env)
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == f"Error: data folder '{folder}' does not exist or is not a folder\n"

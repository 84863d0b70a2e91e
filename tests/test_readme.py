"""The README's transcripts are real: each `$ ` line of a console block still prints what it shows,
and each ```pycon block runs as a doctest.

The commands of one block run in order in an empty folder (with the repository's `tests` folder
linked in, for the fixtures some examples read), stdout and stderr together as a terminal shows
them. A line needing a tool this machine lacks (jq, sqlite3) is skipped.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
TOOLS = ("jq", "sqlite3")


def blocks() -> list[list[tuple[str, str]]]:
    """Each ```console block of the README as (command, output) pairs."""
    found = []
    for block in re.findall(
        r"```console\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S
    ):
        pairs = []
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            pairs.append((command, output.rstrip("\n")))
        found.append(pairs)
    return found


def run(command: str, cwd: Path) -> str:
    """What a terminal 100 columns wide shows for ``command``, trailing blanks dropped."""
    scripts = Path(sys.executable).parent
    env = {
        **os.environ,
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PATH": f"{scripts}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("CA_PROFILES_DATA", None)
    done = subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return "\n".join(line.rstrip() for line in done.stdout.split("\n")).rstrip("\n")


@pytest.mark.parametrize("block", blocks(), ids=lambda pairs: pairs[0][0][:60])
def test_readme_transcripts(block: list[tuple[str, str]], tmp_path: Path) -> None:
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    for command, output in block:
        if any(re.search(rf"(^|\| |&& ){tool} ", command) and shutil.which(tool) is None for tool in TOOLS):
            continue
        assert run(command, tmp_path) == output, command


def sessions() -> list[str]:
    """Each ```pycon block of the README: Python sessions with their output."""
    return re.findall(r"```pycon\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_sessions() -> None:
    assert sessions()


@pytest.mark.parametrize("session", sessions(), ids=lambda text: text.split("\n", 1)[0][:60])
def test_readme_python_sessions(session: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CA_PROFILES_DATA", raising=False)
    test = doctest.DocTestParser().get_doctest(session, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0

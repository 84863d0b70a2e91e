"""The README's transcripts are real: each `$ ca-profiles …` line still prints what it shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"


def transcripts() -> list[tuple[str, str]]:
    """(command, output) for every `$ ` line of the README's ```console blocks."""
    found = []
    for block in re.findall(r"```console\n(.*?)\n```", README.read_text(encoding="utf-8"), flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output.rstrip("\n")))
    return found


@pytest.mark.parametrize(("command", "output"), transcripts(), ids=[c for c, _ in transcripts()])
def test_readme_transcript(command: str, output: str) -> None:
    if "| jq" in command and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    scripts = Path(sys.executable).parent
    env = {
        **os.environ,
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PATH": f"{scripts}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("CA_PROFILES_DATA", None)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    # Tables pad lines with spaces and end on a blank one; the README keeps neither.
    shown = "\n".join(line.rstrip() for line in done.stdout.split("\n")).rstrip("\n")
    assert shown.split("\n") == output.split("\n")

"""Notes, gaps and comments of the bundled data speak of the world, not of how it was gathered.

A note says what is known (and who says it) or what no source gives; it never says how a page
was searched, opened or read. This is a rule for the bundled data only: a user's notes are
theirs, and `validate` does not read their wording.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ca_profiles.catalog import validate
from ca_profiles.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted([*DATA.glob("*.yaml"), *DATA.glob("countries/*.yaml")])

#: Words and phrases that describe gathering the data rather than the world it describes.
GATHERING = re.compile(
    r"\b(?:"
    r"corpus|mirror(?:s|ed)?|searched|search(?:es|ing)?|(?:un)?readable|excerpts?|read via"
    r"|(?:sources?|pages?|copy|copies|text) read"
    r"|template|stored cop(?:y|ies)|(?:wikipedia|web|cached|encyclopedia) cop(?:y|ies)"
    r"|snapshot|the brief|this session|helpers?|fetch(?:ed|ing)?|not found|(?:was|were) found"
    r"|found no|no\b[^.;:\"]{0,60}\bfound|could not|couldn't|cannot be read|(?:not |un)verified"
    r"|reference folder|xlsx|json|low-quality"
    r")\b",
    re.IGNORECASE,
)
#: A YAML comment: ``#`` at the start of a line or after a blank, outside a quoted string.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")


def _notes(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every note of a YAML document, with its key path: any ``note`` key, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if key == "note" and isinstance(value, str):
                yield where, value
            else:
                yield from _notes(value, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _notes(item, f"{path}[{index}]")


def _comments(path: Path) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        comment = _COMMENT.search(_QUOTED.sub('""', line))
        if comment:
            yield f"comment, line {number}", comment[1]


def gathering_words(path: Path) -> list[str]:
    """``file: key: 'word'`` for every note or comment of a data file that speaks of gathering."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for where, text in [*_notes(document), *_comments(path)]:
        for match in GATHERING.finditer(text):
            found.append(f"{path.relative_to(DATA.parent)}: {where}: {match.group()!r}")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_notes_and_comments_speak_of_the_world(path: Path) -> None:
    found = gathering_words(path)
    assert not found, "notes that describe gathering, not the world:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("not in the corpus", "corpus"),
        ("per the Wikipedia mirror", "mirror"),
        ("searched IHA/IRENA", "searched"),
        ("only readable up to 'Iraq'", "readable"),
        ("no template key", "template"),
        ("accessed as stored copies", "stored copies"),
        ("named in the brief", "the brief"),
        ("not read in this session", "this session"),
        ("the EI workbook is xlsx", "xlsx"),
        ("exact date not found", "not found"),
        ("No per-line design capacity found", "No per-line design capacity found"),
        ("the reference folder", "reference folder"),
        ("could not be confirmed", "could not"),
        ("the latest source read (Reuters)", "source read"),
    ],
)
def test_the_rule_catches_each_kind_of_gathering_note(text: str, word: str) -> None:
    assert [m.group() for m in GATHERING.finditer(text)] == [word]


@pytest.mark.parametrize(
    "text",
    [
        "Founded 15 June 2001 in Shanghai",
        "the Shanghai Five summit found common ground",
        "first session of the seventh convocation",
        "a brief war in 1992",
        "no figure for 2024; the Factbook gives 2023",
        "the index's share of weight read from facts",
    ],
)
def test_the_rule_lets_notes_about_the_world_pass(text: str) -> None:
    assert [m.group() for m in GATHERING.finditer(text)] == []


def test_validate_does_not_judge_the_wording_of_a_users_notes(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "countries").mkdir(parents=True)
    bundled = (DATA / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    note = "searched the corpus; the mirror was not readable, data not found"
    (folder / "countries" / "kazakhstan.yaml").write_text(
        bundled.replace('note: "16 December 1991 (from the Soviet Union)"', f'note: "{note}"'),
        encoding="utf-8",
    )
    assert note in (folder / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    assert validate([folder], None, dt.date(2026, 12, 2)) == []
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output

"""`diff`: the changes between two fixture releases, exactly; and against the installed data."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from ca_profiles.catalog import display
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.loader import bundled_root

RELEASES = Path(__file__).parent / "fixtures" / "releases"
OLD, NEW = RELEASES / "old", RELEASES / "new"


def row(change: str, country: str, what: str, **cells: object) -> dict[str, object]:
    empty = dict.fromkeys(["item", "field", "source", "year", "since", "old", "new", "unit"])
    return {"change": change, "country": country, "what": what, **empty, **cells}


EXPECTED = [
    row(
        "removed",
        "arcadia",
        "figure",
        field="energy.gas_reserves",
        source="test-census",
        year=2020,
        old=1.2,
        unit="tcm",
    ),
    row(
        "changed",
        "arcadia",
        "figure",
        item="Big Dam",
        field="energy.hydropower.plants.capacity",
        source="test-survey",
        year=2015,
        old=300,
        new=320,
        unit="mw",
    ),
    row(
        "changed",
        "arcadia",
        "figure",
        field="migration.remittances_pct_gdp",
        source="test-bank",
        year=2020,
        old=11,
        new=11.2,
        unit="pct_gdp",
    ),
    row(
        "added",
        "arcadia",
        "figure",
        field="migration.remittances_pct_gdp",
        source="test-bank",
        year=2021,
        new=12,
        unit="pct_gdp",
    ),
    row(
        "changed",
        "arcadia",
        "figure",
        field="population",
        source="test-census",
        year=2020,
        old=1000000,
        new=1050000,
        unit="persons",
    ),
    row(
        "changed",
        "arcadia",
        "membership",
        item="tbo",
        field="until",
        source="test-survey",
        since="2001",
        new="2022",
    ),
    row("added", "arcadia", "membership", item="tco", source="test-survey", since="2023", new="member"),
    row(
        "changed",
        "arcadia",
        "membership",
        item="tfo",
        field="status",
        source="test-survey",
        since="2010-05-01",
        old="observer",
        new="member",
    ),
    row(
        "changed",
        "arcadia",
        "leader",
        item="Anna Example",
        field="until",
        source="test-survey",
        since="1991",
        new="2021",
    ),
    row(
        "changed",
        "arcadia",
        "leader",
        item="Anna Example",
        field="how_ended",
        source="test-survey",
        since="1991",
        new="regular_election",
    ),
    row(
        "changed",
        "arcadia",
        "leader",
        item="Anna Example",
        field="exit",
        source="test-survey",
        since="1991",
        old="in_office",
        new="regular",
    ),
    row(
        "added",
        "arcadia",
        "leader",
        item="Bruno Example",
        source="test-survey",
        since="2021",
        new="President",
    ),
    row("removed", "borduria", "country", old="Borduria"),
    row("added", "syldavia", "country", new="Syldavia"),
]


def test_diff_of_two_releases_lists_every_change(runner: CliRunner) -> None:
    result = runner.invoke(app, ["diff", str(OLD), str(NEW), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert json.loads(result.stdout) == EXPECTED


def test_diff_backwards_swaps_added_and_removed(runner: CliRunner) -> None:
    result = runner.invoke(app, ["diff", str(NEW), str(OLD), "--json"])
    rows = json.loads(result.stdout)
    assert len(rows) == len(EXPECTED)
    swap = {"added": "removed", "removed": "added", "changed": "changed"}
    backwards = [{**r, "change": swap[str(r["change"])], "old": r["new"], "new": r["old"]} for r in EXPECTED]

    def where(r: dict[str, object]) -> list[str]:
        return [str(r[c]) for c in ("country", "what", "item", "field", "source", "year", "since", "change")]

    assert sorted(rows, key=where) == sorted(backwards, key=where)


def test_diff_csv_and_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["diff", str(OLD), str(NEW), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(EXPECTED)
    assert rows[1]["old"] == "300" and rows[1]["new"] == "320"
    table = runner.invoke(app, ["diff", str(OLD), str(NEW)], env={"COLUMNS": "160"})
    assert table.exit_code == 0
    words = " ".join(table.stdout.split())  # the title wraps at the width of the table
    assert words.startswith(f"Changes from 2025.01 ({OLD}) to 2025.06 ({NEW})")
    assert "Bruno Example" in words


def test_diff_against_the_installed_data(runner: CliRunner, tmp_path: Path) -> None:
    same = runner.invoke(app, ["diff", str(bundled_root()), "--json"])
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout) == []
    # An older copy of the bundled data, with one figure of a series edited.
    old = tmp_path / "old"
    shutil.copytree(bundled_root(), old)
    path = old / "countries" / "tajikistan.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("2015: 27.31,") == 1
    path.write_text(text.replace("2015: 27.31,", "2015: 28.0,"), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old), "--json"])
    assert json.loads(result.stdout) == [
        row(
            "changed",
            "tajikistan",
            "figure",
            field="migration.remittances_pct_gdp",
            source="wb-wdi",
            year=2015,
            old=28.0,
            new=27.31,
            unit="pct_gdp",
        )
    ]


def test_diff_needs_data_folders(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(tmp_path)])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == f"Error: '{tmp_path}' is not a data folder: it has no countries/ folder\n"


def test_diff_refuses_broken_data(runner: CliRunner, tmp_path: Path) -> None:
    shutil.copytree(NEW, tmp_path / "new")
    broken = tmp_path / "new" / "countries" / "syldavia.yaml"
    broken.write_text("id: syldavia\nname: [\n")
    result = runner.invoke(app, ["diff", str(OLD), str(tmp_path / "new")])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {display(broken)}:3:1: ")


def test_fixture_releases_are_valid(runner: CliRunner) -> None:
    for release in (OLD, NEW):
        result = runner.invoke(app, ["validate", str(release)])
        assert result.exit_code == 0, result.output


def test_diff_compares_infrastructure_statuses_and_reads_both_releases_at_a_date(
    runner: CliRunner, tmp_path: Path
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(OLD, old)
    shutil.copytree(NEW, new)
    record = (
        "infrastructure:\n"
        "  - id: big-pipe\n    name: Big Pipe\n    kind: gas_pipeline\n    route: [arcadia, china]\n"
        "    source: test-survey\n    status:\n"
        "      - {value: planned, since: 2015, source: test-survey}\n"
    )
    (old / "infrastructure.yaml").write_text(record)
    (new / "infrastructure.yaml").write_text(
        record.replace("since: 2015, source", "since: 2015, until: 2020, source")
        + "      - {value: operating, since: 2020, source: test-survey}\n"
    )
    result = runner.invoke(app, ["diff", str(old), str(new), "--json"])
    changes = [r for r in json.loads(result.stdout) if r["what"] == "status"]
    assert [
        (r["change"], r["country"], r["item"], r["since"], r["field"], r["old"], r["new"]) for r in changes
    ] == [
        ("changed", "arcadia, china", "big-pipe", "2015", "until", None, "2020"),
        ("added", "arcadia, china", "big-pipe", "2020", None, None, "operating"),
    ]
    # At the end of 2018 both releases said the same of the pipe: planned, no end known yet.
    then = runner.invoke(app, ["diff", str(old), str(new), "--as-of", "2018", "--json"])
    assert [r for r in json.loads(then.stdout) if r["what"] == "status"] == []

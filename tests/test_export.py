"""`export`: every format read back and compared with `show --format json`; safe writes."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus

NEW = Path(__file__).parent / "fixtures" / "releases" / "new"
IDS = ["afghanistan", "kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"]
TABLES = [
    "countries",
    "figures",
    "attributes",
    "memberships",
    "leaders",
    "indices",
    "infrastructure",
    "organizations",
    "sources",
    "meta",
]


def show(runner: CliRunner, country: str, *args: str) -> Any:
    result = runner.invoke(app, ["show", country, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def figures_of_profile(
    node: Any, path: tuple[str, ...] = (), item: str | None = None
) -> list[tuple[Any, ...]]:
    """(field, item, year, value, unit, source) of every figure in a profile's JSON, read afresh."""
    if isinstance(node, list):
        return [row for element in node for row in figures_of_profile(element, path, item)]
    if not isinstance(node, dict):
        return []
    if "unit" in node and "source" in node:
        field = ".".join(path)
        if node["series"]:
            return [(field, item, int(y), v, node["unit"], node["source"]) for y, v in node["series"].items()]
        return [(field, item, node["year"], node["value"], node["unit"], node["source"])]
    item = node.get("name", item) if path else None
    return [
        row
        for key, value in node.items()
        if key != "meta"
        for row in figures_of_profile(value, (*path, key), item)
    ]


def export(runner: CliRunner, fmt: str, output: Path, *args: str) -> dict[str, list[dict[str, Any]]]:
    """Export, then read every table back with the reader a user of that format would use."""
    result = runner.invoke(app, ["export", "--format", fmt, "--output", str(output), *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"Wrote {output}: ")
    if fmt == "json":
        document = json.loads(output.read_text(encoding="utf-8"))
        document["meta"] = [{"key": k, "value": v} for k, v in document["meta"].items()]
        return dict(document)
    if fmt == "csv":
        assert sorted(p.name for p in output.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
        tables = {}
        for table in TABLES:
            with (output / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
                tables[table] = [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]
        return tables
    connection = sqlite3.connect(output)
    connection.row_factory = sqlite3.Row
    try:
        return {t: [dict(row) for row in connection.execute(f"SELECT * FROM {t}")] for t in TABLES}
    finally:
        connection.close()


def figure_tuples(rows: list[dict[str, Any]], country: str) -> Counter[tuple[Any, ...]]:
    return Counter(
        (r["field"], r["item"], int(r["year"]), float(r["value"]), r["unit"], r["source"])
        for r in rows
        if r["country"] == country
    )


@pytest.mark.parametrize("fmt", ["sqlite", "csv", "json"])
def test_export_holds_every_figure_show_holds(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")
    tables = export(runner, fmt, output)
    assert [row["id"] for row in tables["countries"]] == IDS
    for country in IDS:
        profile = show(runner, country)
        assert figure_tuples(tables["figures"], country) == Counter(figures_of_profile(profile))
        spans = [
            (m["org"], m["status"], str(m["since"]), m["until"] and str(m["until"]))
            for m in profile["memberships"]
        ]
        assert [
            (m["org"], m["status"], m["since"], m["until"])
            for m in tables["memberships"]
            if m["country"] == country
        ] == spans
        leaders = [(x["name"], str(x["since"])) for x in profile["succession"]["leaders"]]
        assert [(x["name"], x["since"]) for x in tables["leaders"] if x["country"] == country] == leaders
    sources = runner.invoke(app, ["sources", "--json"])
    assert [(row["key"], row["origin"]) for row in tables["sources"]] == [
        (row["key"], row["origin"]) for row in json.loads(sources.stdout)
    ]
    assert {row["key"]: row["value"] for row in tables["meta"]}["data_release"] == "2026.11"


def test_tidy_rows_explode_series_and_name_plants(runner: CliRunner, tmp_path: Path) -> None:
    tables = export(runner, "json", tmp_path / "out.json")
    figures = tables["figures"]
    remittances = [
        r for r in figures if r["country"] == "tajikistan" and r["field"] == "migration.remittances_pct_gdp"
    ]
    assert len({r["year"] for r in remittances if r["source"] == "wb-wdi"}) > 10
    assert {r["section"] for r in remittances} == {"migration"}
    nurek = [r for r in figures if r["item"] == "Nurek"]
    assert {r["field"] for r in nurek} == {
        "energy.hydropower.plants.capacity",
        "energy.hydropower.plants.height",
    }
    assert {r["section"] for r in figures if r["field"] == "population"} == {"identity"}
    assert list(figures[0]) == [
        "country",
        "section",
        "field",
        "item",
        "year",
        "value",
        "unit",
        "rank",
        "source",
        "note",
    ]


def test_sqlite_columns_are_typed_and_indexed(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "ca.sqlite"
    export(runner, "sqlite", output)
    connection = sqlite3.connect(output)
    try:
        types = set(connection.execute("SELECT DISTINCT typeof(year), typeof(value) FROM figures"))
        assert types == {("integer", "real")}
        ranks = {t for (t,) in connection.execute("SELECT DISTINCT typeof(rank) FROM figures")}
        assert ranks == {"integer", "null"}
        assert {t for (t,) in connection.execute("SELECT DISTINCT typeof(year) FROM sources")} <= {
            "integer",
            "null",
        }
        indexes = {row[1] for row in connection.execute("PRAGMA index_list(figures)")}
        assert {"figures_country_field", "figures_field_year", "figures_source"} <= indexes
        keys = [row[1] for row in connection.execute("PRAGMA table_info(memberships)") if row[5]]
        assert keys == ["country", "org", "since"]
        top = connection.execute(
            "SELECT country FROM figures WHERE field = 'energy.gas_reserves' AND source = 'cia-wfb-2026' "
            "ORDER BY value DESC LIMIT 1"
        ).fetchone()
        assert top == ("turkmenistan",)
    finally:
        connection.close()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 shell on this machine")
def test_sqlite_export_from_a_real_process_answers_the_sqlite3_shell(tmp_path: Path) -> None:
    output = tmp_path / "ca.sqlite"
    subprocess.run(
        [sys.executable, "-m", "ca_profiles", "export", "--format", "sqlite", "--output", str(output)],
        check=True,
        capture_output=True,
    )
    query = "SELECT count(*) FROM countries; SELECT name FROM organizations WHERE id = 'sco';"
    proc = subprocess.run(["sqlite3", str(output), query], check=True, capture_output=True, text=True)
    assert proc.stdout == "6\nShanghai Cooperation Organisation\n"


def test_export_as_of_a_year_matches_show_then(runner: CliRunner, tmp_path: Path) -> None:
    tables = export(runner, "json", tmp_path / "out.json", "--as-of", "2013")
    assert max(int(r["year"]) for r in tables["figures"]) == 2013
    for country in ("tajikistan", "uzbekistan"):
        profile = show(runner, country, "--as-of", "2013")
        assert figure_tuples(tables["figures"], country) == Counter(figures_of_profile(profile))
    assert {row["key"]: row["value"] for row in tables["meta"]}["as_of"] == 2013


def test_export_reads_the_data_folders_given(runner: CliRunner, tmp_path: Path) -> None:
    tables = export(runner, "csv", tmp_path / "out", "--data-dir", str(NEW))
    assert {"arcadia", "syldavia"} <= {row["id"] for row in tables["countries"]}
    big_dam = [r for r in tables["figures"] if r["item"] == "Big Dam"]
    assert [(r["field"], r["value"], r["unit"]) for r in big_dam] == [
        ("energy.hydropower.plants.capacity", "320", "mw")
    ]
    leaders = [r for r in tables["leaders"] if r["country"] == "arcadia"]
    assert [(r["name"], r["acting"]) for r in leaders] == [
        ("Anna Example", "False"),
        ("Bruno Example", "False"),
    ]


@pytest.mark.parametrize(("fmt", "name"), [("sqlite", "out.sqlite"), ("json", "out.json"), ("csv", "out")])
def test_export_refuses_to_overwrite_without_force(
    runner: CliRunner, tmp_path: Path, fmt: str, name: str
) -> None:
    output = tmp_path / name
    export(runner, fmt, output, "--as-of", "2013")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = runner.invoke(app, ["export", "--format", fmt, "--output", str(output)])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == f"Error: '{output}' exists; --force replaces it\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    tables = export(runner, fmt, output, "--force")
    assert max(int(r["year"]) for r in tables["figures"]) > 2013
    # Nothing but the output is left beside it: no temporary file, no old copy.
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("csv", "taken", "'{out}' exists and is not a folder; it is left as it is"),
        (
            "csv",
            "out.csv",
            "--format csv writes a folder of CSV files, one per table: name a folder, not '{out}'",
        ),
        ("json", "no/out.json", "cannot write '{out}': folder '{out.parent}' does not exist"),
    ],
)
def test_export_errors_leave_nothing_behind(
    runner: CliRunner, tmp_path: Path, fmt: str, name: str, message: str
) -> None:
    (tmp_path / "taken").write_text("mine")
    output = tmp_path / name
    result = runner.invoke(app, ["export", "--format", fmt, "--output", str(output), "--force"])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == f"Error: {message.format(out=output)}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]
    assert (tmp_path / "taken").read_text() == "mine"


def test_indices_table_holds_the_scores_explain_gives(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "ca.sqlite"
    assert (
        runner.invoke(
            app, ["export", "--format", "sqlite", "--output", str(out), "--as-of", "2020"]
        ).exit_code
        == 0
    )
    with sqlite3.connect(out) as db:
        rows = db.execute('SELECT country, "index", date, score, level, coverage_pct FROM indices').fetchall()
    assert len(rows) == 12 and {row[1] for row in rows} == {"succession_risk", "migration_dependence"}
    scores = {(country, index): (date, score, level) for country, index, date, score, level, _ in rows}
    explained = json.loads(
        runner.invoke(app, ["explain", "tajikistan", "succession", "--as-of", "2020", "--json"]).stdout
    )
    date, score, level = scores[("tajikistan", "succession_risk")]
    assert (date, score, level) == ("2020-12-31", round(explained["score"], 1), explained["level"])
    assert all(0 <= row[5] <= 100 for row in rows)

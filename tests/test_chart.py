"""`chart`: the lines a field draws, in the terminal and saved as PNG, SVG or PDF."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ca_profiles.chart import lines_of
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.model import Figure

FIXTURE = Path(__file__).parent / "fixtures" / "chart"
SNAPSHOTS = Path(__file__).parent / "snapshots"
FIELD = "migration.remittances_pct_gdp"
INSTALL = "Error: saving a chart needs matplotlib: pip install 'ca-profiles[plot]'\n"


def chart(runner: CliRunner, *args: str, columns: int = 80) -> tuple[int, str, str]:
    result = runner.invoke(app, ["chart", *args], env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_one_line_is_one_sources_whole_history() -> None:
    figures = [
        Figure(unit="pct_gdp", source="a", series={2010: 1.0, 2015: 6.0}),
        Figure(unit="pct_gdp", source="b", series={2010: 10.0, 2014: 16.0}),
        Figure(unit="pct_gdp", source="a", value=99.0, year=2016),
    ]
    # The source whose figure the views show (the newest year), with its points and its series.
    assert lines_of(figures, ["b", "a"], "pct_gdp") == {"a": {2010: 1.0, 2015: 6.0, 2016: 99.0}}
    assert lines_of(figures, ["b"], "pct_gdp", source="b") == {"b": {2010: 10.0, 2014: 16.0}}
    assert lines_of(figures, [], "pct_gdp", by_source=True) == {
        "a": {2010: 1.0, 2015: 6.0, 2016: 99.0},
        "b": {2010: 10.0, 2014: 16.0},
    }


def test_sources_are_never_joined_into_one_line() -> None:
    figures = [
        Figure(unit="tcm", source="a", value=1.5, year=2010),
        Figure(unit="bcm", source="b", value=1400.0, year=2012),
        Figure(unit="tcm", source="a", value=1.2, year=2012),
        Figure(unit="pct", source="c", value=5.0, year=2013),
    ]
    # Both give 2012; "b" is preferred there, and its line holds only its own figure.
    assert lines_of(figures, ["b"], "tcm") == {"b": {2012: 1.4}}
    assert lines_of(figures, ["b"], "tcm", by_source=True) == {"a": {2010: 1.5, 2012: 1.2}, "b": {2012: 1.4}}
    assert lines_of(None, [], "tcm") == {}


def test_by_source_draws_a_line_per_source(runner: CliRunner) -> None:
    code, out, _ = chart(runner, "energy.gas_reserves", "turkmenistan", "--by-source", "--json")
    assert code == 0
    rows = json.loads(out)
    lines = {row["line"] for row in rows}
    assert len(lines) > 1 and all(line.startswith("Turkmenistan (") for line in lines)
    assert all(row["line"] == f"Turkmenistan ({row['source']})" for row in rows)
    code, out, _ = chart(runner, "energy.gas_reserves", "turkmenistan", "--json")
    assert len({row["source"] for row in json.loads(out)}) == 1


def test_each_line_carries_its_sources_world_rank(runner: CliRunner) -> None:
    code, out, _ = chart(runner, "energy.gas_reserves", "turkmenistan", "--by-source", "--json")
    assert code == 0
    ranks = {(row["source"], row["year"]): row["world_rank"] for row in json.loads(out)}
    # Computed for each year of the Review's series; stated by the Factbook for its one year.
    assert ranks["ei-statreview-2023", 2012] == 4 and ranks["ei-statreview-2023", 2020] == 4
    assert ranks["cia-wfb-2020", 2018] == 5 and ranks["cia-wfb-2026", 2021] is None


def test_chart_rows_and_legend_carry_the_world_rank(runner: CliRunner) -> None:
    status, out, _ = chart(
        runner, "energy.gas_reserves", "turkmenistan", "--as-of", "2020", "--format", "csv"
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("country,name,line,year,value,unit,source,world_rank,")
    assert any(
        line.startswith("turkmenistan,Turkmenistan,Turkmenistan,2020,13.60125,tcm,ei-statreview-2023,4,")
        for line in lines
    )
    status, out, _ = chart(runner, "energy.gas_reserves", "turkmenistan", "--as-of", "2012")
    assert status == 0
    assert "Turkmenistan  1997–2012, ei-statreview-2023, world rank #4 in 2012" in out


def test_chart_rows_are_the_series_show_holds(runner: CliRunner) -> None:
    status, stdout, _ = chart(runner, FIELD, "tajikistan", "kazakhstan", "--format", "json")
    assert status == 0
    rows = json.loads(stdout)
    assert list(rows[0]) == [
        "country",
        "name",
        "line",
        "year",
        "value",
        "unit",
        "source",
        "world_rank",
        "as_of",
        "data_release",
    ]
    assert {row["country"] for row in rows} == {"tajikistan", "kazakhstan"}
    profile = json.loads(runner.invoke(app, ["show", "tajikistan", "--json"]).stdout)
    wdi = next(f for f in profile["migration"]["remittances_pct_gdp"] if f["source"] == "wb-wdi")
    drawn = {str(r["year"]): r["value"] for r in rows if r["country"] == "tajikistan"}
    assert drawn == wdi["series"]
    assert {r["source"] for r in rows} == {"wb-wdi"}


def test_as_of_cuts_the_lines(runner: CliRunner) -> None:
    status, stdout, _ = chart(runner, FIELD, "--as-of", "2015", "--format", "csv")
    assert status == 0
    years = [int(row["year"]) for row in csv.DictReader(io.StringIO(stdout))]
    assert max(years) == 2015 and min(years) == 2008


def test_terminal_chart_snapshot(runner: CliRunner) -> None:
    status, stdout, stderr = chart(
        runner, FIELD, "testland", "otherland", "--data-dir", str(FIXTURE), columns=60
    )
    assert (status, stderr) == (0, "")
    assert stdout == (SNAPSHOTS / "chart-remittances-60.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("columns", [40, 60, 100, 160])
def test_terminal_chart_fits_the_width(runner: CliRunner, columns: int) -> None:
    status, stdout, _ = chart(runner, FIELD, columns=columns)
    assert status == 0
    lines = stdout.splitlines()
    assert lines[0] == "Remittances (% of GDP)"
    assert max(map(len, lines)) <= columns
    for name in ("Afghanistan", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"):
        assert name in stdout
    assert "2008" in stdout and "2024" in stdout
    assert "[wb-wdi]" in stdout.replace("\n", " ") and "No figures" not in stdout


def test_countries_without_the_field_are_named(runner: CliRunner) -> None:
    status, stdout, _ = chart(runner, "china.debt_to_china", "kyrgyzstan", "kazakhstan")
    assert status == 0
    assert "No figures: kazakhstan" in stdout


def test_nothing_to_draw_is_a_usage_error(runner: CliRunner) -> None:
    status, stdout, stderr = chart(runner, "china.debt_to_china", "kazakhstan")
    assert (status, stdout) == (ExitStatus.USAGE, "")
    assert stderr == "Error: no figures for china.debt_to_china in kazakhstan: nothing to chart\n"


def test_unknown_field_suggests(runner: CliRunner) -> None:
    status, _, stderr = chart(runner, "migration.remitances_pct_gdp")
    assert status == ExitStatus.USAGE
    assert stderr.startswith("Error: unknown field 'migration.remitances_pct_gdp'; did you mean ")


def test_png_is_written(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "remittances.png"
    status, stdout, stderr = chart(runner, FIELD, "-o", str(output))
    assert (status, stdout, stderr) == (0, "", f"Wrote {output}\n")
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["remittances.png"]


def test_svg_is_written_with_its_text(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "remittances.svg"
    assert chart(runner, FIELD, "kz", "kg", "tj", "--output", str(output))[0] == 0
    root = ET.parse(output).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(t for element in root.iter() for t in [element.text or ""])
    for expected in ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Remittances (% of GDP)", "Year", "[wb-wdi]"):
        assert expected in text
    assert "Uzbekistan" not in text


def test_pdf_is_written(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "population.pdf"
    assert chart(runner, "population", "--output", str(output))[0] == 0
    assert output.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("chart.gif", "cannot tell the figure format of '{path}': name it .png, .svg or .pdf"),
        ("missing/chart.png", "no such folder: '{parent}'"),
    ],
)
def test_bad_output_is_a_usage_error(runner: CliRunner, tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    status, _, stderr = chart(runner, FIELD, "-o", str(path))
    assert status == ExitStatus.USAGE
    assert stderr == f"Error: {message.format(path=path, parent=path.parent)}\n"
    assert not path.exists()


def test_without_matplotlib_the_message_says_how_to_install(tmp_path: Path) -> None:
    output = tmp_path / "chart.png"
    shim = (
        "import sys; sys.modules['matplotlib'] = None; "
        f"sys.argv = ['ca-profiles', 'chart', {FIELD!r}, '--output', {str(output)!r}]; "
        "from ca_profiles.cli import main; main()"
    )
    env = {k: v for k, v in os.environ.items() if k != "CA_PROFILES_DATA"}
    proc = subprocess.run([sys.executable, "-c", shim], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == ExitStatus.USAGE
    assert (proc.stdout, proc.stderr) == ("", INSTALL)
    assert list(tmp_path.iterdir()) == []
    # The terminal chart needs no extra.
    terminal = shim.replace(f", '--output', {str(output)!r}", "")
    proc = subprocess.run([sys.executable, "-c", terminal], capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and "Remittances (% of GDP)" in proc.stdout

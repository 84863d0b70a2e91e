"""`import statreview`: small workbooks of the Review's layout, written here with openpyxl.

The Review's own workbook is not part of the project; these have its awkward parts: the repeated
last year for the share column, totals and groups, sub-entries, "n/a", "-" and "^", the zeros of
the Soviet republics beside the USSR row, and notes under the table.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ca_profiles import statreview
from ca_profiles.catalog import display
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus, InvalidData
from ca_profiles.loader import bundled_root
from ca_profiles.model import convert

TODAY = dt.date.today()
RELEASE = f"2026.11+statreview.{TODAY:%Y%m%d}"
YEARS = [2023, 2024, 2025]

#: One sheet's rows below the header: name → values for YEARS (None for an empty cell).
Rows = dict[str, list[Any]]

BASE: Rows = {
    "Canada": [2.0, 2.0, 2.1],
    "US": [12.0, 12.5, 13.0],
    "Total North America": [14.0, 14.5, 15.1],
    "Venezuela": [6.0, 6.0, 6.0],
    "Venezuela: Orinoco Belt": [50.0, 50.0, 50.0],
    "Kazakhstan": [2.25, 2.25, 2.3],
    "Russian Federation": [37.5, 37.4, 37.4],
    "Turkmenistan": [13.6, 13.6, "n/a"],
    "USSR": [0, 0, "-"],
    "Uzbekistan": ["^", 2.0, 2.0],
    "Other CIS": [0.01, 0.01, 0.01],
    "Total CIS": [55.0, 55.0, 55.0],
    "Iran": [32.1, 32.1, 32.1],
    "Qatar": [24.7, 24.7, 24.7],
    "Total World": [190.0, 188.1, 188.0],
    "                 of which: OECD": [20.0, 20.0, 20.0],
    "                 European Union#": [1.0, 1.0, 1.0],
    "OPEC": [70.0, 70.0, 70.0],
}


def write_workbook(
    path: Path,
    rows: dict[str, Rows] | None = None,
    *,
    drop: tuple[str, ...] = (),
    contents: bool = True,
    header: dict[str, list[Any]] | None = None,
) -> Path:
    """A workbook with every sheet :data:`statreview.TABLES` reads, laid out as the Review's."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    if contents:
        sheet = book.create_sheet("Contents")
        sheet.append([])
        sheet.append(["Energy Institute Statistical Review of World Energy"])
        sheet.append([])
        sheet.append(["This workbook contains information presented in the 2023"])
        sheet.append(["Energy Institute Statistical Review of World Energy, which can be found on the"])
        sheet.append(["internet at:"])
        sheet.append(["https://www.energyinst.org/statistical-review"])
    for table in statreview.TABLES:
        if table.sheet in drop:
            continue
        # The gas reserves sheet's title ends in a space, as the Review's does.
        title = table.sheet + (" " if "Gas - Proved" in table.sheet else "")
        sheet = book.create_sheet(title)
        if table.column is not None:
            write_one_year(sheet, table, _rows_of(rows, table.sheet))
            continue
        sheet.append([f"{table.sheet}*"])
        sheet.append([None, *([None] * len(YEARS)), "Growth rate per annum", None, "Share"])
        years = (header or {}).get(table.sheet, [*YEARS, YEARS[-1], "2014-24", YEARS[-1]])
        sheet.append([table.label, *years])
        sheet.append([])
        for name, values in _rows_of(rows, table.sheet).items():
            sheet.append([name, *values, 0.01, 0.02, 0.03])
        sheet.append([])
        sheet.append(["* Excludes gas flared or recycled.", None, None, None, None, None, "Source: a note"])
        sheet.append(["^ Less than 0.05.", None])
    book.save(path)
    return path


def _rows_of(rows: dict[str, Rows] | None, sheet: str) -> Rows:
    given = (rows or {}).get(sheet)
    return BASE if given is None else given


def write_one_year(sheet: Any, table: Any, rows: Rows) -> None:
    """A table of one year, as the Review's coal reserves: the year above, a "Total" column."""
    sheet.append(["Coal:"])
    sheet.append([f"Total proved reserves at end {YEARS[-1]}"])
    sheet.append([None, "Anthracite", "Sub-bituminous"])
    sheet.append([table.label, "and bituminous", "and lignite", table.column, "Share of Total", "R/P ratio"])
    sheet.append([])
    for name, values in rows.items():
        total = values[-1]
        sheet.append([name, total, 0, total, 0.01, 100])
    sheet.append(["Please note that these reserves tables have not been updated this year."])


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_import(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", "statreview", *args], env={"CA_PROFILES_DATA": ""})
    return result.exit_code, result.stdout, result.stderr


def load_yaml(path: Path) -> Any:
    from ca_profiles.loader import parse_yaml

    return parse_yaml(path.read_bytes(), display(path)).data


def figure_of(profile: dict[str, Any], path: str, source: str = "ei-statreview-2023") -> dict[str, Any]:
    node: Any = profile
    for part in path.split("."):
        node = node[part]
    return next(f for f in node if f["source"] == source)


# --- reading ---------------------------------------------------------------------------------


def test_reads_years_countries_and_missing_values(tmp_path: Path) -> None:
    workbook = statreview.read(write_workbook(tmp_path / "sr.xlsx"))
    assert (workbook.edition, workbook.publisher, workbook.key) == (
        2023,
        "Energy Institute",
        "ei-statreview-2023",
    )
    assert workbook.url == "https://www.energyinst.org/statistical-review"
    sheet = workbook.sheets[0]
    assert sheet.title == "Gas - Proved reserves history"  # found though the title ends in a space
    assert sheet.years == YEARS  # the repeated year of the share column is not a year column
    by_name = {entry.name: entry.values for entry in sheet.countries}
    assert list(by_name) == [
        "Canada",
        "US",
        "Venezuela",
        "Kazakhstan",
        "Russian Federation",
        "Turkmenistan",
        "Uzbekistan",
        "Iran",
        "Qatar",
    ]
    assert by_name["Turkmenistan"] == {2023: 13.6, 2024: 13.6}  # "n/a"
    assert by_name["Uzbekistan"] == {2024: 2.0, 2025: 2.0}  # "^"
    assert by_name["Kazakhstan"] == {2023: 2.25, 2024: 2.25, 2025: 2.3}


@pytest.mark.parametrize(
    "name",
    [
        "Total World",
        "Total CIS",
        "Other CIS",
        "Other S. & Cent. America",
        "of which: OECD",
        "Non-OECD",
        "OPEC",
        "Non-OPEC",
        "European Union",
        "USSR",
        "Venezuela: Orinoco Belt",
        "Canadian Oil Sands: Total",
        "Eastern Africa",
        "Central America",
    ],
)
def test_groups_and_sub_entries_are_not_countries(name: str) -> None:
    assert not statreview.is_country(name)


@pytest.mark.parametrize("name", ["Kazakhstan", "US", "Trinidad & Tobago", "China Hong Kong SAR", "Oman"])
def test_countries_are_countries(name: str) -> None:
    assert statreview.is_country(name)


def test_a_table_of_one_year_reads_its_total_column(tmp_path: Path) -> None:
    workbook = statreview.read(write_workbook(tmp_path / "sr.xlsx"))
    sheet = next(sheet for sheet in workbook.sheets if sheet.table.field == "energy.coal_reserves")
    assert sheet.years == [2025]
    by_name = {entry.name: entry.values for entry in sheet.countries}
    assert by_name["Kazakhstan"] == {2025: 2.3} and by_name["Turkmenistan"] == {}
    ranks, among = sheet.ranks()
    assert ranks["Kazakhstan"] == {2025: 6} and among == {2025: 8}


def test_soviet_republics_have_no_value_while_the_ussr_row_holds_the_total(tmp_path: Path) -> None:
    rows = {
        "Kazakhstan": [0, 0, 3.0],
        "Thailand": [0, 1.0, 1.0],
        "USSR": [100.0, 90.0, 0],
        "Total World": [101.0, 91.0, 4.0],
    }
    path = write_workbook(tmp_path / "sr.xlsx", {t.sheet: rows for t in statreview.TABLES})
    sheet = statreview.read(path).sheets[0]
    assert {e.name: e.values for e in sheet.countries} == {
        "Kazakhstan": {2025: 3.0},
        "Thailand": {2024: 1.0, 2025: 1.0},
    }


def test_ranks_share_ties_and_count_only_countries_with_a_value(tmp_path: Path) -> None:
    sheet = statreview.read(write_workbook(tmp_path / "sr.xlsx")).sheets[0]
    ranks, among = sheet.ranks()
    # 2023: Russia 37.5, Iran 32.1, Qatar 24.7, Turkmenistan 13.6, US 12 … (Uzbekistan "^")
    assert ranks["Turkmenistan"] == {2023: 4, 2024: 4}
    assert among == {2023: 8, 2024: 9, 2025: 8}
    assert ranks["Uzbekistan"] == {2024: 8, 2025: 8}
    assert ranks["Canada"] == {2023: 8, 2024: 8, 2025: 7}  # tied with Uzbekistan at 2.0 in 2024
    assert "Venezuela: Orinoco Belt" not in ranks and "Total World" not in ranks


@given(st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(0, 5), min_size=1))
def test_a_rank_counts_the_countries_above(values: dict[str, int]) -> None:
    table = statreview.TABLES[0]
    sheet = statreview.Sheet(table, table.sheet, [2024])
    sheet.countries = [
        statreview.Entry(i, name, {2024: float(v)}) for i, (name, v) in enumerate(values.items())
    ]
    ranks, among = sheet.ranks()
    assert among == {2024: len(values)}
    for name, value in values.items():
        assert ranks[name][2024] == 1 + sum(other > value for other in values.values())
        for other, other_value in values.items():
            if other_value == value:
                assert ranks[other] == ranks[name]


cells = st.one_of(
    st.sampled_from(["n/a", "-", "^", None]),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["Kazakhstan", "Oman", "Chad", "US"]), st.lists(cells, min_size=3, max_size=3)
    )
)
def test_what_a_sheet_holds_is_what_is_read(table: dict[str, list[Any]]) -> None:
    """Whatever numbers and missing marks a sheet holds, the values read are the numbers written."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(Path(folder) / "sr.xlsx", {"Gas Production - Bcm": table})
        sheet = next(s for s in statreview.read(path).sheets if s.title == "Gas Production - Bcm")
    read = {e.name: e.values for e in sheet.countries}
    # Rows with no cell at all are notes; openpyxl writes 16 significant digits.
    assert read.keys() == {name for name, row in table.items() if any(c is not None for c in row)}
    for name, values in read.items():
        numbers = {year: v for year, v in zip(YEARS, table[name], strict=True) if isinstance(v, float)}
        assert values == pytest.approx(numbers, rel=1e-15, abs=0)


def test_units_convert_to_the_fields_units() -> None:
    assert convert(1768.729, "thousand_bbl_per_day", "bbl_per_day") == 1768729.0
    assert convert(62.84411, "thousand_bbl_per_day", "bbl_per_day") == 62844.11
    assert convert(13.60125, "tcm", "bcm") == 13601.25
    assert convert(30.0, "billion_bbl", "million_bbl") == 30000.0
    assert convert(1.0, "thousand_bbl_per_day", "bcm_per_year") is None


# --- bad input -------------------------------------------------------------------------------

BROKEN: dict[str, tuple[dict[str, Any], str]] = {
    "text-in-a-number-cell": (
        {"rows": {"Gas Production - Bcm": {"Kazakhstan": [1.0, "about 2", 3.0]}}},
        ":5:3: sheet 'Gas Production - Bcm', cell C5: Kazakhstan 2024: 'about 2' is not a number",
    ),
    "header-without-years": (
        {"header": {"Hydro Generation - TWh": ["Annual", "change", None]}},
        ":3:2: sheet 'Hydro Generation - TWh', cell B3: the header row names no years (found 'Annual')",
    ),
    "missing-sheet": (
        {"drop": ("Coal Production - Tonnes",)},
        ":1:1: no sheet 'Coal Production - Tonnes': not the Statistical Review's all-data workbook",
    ),
    "no-edition": (
        {"contents": False},
        ":1:1: sheet 'Contents': the Contents sheet does not say which edition it is "
        "('… the 2023 Energy Institute Statistical Review of World Energy …')",
    ),
    "a-second-row": (
        {"rows": {"Electricity Generation": {"Kazakhstan": [1.0, 2.0, 3.0], "kazakhstan ": [1.0, 2.0, 3.0]}}},
        ":6:1: sheet 'Electricity Generation', cell A6: a second row for 'kazakhstan' (the first is row 5)",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_workbook_is_one_line_naming_sheet_row_and_column(case: str, tmp_path: Path) -> None:
    options, expected = BROKEN[case]
    path = write_workbook(tmp_path / "sr.xlsx", **options)
    with pytest.raises(InvalidData) as caught:
        statreview.read(path)
    assert str(caught.value) == f"{display(path)}{expected}"


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "sr.xlsx"
    path.write_text("Country,2024\nKazakhstan,2.3\n", encoding="utf-8")
    with pytest.raises(InvalidData, match=r":1:1: not an Excel workbook \(\.xlsx\)"):
        statreview.read(path)


@pytest.mark.parametrize("case", ["not-a-workbook", *sorted(BROKEN)])
def test_a_broken_workbook_changes_nothing(runner: CliRunner, tmp_path: Path, case: str) -> None:
    target = Path(shutil.copytree(bundled_root(), tmp_path / "mine"))
    before = snapshot(target)
    path = tmp_path / "sr.xlsx"
    if case == "not-a-workbook":
        path.write_bytes(b"PK\x03\x04 not really a zip")
    else:
        write_workbook(path, **BROKEN[case][0])
    status, stdout, stderr = run_import(runner, str(path), "--data-dir", str(target))
    assert status == ExitStatus.INVALID_DATA
    assert stdout == ""
    assert stderr.startswith(f"Error: {display(path)}:") and stderr.count("\n") == 1
    assert snapshot(target) == before


def test_without_openpyxl_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "sr.xlsx")
    code = (
        "import sys; sys.modules['openpyxl'] = None\n"
        "from ca_profiles.cli import main\n"
        f"sys.argv = ['ca-profiles', 'import', 'statreview', {str(path)!r}, "
        f"'--data-dir', {str(tmp_path / 'd')!r}]\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == ExitStatus.USAGE
    assert done.stderr == (
        "Error: reading the Statistical Review's workbook needs openpyxl: pip install 'ca-profiles[xlsx]'\n"
    )
    assert not (tmp_path / "d").exists()


# --- importing -------------------------------------------------------------------------------


def test_import_into_an_empty_folder(runner: CliRunner, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "sr.xlsx")
    target = tmp_path / "mine"
    status, stdout, stderr = run_import(runner, str(path), "--data-dir", str(target), "--json")
    assert status == 0, stderr
    changes = json.loads(stdout)
    assert {c["country"] for c in changes} == {"kazakhstan", "turkmenistan", "uzbekistan"}
    assert stderr.splitlines()[0].startswith(f"Updated {len(changes)} value(s) in 3 profile(s) in ")
    assert stderr.splitlines()[0].endswith(f"data release {RELEASE}.")
    assert stderr.splitlines()[2] == (
        "Ignored the rows of 6 name(s) that no profile has: "
        "Canada, Iran, Qatar, Russian Federation, US, Venezuela."
    )
    turkmen = load_yaml(target / "countries" / "turkmenistan.yaml")
    gas = figure_of(turkmen, "energy.gas_reserves")
    # Added to the series copied from the bundled profile, with their ranks.
    assert gas["unit"] == "tcm" and {2023: 13.6, 2024: 13.6}.items() <= gas["series"].items()
    assert {2023: 4, 2024: 4}.items() <= gas["ranks"].items() and 2025 not in gas["series"]
    assert {2023: 8, 2024: 9}.items() <= gas["among"].items()
    assert gas["sheet"] == "Gas - Proved reserves history"
    # Thousand barrels a day in the sheet; barrels a day in the field.
    oil = figure_of(load_yaml(target / "countries" / "kazakhstan.yaml"), "energy.oil_production")
    assert oil["unit"] == "bbl_per_day"
    assert {2023: 2250, 2024: 2250, 2025: 2300}.items() <= oil["series"].items()
    hydro = figure_of(turkmen, "energy.hydropower.generation")
    assert hydro["unit"] == "twh_per_year"
    sources = load_yaml(target / "sources.yaml")
    assert sources["release"] == {"version": RELEASE, "date": TODAY}
    assert sources["sources"]["ei-statreview-2023"] | {"note": None} == {
        "title": "Statistical Review of World Energy 2023",
        "publisher": "Energy Institute",
        "year": 2023,
        "url": "https://www.energyinst.org/statistical-review",
        "accessed": TODAY,
        "kind": "dataset",
        "origin": "dataset",
        "note": None,
    }
    result = runner.invoke(app, ["validate", "--data-dir", str(target)])
    assert result.exit_code == 0, result.stdout


def test_imported_ranks_show_through_get_rank_and_show(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    status, _, stderr = run_import(
        runner, str(write_workbook(tmp_path / "sr.xlsx")), "--data-dir", str(target)
    )
    assert status == 0, stderr
    env = {"CA_PROFILES_DATA": str(target)}

    def get(*args: str) -> Any:
        return json.loads(
            runner.invoke(app, ["get", "kazakhstan", "energy.gas_reserves", *args], env=env).stdout
        )

    got = get("--json")
    assert (got["value"], got["year"], got["source"], got["rank"]) == (2.3, 2025, "ei-statreview-2023", 6)
    assert got["rank_basis"] == "rank among 8 countries in Gas - Proved reserves history"
    then = get("--as-of", "2024", "--json")
    assert (then["value"], then["rank"]) == (2.25, 7)
    assert then["rank_basis"] == "rank among 9 countries in Gas - Proved reserves history"
    ranked = json.loads(runner.invoke(app, ["rank", "energy.gas_production", "--json"], env=env).stdout)
    assert [(r["id"], r["world_rank"]) for r in ranked[:3]] == [
        ("turkmenistan", 4),
        ("kazakhstan", 6),
        ("uzbekistan", 8),
    ]
    shown = runner.invoke(app, ["show", "turkmenistan", "--section", "energy"], env={**env, "COLUMNS": "160"})
    line = next(line for line in shown.stdout.splitlines() if "1997–2024" in line)
    assert "ei-statreview-2023" in line and line.rstrip(" │").endswith("#4")


def test_import_into_a_copy_of_the_bundled_data_keeps_comments(runner: CliRunner, tmp_path: Path) -> None:
    target = Path(shutil.copytree(bundled_root(), tmp_path / "mine"))
    path = write_workbook(tmp_path / "sr.xlsx")
    before = (target / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    status, _, stderr = run_import(runner, str(path), "--data-dir", str(target))
    assert status == 0, stderr
    after = (target / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in after.splitlines() for line in comments)
    kazakh = load_yaml(target / "countries" / "kazakhstan.yaml")
    gas = figure_of(kazakh, "energy.gas_reserves")
    # The workbook's three years replace the bundled ones; earlier years are kept.
    assert {2023: 2.25, 2024: 2.25, 2025: 2.3}.items() <= gas["series"].items()
    assert (
        gas["series"][2010]
        == figure_of(load_yaml(bundled_root() / "countries" / "kazakhstan.yaml"), "energy.gas_reserves")[
            "series"
        ][2010]
    )
    # The Factbook's figures stay beside the Review's.
    assert any(f["source"] == "cia-wfb-2026" for f in kazakh["energy"]["gas_reserves"])
    result = runner.invoke(app, ["validate", "--data-dir", str(target)])
    assert result.exit_code == 0, result.stdout


def test_a_second_import_with_one_changed_value_changes_only_that_value(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "mine"
    first = write_workbook(tmp_path / "first.xlsx")
    assert run_import(runner, str(first), "--data-dir", str(target))[0] == 0
    unchanged = run_import(runner, str(first), "--data-dir", str(target))
    assert unchanged[0] == 0 and unchanged[2].startswith("Nothing to change in ")
    rows = dict(BASE, Kazakhstan=[2.25, 2.25, 2.4])  # a 2025 revision that moves no rank
    second = write_workbook(tmp_path / "second.xlsx", {"Coal Production - Tonnes": rows})
    before = snapshot(target)
    status, stdout, stderr = run_import(runner, str(second), "--data-dir", str(target), "--json")
    assert status == 0, stderr
    assert json.loads(stdout) == [
        {"country": "kazakhstan", "field": "energy.coal_production", "year": 2025, "old": 2.3, "new": 2.4}
    ]
    after = snapshot(target)
    # The bibliography entry names the edition and its sheets, so the same edition read again
    # on the same day leaves it as it was.
    assert [name for name in after if after[name] != before[name]] == ["countries/kazakhstan.yaml"]
    old = before["countries/kazakhstan.yaml"].decode().splitlines()
    new = after["countries/kazakhstan.yaml"].decode().splitlines()
    line = next(a for a in old if "Coal Production - Tonnes" in a)
    assert [(a, b) for a, b in zip(old, new, strict=True) if a != b] == [
        (line, line.replace("2025: 2.3}", "2025: 2.4}"))
    ]


def test_dry_run_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    status, stdout, stderr = run_import(
        runner, str(write_workbook(tmp_path / "sr.xlsx")), "--data-dir", str(target), "--dry-run"
    )
    assert status == 0, stderr
    assert "Changes (dry run: nothing written)" in stdout
    assert stderr.startswith("Dry run: would update ")
    assert not target.exists()


# --- the bundled data ------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2012, 2020])
def test_turkmen_gas_reserves_come_from_the_review_with_a_world_rank(runner: CliRunner, year: int) -> None:
    result = runner.invoke(
        app, ["get", "turkmenistan", "energy.gas_reserves", "--as-of", str(year), "--json"]
    )
    got = json.loads(result.stdout)
    assert (got["year"], got["source"], got["rank"]) == (year, "ei-statreview-2023", 4)
    assert got["rank_basis"].startswith("rank among ") and got["rank_basis"].endswith(
        " countries in Gas - Proved reserves history"
    )


def test_as_of_cuts_the_ranks_with_the_values(runner: CliRunner) -> None:
    shown = json.loads(runner.invoke(app, ["show", "turkmenistan", "--as-of", "2012", "--json"]).stdout)
    gas = figure_of(shown, "energy.gas_reserves")
    assert max(map(int, gas["series"])) == 2012
    assert gas["ranks"].keys() == gas["among"].keys() == gas["series"].keys()
    assert gas["sheet"] == "Gas - Proved reserves history"


@pytest.mark.parametrize("country", ["kazakhstan", "uzbekistan"])
@pytest.mark.parametrize(
    ("field", "last"),
    [
        ("energy.gas_reserves", 2020),
        ("energy.oil_reserves", 2020),
        ("energy.coal_reserves", 2020),
        ("energy.gas_production", 2022),
        ("energy.oil_production", 2022),
        ("energy.coal_production", 2022),
        ("energy.electricity_generation", 2022),
    ],
)
def test_reserves_and_production_reach_the_reviews_last_year(country: str, field: str, last: int) -> None:
    figure = figure_of(load_yaml(bundled_root() / "countries" / f"{country}.yaml"), field)
    assert max(figure["series"]) == last
    assert figure["ranks"].keys() == figure["series"].keys() == figure["among"].keys()


def test_validate_wants_ranks_for_every_year_of_a_review_series(runner: CliRunner, tmp_path: Path) -> None:
    target = Path(shutil.copytree(bundled_root(), tmp_path / "mine"))
    path = target / "countries" / "turkmenistan.yaml"
    text = path.read_text(encoding="utf-8")
    assert "ranks: {1997: " in text
    # The first year's rank goes from the gas reserves series.
    path.write_text(re.sub(r"ranks: \{1997: \d+, ", "ranks: {", text, count=1), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert "energy.gas_reserves[" in result.stdout
    assert "ranks: `ranks` must have the years of `series`: no ranks for 1997" in result.stdout

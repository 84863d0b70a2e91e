"""`import wdi`: World Bank downloads in both layouts, written into a data folder all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ca_profiles import update, wdi
from ca_profiles.catalog import display
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus, InvalidData
from ca_profiles.loader import bundled_root, parse_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "wdi"
API = FIXTURES / "API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_fixture.csv"
BULK = FIXTURES / "WDICSV.csv"
BUNDLED = bundled_root()
TODAY = dt.date.today()
RELEASE = f"2026.11+wdi.{TODAY:%Y%m%d}"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (none if it does not exist) with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digest(folder: Path) -> str:
    return hashlib.sha256(json.dumps({k: v.hex() for k, v in snapshot(folder).items()}).encode()).hexdigest()


BUNDLED_DIGEST = digest(BUNDLED)


def run_import(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", "wdi", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """A data folder after importing the API fixture: (folder, exit status, stdout, stderr)."""
    target = tmp_path_factory.mktemp("imported") / "mine"
    result = CliRunner().invoke(
        app, ["import", "wdi", str(API), "--data-dir", str(target), "--json"], env={"CA_PROFILES_DATA": ""}
    )
    return target, result.exit_code, result.stdout, result.stderr


def copy_of(imported: tuple[Path, int, str, str], tmp_path: Path) -> Path:
    return Path(shutil.copytree(imported[0], tmp_path / "mine"))


# --- reading ---------------------------------------------------------------------------------


def test_reads_the_api_layout_with_its_preamble() -> None:
    download = wdi.read(API)
    assert download.updated == dt.date(2026, 7, 1)
    assert download.name == API.name
    by_code = {row.country_code: row for row in download.rows}
    assert list(by_code) == ["ABW", "AFG", "KAZ", "KGZ", "TJK", "WLD"]
    assert by_code["KAZ"].values == {2020: 0.22, 2021: 0.16, 2022: 0.21, 2023: 0.5, 2024: 0.25}
    assert by_code["KGZ"].values == {2020: 31.81, 2021: 32.56, 2023: 19.5, 2024: 17.25}
    assert by_code["ABW"].values == {}
    assert by_code["KAZ"].line == 8
    assert {row.indicator.field for row in download.rows} == {"migration.remittances_pct_gdp"}


def test_reads_the_bulk_layout_and_skips_other_indicators() -> None:
    download = wdi.read(BULK)
    assert download.updated is None
    assert [(r.country_code, r.indicator.code) for r in download.rows] == [
        ("KAZ", "BX.TRF.PWKR.CD.DT"),
        ("KAZ", "SP.POP.TOTL"),
        ("TJK", "BX.TRF.PWKR.DT.GD.ZS"),
        ("UZB", "BX.TRF.PWKR.CD.DT"),
        ("WLD", "SP.POP.TOTL"),
    ]
    assert download.rows[0].values == {2020: 120500000.0, 2021: 150250000.5, 2023: 99000000.0}


def test_indicator_codes_and_fields() -> None:
    """The codes are those the bundled data cites; each feeds a field the model has."""
    sources = (BUNDLED / "sources.yaml").read_text(encoding="utf-8")
    assert "BX.TRF.PWKR.DT.GD.ZS" in sources
    assert {i.field for i in wdi.INDICATORS.values()} == {
        "migration.remittances_pct_gdp",
        "migration.remittances_usd",
        "population",
    }


HEADER = '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",'
PREAMBLE = '"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-07-01",\n\n'
GOOD = '"Kazakhstan","KAZ","Remittances","BX.TRF.PWKR.DT.GD.ZS","0.2","0.3",\n'

POPULATION = GOOD.replace("BX.TRF.PWKR.DT.GD.ZS", "SP.POP.TOTL")


def with_value(text: str, row: str = GOOD) -> str:
    """An API download whose one row holds ``text`` for 2023."""
    return PREAMBLE + HEADER + "\n" + row.replace('"0.3"', f'"{text}"')


MALFORMED = {
    "not-a-number": (with_value("n/a"), "6:63: KAZ 2023: 'n/a' is not a number"),
    "short-row": (
        PREAMBLE + HEADER + "\n" + '"Kazakhstan","KAZ","Remittances","BX.TRF.PWKR.DT.GD.ZS","0.2"\n',
        "6:1: expected 7 cells as in the header, found 5",
    ),
    "no-header": (PREAMBLE + GOOD, "5:1: expected the World Bank header "),
    "year-column": (
        PREAMBLE + HEADER.replace('"2023"', '"Note"') + "\n",
        "5:72: header column 6 is 'Note', not a year",
    ),
    "second-row": (
        PREAMBLE + HEADER + "\n" + GOOD + GOOD,
        "7:14: a second row for KAZ BX.TRF.PWKR.DT.GD.ZS (the first is on line 6)",
    ),
    "updated-date": (
        PREAMBLE.replace("2026-07-01", "July 2026") + HEADER + "\n",
        "3:21: the Last Updated Date is not a date (YYYY-MM-DD)",
    ),
    "empty": ("", "1:1: no World Bank header "),
    "second-row-in-lower-case": (
        PREAMBLE + HEADER + "\n" + GOOD + GOOD.replace('"KAZ"', '"kaz"'),
        "7:14: a second row for KAZ BX.TRF.PWKR.DT.GD.ZS (the first is on line 6)",
    ),
    "repeated-year": (
        PREAMBLE + HEADER.replace('"2023"', '"2022"') + "\n",
        "5:72: header column 6 repeats the year 2022 of column 5",
    ),
    "grouped-digits": (with_value("1_000"), "6:63: KAZ 2023: '1_000' is not a number"),
    "arabic-indic-digits": (with_value("\u0661\u0662"), "6:63: KAZ 2023: '\u0661\u0662' is not a number"),
    "infinity": (with_value("inf"), "6:63: KAZ 2023: 'inf' is not a number"),
    "negative-population": (
        with_value("-5", POPULATION),
        "6:54: KAZ 2023: -5 is out of range for population (0 to 10,000,000,000 persons)",
    ),
    "huge-population": (
        with_value("1e308", POPULATION),
        "6:54: KAZ 2023: 1e308 is out of range for population (0 to 10,000,000,000 persons)",
    ),
    "percentage-past-100": (
        with_value("130"),
        "6:63: KAZ 2023: 130 is out of range for migration.remittances_pct_gdp (0 to 100 pct_gdp)",
    ),
    "no-code": (
        PREAMBLE + HEADER + "\n" + GOOD.replace('"KAZ"', '""'),
        "6:14: the Country Code '' is not a code",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_names_line_and_column(case: str, tmp_path: Path) -> None:
    text, expected = MALFORMED[case]
    path = tmp_path / "API_bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        wdi.read(path)
    assert str(caught.value).startswith(f"{display(path)}:{expected}")


values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e10, width=32))


@given(
    st.dictionaries(st.sampled_from(["KAZ", "KGZ", "TJK", "WLD"]), st.lists(values, min_size=3, max_size=3))
)
def test_api_layout_round_trip(table: dict[str, list[float | None]]) -> None:
    """Whatever a World Bank file holds, the values read are the values written."""
    lines = [
        PREAMBLE + '"Country Name","Country Code","Indicator Name","Indicator Code","2001","2002","2003",'
    ]
    for code, row in table.items():
        cells = ["" if v is None else repr(v) for v in row]
        lines.append(",".join(f'"{c}"' for c in ["Name, with comma", code, "x", "SP.POP.TOTL", *cells]) + ",")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "API.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
        read = {row.country_code: row.values for row in wdi.read(path).rows}
    assert read == {
        code: {year: v for year, v in zip((2001, 2002, 2003), row, strict=True) if v is not None}
        for code, row in table.items()
    }


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = tmp_path / "WDICSV.csv"
    path.write_bytes((HEADER + "\n" + GOOD).encode() + b'"C\xf4te d\'Ivoire","CIV","x","y","1","2",\n')
    with pytest.raises(InvalidData, match=r":3:3: not UTF-8 text: byte 0xf4$"):
        wdi.read(path)


def test_malformed_file_changes_nothing(
    runner: CliRunner, tmp_path: Path, imported: tuple[Path, int, str, str]
) -> None:
    target = copy_of(imported, tmp_path)
    before = snapshot(target)
    bad = tmp_path / "API_bad.csv"
    bad.write_text(MALFORMED["not-a-number"][0], encoding="utf-8")
    status, stdout, stderr = run_import(runner, str(bad), "--data-dir", str(target))
    assert status == ExitStatus.INVALID_DATA
    assert stdout == ""
    assert stderr == f"Error: {display(bad)}:6:63: KAZ 2023: 'n/a' is not a number\n"
    assert snapshot(target) == before


# --- importing -------------------------------------------------------------------------------


def test_api_import_updates_copies_and_keeps_everything_else(
    runner: CliRunner, imported: tuple[Path, int, str, str]
) -> None:
    target, status, stdout, stderr = imported
    assert status == 0, stderr
    assert json.loads(stdout) == [
        {
            "country": "afghanistan",
            "field": "migration.remittances_pct_gdp",
            "year": 2022,
            "old": None,
            "new": 2.5,
        },
        {
            "country": "afghanistan",
            "field": "migration.remittances_pct_gdp",
            "year": 2023,
            "old": None,
            "new": 2.25,
        },
        {
            "country": "kazakhstan",
            "field": "migration.remittances_pct_gdp",
            "year": 2023,
            "old": 0.12,
            "new": 0.5,
        },
        {
            "country": "kazakhstan",
            "field": "migration.remittances_pct_gdp",
            "year": 2024,
            "old": 0.08,
            "new": 0.25,
        },
        {
            "country": "kyrgyzstan",
            "field": "migration.remittances_pct_gdp",
            "year": 2023,
            "old": None,
            "new": 19.5,
        },
        {
            "country": "kyrgyzstan",
            "field": "migration.remittances_pct_gdp",
            "year": 2024,
            "old": None,
            "new": 17.25,
        },
    ]
    assert stderr == (
        f"Updated 6 value(s) in 3 profile(s) in {display(target)} (afghanistan, kazakhstan, kyrgyzstan); "
        f"data release {RELEASE}.\n"
        f"Copied these profiles into {display(target)} before updating them: "
        "afghanistan, kazakhstan, kyrgyzstan.\n"
        "Ignored the rows of 2 code(s) that no profile has: ABW, WLD.\n"
    )
    assert sorted(snapshot(target)) == [
        "countries/afghanistan.yaml",
        "countries/kazakhstan.yaml",
        "countries/kyrgyzstan.yaml",
        "sources.yaml",
    ]
    # Only the series line differs from the bundled profile: comments, order, quoting all kept.
    bundled = (BUNDLED / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    old = "2021: 0.16, 2022: 0.21, 2023: 0.12, 2024: 0.08}"
    assert (
        bundled.count(old) == 1
        and "iso3: KAZ                                      # un-m49 (ISO alpha-3 code)" in bundled
    )
    written = (target / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    assert written == bundled.replace(old, "2021: 0.16, 2022: 0.21, 2023: 0.5, 2024: 0.25}")
    kyrgyz = (target / "countries" / "kyrgyzstan.yaml").read_text(encoding="utf-8")
    assert "2021: 32.56, 2022: 26.58, 2023: 19.5, 2024: 17.25}" in kyrgyz
    # A field without a WDI figure gets one, after the figures it had.
    afghan = (BUNDLED / "countries" / "afghanistan.yaml").read_text(encoding="utf-8").splitlines()
    added = (target / "countries" / "afghanistan.yaml").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(afghan) if line.startswith("  remittances_pct_gdp:")) + 1
    while afghan[at].startswith("    - "):
        at += 1
    assert added[:at] + added[at + 1 :] == afghan
    assert added[at].startswith(
        "    - {unit: pct_gdp, source: wb-wdi, series: {2022: 2.5, 2023: 2.25}, note: "
    )
    assert runner.invoke(app, ["validate", str(target)]).exit_code == 0


def test_imported_values_show_through_get_and_show(
    runner: CliRunner, imported: tuple[Path, int, str, str]
) -> None:
    target = imported[0]
    get = runner.invoke(
        app, ["get", "kazakhstan", "migration.remittances_pct_gdp", "--data-dir", str(target)]
    )
    assert get.stdout == "0.25\n"
    then = [
        "get",
        "kazakhstan",
        "migration.remittances_pct_gdp",
        "--as-of",
        "2023",
        "--data-dir",
        str(target),
    ]
    assert runner.invoke(app, then).stdout == "0.5\n"
    show = runner.invoke(app, ["show", "kyrgyzstan", "--json", "--data-dir", str(target)])
    figures = json.loads(show.stdout)["migration"]["remittances_pct_gdp"]
    wdi_series = next(f["series"] for f in figures if f["source"] == "wb-wdi")
    assert list(wdi_series.items())[-3:] == [("2022", 26.58), ("2023", 19.5), ("2024", 17.25)]
    assert json.loads(show.stdout)["meta"]["data_release"] == RELEASE
    bundled = runner.invoke(app, ["get", "kazakhstan", "migration.remittances_pct_gdp"])
    assert bundled.stdout == "0.08\n"


def test_sources_layer_records_access_date_and_release(
    runner: CliRunner, imported: tuple[Path, int, str, str]
) -> None:
    target = imported[0]
    layer = (target / "sources.yaml").read_text(encoding="utf-8")
    assert layer.startswith("# A layer over the bundled sources.yaml")
    assert f'release:\n  version: "{RELEASE}"\n  date: {TODAY.isoformat()}\n' in layer
    # The bundled entry, copied without the comment that followed it there.
    assert "afghanistan" not in layer
    entry = parse_yaml(layer.encode(), "sources.yaml").data["sources"]["wb-wdi"]
    assert entry["accessed"] == TODAY
    assert entry["year"] == 2026
    assert entry["url"] == "https://data.worldbank.org/indicator/BX.TRF.PWKR.DT.GD.ZS"
    assert entry["note"] == (
        f"BX.TRF.PWKR.DT.GD.ZS read from {API.name}, last updated 2026-07-01, on {TODAY.isoformat()}."
    )
    version = runner.invoke(app, ["--version"], env={"CA_PROFILES_DATA": str(target)})
    assert f"data release {RELEASE} ({TODAY.isoformat()})" in version.stdout


def test_bulk_import_adds_fields_in_model_order_and_converts_units(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    status, stdout, stderr = run_import(runner, str(BULK), "--data-dir", str(target), "--format", "csv")
    assert status == 0, stderr
    assert stdout.splitlines() == [
        "country,field,year,old,new",
        "kazakhstan,migration.remittances_usd,2020,,120.5",
        "kazakhstan,migration.remittances_usd,2021,,150.2500005",
        "kazakhstan,migration.remittances_usd,2023,,99",
        "kazakhstan,population,2019,,18500000",
        "kazakhstan,population,2020,,18750000",
        "kazakhstan,population,2021,,19000000",
        "kazakhstan,population,2022,,19250000",
        "kazakhstan,population,2023,,19500000",
        "uzbekistan,migration.remittances_usd,2023,,11500",
    ]
    kazakh = (target / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    assert (
        "  - {unit: persons, source: wb-wdi, series: {2019: 18500000, 2020: 18750000, 2021: 19000000, "
        "2022: 19250000, 2023: 19500000}, note: 'SP.POP.TOTL: " in kazakh
    )
    migration = kazakh[kazakh.index("\nmigration:") : kazakh.index("\nchina:")]
    keys = [line[2:].split(":")[0] for line in migration.splitlines() if re.match(r"  [a-z]", line)]
    assert keys[:3] == ["remittances_pct_gdp", "remittances_usd", "remittances_from_russia_usd"]
    assert (
        "  remittances_usd:\n    - {unit: usd_million, source: wb-wdi, series: {2020: 120.5, "
        "2021: 150.2500005, 2023: 99}, note: " in migration
    )
    entry = parse_yaml((target / "sources.yaml").read_bytes(), "s").data["sources"]["wb-wdi"]
    # Several indicators now: the entry names the data set, not the one series.
    assert entry["title"] == "World Development Indicators"
    assert entry["url"] == wdi.DATASET_URL
    assert "year" in entry and entry["note"].startswith("BX.TRF.PWKR.CD.DT, SP.POP.TOTL read from WDICSV.csv")
    usd = runner.invoke(
        app, ["get", "uzbekistan", "migration.remittances_usd", "--json", "--data-dir", str(target)]
    )
    assert json.loads(usd.stdout)["figures"][-1]["series"] == {"2023": 11500}


def test_dry_run_prints_the_changes_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    status, stdout, stderr = run_import(runner, str(API), "--data-dir", str(target), "--dry-run")
    assert status == 0
    assert "Changes (dry run: nothing written)" in stdout
    assert "kazakhstan" in stdout and "0.12" in stdout and "0.5" in stdout
    assert stderr.startswith("Dry run: would update 6 value(s) in 3 profile(s)")
    assert "nothing written" in stderr
    assert snapshot(target) == {}
    assert list(target.iterdir()) == []
    absent = tmp_path / "absent"
    assert run_import(runner, str(API), "--data-dir", str(absent), "--dry-run")[0] == 0
    assert not absent.exists()


def test_a_second_import_changes_nothing(
    runner: CliRunner, tmp_path: Path, imported: tuple[Path, int, str, str]
) -> None:
    target = copy_of(imported, tmp_path)
    before = snapshot(target)
    status, stdout, stderr = run_import(runner, str(API), "--data-dir", str(target), "--json")
    assert (status, json.loads(stdout)) == (0, [])
    assert stderr.startswith(f"Nothing to change in {display(target)}")
    # For people, no empty table: the message says it.
    assert run_import(runner, str(API), "--data-dir", str(target))[1] == ""
    assert snapshot(target) == before


def test_a_profile_in_the_folder_is_edited_in_place_with_its_comments(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "mine"
    (target / "countries").mkdir(parents=True)
    mine = (
        "# My own Kazakhstan.\n"
        "id: kazakhstan\nname: Kazakhstan\nofficial_name: Republic of Kazakhstan\niso2: KZ\niso3: KAZ\n"
        "migration:\n"
        "  # WDI, updated by hand until now\n"
        "  remittances_pct_gdp:\n"
        "    unit: pct_gdp    # percent of GDP\n"
        "    source: wb-wdi\n"
        "    series:\n"
        "      2022: 0.21\n"
        "      2024: 0.08   # provisional\n"
    )
    (target / "countries" / "kazakhstan.yaml").write_text(mine, encoding="utf-8")
    status, _, stderr = run_import(runner, str(API), "--data-dir", str(target))
    assert status == 0, stderr
    assert "kazakhstan" not in stderr.split("Copied these profiles")[-1].split(".\n")[0]
    assert (target / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8") == mine.replace(
        "      2022: 0.21\n      2024: 0.08   # provisional\n",
        "      2020: 0.22\n      2021: 0.16\n      2022: 0.21\n"
        "      2023: 0.5\n      2024: 0.25   # provisional\n",
    )


def test_a_single_wdi_value_becomes_a_series(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    (target / "countries").mkdir(parents=True)
    (target / "countries" / "kazakhstan.yaml").write_text(
        "id: kazakhstan\nname: Kazakhstan\nofficial_name: Republic of Kazakhstan\niso2: KZ\niso3: KAZ\n"
        "migration:\n"
        "  remittances_pct_gdp: {value: 0.3, unit: pct_gdp, year: 2019, source: wb-wdi, note: old}\n",
        encoding="utf-8",
    )
    assert run_import(runner, str(API), "--data-dir", str(target))[0] == 0
    text = (target / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  remittances_pct_gdp: {series: {2019: 0.3, 2020: 0.22, 2021: 0.16, 2022: 0.21, 2023: 0.5, "
        "2024: 0.25}, unit: pct_gdp, source: wb-wdi, note: old}\n"
    )


def test_a_figure_whose_unit_cannot_hold_the_values_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    (target / "countries").mkdir(parents=True)
    path = target / "countries" / "kazakhstan.yaml"
    path.write_text(
        "id: kazakhstan\nname: Kazakhstan\nofficial_name: Republic of Kazakhstan\niso2: KZ\niso3: KAZ\n"
        "migration:\n  remittances_pct_gdp:\n    - {unit: pct, source: wb-wdi, series: {2020: 1.0}}\n",
        encoding="utf-8",
    )
    before = snapshot(target)
    status, _, stderr = run_import(runner, str(API), "--data-dir", str(target))
    assert status == ExitStatus.INVALID_DATA
    assert stderr == (
        f"Error: {display(path)}:8:14: migration.remittances_pct_gdp[0].unit: "
        "unit 'pct' cannot hold wb-wdi values in 'pct_gdp'\n"
    )
    assert snapshot(target) == before


def test_a_result_that_fails_validation_changes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    (target / "countries").mkdir(parents=True)
    path = target / "countries" / "kazakhstan.yaml"
    # It decodes, so the import can read it, but a check fails: the written file would too.
    path.write_text(
        "id: kazakhstan\nname: Kazakhstan\nofficial_name: Republic of Kazakhstan\niso2: KZ\niso3: KAZ\n"
        "area: {value: 1, unit: km2, year: 2020, source: nowhere}\n",
        encoding="utf-8",
    )
    before = snapshot(target)
    status, stdout, stderr = run_import(runner, str(API), "--data-dir", str(target))
    assert status == ExitStatus.INVALID_DATA
    assert stdout == ""
    assert stderr.startswith(f"Error: {display(path)}:6:49: area.source: unknown source 'nowhere'")
    assert snapshot(target) == before


def test_without_a_data_folder_the_import_refuses(runner: CliRunner) -> None:
    status, stdout, stderr = run_import(runner, str(API))
    assert (status, stdout) == (ExitStatus.USAGE, "")
    assert stderr.startswith("Error: give --data-dir DIR (or set CA_PROFILES_DATA)")
    assert stderr.count("\n") == 1


def test_the_bundled_data_is_never_the_target(
    runner: CliRunner, imported: tuple[Path, int, str, str]
) -> None:
    """Neither named as the target, nor changed by an import elsewhere."""
    before = digest(BUNDLED)
    assert before == BUNDLED_DIGEST
    status, _, stderr = run_import(runner, str(API), "--data-dir", str(BUNDLED))
    assert status == ExitStatus.USAGE
    assert "is the bundled data, which an import never changes" in stderr
    assert digest(BUNDLED) == before


def test_the_first_folder_of_the_environment_is_the_default(runner: CliRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    env = {"CA_PROFILES_DATA": f"{first}:{second}"}
    result = runner.invoke(app, ["import", "wdi", str(API)], env=env)
    assert result.exit_code == 0, result.stderr
    assert (first / "countries" / "kazakhstan.yaml").is_file()
    assert snapshot(second) == {}


def test_a_profile_a_later_folder_hides_is_not_written(runner: CliRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    (second / "countries").mkdir(parents=True)
    shutil.copy(BUNDLED / "countries" / "kazakhstan.yaml", second / "countries")
    first.mkdir()
    result = runner.invoke(app, ["import", "wdi", str(API)], env={"CA_PROFILES_DATA": f"{first}:{second}"})
    assert result.exit_code == ExitStatus.USAGE
    assert "takes precedence over" in result.stderr
    assert snapshot(first) == {}


def test_a_file_without_the_indicators_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "API_NY.GDP.MKTP.CD.csv"
    other.write_text(PREAMBLE + HEADER + "\n" + GOOD.replace("BX.TRF.PWKR.DT.GD.ZS", "NY.GDP.MKTP.CD"))
    status, _, stderr = run_import(runner, str(other), "--data-dir", str(tmp_path / "mine"))
    assert status == ExitStatus.USAGE
    assert "holds no rows of BX.TRF.PWKR.DT.GD.ZS, BX.TRF.PWKR.CD.DT, SP.POP.TOTL" in stderr


def test_a_missing_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    status, _, stderr = run_import(runner, str(tmp_path / "nope.csv"), "--data-dir", str(tmp_path))
    assert status == ExitStatus.USAGE
    assert stderr == f"Error: no such file: '{tmp_path / 'nope.csv'}'\n"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_written_numbers_read_back_exactly(number: float) -> None:
    """What the editor writes, the strict (YAML 1.1) loader reads as the same number."""
    document = update.new_document(Path("x.yaml"), "test")
    document.data["series"] = update.flow({2020: update.tidy(number)})
    read = parse_yaml(document.dump().encode(), "x.yaml").data["series"][2020]
    assert isinstance(read, int | float) and not isinstance(read, bool)
    assert read == number and math.copysign(1, read) == math.copysign(1, number) or read == number == 0


@pytest.mark.parametrize("path", sorted((BUNDLED / "countries").glob("*.yaml")) + [BUNDLED / "sources.yaml"])
def test_every_bundled_file_is_edited_without_changing_its_layout(path: Path) -> None:
    assert update.open_document(path).dump() == path.read_text(encoding="utf-8")


def _bounded_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_big_download_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Rows of other indicators are read and dropped one by one; a file with more rows of the
    indicators than the World Bank has economies is refused before it fills memory."""
    years = [str(year) for year in range(1960, 2025)]
    header = '"Country Name","Country Code","Indicator Name","Indicator Code",' + ",".join(years) + "\n"
    other = tmp_path / "WDICSV.csv"
    with other.open("w", encoding="utf-8") as stream:
        stream.write(header)
        row = ",".join(["1.5"] * len(years))
        for number in range(200_000):  # some 70 MB of indicators the import does not read
            stream.write(f'"C{number}","C{number}","Other","XX.OTHER.{number % 500}",{row}\n')
        stream.write(f'"Kazakhstan","KAZ","Population","SP.POP.TOTL",{",".join(["100"] * len(years))}\n')
    many = tmp_path / "many.csv"
    with many.open("w", encoding="utf-8") as stream:
        stream.write(header)
        for number in range(wdi.MAX_ROWS + 1):
            stream.write(f'"C","C{number}","Population","SP.POP.TOTL",{",".join(["100"] * len(years))}\n')
    env = {**os.environ, "CA_PROFILES_CACHE": str(tmp_path / "cache")}
    for path, status in ((other, 0), (many, ExitStatus.INVALID_DATA)):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ca_profiles",
                "import",
                "wdi",
                str(path),
                "--data-dir",
                str(tmp_path / "d"),
                "--dry-run",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            preexec_fn=_bounded_memory,
        )
        assert done.returncode == status, done.stderr
    assert f"more than {wdi.MAX_ROWS:,} rows of the indicators" in done.stderr

"""The one rule for the figure of a field: newest year, then source preference; ranges within a year."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.figures import pick
from ca_profiles.model import Figure

SOURCES = ["a", "b", "c", "d"]

points = st.builds(
    lambda source, year, value, unit: Figure(unit=unit, source=source, year=year, value=value),
    st.sampled_from(SOURCES),
    st.integers(1990, 2025),
    st.floats(0, 1e6, allow_nan=False),
    st.sampled_from(["tcm", "bcm", "pct"]),
)
series = st.builds(
    lambda source, values: Figure(unit="bcm", source=source, series=values),
    st.sampled_from(SOURCES),
    st.dictionaries(st.integers(1990, 2025), st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=5),
)


def years_of(figure: Figure) -> list[int]:
    return list(figure.series) if figure.series else [figure.year] if figure.year is not None else []


@given(st.lists(st.one_of(points, series), max_size=8), st.permutations(SOURCES))
def test_the_newest_year_then_the_preferred_source(figures: list[Figure], preferred: list[str]) -> None:
    chosen = pick(figures, preferred[:2], "tcm")
    usable = [f for f in figures if f.unit != "pct"]  # a share is no amount of gas
    if not usable:
        assert chosen is None
        return
    assert chosen is not None
    newest = max(year for f in usable for year in years_of(f))
    assert chosen.year == newest
    giving = {f.source for f in usable if newest in years_of(f)}
    ranked = [s for s in preferred[:2] if s in giving] or sorted(giving)
    assert chosen.source == ranked[0]
    # The range is the spread of that one year, never of several years.
    assert chosen.low <= chosen.value <= chosen.high
    assert chosen.sources == len(giving)
    assert chosen.newer is None


@given(st.lists(st.one_of(points, series), min_size=1, max_size=8), st.sampled_from(SOURCES))
def test_a_pinned_source_is_kept_and_a_newer_figure_named(figures: list[Figure], source: str) -> None:
    chosen = pick(figures, [], "tcm", source)
    mine = [f for f in figures if f.source == source and f.unit != "pct"]
    if not mine:
        assert chosen is None
        return
    assert chosen is not None and chosen.source == source
    assert chosen.year == max(year for f in mine for year in years_of(f))
    newest = max(year for f in figures if f.unit != "pct" for year in years_of(f))
    assert (chosen.newer is not None) == (newest > chosen.year)
    if chosen.newer is not None:
        assert chosen.newer.year == newest and chosen.newer.source != source


def test_equal_figures_of_one_year_are_one_value() -> None:
    figures = [
        Figure(unit="tcm", source="a", year=2020, value=2.0),
        Figure(unit="bcm", source="b", year=2020, value=2000.0),
        Figure(unit="tcm", source="c", year=2010, value=9.0),
    ]
    chosen = pick(figures, ["b"], "tcm")
    assert chosen is not None
    assert (chosen.source, chosen.low, chosen.high, chosen.sources) == ("b", 2.0, 2.0, 2)


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_source_pins_every_figure_of_rank_and_says_so() -> None:
    rows = json.loads(invoke("rank", "energy.gas_reserves", "--source", "cia-wfb-2020", "--json"))
    assert {r["source"] for r in rows if r["value"] is not None} == {"cia-wfb-2020"}
    assert any(r["newer"] and r["newer"]["year"] > r["year"] for r in rows)
    meta = json.loads(invoke("show", "kz", "--json"))["meta"]
    assert meta["figure_rule"].startswith("newest year")
    table = invoke("rank", "energy.gas_reserves", "--source", "cia-wfb-2020")
    assert "source cia-wfb-2020" in table


def test_an_unknown_source_suggests() -> None:
    result = CliRunner().invoke(app, ["rank", "energy.gas_reserves", "--source", "cia-wfb-202"])
    assert result.exit_code == ExitStatus.USAGE
    assert "unknown source 'cia-wfb-202'; did you mean" in result.stderr


def test_list_and_compare_cells_carry_year_and_source() -> None:
    for row in json.loads(invoke("list", "--json")):
        for field in ("population", "gas_reserves", "oil_reserves", "remittances_pct_gdp"):
            cell = row[field]
            assert cell is None or (
                isinstance(cell["value"], int | float) and cell["year"] and cell["source"] and cell["unit"]
            )
        assert "as_of" in row and "data_release" in row
    # CSV spreads each cell over value, unit, year and source columns, for pandas and R.
    rows = list(csv.DictReader(io.StringIO(invoke("compare", "kz", "uz", "--format", "csv"))))
    population = next(r for r in rows if r["field"] == "population")
    assert population["kazakhstan_unit"] == "persons" and population["kazakhstan_year"].isdigit()
    assert float(population["kazakhstan"]) > 1e6 and population["kazakhstan_source"]


def test_a_table_shows_each_figures_year() -> None:
    table = CliRunner().invoke(app, ["list"], env={"COLUMNS": "100"}).stdout
    kazakh = next(line for line in table.splitlines() if "Kazakhstan" in line)
    population = json.loads(invoke("get", "kz", "population", "--json"))
    assert f"’{population['year'] % 100:02d}" in kazakh


def test_get_without_data_says_so(tmp_path: Path) -> None:
    (tmp_path / "countries").mkdir()
    (tmp_path / "countries" / "nodata.yaml").write_text(
        "id: nodata\nname: Nodata\nofficial_name: Republic of Nodata\niso2: XN\niso3: XNX\n"
    )
    result = CliRunner().invoke(app, ["get", "nodata", "population", "--data-dir", str(tmp_path)])
    assert result.exit_code == ExitStatus.NO_DATA
    assert result.stdout == "" and "no data" in result.stderr


def test_compare_needs_two_different_countries() -> None:
    result = CliRunner().invoke(app, ["compare", "kz", "Kazakhstan"])
    assert result.exit_code == ExitStatus.USAGE
    assert "two or more different countries" in result.stderr


def test_compare_then_and_now() -> None:
    rows = json.loads(invoke("compare", "kazakhstan@2013", "kazakhstan", "--json"))
    by_field = {row["field"]: row for row in rows}
    assert by_field["head_of_state"]["kazakhstan@2013"] == "Nursultan Nazarbayev"
    assert by_field["head_of_state"]["kazakhstan"] == "Kassym-Jomart Tokayev"
    assert by_field["capital"]["kazakhstan@2013"]
    then = by_field["migration.remittances_pct_gdp"]["kazakhstan@2013"]
    assert then["year"] <= 2013 < by_field["migration.remittances_pct_gdp"]["kazakhstan"]["year"]
    # nothing dated after 2013 reaches the 2013 column
    assert all(
        row["kazakhstan@2013"]["year"] <= 2013 for row in rows if isinstance(row["kazakhstan@2013"], dict)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kz@13", "kz"], "write a country and a year as COUNTRY@YEAR"),
        (["kz@1990", "kz"], "became independent on 16 December 1991"),
        (["kz@2999", "kz"], "after the data release"),
    ],
)
def test_compare_at_a_year_that_cannot_be(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["compare", *args])
    assert result.exit_code == ExitStatus.USAGE and message in result.stderr


def test_no_border_is_said_as_not_applicable_not_as_no_data() -> None:
    rows = json.loads(invoke("compare", "tm", "kz", "--fields", "china.border_km", "--json"))
    assert rows[0]["turkmenistan"] == {"value": None, "not_applicable": True}
    assert rows[0]["kazakhstan"]["value"] > 0
    table = CliRunner().invoke(app, ["compare", "tm", "kz", "--fields", "china.border_km"]).stdout
    assert "n/a" in table
    rows = list(
        csv.DictReader(io.StringIO(invoke("compare", "tm", "kz", "--fields", "china.border_km", "-f", "csv")))
    )
    assert rows[0]["turkmenistan"] == "n/a"

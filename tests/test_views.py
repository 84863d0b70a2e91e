"""The reading commands through the real CLI: JSON and CSV parsed, as-of cases, pipes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from typing import Any

import msgspec.inspect as mi
import pytest
from typer.testing import CliRunner

from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.model import FIELDS, Leader, Profile
from ca_profiles.profile_view import leader_name


def run_json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def newest(figures: list[dict[str, Any]]) -> int:
    """The newest year the figures of a field give, points and series alike."""
    return max(max(map(int, f["series"])) if f.get("series") else f["year"] for f in figures)


def test_rank_converts_units_and_orders(runner: CliRunner) -> None:
    rows = run_json(runner, "rank", "energy.gas_reserves")
    assert [r["id"] for r in rows[:3]] == ["turkmenistan", "kazakhstan", "uzbekistan"]
    kyrgyz = next(r for r in rows if r["id"] == "kyrgyzstan")
    assert (kyrgyz["value"], kyrgyz["unit"]) == (0.005663, "tcm")  # the Factbook gives 5.663 bcm
    turkmen = rows[0]
    assert turkmen["low"] <= turkmen["value"] <= turkmen["high"] and turkmen["sources"] >= 1
    held = run_json(runner, "get", "turkmenistan", "energy.gas_reserves")["figures"]
    assert turkmen["year"] == newest(held)  # the newest year first


def test_rank_lists_countries_without_data_last(runner: CliRunner) -> None:
    rows = run_json(runner, "rank", "migration.remittances_pct_gdp", "--as-of", "2013")
    assert [r["id"] for r in rows[:4]] == ["tajikistan", "kyrgyzstan", "uzbekistan", "kazakhstan"]
    assert all(r["year"] == 2013 for r in rows[:4])
    assert {r["id"] for r in rows[4:]} == {"afghanistan", "turkmenistan"}
    assert all(r["value"] is None and r["position"] is None for r in rows[4:])


@pytest.mark.parametrize(
    ("country", "year", "leader"),
    [
        ("kazakhstan", 2013, "Nursultan Nazarbayev"),
        ("kazakhstan", 2020, "Kassym-Jomart Tokayev"),
        ("uzbekistan", 2013, "Islam Karimov"),
        ("uzbekistan", 2017, "Shavkat Mirziyoyev"),
        ("turkmenistan", 2010, "Gurbanguly Berdimuhamedow"),
        ("kyrgyzstan", 2008, "Kurmanbek Bakiyev"),
        ("afghanistan", 2015, "Ashraf Ghani"),
    ],
)
def test_as_of_shows_the_head_of_state_then(runner: CliRunner, country: str, year: int, leader: str) -> None:
    profile = run_json(runner, "show", country, "--as-of", str(year))
    last = profile["succession"]["leaders"][-1]
    assert last["name"] == leader
    assert last["until"] is None and last["how_ended"] in (None, "in_office")
    assert profile["meta"]["as_of"] == year


def test_as_of_hides_everything_later(runner: CliRunner) -> None:
    profile = run_json(runner, "show", "uzbekistan", "--as-of", "2013")
    assert "eaeu" not in {m["org"] for m in profile["memberships"]}
    assert all(str(m["since"])[:4] <= "2013" for m in profile["memberships"])
    series = profile["migration"]["remittances_pct_gdp"]
    series = series if isinstance(series, list) else [series]
    assert max(int(y) for f in series if f["series"] for y in f["series"]) == 2013
    assert profile["succession"]["next_election"] is None

    def years(node: Any) -> list[int]:
        if isinstance(node, list):
            return [y for item in node for y in years(item)]
        if not isinstance(node, dict):
            return []
        found = [int(k) for k in node.get("series") or {}]
        for key, value in node.items():
            if key in ("year", "since", "until", "commissioned", "date") and value is not None:
                found.append(int(str(value)[:4]))
            elif key != "meta":
                found += years(value)
        return found

    assert max(years(profile)) == 2013


def test_memberships_timeline(runner: CliRunner) -> None:
    rows = run_json(runner, "memberships", "--org", "CSTO")
    uzbek = [(r["status"], r["since"], r["until"]) for r in rows if r["country"] == "uzbekistan"]
    assert uzbek == [("member", "2006-08-16", "2012-12-19"), ("suspended", "2012-12-19", None)]


def test_memberships_matrix_at_a_date(runner: CliRunner) -> None:
    rows = run_json(runner, "memberships", "--as-of", "2014")
    assert ("kazakhstan", "customs-union") in {(r["country"], r["org"]) for r in rows}
    assert "eaeu" not in {r["org"] for r in rows}


def test_list_csv_has_numeric_columns(runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert all(float(r["population"]) > 1e6 for r in rows)


def test_list_filters(runner: CliRunner) -> None:
    sco = {r["id"] for r in run_json(runner, "list", "--member", "SCO")}
    assert sco == {"kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan"}
    border = {r["id"] for r in run_json(runner, "list", "--borders-china")}
    assert border == {"afghanistan", "kazakhstan", "kyrgyzstan", "tajikistan"}


def test_compare_side_by_side(runner: CliRunner) -> None:
    rows = run_json(runner, "compare", "kz", "Туркменистан", "--fields", "energy.gas_reserves,population")
    assert [r["field"] for r in rows] == ["energy.gas_reserves", "population"]
    assert rows[0]["turkmenistan"]["value"] > rows[0]["kazakhstan"]["value"]
    # every cell says what it is and where it comes from
    assert set(rows[1]["kazakhstan"]) == {"value", "unit", "year", "source", "newer"}
    assert rows[1]["kazakhstan"]["unit"] == "persons" and rows[1]["kazakhstan"]["source"]


def test_compare_needs_countries_or_all(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compare"])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == "Error: name two or more countries (COUNTRY@YEAR for one then), or give --all\n"


def test_get_bare_value_and_whole_field(runner: CliRunner) -> None:
    result = runner.invoke(app, ["get", "turkmenistan", "energy.gas_reserves"])
    whole = run_json(runner, "get", "turkmenistan", "energy.gas_reserves")
    assert result.stdout == f"{whole['value']:g}\n"
    assert whole["year"] == newest(whole["figures"]) and len(whole["figures"]) > 1


def test_unknown_field_suggests(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rank", "energy.gas_reserve"])
    assert result.exit_code == ExitStatus.USAGE
    assert "did you mean energy.gas_reserves" in result.stderr


def test_fields_are_exactly_the_figure_fields_of_the_model() -> None:
    def paths(info: Any, prefix: str) -> list[str]:
        found = []
        for f in info.fields:
            options = f.type.types if isinstance(f.type, mi.UnionType) else (f.type,)
            if any(isinstance(o, mi.StructType) and o.cls.__name__ == "Figure" for o in options):
                found.append(prefix + f.name)
            elif any(isinstance(o, mi.StructType) for o in options):
                struct = next(o for o in options if isinstance(o, mi.StructType))
                found += paths(struct, f"{prefix}{f.name}.")
        return found

    assert sorted(paths(mi.type_info(Profile), "")) == sorted(FIELDS)


@pytest.mark.parametrize("args", [["list"], ["rank", "population"], ["memberships"], ["fields"]])
def test_tables_render_at_width_100(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args, env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_subprocess_into_head_ends_quietly() -> None:
    proc = subprocess.run(
        f"{sys.executable} -m ca_profiles show kazakhstan --format json | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert proc.stdout == "{\n"
    assert proc.stderr == ""


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml", "csv"])
def test_every_row_names_its_release_and_date(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(app, ["rank", "energy.oil_reserves", "--as-of", "2019", "--format", fmt])
    assert result.exit_code == 0
    if fmt == "csv":
        rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(result.stdout)))
        assert list(rows[0])[-2:] == ["as_of", "data_release"]
        assert {(r["as_of"], r["data_release"]) for r in rows} == {("2019", "2026.11")}
    elif fmt == "yaml":
        assert result.stdout.count("as_of: 2019") == 6
    else:
        lines = [result.stdout] if fmt == "json" else result.stdout.splitlines()
        rows = [row for line in lines for row in (json.loads(line) if fmt == "json" else [json.loads(line)])]
        assert {(r["as_of"], r["data_release"]) for r in rows} == {(2019, "2026.11")}
        assert list(rows[0])[-2:] == ["as_of", "data_release"]


def test_markdown_tables_carry_no_stamp_columns(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rank", "energy.oil_reserves", "--format", "markdown"])
    assert "as_of" not in result.stdout.splitlines()[0]


def test_show_as_csv_is_the_profile_in_tidy_long_form(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "tajikistan", "--section", "migration", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    shown = json.loads(runner.invoke(app, ["show", "tajikistan", "--json"]).stdout)
    series = shown["migration"]["remittances_pct_gdp"][0]["series"]
    wdi = {r["year"]: float(r["value"]) for r in rows if r["source"] == "wb-wdi"}
    assert wdi == series  # JSON keys are the years as text, like the CSV cells
    assert {r["section"] for r in rows} == {"migration"}


def test_explain_as_csv_has_one_row_per_factor(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", "uzbekistan", "succession", "--as-of", "2025", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    explained = json.loads(
        runner.invoke(app, ["explain", "uzbekistan", "succession", "--as-of", "2025", "--json"]).stdout
    )
    assert [r["factor"] for r in rows] == [c["factor"] for c in explained["components"]]
    assert sum(float(r["contribution"]) for r in rows) == pytest.approx(explained["score"])


def test_a_range_never_spans_two_units(runner: CliRunner) -> None:
    """Kyrgyzstan's debt to China is held both in US$ million and as a share of external debt;
    the spread of the sources is taken within the field's unit only."""
    shown = runner.invoke(app, ["show", "kyrgyzstan", "--section", "china"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "1,711.48" in shown.stdout and "30–1,711.48" not in shown.stdout
    pick = run_json(runner, "get", "kyrgyzstan", "china.debt_to_china")
    assert pick["unit"] == "usd_million" and pick["value"] == 1590


def test_an_acting_title_is_not_marked_acting_twice(runner: CliRunner) -> None:
    shown = runner.invoke(app, ["show", "afghanistan", "--section", "succession"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "Sibghatullah Mojaddedi" in shown.stdout
    assert "Mojaddedi (acting)" not in shown.stdout


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Acting President", "A. Name"),
        ("Interim President", "A. Name"),
        ("President", "A. Name (acting)"),
    ],
)
def test_acting_is_said_once(title: str, shown: str) -> None:
    leader = Leader(name="A. Name", title=title, since=dt.date(2000, 1, 1), acting=True, source="s")
    assert leader_name(leader) == shown


@pytest.mark.parametrize("columns", ["60", "80", "100"])
def test_fields_never_breaks_a_field_path(runner: CliRunner, columns: str) -> None:
    shown = runner.invoke(app, ["fields"], env={"COLUMNS": columns}).stdout
    words = set(shown.split())
    assert all(path in words for path in FIELDS)
    assert "indices.succession_risk" in words and "indices.migration_dependence" in words


def test_orgs_lists_every_organisation_with_its_founding_and_members(runner: CliRunner) -> None:
    rows = run_json(runner, "orgs")
    sco = next(r for r in rows if r["id"] == "sco")
    assert sco["name"] == "Shanghai Cooperation Organisation" and sco["founded"] == "2001-06-15"
    assert sco["members"] == ["kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan"]
    then = {r["id"]: r["members"] for r in run_json(runner, "orgs", "--as-of", "1999")}
    assert then["sco"] == [] and "kazakhstan" in then["cis"]

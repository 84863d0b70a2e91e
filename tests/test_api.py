"""The Python API and the command line give the same rows, because they call the same views."""

from __future__ import annotations

import datetime as dt
import doctest
import json
from typing import Any

import msgspec
import pandas
import pytest
from typer.testing import CliRunner

import ca_profiles
from ca_profiles.cli import app
from ca_profiles.errors import UnknownName

TODAY = dt.date(2026, 11, 30)


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def as_json(value: Any) -> Any:
    """A result as the JSON the command line prints holds it (dates as text, tuples as lists)."""
    return json.loads(msgspec.json.encode(value))


@pytest.fixture(scope="module", params=[None, 2013], ids=["release", "as-of-2013"])
def data(request: pytest.FixtureRequest) -> ca_profiles.Data:
    return ca_profiles.load(as_of=request.param, today=TODAY)


def as_of(data: ca_profiles.Data, command: list[str]) -> list[str]:
    """The ``--as-of`` option matching ``data``, for the commands that take one."""
    return [] if data.as_of is None or command == ["fields"] else ["--as-of", str(data.as_of)]


@pytest.mark.parametrize(
    ("command", "call"),
    [
        (["list"], lambda d: d.list_rows()),
        (["list", "--member", "sco"], lambda d: d.list_rows(member="sco")),
        (["rank", "migration.remittances_pct_gdp"], lambda d: d.rank("migration.remittances_pct_gdp")),
        (
            ["rank", "energy.gas_reserves", "--top", "3", "--asc"],
            lambda d: d.rank("energy.gas_reserves", 3, True),
        ),
        (["compare", "kazakhstan", "uzbekistan"], lambda d: d.compare(["kazakhstan", "uzbekistan"])),
        (["compare", "--all"], lambda d: d.compare()),
        (["memberships"], lambda d: d.standing()),
        (["memberships", "--org", "eaeu"], lambda d: d.standing("eaeu")),
        (["fields"], lambda d: d.fields()),
        (["sources", "kyrgyzstan"], lambda d: d.sources("kyrgyzstan")),
        (["sources"], lambda d: d.sources()),
        (["chart", "migration.remittances_pct_gdp"], lambda d: d.chart("migration.remittances_pct_gdp")),
        (
            ["chart", "energy.gas_reserves", "tm", "kz"],
            lambda d: d.chart("energy.gas_reserves", ["tm", "kz"]),
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_api_rows_equal_cli_json(data: ca_profiles.Data, command: list[str], call: Any) -> None:
    assert as_json(call(data)) == cli_json(*command, *as_of(data, command))


@pytest.mark.parametrize(
    ("command", "call"),
    [
        (["show", "kazakhstan"], lambda d: d.country("kazakhstan").show()),
        (["show", "tj", "-s", "succession"], lambda d: d.country("tj").show(["succession"])),
        (["explain", "tajikistan", "succession"], lambda d: d.explain("tajikistan", "succession")),
        (["explain", "kyrgyzstan", "migration"], lambda d: d.explain("kyrgyzstan", "migration")),
        (
            ["get", "turkmenistan", "energy.gas_reserves"],
            lambda d: d.country("tm").get("energy.gas_reserves"),
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_api_reports_equal_cli_json(data: ca_profiles.Data, command: list[str], call: Any) -> None:
    report = call(data)
    assert as_json({**report.document(), "meta": report.meta}) == cli_json(*command, *as_of(data, command))


def test_country_resolves_names_as_the_cli_does() -> None:
    data = ca_profiles.load(today=TODAY)
    kz = data.country("Qazaqstan")
    assert (kz.id, kz.name) == ("kazakhstan", "Kazakhstan")
    assert kz.head_of_state is not None and kz.head_of_state.name == "Kassym-Jomart Tokayev"
    with pytest.raises(UnknownName, match="did you mean"):
        data.country("Kazakstann")
    assert [c.id for c in data.countries()] == [row["id"] for row in data.list_rows()]


def test_figure_is_what_get_prints() -> None:
    data = ca_profiles.load(today=TODAY)
    pick = data.country("turkmenistan").figure("energy.gas_reserves")
    assert pick is not None
    assert pick.value == cli_json("get", "turkmenistan", "energy.gas_reserves")["value"]
    with pytest.raises(UnknownName):
        data.country("turkmenistan").figure("energy.gas_reserve")


def test_tidy_tables_are_the_export_tables(tmp_path: Any) -> None:
    data = ca_profiles.load(today=TODAY)
    result = CliRunner().invoke(app, ["export", "--format", "json", "--output", str(tmp_path / "out.json")])
    assert result.exit_code == 0, result.output
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert as_json(data.figures()) == exported["figures"]
    assert as_json(data.memberships()) == exported["memberships"]
    assert as_json(data.leaders()) == exported["leaders"]
    with pytest.raises(UnknownName, match="unknown table"):
        data.table("figure")


def test_to_pandas_keeps_columns_and_numbers() -> None:
    data = ca_profiles.load(today=TODAY)
    frame = data.to_pandas("figures")
    assert list(frame.columns) == list(data.figures()[0])
    assert len(frame) == len(data.figures())
    assert pandas.api.types.is_numeric_dtype(frame["value"])


def test_the_date_is_the_release_or_the_end_of_the_year_asked() -> None:
    assert ca_profiles.load(as_of=2013, today=TODAY).date == dt.date(2013, 12, 31)
    release = ca_profiles.load(today=TODAY)
    assert release.as_of is None and release.date <= TODAY


def test_the_package_docstring_runs() -> None:
    assert doctest.testmod(ca_profiles).failed == 0

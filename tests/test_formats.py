"""Tables for papers: LaTeX (booktabs) and Markdown, each captioned with the sources it relies on."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus

NEW = Path(__file__).parent / "fixtures" / "releases" / "new"
VIEWS = [
    ["list"],
    ["compare", "kz", "tm", "--fields", "energy.gas_reserves,population"],
    ["rank", "energy.gas_reserves"],
    ["memberships"],
    ["memberships", "--org", "CSTO"],
]


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def cited(args: list[str]) -> list[str]:
    return _cited(tuple(args))


@functools.cache
def _cited(args: tuple[str, ...]) -> list[str]:
    """The sources the JSON rows of a view name, found afresh: picks, leaders, spans."""
    runner = CliRunner()
    rows = json.loads(invoke(runner, *args, "--json"))
    if args[0] in ("rank", "memberships"):
        return sorted({row["source"] for row in rows if row["source"]})
    ids = [row["id"] for row in rows] if args[0] == "list" else args[1:3]
    fields = ["population", "energy.gas_reserves"]
    if args[0] == "list":
        fields += ["energy.oil_reserves", "migration.remittances_pct_gdp"]
    keys = set()
    for country in ids:
        for field in fields:
            got = json.loads(invoke(runner, "get", country, field, "--json"))
            if got["source"]:
                keys.add(got["source"])
        if args[0] == "list":
            profile = json.loads(invoke(runner, "show", country, "--json"))
            keys.add(profile["succession"]["leaders"][-1]["source"])
    return sorted(keys)


@pytest.mark.parametrize("args", VIEWS)
def test_latex_is_a_booktabs_table_citing_its_sources(runner: CliRunner, args: list[str]) -> None:
    lines = invoke(runner, *args, "--format", "latex").splitlines()
    rows = json.loads(invoke(runner, *args, "--json"))
    assert lines[:2] == [r"\begin{table}", r"\centering"]
    assert lines[2].startswith(r"\caption{") and lines[2].endswith(r".}")
    assert lines[2].endswith(r"Sources: \cite{" + ",".join(cited(args)) + "}.}")
    assert lines[3].startswith(r"\begin{tabular}{")
    assert lines[4] == r"\toprule" and lines[6] == r"\midrule"
    assert lines[-3:] == [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    body = lines[7:-3]
    assert len(body) == len(rows)
    columns = len(lines[3].removeprefix(r"\begin{tabular}{").removesuffix("}"))
    assert all(line.endswith(r" \\") and line.count(" & ") == columns - 1 for line in [lines[5], *body])


@pytest.mark.parametrize("args", VIEWS)
def test_markdown_ends_with_a_caption_naming_the_sources(runner: CliRunner, args: list[str]) -> None:
    text = invoke(runner, *args, "--format", "markdown")
    table, caption = text.rsplit("\n\n", 1)
    rows = json.loads(invoke(runner, *args, "--json"))
    assert len(table.splitlines()) == len(rows) + 2
    keys = "; ".join(f"@{key}" for key in cited(args))
    assert caption.startswith("Table: ") and caption.endswith(f". Sources: [{keys}].\n")


def test_rank_latex_by_example(runner: CliRunner) -> None:
    text = invoke(runner, "rank", "energy.gas_reserves", "--top", "2", "--format", "latex")
    assert text == "\n".join(
        [
            r"\begin{table}",
            r"\centering",
            r"\caption{Gas reserves (trillion m³; newest year, then the source preference of sources.yaml). "
            r"Sources: \cite{astanatimes-kazakhstan-gas-reserves-2024,tkm-trend-eia-gas-2025}.}",
            r"\begin{tabular}{rlrrlrrrl}",
            r"\toprule",
            r"position & name & value & year & source & world rank & low & high & newer \\",
            r"\midrule",
            r"1 & Turkmenistan & 11.327 & 2025 & tkm-trend-eia-gas-2025 & 5 & 11.327 & 11.327 &  \\",
            r"2 & Kazakhstan & 3.8 & 2024 & astanatimes-kazakhstan-gas-reserves-2024 &  & 3.8 & 3.8 &  \\",
            r"\bottomrule",
            r"\end{tabular}",
            r"\end{table}",
            "",
        ]
    )


def test_latex_escapes_what_tex_would_read_as_commands(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "countries").mkdir()
    (tmp_path / "countries" / "tex.yaml").write_text(
        'id: tex\nname: "Tex & Co_1 {50%} #2 $3 ~^\\\\"\nofficial_name: T\niso2: XT\niso3: XTX\n'
        "population: {value: 5, unit: persons, year: 2020, source: test-census}\n"
    )
    args = ["list", "--data-dir", str(NEW), "--data-dir", str(tmp_path), "--format", "latex"]
    text = invoke(runner, *args)
    row = next(line for line in text.splitlines() if line.startswith("Tex"))
    assert row.startswith(
        r"Tex \& Co\_1 \{50\%\} \#2 \$3 \textasciitilde{}\textasciicircum{}\textbackslash{} &  & 5 (2020) & "
    )
    assert r"\cite{" in text and "test-census" in text


def test_a_profile_in_latex_is_its_figures_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "kazakhstan", "--section", "energy", "--format", "latex"])
    assert result.exit_code == 0
    assert "\\toprule" in result.stdout and "energy.gas\\_reserves" in result.stdout
    assert "\\cite{" in result.stdout


def test_a_field_has_no_csv_form(runner: CliRunner) -> None:
    result = runner.invoke(app, ["get", "kazakhstan", "energy.gas_reserves", "--format", "csv"])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == "Error: --format csv is for tables; use json, jsonl or yaml here\n"

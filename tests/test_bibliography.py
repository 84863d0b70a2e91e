"""`sources` and `cite`: where each source is cited, and entries that real parsers accept."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pybtex.database
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus
from ca_profiles.render.formats import escape_tex

FIXTURES = Path(__file__).parent / "fixtures"
OLD = FIXTURES / "releases" / "old"
NEW = FIXTURES / "releases" / "new"
CSL_SCHEMA = json.loads((FIXTURES / "csl" / "csl-data.json").read_text(encoding="utf-8"))


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def test_sources_of_a_profile_name_every_place_that_cites_them(runner: CliRunner) -> None:
    rows = json.loads(invoke(runner, "sources", "arcadia", "--data-dir", str(OLD), "--json"))
    assert {row["key"]: row["cited_at"] for row in rows} == {
        "test-bank": ["migration.remittances_pct_gdp"],
        "test-census": ["population", "energy.gas_reserves[1]"],
        "test-names": ["comment, line 1", "comment, line 7"],
        "test-survey": [
            "energy.gas_reserves[0]",
            "energy.gas_reserves[1].note",
            "energy.hydropower.plants[0].capacity",
            "energy.hydropower.plants[0]",
            "memberships[0]",
            "memberships[1]",
            "succession.leaders[0]",
        ],
    }
    assert all(row["citations"] == len(row["cited_at"]) for row in rows)
    census = next(row for row in rows if row["key"] == "test-census")
    assert census["title"] == "Census of Arcadia & Borduria: 100% count"
    assert (census["year"], census["accessed"], census["kind"]) == (2021, "2025-01-10", "dataset")


def test_sources_as_of_a_year_cite_only_what_was_known_then(runner: CliRunner) -> None:
    rows = json.loads(
        invoke(runner, "sources", "arcadia", "--data-dir", str(OLD), "--as-of", "2019", "--json")
    )
    cited = {row["key"]: row["cited_at"] for row in rows}
    # The 2020 figures and every note are gone; the comments on names still hold.
    assert "test-census" not in cited
    assert "energy.gas_reserves[1].note" not in cited["test-survey"]
    assert cited["test-names"] == ["comment, line 1", "comment, line 7"]


def test_every_bundled_source_key_of_a_profile_is_in_the_bibliography(runner: CliRunner) -> None:
    for country in ("kazakhstan", "afghanistan"):
        rows = json.loads(invoke(runner, "sources", country, "--json"))
        assert rows and all(row["title"] and row["url"] for row in rows)
        places = [place for row in rows for place in row["cited_at"]]
        assert any(place.startswith("memberships[") for place in places)
        assert any(place.startswith("succession.leaders[") for place in places)


def test_sources_of_the_whole_data_set_say_who_cites_each(runner: CliRunner) -> None:
    rows = json.loads(invoke(runner, "sources", "--data-dir", str(NEW), "--json"))
    by_key = {row["key"]: row for row in rows}
    assert by_key["test-census"]["cited_by"] == ["arcadia", "syldavia"]
    assert "kazakhstan" in by_key["cia-wfb-2026"]["cited_by"]
    assert [row["key"] for row in rows] == sorted(by_key)
    table = runner.invoke(app, ["sources", "--data-dir", str(NEW)], env={"COLUMNS": "120"})
    assert table.exit_code == 0 and "arcadia, syldavia" in table.stdout


def test_sources_rows_say_who_stands_behind_each(runner: CliRunner) -> None:
    rows = json.loads(invoke(runner, "sources", "--data-dir", str(NEW), "--json"))
    assert {row["key"]: row["origin"] for row in rows if row["key"].startswith("test-")} == {
        "test-bank": "dataset",
        "test-census": "official",
        "test-names": "academic",
        "test-survey": "other",
    }
    cited = json.loads(invoke(runner, "sources", "arcadia", "--data-dir", str(NEW), "--json"))
    assert {row["key"]: row["origin"] for row in cited}["test-census"] == "official"
    table = runner.invoke(app, ["sources", "arcadia", "--data-dir", str(NEW)], env={"COLUMNS": "120"})
    assert table.exit_code == 0 and "origin" in table.stdout and "official" in table.stdout


def test_encyclopedia_sources_are_counted_from_the_rows(runner: CliRunner) -> None:
    """How much of the bibliography rests on encyclopedias is a count over the rows, which
    agrees with the data file, and no row is left without an origin."""
    rows = json.loads(invoke(runner, "sources", "--json"))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["origin"]] = counts.get(row["origin"], 0) + 1
    text = (Path(__file__).parents[1] / "data" / "sources.yaml").read_text(encoding="utf-8")
    assert counts.get("encyclopedia", 0) == text.count("\n    origin: encyclopedia\n")
    assert None not in counts and sum(counts.values()) == len(rows)
    assert set(counts) <= {
        "dataset",
        "official",
        "intergovernmental",
        "academic",
        "press",
        "encyclopedia",
        "other",
    }


SOURCE = (
    "sources:\n  x:\n    title: T\n    publisher: P\n    url: https://example.org\n    accessed: 2025-01-01\n"
)


def test_an_unknown_origin_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(SOURCE + "    origin: pres\n")
    result = runner.invoke(app, ["validate", str(tmp_path / "sources.yaml")])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert result.stdout.endswith(
        "sources.yaml:7:13: sources.x.origin: unknown value 'pres' (expected one of academic, dataset, "
        "encyclopedia, intergovernmental, official, other, press)\n"
    )
    assert result.stdout.count("\n") == 1


ORIGINS = ("dataset", "official", "intergovernmental", "academic", "press", "encyclopedia", "other")


@settings(max_examples=25, deadline=None)
@given(st.from_regex(r"[a-z][a-z_]{0,20}", fullmatch=True).filter(lambda word: word not in ORIGINS))
def test_any_other_origin_is_one_line_naming_where(word: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sources.yaml"
        path.write_text(SOURCE + f"    origin: '{word}'\n")
        result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert result.stdout.count("\n") == 1
    assert f"sources.yaml:7:13: sources.x.origin: unknown value '{word}'" in result.stdout


def test_a_missing_origin_loads_but_does_not_validate(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(SOURCE)
    assert json.loads(invoke(runner, "sources", "--data-dir", str(tmp_path), "--json"))
    result = runner.invoke(app, ["validate", str(tmp_path / "sources.yaml")])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert result.stdout.endswith(
        "sources.yaml:3:5: sources.x: source 'x' has no `origin` (one of dataset, official, "
        "intergovernmental, academic, press, encyclopedia, other)\n"
    )


def test_cite_text_is_an_author_date_list_led_by_the_keys(runner: CliRunner) -> None:
    text = invoke(runner, "cite", "arcadia", "--data-dir", str(NEW), "--format", "text")
    assert text.splitlines() == [
        "[test-bank] Ann Smith and Bob Jones (2024). Remittance tables. Test Bank. "
        "https://example.org/bank (accessed 2025-01-10). Origin: dataset.",
        "[test-census] Arcadian Statistics Office (2021). Census of Arcadia & Borduria: 100% count. "
        "https://example.org/census?year=2020&table=1 (accessed 2025-01-10). Origin: official.",
        "[test-names] Gazetteer of Fictional Places (2020). Names of the countries of the fixtures. "
        "https://example.org/names (accessed 2025-01-10). Origin: academic.",
        "[test-survey] Survey Bureau (n.d.). Energy survey: reserves_{2020} in $ and #. "
        "https://example.org/survey (accessed 2025-01-10). Origin: other.",
    ]


def test_cite_bibtex_parses_with_pybtex_and_bibtexparser(runner: CliRunner) -> None:
    text = invoke(runner, "cite", "arcadia", "--data-dir", str(NEW), "--format", "bibtex")
    entries = pybtex.database.parse_string(text, "bibtex").entries
    assert list(entries) == ["test-bank", "test-census", "test-names", "test-survey"]
    census, survey = entries["test-census"], entries["test-survey"]
    assert census.type == "misc"
    assert census.fields["title"] == r"{Census of Arcadia \& Borduria: 100\% count}"
    assert census.fields["howpublished"] == "Arcadian Statistics Office"
    assert census.fields["year"] == "2021"
    assert census.fields["url"] == "https://example.org/census?year=2020&table=1"
    assert census.fields["urldate"] == "2025-01-10"
    # A corporate author stays one name; a string of several people is kept as written.
    assert [str(p) for p in census.persons["author"]] == ["{Arcadian Statistics Office}"]
    assert [str(p) for p in entries["test-bank"].persons["author"]] == ["{Ann Smith and Bob Jones}"]
    assert survey.type == "techreport" and survey.fields["institution"] == "Survey Bureau"
    # BibTeX counts escaped braces too: braces are written as commands, so none can unbalance.
    assert (
        survey.fields["title"]
        == r"{Energy survey: reserves\_\textbraceleft{}2020\textbraceright{} in \$ and \#}"
    )
    assert "year" not in survey.fields
    assert entries["test-names"].type == "book"

    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == list(entries)


def test_cite_all_bibtex_of_the_bundled_data_parses_whole(runner: CliRunner) -> None:
    text = invoke(runner, "cite", "--all", "--format", "bibtex")
    sources = json.loads(invoke(runner, "sources", "--json"))
    entries = pybtex.database.parse_string(text, "bibtex").entries
    assert list(entries) == [row["key"] for row in sources]
    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    assert library.failed_blocks == [] and len(library.entries) == len(sources)


def test_cite_csl_json_is_valid_csl_data(runner: CliRunner) -> None:
    items = json.loads(invoke(runner, "cite", "arcadia", "--data-dir", str(NEW), "--format", "csl-json"))
    jsonschema.validate(items, CSL_SCHEMA, cls=jsonschema.Draft7Validator)
    by_id = {item["id"]: item for item in items}
    assert by_id["test-census"] == {
        "id": "test-census",
        "type": "dataset",
        "title": "Census of Arcadia & Borduria: 100% count",
        "author": [{"literal": "Arcadian Statistics Office"}],
        "publisher": "Arcadian Statistics Office",
        "issued": {"date-parts": [[2021]]},
        "URL": "https://example.org/census?year=2020&table=1",
        "accessed": {"date-parts": [[2025, 1, 10]]},
        "custom": {"origin": "official"},
    }
    # No year known: no date issued, and styles print their own "n.d.".
    assert "issued" not in by_id["test-survey"] and by_id["test-survey"]["type"] == "report"


def test_cite_all_csl_json_of_the_bundled_data_is_valid(runner: CliRunner) -> None:
    items: list[dict[str, Any]] = json.loads(invoke(runner, "cite", "--all", "--format", "csl-json"))
    jsonschema.validate(items, CSL_SCHEMA, cls=jsonschema.Draft7Validator)
    assert all({"id", "type", "title", "publisher", "URL", "accessed"} <= set(item) for item in items)


def test_cite_several_countries_joins_their_sources(runner: CliRunner) -> None:
    both = invoke(runner, "cite", "tajikistan", "KZ", "--format", "text").splitlines()
    one = invoke(runner, "cite", "tajikistan", "--format", "text").splitlines()
    other = invoke(runner, "cite", "kazakhstan", "--format", "text").splitlines()
    assert both == sorted(set(one) | set(other))


@pytest.mark.parametrize("args", [[], ["kazakhstan", "--all"]])
def test_cite_needs_countries_or_all(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, ["cite", *args])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stdout == ""
    assert result.stderr == "Error: name countries or source keys, give --from FILE, or give --all\n"


def test_cite_takes_source_keys(runner: CliRunner) -> None:
    text = invoke(runner, "cite", "wb-wdi", "cia-wfb-2020", "--format", "bibtex")
    assert sorted(pybtex.database.parse_string(text, "bibtex").entries) == ["cia-wfb-2020", "wb-wdi"]
    unknown = runner.invoke(app, ["cite", "wb-wdx"])
    assert unknown.exit_code == ExitStatus.USAGE
    assert unknown.stderr == "Error: unknown country or source 'wb-wdx'; did you mean wb-wdi?\n"


def test_cite_from_a_pipe_cites_exactly_what_the_output_used() -> None:
    """`rank F --json | cite --from - --format bibtex` through real processes and a pipe."""
    rank = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "rank", "energy.gas_reserves", "--json"],
        capture_output=True,
        check=True,
    )
    cited = subprocess.run(
        [sys.executable, "-m", "ca_profiles", "cite", "--from", "-", "--format", "bibtex"],
        input=rank.stdout,
        capture_output=True,
        check=True,
    )
    entries = pybtex.database.parse_string(cited.stdout.decode(), "bibtex").entries
    used = {row["source"] for row in json.loads(rank.stdout) if row["source"]}
    assert set(entries) == used and len(used) > 1


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "kz", "uz", "--fields", "population,migration.remittances_pct_gdp"],
        ["explain", "tajikistan", "migration"],
        ["get", "kyrgyzstan", "migration.remittances_pct_gdp"],
        ["memberships", "--org", "sco"],
    ],
)
def test_cite_from_the_json_of_any_reading_command(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    saved = tmp_path / "out.json"
    saved.write_text(invoke(runner, *args, "--json"), encoding="utf-8")
    keys = [
        line.split("]")[0].removeprefix("[")
        for line in invoke(runner, "cite", "--from", str(saved)).splitlines()
    ]
    assert keys and all(key in invoke(runner, *args, "--json") for key in keys)


def test_cite_from_what_is_not_json_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1,\n", encoding="utf-8")
    result = runner.invoke(app, ["cite", "--from", str(bad)])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr.startswith(f"Error: {bad}:2:1: not JSON") and result.stderr.count("\n") == 1


def test_a_source_named_only_in_a_gap_is_not_a_source_of_the_profile(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "countries").mkdir()
    (tmp_path / "countries" / "gapland.yaml").write_text(
        "id: gapland\nname: Gapland\nofficial_name: Republic of Gapland\niso2: XG\niso3: XGX\n"
        "population: {value: 5, unit: persons, year: 2020, source: test-census}\n"
        'gaps:\n  - {field: gdp, note: "test-bank gives no figure for Gapland"}\n',
        encoding="utf-8",
    )
    folders = ["--data-dir", str(NEW), "--data-dir", str(tmp_path)]
    rows = json.loads(invoke(runner, "sources", "gapland", "--json", *folders))
    assert [row["key"] for row in rows] == ["test-census"]
    cited = invoke(runner, "cite", "gapland", "--format", "text", *folders)
    assert "[test-census]" in cited and "test-bank" not in cited


def test_a_source_key_that_cannot_be_a_citation_key_is_invalid(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  bad key:\n    title: T\n    publisher: P\n    url: https://example.org\n"
        "    accessed: 2025-01-01\n"
    )
    result = runner.invoke(app, ["validate", str(tmp_path / "sources.yaml")])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert result.stdout.endswith(
        ":2:3: sources.bad key: source key 'bad key' cannot serve as a citation key: "
        "use letters, digits and inner -_.:\n"
    )


_UNESCAPE = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    **{f"\\{c}": c for c in "&%$#_{}"},
}


@given(st.text())
def test_escape_tex_leaves_no_special_character_bare(text: str) -> None:
    escaped = escape_tex(text)
    pattern = "|".join(map(re.escape, _UNESCAPE))
    # A line break is a space: a blank line would end TeX's paragraph inside a cell.
    assert re.sub(pattern, lambda m: _UNESCAPE[m.group()], escaped) == text.replace("\n", " ")
    assert not re.search(r"[&%$#_{}~^\\]", re.sub(pattern, "", escaped))


def _folder_with(tmp_path: Path, extra: str) -> Path:
    """The fixture release ``new`` copied, with ``extra`` added to its bibliography."""
    folder = tmp_path / "data"
    shutil.copytree(NEW, folder)
    path = folder / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


ENTRY = (
    "  {key}:\n    title: T\n    publisher: P\n    year: {year}\n    url: {url}\n"
    "    accessed: 2025-01-01\n    origin: press\n"
)


def test_an_entry_nothing_cites_is_reported(runner: CliRunner, tmp_path: Path) -> None:
    folder = _folder_with(
        tmp_path, ENTRY.format(key="test-spare", year=2020, url="https://example.org/spare")
    )
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == ExitStatus.INVALID_DATA
    assert result.stdout.count("\n") == 1
    assert result.stdout.rstrip().endswith(
        "sources.test-spare: source 'test-spare' is cited nowhere in the data: cite it or remove it"
    )


def test_an_entry_cited_from_another_data_folder_is_used(runner: CliRunner, tmp_path: Path) -> None:
    folder = _folder_with(
        tmp_path, ENTRY.format(key="test-spare", year=2020, url="https://example.org/spare")
    )
    above = tmp_path / "above" / "countries"
    above.mkdir(parents=True)
    arcadia = (folder / "countries" / "arcadia.yaml").read_text(encoding="utf-8")
    (above / "arcadia.yaml").write_text(arcadia + "# name also in test-spare\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder), str(above.parent)])
    assert result.exit_code == 0, result.stdout
    # A copy of the bibliography above the profiles that cite it is cited too.
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(folder / "sources.yaml", copy / "sources.yaml")
    layers = ["--data-dir", str(folder), "--data-dir", str(above.parent)]
    layered = runner.invoke(app, ["validate", *layers, str(copy)])
    assert layered.exit_code == 0, layered.stdout
    # Checking one file alone says nothing of what the rest of the data cites.
    alone = runner.invoke(app, ["validate", str(folder / "sources.yaml")])
    assert alone.exit_code == 0, alone.stdout


@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("https://example.org/bank", True),
        ("http://www.example.org/bank/", True),
        ("https://EXAMPLE.org/bank", True),
        ("https://example.org/Bank", False),
        ("https://example.org/bank?page=2", False),
    ],
)
def test_two_keys_for_one_address_and_year_are_one_publication(
    runner: CliRunner, tmp_path: Path, url: str, same: bool
) -> None:
    text = (NEW / "sources.yaml").read_text(encoding="utf-8")
    year = re.search(r"  test-bank:\n(?:    .*\n)*?    year: (\d+)", text)
    assert year is not None
    extra = ENTRY.format(key="test-bank-again", year=year[1], url=url)
    folder = _folder_with(tmp_path, extra)
    arcadia = folder / "countries" / "arcadia.yaml"
    arcadia.write_text(arcadia.read_text(encoding="utf-8") + "# also test-bank-again\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    if same:
        assert result.exit_code == ExitStatus.INVALID_DATA
        assert result.stdout.rstrip().endswith(
            f"sources.test-bank-again: source 'test-bank-again' is the publication of 'test-bank' "
            f"(same url, year {year[1]}): keep one key and cite it everywhere"
        )
    else:
        assert result.exit_code == 0, result.stdout


def test_two_editions_at_one_address_are_two_publications(runner: CliRunner, tmp_path: Path) -> None:
    extra = "".join(
        ENTRY.format(key=f"test-book-{year}", year=year, url="https://example.org/book")
        for year in (2020, 2026)
    )
    folder = _folder_with(tmp_path, extra)
    arcadia = folder / "countries" / "arcadia.yaml"
    arcadia.write_text(
        arcadia.read_text(encoding="utf-8") + "# names: test-book-2020, test-book-2026\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.stdout

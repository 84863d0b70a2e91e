"""Time-true views: at any date, nothing that began later is shown, and what is shown is what was
in force then; before independence there is no profile; gap notes survive the date."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_tables import SNAPSHOTS, draw
from typer.testing import CliRunner

from ca_profiles.asof import dated, in_force, opened, running, text_at
from ca_profiles.catalog import Catalog
from ca_profiles.cli import app
from ca_profiles.errors import ExitStatus, NotYetIndependent
from ca_profiles.indices import head_of_state
from ca_profiles.loader import bundled_root
from ca_profiles.model import Dated, Profile, Status, When, as_date
from ca_profiles.profile_view import show
from ca_profiles.session import Session

CATALOG = Catalog.open()
PROFILES = {profile.id: profile for profile in CATALOG.profiles()}
_RELEASE = CATALOG.release
assert _RELEASE is not None
RELEASE = _RELEASE
#: A country's first year at the end of which it was independent.
#: A country's first year to read: the year of its independence, from 1991 (the data's start).
FIRST = {id: max(p.independence.date.year if p.independence else 1991, 1991) for id, p in PROFILES.items()}


def spans(profile: Profile) -> Iterator[tuple[str, str, When | None, When | None]]:
    """(kind, key, since, until) of every dated record a profile holds."""
    for key in ("official_name", "capital"):
        value = getattr(profile, key)
        for record in value if isinstance(value, list) else []:
            yield key, str(record.value), record.since, record.until
    rules = profile.succession.rules
    for key in ("term_years", "term_limit", "successor"):
        value = getattr(rules, key) if rules else None
        for record in value if isinstance(value, list) else []:
            yield key, str(record.value), record.since, record.until
    for reset in rules.resets if rules else []:
        yield "resets", f"{reset.value} {reset.incumbent}", reset.since, reset.until
    for span in profile.memberships:
        yield "memberships", f"{span.org} {span.status}", span.since, span.until
    for leader in profile.succession.leaders:
        yield "leaders", f"{leader.name} {leader.title}", leader.since, leader.until


def shown(document: dict[str, Any]) -> set[tuple[str, str, str | int | None]]:
    """(kind, key, since) of every dated record in a ``show --format json`` document."""
    found: set[tuple[str, str, str | int | None]] = set()
    for key in ("official_name", "capital"):
        for record in document[key] if isinstance(document[key], list) else []:
            found.add((key, str(record["value"]), record["since"]))
    rules: dict[str, Any] = document["succession"]["rules"] or {}
    for key in ("term_years", "term_limit", "successor"):
        value = rules.get(key)
        for record in value if isinstance(value, list) else []:
            found.add((key, str(record["value"]), record["since"]))
    for reset in rules.get("resets", []):
        found.add(("resets", f"{reset['value']} {reset['incumbent']}", reset["since"]))
    for span in document["memberships"]:
        found.add(("memberships", f"{span['org']} {span['status']}", span["since"]))
    for leader in document["succession"]["leaders"]:
        found.add(("leaders", f"{leader['name']} {leader['title']}", leader["since"]))
    return found


def text(when: When | None) -> str | int | None:
    """A date as JSON writes it: ISO text, or a bare year as a number."""
    return when.isoformat() if isinstance(when, dt.date) else when


def document(id: str, year: int) -> dict[str, Any]:
    view = show(Session(CATALOG, year), id)
    data: dict[str, Any] = json.loads(msgspec.json.encode(view.document()))
    return data


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(PROFILES)), st.data())
def test_a_dated_record_is_shown_exactly_when_it_had_begun(id: str, data: st.DataObject) -> None:
    check_year(id, data.draw(st.integers(FIRST[id], RELEASE.date.year), label="year"))


@pytest.mark.parametrize("id", sorted(PROFILES))
def test_every_year_from_independence_to_the_release(id: str) -> None:
    for year in range(FIRST[id], RELEASE.date.year + 1):
        check_year(id, year)


def check_year(id: str, year: int) -> None:
    """Every dated record of a profile is in ``show``'s JSON at ``year`` exactly when it had
    begun by 31 December, and an end is shown only once it had come."""
    end = dt.date(year, 12, 31)
    seen = document(id, year)
    listed = shown(seen)
    for kind, key, since, _ in spans(PROFILES[id]):
        began = since is None or as_date(since) <= end
        assert ((kind, key, text(since)) in listed) == began, (kind, key, since, year)
    # What a record says of its end is only what was known then.
    capitals = seen["capital"] if isinstance(seen["capital"], list) else []
    for record in [*seen["memberships"], *seen["succession"]["leaders"], *capitals]:
        assert record["until"] is None or as_date(_when(record["until"])) <= end


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(PROFILES)), st.data())
def test_infrastructure_exists_from_its_first_status_and_shows_the_status_then(
    id: str, data: st.DataObject
) -> None:
    year = data.draw(st.integers(FIRST[id], RELEASE.date.year), label="year")
    end = dt.date(year, 12, 31)
    seen = document(id, year)
    listed = {record["id"]: record for record in seen["infrastructure"]}
    named = [*seen["energy"]["pipelines"], *seen["china"]["pipelines"], *seen["china"]["projects"]]
    for record in CATALOG.infrastructure.values():
        began = as_date(opened(record) or RELEASE.date) <= end
        if record.id in listed:
            assert began
            assert all(as_date(_when(s["since"])) <= end for s in listed[record.id]["status"])
        if not began:
            assert record.id not in named and record.id not in listed


def _when(value: str | int) -> When:
    return value if isinstance(value, int) else dt.date.fromisoformat(value)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1990, 2030), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1])),
        min_size=1,
        max_size=5,
    ),
    st.dates(dt.date(1985, 1, 1), dt.date(2035, 12, 31)),
)
def test_in_force_is_the_latest_record_running_then(bounds: list[tuple[int, int]], on: dt.date) -> None:
    records = [
        Dated(value=i, since=a, until=b if b > a else None, source="s") for i, (a, b) in enumerate(bounds)
    ]
    found = in_force(records, on)
    running_then = [r for r in records if running(r, on)]
    if not running_then:
        assert found is None
    else:
        assert found in running_then
        assert all(as_date(r.since or 0) <= as_date(found.since or 0) for r in running_then)
        assert found.since is not None and as_date(found.since) <= on
    assert dated(records, on) is found


def test_an_undated_value_holds_at_any_date() -> None:
    assert text_at("Atlantis City", dt.date(1900, 1, 1)) == "Atlantis City"
    statuses = [
        Status(value="planned", since=2013, source="s"),
        Status(value="operating", since=2019, source="s"),
    ]
    assert in_force(statuses, dt.date(2018, 12, 31)) == statuses[0]


# --- the cases of the issue ---------------------------------------------------------------


def show_json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, ["show", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_kazakhstan_in_1995_had_its_capital_in_almaty(runner: CliRunner) -> None:
    table = runner.invoke(app, ["show", "kazakhstan", "--as-of", "1995", "--section", "identity"])
    assert "Almaty" in table.stdout and "Astana" not in table.stdout.split("Also")[0]
    listed = runner.invoke(app, ["list", "--as-of", "1995", "--format", "json"])
    capitals = {row["id"]: row["capital"] for row in json.loads(listed.stdout)}
    assert capitals["kazakhstan"] == "Almaty"
    assert [r["value"] for r in show_json(runner, "kazakhstan", "--as-of", "1995")["capital"]] == ["Almaty"]


@pytest.mark.parametrize(
    ("year", "capital"), [(1995, "Almaty"), (1998, "Astana"), (2020, "Nur-Sultan"), (2023, "Astana")]
)
def test_kazakhstan_capital_at_each_date(year: int, capital: str) -> None:
    assert text_at(PROFILES["kazakhstan"].capital, dt.date(year, 12, 31)) == capital


def test_china_section_in_2005_has_no_gas_pipeline_lines(runner: CliRunner) -> None:
    data = show_json(runner, "kazakhstan", "--as-of", "2005", "--section", "china")
    assert not {"cacgp-a", "cacgp-b", "cacgp-c"} & {*data["china"]["pipelines"], *data["china"]["projects"]}
    assert all(record["id"] not in {"cacgp-a", "cacgp-b", "cacgp-c"} for record in data["infrastructure"])
    for section in ("china", "energy"):
        table = runner.invoke(app, ["show", "kazakhstan", "--as-of", "2005", "--section", section])
        assert "line A" not in table.stdout and "line C" not in table.stdout
    now = runner.invoke(app, ["show", "kazakhstan", "--section", "china"])
    assert "line C" in now.stdout


def test_uzbek_succession_in_2013_reads_the_1992_constitution(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", "uzbekistan", "succession", "--as-of", "2013", "--json"])
    data = json.loads(result.stdout)
    read = json.dumps(data["components"])
    assert "interfax-2023-03-15-uz-constitution" not in read and "2023" not in read
    parts = {c["factor"]: c for c in data["components"]}
    # The record's end (30 April 2023) lay in the future then, so it is not shown either.
    assert parts["term_limit"]["records"] == [
        "succession.rules.term_limit = 2 (since 1992-12-08, cia-wfb-2020)"
    ]


def test_kazakh_succession_in_2013_reads_the_rules_then(runner: CliRunner) -> None:
    data = json.loads(
        runner.invoke(app, ["explain", "kazakhstan", "succession", "--as-of", "2013", "--json"]).stdout
    )
    parts = {c["factor"]: c for c in data["components"]}
    assert "Senate" in parts["successor"]["reading"] and "Kurultai" not in json.dumps(data)
    assert parts["term_limit"]["value"] == "no"  # the two-term limit did not apply to Nazarbayev
    assert any("2007" in record for record in parts["term_limit"]["records"])


def test_gap_notes_survive_a_past_date_and_the_document_fits_the_model(runner: CliRunner) -> None:
    for id in PROFILES:
        data = show_json(runner, id, "--as-of", "2013")
        assert data["gaps"] and all(isinstance(gap["note"], str) and gap["note"] for gap in data["gaps"])
        profile = {k: v for k, v in data.items() if k not in ("indices", "infrastructure", "meta")}
        msgspec.convert(profile, Profile, strict=False)


def test_the_schema_describes_dated_records(runner: CliRunner) -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert "Dated" in schema["$defs"] and "Independence" in schema["$defs"]
    assert set(schema["$defs"]["Dated"]["properties"]) == {"value", "since", "until", "source", "note"}


@pytest.mark.parametrize("command", [["show", "kazakhstan"], ["explain", "kazakhstan", "succession"]])
def test_before_independence_the_tool_says_so(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--as-of", "1990"])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr.startswith("Error: Kazakhstan became independent on 16 December 1991")


def test_before_independence_lists_leave_the_country_out(runner: CliRunner) -> None:
    rows = json.loads(runner.invoke(app, ["list", "--as-of", "1990", "--format", "json"]).stdout)
    assert [row["id"] for row in rows] == ["afghanistan"]
    with pytest.raises(NotYetIndependent):
        Session(CATALOG, 1990).profile("kyrgyzstan")
    # Kazakhstan became independent on 16 December 1991: at the end of 1991 it is there.
    assert Session(CATALOG, 1991).profile("kazakhstan").id == "kazakhstan"


#: Each country's capital, head of state and term limit at three dates, from the sources cited.
THREE_DATES = [
    ("kazakhstan", 1996, "Almaty", "Nursultan Nazarbayev", 2),
    ("kazakhstan", 2019, "Nur-Sultan", "Kassym-Jomart Tokayev", 2),
    ("kazakhstan", 2024, "Astana", "Kassym-Jomart Tokayev", 1),
    ("kyrgyzstan", 2011, "Bishkek", "Almazbek Atambayev", 1),
    ("kyrgyzstan", 2018, "Bishkek", "Sooronbay Jeenbekov", 1),
    ("kyrgyzstan", 2022, "Bishkek", "Sadyr Japarov", 2),
    ("tajikistan", 1995, "Dushanbe", "Emomali Rahmon", 2),
    ("tajikistan", 2010, "Dushanbe", "Emomali Rahmon", 2),
    ("tajikistan", 2025, "Dushanbe", "Emomali Rahmon", 2),
    ("turkmenistan", 2000, "Ashgabat", "Saparmurat Niyazov", None),
    ("turkmenistan", 2017, "Ashgabat", "Gurbanguly Berdimuhamedow", "none"),
    ("turkmenistan", 2023, "Ashgabat", "Serdar Berdimuhamedow", "none"),
    ("uzbekistan", 2005, "Tashkent", "Islam Karimov", 2),
    ("uzbekistan", 2017, "Tashkent", "Shavkat Mirziyoyev", 2),
    ("uzbekistan", 2024, "Tashkent", "Shavkat Mirziyoyev", 2),
    ("afghanistan", 2010, "Kabul", "Hamid Karzai", 2),
    ("afghanistan", 2020, "Kabul", "Ashraf Ghani", 2),
    ("afghanistan", 2023, "Kabul", "Hibatullah Akhundzada", "none"),
]


@pytest.mark.parametrize(("id", "year", "capital", "leader", "limit"), THREE_DATES)
def test_capital_head_of_state_and_term_limit_at_three_dates(
    id: str, year: int, capital: str, leader: str, limit: int | str | None
) -> None:
    session = Session(CATALOG, year)
    profile = session.profile(id)
    assert text_at(profile.capital, session.date) == capital
    head = head_of_state(profile)
    assert head is not None and head.name == leader
    rules = profile.succession.rules
    record = dated(rules.term_limit if rules else None, session.date)
    if limit is None:
        assert record is None
    else:
        assert record is not None and (record.value if record.value is not None else "none") == limit


def test_validate_rejects_dated_records_that_overlap_or_run_backwards(tmp_path: Path) -> None:
    countries = tmp_path / "countries"
    countries.mkdir()
    (countries / "atlantis.yaml").write_text(
        "id: atlantis\nname: Atlantis\niso2: AX\niso3: ATL\n"
        "official_name:\n"
        "  - {value: Kingdom of Atlantis, since: 1990, until: 2000, source: cia-wfb-2026}\n"
        "  - {value: Republic of Atlantis, since: 1995, source: cia-wfb-2026}\n"
        "capital:\n"
        "  - {value: Poseidonia, since: 2001-05-01, until: 2001-01-01, source: cia-wfb-2026}\n"
        "energy:\n  pipelines: [no-such-pipeline]\n"
    )
    result = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == ExitStatus.INVALID_DATA
    lines = result.stdout.splitlines()
    assert any(
        line.endswith("atlantis.yaml:7:42: official_name[1].since: overlaps the record at official_name[0]")
        for line in lines
    ), lines
    assert any(
        line.endswith("atlantis.yaml:9:51: capital[0].until: ends before it begins") for line in lines
    ), lines
    assert any(
        "energy.pipelines[0]: unknown infrastructure record 'no-such-pipeline'" in line for line in lines
    ), lines


@pytest.mark.parametrize(
    ("name", "year", "sections"),
    [("kazakhstan", 1995, ["identity", "succession"]), ("uzbekistan", 2005, ["energy", "china"])],
)
def test_show_at_a_past_date_snapshot(name: str, year: int, sections: list[str]) -> None:
    """``show`` as it stood at the end of a past year; the date is the session's, never the clock's."""
    text = draw(show(Session(CATALOG, year), name, sections), 100)
    path = SNAPSHOTS / f"show-{name}-{year}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_turkmenistan_is_permanently_neutral_from_the_un_resolution_on(runner: CliRunner) -> None:
    """The UN General Assembly recognised Turkmenistan's permanent neutrality on 12 December 1995:
    every view shows it then and after, none before."""
    brief = runner.invoke(app, ["show", "turkmenistan"])
    assert "Neutrality  permanent (since 1995-12-12; un-ga-res-50-80)" in brief.stdout
    full = runner.invoke(app, ["show", "turkmenistan", "--full"])
    assert "Neutrality  permanent (since 1995-12-12; un-ga-res-50-80)" in full.stdout
    records = show_json(runner, "turkmenistan")["neutrality"]
    assert [(r["value"], r["since"], r["source"]) for r in records] == [
        ("permanent", "1995-12-12", "un-ga-res-50-80")
    ]
    assert list(show_json(runner, "turkmenistan", "--section", "memberships")) == [
        "id",
        "name",
        "memberships",
        "neutrality",
        "meta",
    ]
    # A past date keeps the record without its note, which may tell of later events.
    then = [{**record, "note": None} for record in records]
    for year, expected in (("1994", []), ("1995", then)):
        assert show_json(runner, "turkmenistan", "--as-of", year)["neutrality"] == expected
    before = runner.invoke(app, ["show", "turkmenistan", "--as-of", "1994", "--full"])
    assert before.exit_code == 0 and "Neutrality" not in before.stdout
    assert text_at(PROFILES["turkmenistan"].neutrality, dt.date(1995, 12, 11)) is None
    assert text_at(PROFILES["turkmenistan"].neutrality, dt.date(1995, 12, 12)) == "permanent"
    # No other bundled country has a status of neutrality.
    assert [id for id, p in PROFILES.items() if p.neutrality] == ["turkmenistan"]


@pytest.mark.parametrize(("year", "neutral"), [(1994, None), (1996, "permanent")])
def test_export_and_diff_carry_neutrality(
    runner: CliRunner, tmp_path: Path, year: int, neutral: str | None
) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["export", "--format", "json", "--output", str(out), "--as-of", str(year)])
    assert result.exit_code == 0, result.output
    tables = json.loads(out.read_text(encoding="utf-8"))
    row = next(r for r in tables["countries"] if r["id"] == "turkmenistan")
    assert row["neutrality"] == neutral
    attributes = [r for r in tables["attributes"] if r["attribute"] == "neutrality"]
    assert [(r["country"], r["value"], r["since"]) for r in attributes] == (
        [("turkmenistan", "permanent", "1995-12-12")] if neutral else []
    )


def test_diff_names_a_status_of_neutrality_added(runner: CliRunner, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(bundled_root(), old)
    path = old / "countries" / "turkmenistan.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nneutrality:\n")
    path.write_text(text[:start] + text[text.index("\nmemberships:\n") :], encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old), "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)
    assert [(c["change"], c["country"], c["what"], c["item"], c["new"]) for c in changes] == [
        ("added", "turkmenistan", "attribute", "neutrality", "permanent")
    ]


ORGS = (
    "organizations:\n"
    "  - {id: league, name: League, kind: political, founded: 1995-01-01, dissolved: 2015-01-01}\n"
)


def validate_membership(folder: Path, status: str, since: str) -> list[str]:
    """``validate`` of a folder with a league (1995-2015) and a state independent from 1 July
    1995 whose one membership has ``status`` from ``since``: the lines about that span."""
    (folder / "organizations.yaml").write_text(ORGS)
    (folder / "countries").mkdir()
    (folder / "countries" / "atlantis.yaml").write_text(
        "id: atlantis\nname: Atlantis\nofficial_name: Atlantis\niso2: AX\niso3: ATL\n"
        "independence: {date: 1995-07-01, source: cia-wfb-2026}\n"
        f"memberships:\n  - {{org: league, status: {status}, since: {since}, source: cia-wfb-2026}}\n"
    )
    result = CliRunner().invoke(app, ["validate", str(folder)])
    return [line for line in result.stdout.splitlines() if "memberships[0]" in line]


@pytest.mark.parametrize(
    ("status", "since", "message"),
    [
        ("applicant", "1994-12-01", "begins before league was founded (1995-01-01)"),
        ("member", "1994", "begins before league was founded (1995-01-01)"),
        ("member", "2015-01-01", "begins after league was dissolved (2015-01-01)"),
        ("member", "1995-06-01", "begins before independence (1995-07-01)"),
    ],
)
def test_validate_rejects_a_membership_before_its_organisation_or_state_existed(
    tmp_path: Path, status: str, since: str, message: str
) -> None:
    lines = validate_membership(tmp_path, status, since)
    assert any(
        re.search(rf"atlantis.yaml:8:\d+: memberships\[0\]\.since: {re.escape(message)}$", x) for x in lines
    ), lines


@pytest.mark.parametrize("since", ["1995", "1995-07-01", "2014-12-31"])
def test_validate_accepts_a_membership_within_the_organisations_life(tmp_path: Path, since: str) -> None:
    """A bare year is any day of it: 1995 agrees with a founding on 1 January 1995 and with
    an independence on 1 July 1995."""
    assert validate_membership(tmp_path, "member", since) == []


def test_every_bundled_membership_lies_within_its_organisations_life_and_its_states() -> None:
    """The rule validate keeps, walked over the bundled data: no one joins an organisation
    before it was founded (the CICA of 1999, the WTO of 1995) or before independence."""
    organizations = CATALOG.organizations
    for profile in PROFILES.values():
        for span in profile.memberships:
            org = organizations[span.org]
            if org.founded is not None:
                assert as_date(span.since, end=True) >= as_date(org.founded), (profile.id, span)
            if profile.independence is not None:
                assert as_date(span.since, end=True) >= profile.independence.date, (profile.id, span)


@pytest.mark.parametrize(
    ("country", "year", "value"), [("afghanistan", 2019, 4.38), ("turkmenistan", 2017, 0.01)]
)
def test_remittances_before_2021_come_from_the_2023_factbook(
    runner: CliRunner, country: str, year: int, value: float
) -> None:
    """The Factbook of January 2026 starts in 2021; its edition of April 2023 gives the years before."""
    result = runner.invoke(
        app, ["get", country, "migration.remittances_pct_gdp", "--as-of", str(year), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["value"], answer["year"], answer["source"]) == (value, year, "cia-wfb-2023")


def test_aiib_members_are_dated_from_the_first_source_showing_them(runner: CliRunner) -> None:
    def members(*when: str) -> list[str]:
        listed = runner.invoke(app, ["list", "--member", "aiib", "--format", "json", *when])
        assert listed.exit_code == 0, listed.output
        return [row["id"] for row in json.loads(listed.stdout)]

    assert members() == ["afghanistan", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan"]
    assert members("--as-of", "2019") == ["afghanistan", "kazakhstan"]

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ca_profiles.errors import InvalidData
from ca_profiles.loader import MAX_BYTES, MAX_DEPTH, decode, format_path, parse_yaml, read_yaml
from ca_profiles.model import Profile


def problem(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(InvalidData) as info:
        decode(parse_yaml(raw, "f.yaml"), Profile)
    assert len(info.value.problems) == 1
    return str(info.value.problems[0])


MINIMAL = "id: x\nname: X\nofficial_name: Republic of X\niso2: XX\niso3: XXX\n"


def test_minimal_profile_reads() -> None:
    profile = decode(parse_yaml(MINIMAL.encode(), "f.yaml"), Profile)
    assert (profile.id, profile.iso3, profile.memberships) == ("x", "XXX", [])


def test_marks_point_at_values_and_keys() -> None:
    doc = parse_yaml(b"a:\n  - b: 1\n    c: [2, 3]\n", "f.yaml")
    assert doc.data == {"a": [{"b": 1, "c": [2, 3]}]}
    assert doc.values[("a", 0, "c", 1)] == (3, 12)
    assert doc.keys[("a", 0, "c")] == (3, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL + "name: Y\n", "f.yaml:6:1: name: duplicate key 'name' (first at line 2)"),
        (MINIMAL + "capital: &c Astana\n", "f.yaml:6:10: capital: anchor &c is not allowed"),
        (MINIMAL + "capital: *c\n", "f.yaml:6:10: capital: alias *c is not allowed"),
        (
            MINIMAL + "capital: !!python/name:os.system ''\n",
            "f.yaml:6:10: capital: tag '!!python/name:os.system' is not allowed",
        ),
        (MINIMAL + "capital: !shout astana\n", "f.yaml:6:10: capital: tag '!shout' is not allowed"),
        (
            MINIMAL + "capital: no\n",
            "f.yaml:6:10: capital: expected str | array | null, got bool "
            "(YAML reads yes/no/on/off/true/false as booleans: quote the text)",
        ),
        (MINIMAL + "capitol: Astana\n", "f.yaml:6:1: capitol: unknown key 'capitol'; did you mean capital?"),
        ("id: x\n", "f.yaml:1:1: missing required key 'name'"),
        ("", "f.yaml:1:1: empty file: expected a mapping"),
        ("- 1\n", "f.yaml:1:1: expected object, got array"),
        (
            MINIMAL + "area: {value: .nan, unit: km2, year: 2020, source: s}\n",
            "f.yaml:6:7: area: value nan is not a finite number",
        ),
        (
            MINIMAL + "area: {value: 1, unit: km2, source: s}\n",
            "f.yaml:6:7: area: a figure needs `value` and `year`, or a `series`",
        ),
        (
            MINIMAL + "area: {value: 1, year: 2000, unit: km2, source: s, series: {2000: 1}}\n",
            "f.yaml:6:7: area: a series takes no `value` or `year`: put them in `series`",
        ),
        (MINIMAL + "---\nid: y\n", "f.yaml:6:1: more than one YAML document in the file"),
        (b"id: x\x00\n", "f.yaml:1:6: NUL byte in file"),
        (b"id: x\nname: \xff\n", "f.yaml:2:7: not UTF-8: byte 0xff cannot be decoded"),
    ],
)
def test_bad_input_is_located(text: str | bytes, expected: str) -> None:
    assert problem(text) == expected


def test_byte_order_mark_is_ignored() -> None:
    profile = decode(parse_yaml(b"\xef\xbb\xbf" + MINIMAL.encode(), "f.yaml"), Profile)
    assert profile.id == "x"


def test_nesting_deeper_than_the_model_is_refused() -> None:
    text = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert (
        problem(text)
        == f"f.yaml:1:{MAX_DEPTH + 3}: a{'[0]' * (MAX_DEPTH - 1)}: nested deeper than {MAX_DEPTH} levels"
    )


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(InvalidData) as info:
        read_yaml(path, "big.yaml")
    assert str(info.value) == f"big.yaml:1:1: file is {MAX_BYTES + 3:,} bytes; the limit is 1 MiB"


def test_dates_and_series_keep_their_types() -> None:
    doc = parse_yaml(b"d: 2001-06-15\ns: {2010: 1.5, 2011: 2}\nq: '2001'\n", "f.yaml")
    assert doc.data == {"d": dt.date(2001, 6, 15), "s": {2010: 1.5, 2011: 2}, "q": "2001"}


def test_format_path() -> None:
    assert format_path(("energy", "gas_reserves", 0, "unit")) == "energy.gas_reserves[0].unit"
    assert format_path(()) == ""


def test_yaml_syntax_errors_are_located() -> None:
    # libyaml and the pure-Python parser word this differently; the place and context agree.
    assert problem(MINIMAL + "a: [1\n").startswith("f.yaml:7:1: while parsing a flow sequence: ")


def test_errors_inside_a_mapping_name_the_key() -> None:
    from ca_profiles.model import Sources

    text = (
        "sources:\n"
        "  good: {title: T, publisher: P, url: u, accessed: 2020-01-01}\n"
        "  bad: {title: T, publisher: P, accessed: 2020-01-01}\n"
    )
    with pytest.raises(InvalidData) as info:
        decode(parse_yaml(text.encode(), "s.yaml"), Sources)
    assert str(info.value) == "s.yaml:3:8: sources.bad: missing required key 'url'"


def test_series_value_errors_name_the_year() -> None:
    text = MINIMAL + "area: {unit: km2, source: s, series: {2000: 1, 2001: x}}\n"
    assert problem(text) == "f.yaml:6:54: area.series[2001]: expected float, got str"


def test_a_retired_field_names_the_fields_that_replace_it() -> None:
    text = MINIMAL + "migration:\n  russia_share: {value: 90, unit: pct, year: 2020, source: s}\n"
    assert problem(text) == (
        "f.yaml:7:3: migration.russia_share: 'russia_share' is no longer a field: it held shares of two "
        "kinds; use migration.russia_share_of_remittances (share of remittances from Russia) or "
        "migration.russia_share_of_migrants (share of migrants abroad who are in Russia)"
    )

"""Fuzzing the loader and the name resolver: whatever comes in, only our own errors come out."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ca_profiles.catalog import Catalog, normalize
from ca_profiles.errors import AmbiguousName, InvalidData, UnknownName
from ca_profiles.loader import bundled_root, decode, parse_yaml
from ca_profiles.model import Methodology, Organizations, Profile, Sources

TYPES = [Profile, Sources, Organizations, Methodology]
KAZAKHSTAN = (bundled_root() / "countries" / "kazakhstan.yaml").read_bytes()
SOURCES = (bundled_root() / "sources.yaml").read_bytes()[:20_000]

fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(raw: bytes, type_: Any = Profile) -> None:
    """Parse and decode; a problem must be ours, located in the file."""
    try:
        decode(parse_yaml(raw, "f.yaml"), type_)
    except InvalidData as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "f.yaml" and problem.line >= 1 and problem.column >= 1
            assert "\n" not in str(problem)


@fuzz
@given(raw=st.binary(max_size=3000), type_=st.sampled_from(TYPES))
def test_any_bytes(raw: bytes, type_: Any) -> None:
    read(raw, type_)


@fuzz
@given(text=st.text(max_size=2000), type_=st.sampled_from(TYPES))
def test_any_text(text: str, type_: Any) -> None:
    read(text.encode("utf-8", "surrogatepass"), type_)


#: Edits to a real file: (where, as a share of its length; how many bytes to remove; what to put in).
EDITS = st.lists(
    st.tuples(
        st.floats(0, 1),
        st.integers(0, 40),
        st.one_of(
            st.binary(max_size=8),
            st.sampled_from(
                [
                    b"&a ",
                    b"*a",
                    b"!!python/object:os.system ",
                    b"{",
                    b"[",
                    b"]",
                    b"- ",
                    b": ",
                    b"\n  ",
                    b"\t",
                    b"'",
                    b'"',
                    b"\\",
                    b"\x00",
                    b"\xff",
                    b"no",
                    b".nan",
                    b"1.0e+999",
                    b"2021-02-30",
                    b"99999999999999999999999",
                    b"\n---\n",
                    b"? ",
                    b"|\n",
                    b"%YAML 1.1\n",
                    b"!",
                    b"#",
                ]
            ),
        ),
    ),
    min_size=1,
    max_size=6,
)


def mutate(raw: bytes, edits: list[tuple[float, int, bytes]]) -> bytes:
    for share, cut, insert in edits:
        at = int(share * len(raw))
        raw = raw[:at] + insert + raw[at + cut :]
    return raw


@fuzz
@given(edits=EDITS)
def test_edited_profiles(edits: list[tuple[float, int, bytes]]) -> None:
    read(mutate(KAZAKHSTAN, edits))


@settings(max_examples=100, deadline=None)
@given(edits=EDITS)
def test_edited_sources(edits: list[tuple[float, int, bytes]]) -> None:
    read(mutate(SOURCES, edits), Sources)


# Line and paragraph separators and C1 controls do not survive PyYAML's own round trip.
TEXT = st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=20)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
    st.dates(),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


@fuzz
@given(data=st.dictionaries(TEXT, DATA, max_size=6))
def test_what_pyyaml_writes_reads_back_or_is_refused_in_our_words(data: dict[str, Any]) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    try:
        doc = parse_yaml(raw, "f.yaml")
    except InvalidData as exc:
        # Only what we refuse on purpose: depth and values that are not plain data to us.
        assert all("nested deeper" in p.message or "not allowed" in p.message for p in exc.problems)
        return
    assert doc.data == data
    read(raw)


# --- the name resolver --------------------------------------------------------------------------

BUNDLED = Catalog.open()


@fuzz
@given(name=st.text(max_size=40))
def test_any_name_resolves_or_is_refused(name: str) -> None:
    try:
        found = BUNDLED.resolve(name)
    except (UnknownName, AmbiguousName) as exc:
        assert "\n" not in str(exc)
        return
    assert found in BUNDLED.ids


NAMES = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=15)


@settings(max_examples=40, deadline=None)
@given(groups=st.lists(st.lists(NAMES, min_size=1, max_size=4), min_size=1, max_size=4))
def test_every_name_resolves_to_the_profiles_that_have_it(groups: list[list[str]]) -> None:
    assume(all(normalize(name) for group in groups for name in group))
    with tempfile.TemporaryDirectory() as folder:
        countries = Path(folder) / "countries"
        countries.mkdir()
        for number, (name, *aliases) in enumerate(groups):
            record: dict[str, str | list[str]] = {"id": f"c{number}", "name": name, "official_name": name}
            record |= {"iso2": f"Q{number}"}
            record |= {"iso3": f"QQ{number}", "aliases": aliases}
            (countries / f"c{number}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True))
        catalog = Catalog.open([Path(folder)])
        known = {
            profile.id: {normalize(n) for n in (profile.id, profile.name, str(profile.official_name))}
            | {normalize(n) for n in (profile.iso2, profile.iso3, *profile.aliases)}
            for profile in catalog.profiles()
        }
        for name in (name for group in groups for name in group):
            owners = sorted(id for id, names in known.items() if normalize(name) in names)
            if name in catalog.files or len(owners) == 1:
                assert catalog.resolve(name) == (name if name in catalog.files else owners[0])
            elif owners:
                with pytest.raises(AmbiguousName) as info:
                    catalog.resolve(name)
                assert info.value.candidates == owners
            else:  # its file could not be read: the catalog says so
                assert catalog.problems
                with pytest.raises(UnknownName):
                    catalog.resolve(name)


@pytest.mark.parametrize("name", ["", " ", "-", "'", "\x00", "\ud800", "../" * 50, "a" * 10_000])
def test_odd_names_are_unknown(name: str) -> None:
    with pytest.raises(UnknownName):
        BUNDLED.resolve(name)

"""Round trips: YAML → model → JSON → model gives the model back, whatever the figures hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ca_profiles.errors import UNSHOWABLE
from ca_profiles.loader import decode, parse_yaml
from ca_profiles.model import SOURCE_KEY, UNITS, Profile

#: Text a data file may hold: no control, bidi or zero-width character (those are load errors).
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda t: not UNSHOWABLE.search(t)
)
keys = st.from_regex(f"^{SOURCE_KEY}$", fullmatch=True).filter(lambda k: 0 < len(k) <= 200)
years = st.integers(min_value=1900, max_value=2025)
numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)
units = st.sampled_from(sorted(UNITS))
point = st.fixed_dictionaries(
    {"value": numbers, "unit": units, "year": years, "source": keys},
    optional={"rank": st.integers(1, 250), "note": text},
)
series = st.fixed_dictionaries(
    {
        "unit": units,
        "source": keys,
        "series": st.dictionaries(years, numbers, min_size=1, max_size=8).map(
            lambda d: dict(sorted(d.items()))
        ),
    }
)
figures = st.one_of(point, series, st.lists(st.one_of(point, series), min_size=1, max_size=3))
dates = st.one_of(years, st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)))
membership = st.fixed_dictionaries(
    {
        "org": text,
        "status": st.sampled_from(["member", "observer", "suspended", "withdrawn"]),
        "since": dates,
        "source": keys,
    },
    optional={"until": dates, "note": text},
)
profiles = st.fixed_dictionaries(
    {"id": text, "name": text, "official_name": text, "iso2": text, "iso3": text},
    optional={
        "aliases": st.lists(text, max_size=4),
        "population": figures,
        "energy": st.fixed_dictionaries({}, optional={"gas_reserves": figures, "oil_production": figures}),
        "migration": st.fixed_dictionaries({}, optional={"remittances_pct_gdp": figures}),
        "memberships": st.lists(membership, max_size=3),
    },
)


@settings(max_examples=150, deadline=None)
@given(profiles)
def test_yaml_model_json_model_round_trip(data: dict[str, Any]) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    profile = decode(parse_yaml(raw, "gen.yaml"), Profile)
    again = msgspec.json.decode(msgspec.json.encode(profile), type=Profile)
    assert again == profile
    assert msgspec.to_builtins(again)["id"] == data["id"]

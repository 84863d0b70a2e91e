"""The Python API: the views the command line prints, as objects and rows for notebooks.

``load()`` opens the data as the CLI does (bundled data, then ``CA_PROFILES_DATA``, then the
folders given) at the same date; every method calls the view the matching command prints, so a
notebook and the shell see the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import bibliography, chart, export, views
from .catalog import Catalog
from .figures import Pick
from .indices import IndexResult, head_of_state
from .model import Leader, Profile
from .profile_view import show
from .results import Explanation, FieldValue, ProfileView
from .session import Session

if TYPE_CHECKING:
    import pandas


def load(
    data_dirs: Iterable[str | Path] = (), as_of: int | None = None, *, today: dt.date | None = None
) -> Data:
    """The data as the CLI reads them, seen at the end of ``as_of`` (default: the release date).

    ``today`` is read only where the data name no release date.
    """
    catalog = Catalog.open([Path(folder) for folder in data_dirs])
    return Data(Session(catalog, as_of, today=today))


@dataclass(frozen=True)
class Country:
    """One country at the data's date."""

    session: Session
    profile: Profile

    @property
    def id(self) -> str:
        return self.profile.id

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def head_of_state(self) -> Leader | None:
        """The head of state in office at the data's date."""
        return head_of_state(self.profile)

    def figure(self, field: str) -> Pick | None:
        """The figure of ``field`` every view shows (``get COUNTRY FIELD``); None where there is none."""
        views.check_field(field)
        return self.session.pick(self.profile, field)

    def get(self, field: str) -> FieldValue:
        """What ``get COUNTRY FIELD --json`` prints: the figure and every figure the field holds."""
        return views.get_view(self.session, self.id, field)

    @cached_property
    def indices(self) -> dict[str, IndexResult]:
        return self.session.indices(self.profile)

    def show(self, sections: list[str] | None = None) -> ProfileView:
        """What ``show`` prints: the profile's sections, and ``.document()`` for its JSON."""
        return show(self.session, self.id, sections)


class Data:
    """Every profile of a run, with one method per reading command."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def as_of(self) -> int | None:
        return self.session.as_of

    @property
    def date(self) -> dt.date:
        """The date the data are seen at."""
        return self.session.date

    def country(self, name: str) -> Country:
        """A country by id, name, ISO code or alias, resolved as the CLI resolves it."""
        return Country(self.session, self.session.profile(name))

    def countries(self) -> list[Country]:
        return [Country(self.session, profile) for profile in self.session.profiles()]

    def list_rows(self, member: str | None = None, borders_china: bool = False) -> list[dict[str, Any]]:
        """The rows of ``list --json``: one per country, with headline figures."""
        return views.list_view(self.session, member, borders_china).records()

    def rank(self, field: str, top: int | None = None, ascending: bool = False) -> list[dict[str, Any]]:
        """The rows of ``rank FIELD --json``."""
        return views.rank_view(self.session, field, top, ascending).records()

    def compare(
        self, names: list[str] | None = None, fields: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """The rows of ``compare NAME… --json`` (every country without ``names``)."""
        return views.compare_view(self.session, names, fields).records()

    def standing(self, org: str | None = None) -> list[dict[str, Any]]:
        """The rows of ``memberships --json``: standing at the data's date, or with ``org`` that
        organisation's timeline."""
        return views.memberships_view(self.session, org).records()

    def sources(self, country: str | None = None) -> list[dict[str, Any]]:
        """The rows of ``sources --json``: a profile's sources and where it cites them, or all."""
        return bibliography.sources_view(self.session, country).records()

    def fields(self) -> list[dict[str, Any]]:
        """The field catalogue, as ``fields --json`` prints it."""
        return views.fields_view().records()

    def explain(self, country: str, index: str) -> Explanation:
        """How an index was built for a country (``explain``); ``.document()`` is its JSON."""
        return views.explain_view(self.session, country, index)

    def chart(self, field: str, names: list[str] | None = None) -> list[dict[str, Any]]:
        """The points ``chart FIELD --json`` draws."""
        return chart.chart_view(self.session, field, names).records()

    def table(self, name: str) -> list[dict[str, Any]]:
        """One table ``export`` writes: countries, figures, memberships, leaders, indices, organizations,
        sources or meta."""
        return export.table(self.session, name).rows

    def figures(self) -> list[dict[str, Any]]:
        """Every figure in tidy long form, one row per value, as ``export`` writes them."""
        return self.table("figures")

    def memberships(self) -> list[dict[str, Any]]:
        """Every membership span, as ``export`` writes them."""
        return self.table("memberships")

    def leaders(self) -> list[dict[str, Any]]:
        """Every tenure as head of state, as ``export`` writes them."""
        return self.table("leaders")

    def to_pandas(self, name: str) -> pandas.DataFrame:
        """One table of ``export`` as a pandas DataFrame (needs ``pip install 'ca-profiles[pandas]'``)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas needs pandas: pip install 'ca-profiles[pandas]'") from None
        table = export.table(self.session, name)
        return pandas.DataFrame(table.rows, columns=table.columns)

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
#: A good profile for user data folders; its alias is a name no bundled profile has.
ATLANTIS = (
    "id: atlantis\nname: Atlantis\nofficial_name: Republic of Atlantis\niso2: AX\niso3: ATL\n"
    "aliases: [Poseidonia]\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _no_user_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see the bundled data only, whatever the developer's environment says."""
    monkeypatch.delenv("CA_PROFILES_DATA", raising=False)


@pytest.fixture(autouse=True)
def cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test has a cache of its own: it starts empty and never touches the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CA_PROFILES_CACHE", str(folder))
    return folder


@pytest.fixture
def user_data(tmp_path: Path) -> Path:
    """A data folder holding one good profile, ``countries/atlantis.yaml``."""
    countries = tmp_path / "data" / "countries"
    countries.mkdir(parents=True)
    (countries / "atlantis.yaml").write_text(ATLANTIS)
    return tmp_path / "data"

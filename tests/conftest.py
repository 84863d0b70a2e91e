from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"


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

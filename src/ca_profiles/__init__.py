"""Curated, sourced profiles of Central Asian states and their ties with China.

>>> import ca_profiles
>>> data = ca_profiles.load()
>>> data.country("Qazaqstan").name
'Kazakhstan'

The API lives in ``api.py``; it is imported on first use, so that the command line, which
imports this package for its version, does not pay for it.
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import Country, Data, load

__all__ = ["Country", "Data", "__version__", "load"]


def __getattr__(name: str) -> Any:
    if name in ("Country", "Data", "load"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'ca_profiles' has no attribute {name!r}")

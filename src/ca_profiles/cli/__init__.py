"""The command line: parse options, call the core, choose the format. No logic lives here.

Commands are registered on ``app`` as their modules are imported, in the order ``--help`` lists
them.
"""

# Imported for their commands, in the order --help lists them.
from . import reading, research, data  # noqa: F401, I001
from .base import app, main

__all__ = ["app", "main"]

"""Our error types and exit statuses (docs/architecture.md, "Commands and exit statuses")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, unique


@unique
class ExitStatus(IntEnum):
    SUCCESS = 0
    INVALID_DATA = 1
    USAGE = 2
    #: ``get`` found no figure of the field for the country (at the date asked).
    NO_DATA = 3
    INTERRUPTED = 130
    #: The reader of the output went away (``ca-profiles list | head -1``): 128 + SIGPIPE.
    PIPE_CLOSED = 141


#: Characters that act on a terminal rather than show: C0 and C1 controls (escape sequences,
#: bell, carriage return, 8-bit CSI) and the bidirectional overrides that reorder a line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, newlines: bool = False) -> str:
    """Text read from a data file as it may reach a terminal: every control character shown
    as an escape (``\\x1b``) rather than sent; line breaks kept only where ``newlines``."""
    pattern = _CONTROL_BUT_NEWLINE if newlines else _CONTROL
    return pattern.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class CaProfilesError(Exception):
    """An expected error: printed as one line on stderr, never as a traceback."""

    exit_status = ExitStatus.USAGE


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located as precisely as the file allows."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __post_init__(self) -> None:
        # A problem quotes names, keys and values from the file: it is printed on one line,
        # and nothing in it may act on the terminal.
        for name in ("file", "path", "message"):
            object.__setattr__(self, name, printable(getattr(self, name)))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class InvalidData(CaProfilesError):
    """One or more problems in data files."""

    exit_status = ExitStatus.INVALID_DATA

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(problems[0]) if len(problems) == 1 else self._summary())

    def _summary(self) -> str:
        first = self.problems[0]
        return f"{first} (and {len(self.problems) - 1} more problems)"


class UnknownName(CaProfilesError):
    """A country, field, organisation or section that is not in the catalog."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        self.kind, self.name, self.suggestions = kind, name, suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")


class AmbiguousName(CaProfilesError):
    """A name that fits several countries: we list them rather than guess."""

    def __init__(self, kind: str, name: str, candidates: list[str]) -> None:
        self.kind, self.name, self.candidates = kind, name, candidates
        super().__init__(f"ambiguous {kind} {name!r}: could be {', '.join(candidates)}")


class UsageError(CaProfilesError):
    """Options that do not fit together or a value out of range."""

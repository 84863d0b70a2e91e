"""Commands about the data files themselves: checking them and describing their schema."""

# No `from __future__ import annotations` here: typer reads every command's annotations on each
# run, and evaluating them from strings takes a measurable part of the start-up budget.

import sys
from pathlib import Path
from typing import Annotated

import typer

from ca_profiles.errors import ExitStatus
from ca_profiles.textformats import OutputFormat

from .base import (
    DataDirOption,
    FormatOption,
    JsonFlag,
    command,
    output_format,
    today,
)


@command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or data folders (default: all data).")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    data_dir: DataDirOption = None,
) -> None:
    """Check data files: every problem as FILE:LINE:COLUMN: key.path: message.

    \b
    Examples:
      ca-profiles validate
      ca-profiles validate my-data
    """
    from ca_profiles.catalog import validate as run_validation
    from ca_profiles.textformats import to_json

    problems = run_validation(paths, data_dir, today())
    if output_format(fmt, json) is OutputFormat.json:
        sys.stdout.write(to_json([problem.__dict__ for problem in problems]))
    else:
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        files = len({problem.file for problem in problems})
        summary = f"{len(problems)} problem(s) in {files} file(s)" if problems else "all data files are valid"
        sys.stderr.write(summary + "\n")
    if problems:
        raise typer.Exit(ExitStatus.INVALID_DATA)


@command()
def schema() -> None:
    """Print the JSON Schema of a profile file (for editor completion).

    \b
    Examples:
      ca-profiles schema > ca-profile.schema.json
    """
    import msgspec

    from ca_profiles.model import Profile
    from ca_profiles.textformats import to_json

    header = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ca-profiles country profile",
    }
    sys.stdout.write(to_json({**header, **msgspec.json.schema(Profile)}))

"""The command line: parse options, call the core, choose the format. No logic lives here."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import CaProfilesError, ExitStatus
from .render.formats import OutputFormat

if TYPE_CHECKING:
    from .catalog import Catalog

app = typer.Typer(
    name="ca-profiles",
    help="Sourced profiles of Central Asian states: energy, blocs, succession, migration, China.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])
_debug = False

FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format: table for people, the rest for machines."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
DataDirOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data-dir",
        help="A data folder layered over the bundled data (repeatable; also CA_PROFILES_DATA).",
    ),
]


def _fail(message: str, status: int) -> typer.Exit:
    sys.stderr.write(f"Error: {message}\n")
    return typer.Exit(status)


def command(name: str | None = None) -> Callable[[F], F]:
    """Register a command whose expected errors end as one line on stderr and an exit status."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except CaProfilesError as exc:
                if _debug:
                    raise
                raise _fail(str(exc), exc.exit_status) from None

        app.command(name)(run)
        return fn

    return decorate


def _version(value: bool) -> None:
    if value:
        from .catalog import Catalog

        release = Catalog.open().release
        data = (
            f"data release {release.version} ({release.date.isoformat()})" if release else "no data release"
        )
        typer.echo(f"ca-profiles {__version__}, {data}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show versions and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    global _debug
    _debug = debug


def _format(fmt: OutputFormat, json: bool) -> OutputFormat:
    return OutputFormat.json if json else fmt


def _emit(result: Any, fmt: OutputFormat, catalog: Catalog) -> None:
    """Print a result in the chosen format; files that could not be read are named on stderr."""
    from .render import formats

    for problem in catalog.problems:
        sys.stderr.write(f"Warning: skipped {problem}\n")
    if fmt is OutputFormat.table:
        from .render import table

        table.show(result)
    else:
        sys.stdout.write(formats.render(result, fmt))


@command()
def show(
    country: Annotated[str, typer.Argument(help="Country: id, name, ISO code or alias.")],
    section: Annotated[str | None, typer.Option("--section", "-s", help="Only this section.")] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    data_dir: DataDirOption = None,
) -> None:
    """Show one country's profile."""
    from . import views
    from .catalog import Catalog

    catalog = Catalog.open(data_dir)
    _emit(views.show(catalog, country, section), _format(fmt, json), catalog)


@command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or data folders (default: all data).")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    data_dir: DataDirOption = None,
) -> None:
    """Check data files: every problem as FILE:LINE:COLUMN: key.path: message."""
    from .catalog import validate as run_validation
    from .render.formats import to_json

    problems = run_validation(paths, data_dir)
    if _format(fmt, json) is OutputFormat.json:
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
    """Print the JSON Schema of a profile file (for editor completion)."""
    import msgspec

    from .model import Profile
    from .render.formats import to_json

    header = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ca-profiles country profile",
    }
    sys.stdout.write(to_json({**header, **msgspec.json.schema(Profile)}))


def main() -> None:
    """Entry point of the console script."""
    app()

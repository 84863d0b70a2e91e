"""What every command shares: the app, the error handling, the shared options and the output."""

# No `from __future__ import annotations` here: typer reads every command's annotations on each
# run, and evaluating them from strings takes a measurable part of the start-up budget.

import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ca_profiles import __version__
from ca_profiles.errors import CaProfilesError, ExitStatus, printable
from ca_profiles.textformats import OutputFormat

if TYPE_CHECKING:
    import datetime as dt

    from ca_profiles.errors import Problem
    from ca_profiles.session import Session

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
    sys.stderr.write(f"Error: {printable(message)}\n")
    return typer.Exit(status)


def _pipe_closed() -> int:
    """The reader of our output has gone (``| head``): stop quietly, as a tool killed by SIGPIPE."""
    _discard_output()
    return ExitStatus.PIPE_CLOSED


def _discard_output() -> None:
    # What is still buffered for stdout goes to /dev/null: the flush at exit then neither
    # complains of a closed pipe ("Exception ignored … BrokenPipeError") nor waits on a full one.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def command(name: str | None = None, group: typer.Typer | None = None) -> Callable[[F], F]:
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
            except BrokenPipeError:
                raise typer.Exit(_pipe_closed()) from None

        (group or app).command(name)(run)
        return fn

    return decorate


def _version(value: bool) -> None:
    if value:
        from ca_profiles.catalog import Catalog

        release = Catalog.open().release
        data = (
            f"data release {release.version} ({release.date.isoformat()})" if release else "no data release"
        )
        try:
            typer.echo(f"ca-profiles {__version__}, {data}")
        except BrokenPipeError:
            raise typer.Exit(_pipe_closed()) from None
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


AsOfOption = Annotated[
    int | None,
    typer.Option("--as-of", min=1900, max=2100, help="The world as it stood at the end of this year."),
]


SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Read every figure from this source (a key of `sources`) instead of the newest of any.",
    ),
]


def complete_country(incomplete: str) -> list[str]:
    from ca_profiles.catalog import Catalog, normalize

    catalog = Catalog.open()
    key = normalize(incomplete)
    return [id for id in catalog.ids if normalize(id).startswith(key)]


def complete_field(incomplete: str) -> list[str]:
    from ca_profiles.indices import INDEX_FIELDS
    from ca_profiles.model import FIELDS

    return [path for path in (*FIELDS, *INDEX_FIELDS) if path.startswith(incomplete)]


def complete_org(incomplete: str) -> list[str]:
    from ca_profiles.catalog import Catalog

    return [id for id in sorted(Catalog.open().organizations) if id.startswith(incomplete.lower())]


def complete_index(incomplete: str) -> list[str]:
    from ca_profiles.indices import ALIASES

    return [name for name in ALIASES if name.startswith(incomplete)]


def today() -> "dt.date":
    """The clock, read here only: where the data name no release date, and for what a writer stamps."""
    import datetime

    return datetime.date.today()


def open_session(data_dir: list[Path] | None, as_of: int | None, source: str | None = None) -> "Session":
    from ca_profiles.catalog import Catalog
    from ca_profiles.session import Session

    return Session(Catalog.open(data_dir), as_of, today=today(), source=source)


def output_format(fmt: OutputFormat, json: bool) -> OutputFormat:
    return OutputFormat.json if json else fmt


def warn(problems: Sequence["Problem"]) -> None:
    """Name on stderr the files that could not be read and were left out."""
    for problem in problems:
        sys.stderr.write(f"Warning: skipped {problem}\n")


def emit(result: Any, fmt: OutputFormat, problems: Sequence["Problem"] = ()) -> None:
    """Print a result in the chosen format; files that could not be read are named on stderr."""
    from ca_profiles.render import formats

    warn(problems)
    text = formats.render(result, fmt)
    if text is None:
        from ca_profiles.render import table

        table.show(result)
    else:
        sys.stdout.write(text)


def read_view(
    data_dir: list[Path] | None,
    as_of: int | None,
    fmt: OutputFormat,
    json: bool,
    view: Callable[["Session"], Any],
    source: str | None = None,
) -> None:
    """The body of every reading command: open the data at the date asked, build the view, print it."""
    session = open_session(data_dir, as_of, source)
    emit(view(session), output_format(fmt, json), session.catalog.problems)


def main() -> None:
    """Entry point of the console script."""
    quiet = (ExitStatus.INTERRUPTED, ExitStatus.PIPE_CLOSED)
    try:
        try:
            app()
        except SystemExit as done:
            if done.code not in quiet:
                sys.stdout.flush()  # a closed pipe may show only now, as the last output goes
            raise
    except KeyboardInterrupt:
        # Ctrl-C during a command is exit 130 by typer already; this is for the moments before
        # and after one (building the commands, completion, the last flush on a full pipe).
        _discard_output()
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(_pipe_closed())
    except SystemExit as done:
        if done.code == ExitStatus.INTERRUPTED:
            _discard_output()  # else the flush at exit would wait on a full pipe again
        raise

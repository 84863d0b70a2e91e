"""What every command shares: the app, the error handling, the shared options and the output."""

# No `from __future__ import annotations` here: typer reads every command's annotations on each
# run, and evaluating them from strings takes a measurable part of the start-up budget.

import errno
import functools
import io
import os
import signal
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
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation: no descriptor behind it
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


class _ClosedOutput(io.TextIOBase):
    """Standard output when the run began with it closed (``>&-``): writing to it is writing to
    a reader that has gone, so a command with output ends as on a closed pipe."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            raise BrokenPipeError(errno.EPIPE, "standard output is closed")
        return 0


def _guard_streams() -> None:
    """Standard streams a run can always write to, whatever it was started with."""
    for fd in (0, 1, 2):
        # A closed descriptor is taken by /dev/null, so that no file the run opens gets its
        # number and receives what is meant for a terminal.
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:
        # Messages are lost, the exit status is kept.
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            # A character the output's encoding lacks (PYTHONIOENCODING=ascii) shows as "?".
            stream.reconfigure(errors="replace")


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


def _version(data_dir: list[Path] | None) -> None:
    from ca_profiles.catalog import Catalog

    catalog = Catalog.open(data_dir)
    release = catalog.release
    data = f"data release {release.version} ({release.date.isoformat()})" if release else "no data release"
    changed = [layer["path"] for layer in catalog.layers() if layer["overrides"] or layer["adds"]]
    if changed:
        data += f", locally modified by {', '.join(map(str, changed))}"
    typer.echo(f"ca-profiles {__version__}, {data}")


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Show versions and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    data_dir: Annotated[
        list[Path] | None,
        typer.Option("--data-dir", help="With --version: data folders layered over the bundled data."),
    ] = None,
) -> None:
    global _debug
    _debug = debug
    if version:
        try:
            _version(data_dir)
        except CaProfilesError as exc:
            raise _fail(str(exc), exc.exit_status) from None
        except BrokenPipeError:
            raise typer.Exit(_pipe_closed()) from None
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        hint = "Try 'ca-profiles --help' for help."
        sys.stderr.write(f"{ctx.get_usage()}\n{hint}\n\nError: Missing command.\n")
        raise typer.Exit(ExitStatus.USAGE)


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

    try:
        catalog = Catalog.open()
    except CaProfilesError:
        return []  # the command itself will say what is wrong with the data
    key = normalize(incomplete)
    return [id for id in catalog.ids if normalize(id).startswith(key)]


def complete_field(incomplete: str) -> list[str]:
    from ca_profiles.indices import INDEX_FIELDS
    from ca_profiles.model import FIELDS

    return [path for path in (*FIELDS, *INDEX_FIELDS) if path.startswith(incomplete)]


def complete_org(incomplete: str) -> list[str]:
    from ca_profiles.catalog import Catalog

    try:
        organizations = Catalog.open().organizations
    except CaProfilesError:
        return []
    return [id for id in sorted(organizations) if id.startswith(incomplete.lower())]


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


def _terminated(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C: every temporary file and staging folder is removed on the way.
    raise SystemExit(ExitStatus.TERMINATED)


def main() -> None:
    """Entry point of the console script."""
    quiet = (ExitStatus.INTERRUPTED, ExitStatus.PIPE_CLOSED, ExitStatus.TERMINATED)
    signal.signal(signal.SIGTERM, _terminated)
    _guard_streams()
    try:
        try:
            app()
        except SystemExit as done:
            if done.code not in quiet:
                sys.stdout.flush()  # a closed pipe may show only now, as the last output goes
            raise
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            # Standard output that fails (a full disk, /dev/full, an I/O error): one line, no
            # traceback, and a status of its own (EX_IOERR).
            _discard_output()
            sys.stderr.write(f"Error: cannot write the output: {exc.strerror or exc}\n")
            sys.exit(ExitStatus.OUTPUT_FAILED)
    except KeyboardInterrupt:
        # Ctrl-C during a command is exit 130 by typer already; this is for the moments before
        # and after one (building the commands, completion, the last flush on a full pipe).
        _discard_output()
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(_pipe_closed())
    except SystemExit as done:
        if done.code in (ExitStatus.INTERRUPTED, ExitStatus.TERMINATED):
            _discard_output()  # else the flush at exit would wait on a full pipe again
        raise

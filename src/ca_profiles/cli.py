"""The command line: parse options, call the core, choose the format. No logic lives here."""

# No `from __future__ import annotations` here: typer reads every command's annotations on each
# run, and evaluating them from strings takes a measurable part of the start-up budget.

import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import CaProfilesError, ExitStatus, printable
from .render.citations import CitationFormat
from .render.formats import ExportFormat, OutputFormat

if TYPE_CHECKING:
    from .errors import Problem
    from .views import Session

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
        from .catalog import Catalog

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


def _complete_country(incomplete: str) -> list[str]:
    from .catalog import Catalog, normalize

    catalog = Catalog.open()
    key = normalize(incomplete)
    return [id for id in catalog.ids if normalize(id).startswith(key)]


def _complete_field(incomplete: str) -> list[str]:
    from .indices import INDEX_FIELDS
    from .model import FIELDS

    return [path for path in (*FIELDS, *INDEX_FIELDS) if path.startswith(incomplete)]


def _complete_org(incomplete: str) -> list[str]:
    from .catalog import Catalog

    return [id for id in sorted(Catalog.open().organizations) if id.startswith(incomplete.lower())]


def _complete_index(incomplete: str) -> list[str]:
    from .indices import ALIASES

    return [name for name in ALIASES if name.startswith(incomplete)]


def _session(data_dir: list[Path] | None, as_of: int | None) -> "Session":
    from .catalog import Catalog
    from .views import Session

    return Session(Catalog.open(data_dir), as_of)


def _format(fmt: OutputFormat, json: bool) -> OutputFormat:
    return OutputFormat.json if json else fmt


def _warn(problems: Sequence["Problem"]) -> None:
    """Name on stderr the files that could not be read and were left out."""
    for problem in problems:
        sys.stderr.write(f"Warning: skipped {problem}\n")


def _emit(result: Any, fmt: OutputFormat, problems: Sequence["Problem"] = ()) -> None:
    """Print a result in the chosen format; files that could not be read are named on stderr."""
    from .render import formats

    _warn(problems)
    text = formats.render(result, fmt)
    if text is None:
        from .render import table

        table.show(result)
    else:
        sys.stdout.write(text)


def _read(
    data_dir: list[Path] | None,
    as_of: int | None,
    fmt: OutputFormat,
    json: bool,
    view: Callable[["Session"], Any],
) -> None:
    """The body of every reading command: open the data at the date asked, build the view, print it."""
    session = _session(data_dir, as_of)
    _emit(view(session), _format(fmt, json), session.catalog.problems)


@command()
def show(
    country: Annotated[
        str, typer.Argument(help="Country: id, name, ISO code or alias.", autocompletion=_complete_country)
    ],
    section: Annotated[str | None, typer.Option("--section", "-s", help="Only this section.")] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Show one country's profile."""
    from . import views

    _read(data_dir, as_of, fmt, json, lambda session: views.show(session, country, section))


@command("list")
def list_(
    member: Annotated[
        str | None,
        typer.Option("--member", help="Only members of this organisation.", autocompletion=_complete_org),
    ] = None,
    borders_china: Annotated[
        bool, typer.Option("--borders-china", help="Only countries bordering China.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """One row per country with headline figures."""
    from . import views

    _read(data_dir, as_of, fmt, json, lambda session: views.list_view(session, member, borders_china))


@command()
def rank(
    field: Annotated[
        str, typer.Argument(help="A field path (see `fields`).", autocompletion=_complete_field)
    ],
    top: Annotated[int | None, typer.Option("--top", min=1, help="Only the first N.")] = None,
    asc: Annotated[bool, typer.Option("--asc", help="Smallest first.")] = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Countries ordered by one figure; those without it come last as "no data"."""
    from . import views

    _read(data_dir, as_of, fmt, json, lambda session: views.rank_view(session, field, top, asc))


@command()
def compare(
    countries: Annotated[
        list[str] | None, typer.Argument(help="Two or more countries.", autocompletion=_complete_country)
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every country.")] = False,
    fields: Annotated[str | None, typer.Option("--fields", help="Comma-separated field paths.")] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Countries side by side, field by field."""
    from . import views
    from .errors import UsageError

    if bool(countries) == all_:
        raise UsageError("name two or more countries, or give --all")
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    _read(data_dir, as_of, fmt, json, lambda session: views.compare_view(session, countries, wanted))


@command()
def memberships(
    org: Annotated[
        str | None, typer.Option("--org", help="One organisation's timeline.", autocompletion=_complete_org)
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Country × organisation: status and year joined; with --org, that organisation's timeline."""
    from . import views

    _read(data_dir, as_of, fmt, json, lambda session: views.memberships_view(session, org))


@command()
def fields(fmt: FormatOption = OutputFormat.table, json: JsonFlag = False) -> None:
    """Every figure field with its label, unit and description."""
    from . import views

    _emit(views.fields_view(), _format(fmt, json))


@command()
def get(
    country: Annotated[str, typer.Argument(help="Country.", autocompletion=_complete_country)],
    field: Annotated[str, typer.Argument(help="Field path.", autocompletion=_complete_field)],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="json for the whole field; default the bare value.")
    ] = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """One value, for scripts: the preferred source's latest figure (--json: the whole field)."""
    from . import views

    _read(data_dir, as_of, fmt, json, lambda session: views.get_view(session, country, field))


@command()
def explain(
    country: Annotated[str, typer.Argument(help="Country.", autocompletion=_complete_country)],
    index: Annotated[str, typer.Argument(help="succession or migration.", autocompletion=_complete_index)],
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """How an index score was built: each factor's fact and source, score, weight and share."""
    from . import views

    _read(data_dir, as_of, fmt, json, lambda session: views.explain_view(session, country, index))


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


@command()
def sources(
    country: Annotated[
        str | None,
        typer.Argument(help="Country (default: the whole bibliography).", autocompletion=_complete_country),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """The sources a profile cites and where; without a country, the whole bibliography."""
    from . import bibliography

    _read(data_dir, as_of, fmt, json, lambda session: bibliography.sources_view(session, country))


@command()
def cite(
    countries: Annotated[
        list[str] | None,
        typer.Argument(help="Countries whose sources to cite.", autocompletion=_complete_country),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every source of the data set.")] = False,
    fmt: Annotated[
        CitationFormat, typer.Option("--format", "-f", help="bibtex, csl-json (Pandoc, Zotero) or text.")
    ] = CitationFormat.text,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Bibliography entries for every source the named profiles cite; keys are the source keys."""
    from . import bibliography
    from .errors import UsageError
    from .render import citations

    if bool(countries) == all_:
        raise UsageError("name one or more countries, or give --all")
    session = _session(data_dir, as_of)
    entries = bibliography.cited_sources(session, None if all_ else countries)
    _warn(session.catalog.problems)
    sys.stdout.write(citations.render(entries, fmt))


@command("export")
def export_(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv (a folder of files), json or sqlite.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file (for csv, the folder) to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT if it exists.")] = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """The whole data set as tidy tables: figures (one row per value), memberships, leaders, …"""
    from .export import export

    session = _session(data_dir, as_of)
    counts = export(session, fmt, output, force)
    _warn(session.catalog.problems)
    summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    sys.stderr.write(f"Wrote {output}: {summary}\n")


@command()
def diff(
    old: Annotated[Path, typer.Argument(help="The older data folder (countries/, sources.yaml, …).")],
    new: Annotated[
        Path | None, typer.Argument(help="The newer data folder (default: the data the tool reads).")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    data_dir: DataDirOption = None,
) -> None:
    """What changed between two data releases: figures, memberships and heads of state."""
    from .diff import diff_releases

    _emit(diff_releases(old, new, data_dir), _format(fmt, json))


import_app = typer.Typer(
    help="Update profiles in a data folder from a data set download.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
# `import` is a Python keyword, hence the sub-app's name given here.
app.add_typer(import_app, name="import")


@command("wdi", group=import_app)
def import_wdi(
    file: Annotated[Path, typer.Argument(help="API_<indicator>_DS2_….csv or WDICSV.csv.")],
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="The data folder to update (default: first of CA_PROFILES_DATA)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the changes; write nothing.")] = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
) -> None:
    """Update remittance and population series from a World Bank WDI download, comments kept."""
    from . import wdi

    outcome = wdi.import_file(file, data_dir, dry_run=dry_run)
    fmt = _format(fmt, json)
    # People are told "nothing to change" on stderr rather than shown an empty table.
    if outcome.changes or fmt is not OutputFormat.table:
        _emit(outcome.rows(), fmt, outcome.problems)
    sys.stderr.write(outcome.summary() + "\n")


@command()
def chart(
    field: Annotated[
        str, typer.Argument(help="A field path (see `fields`).", autocompletion=_complete_field)
    ],
    countries: Annotated[
        list[str] | None,
        typer.Argument(
            help="Countries (default: every one with the field).", autocompletion=_complete_country
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Save as FILE.png, FILE.svg or FILE.pdf (needs ca-profiles[plot])."
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """A field over the years for several countries: a chart in the terminal or a figure file."""
    from . import chart as charting

    if output is None:
        _read(data_dir, as_of, fmt, json, lambda session: charting.chart_view(session, field, countries))
        return
    from .render import figure

    figure.save(charting.chart_view(_session(data_dir, as_of), field, countries), output)
    sys.stderr.write(f"Wrote {output}\n")


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

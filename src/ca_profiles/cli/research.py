"""The research workflow: the bibliography, citations, exports, release diffs and imports."""

# No `from __future__ import annotations` here: typer reads every command's annotations on each
# run, and evaluating them from strings takes a measurable part of the start-up budget.

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ca_profiles.render.citations import CitationFormat
from ca_profiles.textformats import ExportFormat, OutputFormat

from .base import (
    AsOfOption,
    DataDirOption,
    FormatOption,
    JsonFlag,
    app,
    command,
    complete_country,
    emit,
    open_session,
    output_format,
    read_view,
    today,
    warn,
)

if TYPE_CHECKING:
    from ca_profiles.imports import Outcome


@command()
def sources(
    country: Annotated[
        str | None,
        typer.Argument(help="Country (default: the whole bibliography).", autocompletion=complete_country),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """The sources a profile cites and where; without a country, the whole bibliography.

    \b
    Examples:
      ca-profiles sources kyrgyzstan
      ca-profiles sources --json
    """
    from ca_profiles import bibliography

    read_view(data_dir, as_of, fmt, json, lambda session: bibliography.sources_view(session, country))


@command()
def cite(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Countries (every source their profiles cite) or source keys.",
            autocompletion=complete_country,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every source of the data set.")] = False,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="JSON output of any reading command (a file, or - for stdin): cite the sources it names.",
        ),
    ] = None,
    fmt: Annotated[
        CitationFormat, typer.Option("--format", "-f", help="bibtex, csl-json (Pandoc, Zotero) or text.")
    ] = CitationFormat.text,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Bibliography entries for the sources you used; the keys are the source keys.


    \b
    Examples:
      ca-profiles cite tajikistan --format bibtex
      ca-profiles cite wb-wdi cia-wfb-2026
      ca-profiles rank energy.gas_reserves --json | ca-profiles cite --from - --format bibtex
    """
    from ca_profiles import bibliography
    from ca_profiles.errors import UsageError
    from ca_profiles.render import citations

    if all_ == bool(names or from_ is not None):
        raise UsageError("name countries or source keys, give --from FILE, or give --all")
    session = open_session(data_dir, as_of)
    wanted = list(names or [])
    if from_ is not None:
        wanted += bibliography.sources_in(_read_json(from_), session.catalog.sources)
        if not wanted:
            raise UsageError(f"{'stdin' if from_ == '-' else from_} names no source of the bibliography")
    entries = bibliography.cited_sources(session, None if all_ else wanted)
    warn(session.catalog.problems)
    sys.stdout.write(citations.render(entries, fmt))


def _read_json(name: str) -> Any:
    """A JSON document from a file, or from stdin for ``-``; a one-line error where it is none."""
    import json

    from ca_profiles.errors import UsageError

    where = "stdin" if name == "-" else name
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {where}: {getattr(exc, 'strerror', None) or exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None


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
    """The whole data set as tidy tables: figures (one row per value), memberships, leaders, …

    \b
    Examples:
      ca-profiles export --format csv --output ca-csv
      ca-profiles export --format sqlite --output ca.sqlite --as-of 2013
    """
    from ca_profiles.export import export

    session = open_session(data_dir, as_of)
    counts = export(session, fmt, output, force)
    warn(session.catalog.problems)
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
    as_of: AsOfOption = None,
) -> None:
    """What changed between two data releases: figures, dated attributes, memberships, heads of
    state and the statuses of pipelines and projects; with --as-of, in what both say of the end
    of that year.

    \b
    Examples:
      ca-profiles diff tests/fixtures/releases/old tests/fixtures/releases/new
      ca-profiles diff tests/fixtures/releases/old tests/fixtures/releases/new --as-of 2020
    """
    from ca_profiles.diff import diff_releases

    emit(diff_releases(old, new, data_dir, as_of), output_format(fmt, json))


import_app = typer.Typer(
    help="Update profiles in a data folder from a data set download.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
# `import` is a Python keyword, hence the sub-app's name given here.
app.add_typer(import_app, name="import")


ImportDataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="The data folder to update (default: first of CA_PROFILES_DATA)."),
]
DryRunFlag = Annotated[bool, typer.Option("--dry-run", help="Show the changes; write nothing.")]


@command("wdi", group=import_app)
def import_wdi(
    file: Annotated[Path, typer.Argument(help="API_<indicator>_DS2_….csv or WDICSV.csv.")],
    data_dir: ImportDataDir = None,
    dry_run: DryRunFlag = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
) -> None:
    """Update remittance and population series from a World Bank WDI download, comments kept.

    \b
    Examples:
      ca-profiles import wdi API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2.csv --data-dir my-data --dry-run
    """
    from ca_profiles import wdi

    _report(wdi.import_file(file, data_dir, dry_run=dry_run, today=today()), output_format(fmt, json))


@command("statreview", group=import_app)
def import_statreview(
    file: Annotated[Path, typer.Argument(help="The Statistical Review's all-data workbook (.xlsx).")],
    data_dir: ImportDataDir = None,
    dry_run: DryRunFlag = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
) -> None:
    """Update energy series, with world ranks computed, from the Statistical Review of World Energy.

    \b
    Examples:
      ca-profiles import statreview ei-statistical-review-2023-all-data.xlsx --data-dir my-data --dry-run
    """
    from ca_profiles import statreview

    _report(statreview.import_file(file, data_dir, dry_run=dry_run, today=today()), output_format(fmt, json))


def _report(outcome: "Outcome", fmt: OutputFormat) -> None:
    # People are told "nothing to change" on stderr rather than shown an empty table.
    if outcome.changes or fmt is not OutputFormat.table:
        emit(outcome.rows(), fmt, outcome.problems)
    sys.stderr.write(outcome.summary() + "\n")

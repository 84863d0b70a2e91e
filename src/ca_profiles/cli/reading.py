"""The reading commands: one view of the data each, in any format, at any date."""

# No `from __future__ import annotations` here: typer reads every command's annotations on each
# run, and evaluating them from strings takes a measurable part of the start-up budget.

import sys
from pathlib import Path
from typing import Annotated

import typer

from ca_profiles.textformats import OutputFormat

from .base import (
    AsOfOption,
    DataDirOption,
    FormatOption,
    JsonFlag,
    SourceOption,
    command,
    complete_country,
    complete_field,
    complete_index,
    complete_org,
    emit,
    open_session,
    output_format,
    read_view,
)


@command()
def show(
    country: Annotated[
        str, typer.Argument(help="Country: id, name, ISO code or alias.", autocompletion=complete_country)
    ],
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            help="Only this section, in full (repeatable): identity, energy, memberships, succession, "
            "migration, china, indices or gaps.",
        ),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="The whole profile, every section in full.")] = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """One country: a brief that fits a screen; --full or --section for everything.

    JSON and YAML hold the whole profile (or the sections asked for), as the data files do.


    \b
    Examples:
      ca-profiles show kazakhstan
      ca-profiles show Qazaqstan --section energy --section china --as-of 2013
      ca-profiles show kg --full
    """
    from ca_profiles.profile_view import show as show_view

    read_view(data_dir, as_of, fmt, json, lambda session: show_view(session, country, section, full))


@command("list")
def list_(
    member: Annotated[
        str | None,
        typer.Option("--member", help="Only members of this organisation.", autocompletion=complete_org),
    ] = None,
    borders_china: Annotated[
        bool, typer.Option("--borders-china", help="Only countries bordering China.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
    source: SourceOption = None,
) -> None:
    """One row per country with headline figures.

    \b
    Examples:
      ca-profiles list --member sco
      ca-profiles list --as-of 2005 --format csv
    """
    from ca_profiles import views

    read_view(
        data_dir, as_of, fmt, json, lambda session: views.list_view(session, member, borders_china), source
    )


@command()
def rank(
    field: Annotated[str, typer.Argument(help="A field path (see `fields`).", autocompletion=complete_field)],
    top: Annotated[int | None, typer.Option("--top", min=1, help="Only the first N.")] = None,
    asc: Annotated[bool, typer.Option("--asc", help="Smallest first.")] = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
    source: SourceOption = None,
) -> None:
    """Countries ordered by one figure; those without it come last as "no data".

    \b
    Examples:
      ca-profiles rank energy.gas_reserves --top 3
      ca-profiles rank migration.remittances_pct_gdp --source cia-wfb-2026 --json
    """
    from ca_profiles import views

    read_view(data_dir, as_of, fmt, json, lambda session: views.rank_view(session, field, top, asc), source)


@command()
def compare(
    countries: Annotated[
        list[str] | None,
        typer.Argument(
            help="Two or more countries; COUNTRY@YEAR for a country at the end of YEAR.",
            autocompletion=complete_country,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every country.")] = False,
    fields: Annotated[str | None, typer.Option("--fields", help="Comma-separated field paths.")] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
    source: SourceOption = None,
) -> None:
    """Countries side by side, field by field.

    \b
    Examples:
      ca-profiles compare kazakhstan uzbekistan
      ca-profiles compare kazakhstan@2013 kazakhstan
      ca-profiles compare --all --fields population,indices.succession_risk
    """
    from ca_profiles import views
    from ca_profiles.errors import UsageError

    if bool(countries) == all_:
        raise UsageError("name two or more countries (COUNTRY@YEAR for one then), or give --all")
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    read_view(
        data_dir, as_of, fmt, json, lambda session: views.compare_view(session, countries, wanted), source
    )


@command()
def memberships(
    org: Annotated[
        str | None, typer.Option("--org", help="One organisation's timeline.", autocompletion=complete_org)
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Country × organisation: status and year joined; with --org, that organisation's timeline.

    \b
    Examples:
      ca-profiles memberships --as-of 2005
      ca-profiles memberships --org csto
    """
    from ca_profiles import views

    read_view(data_dir, as_of, fmt, json, lambda session: views.memberships_view(session, org))


@command()
def orgs(
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """The organisations: id, name, founded, dissolved, and which countries are members.

    \b
    Examples:
      ca-profiles orgs --as-of 2005
    """
    from ca_profiles import views

    read_view(data_dir, as_of, fmt, json, views.orgs_view)


@command()
def fields(fmt: FormatOption = OutputFormat.table, json: JsonFlag = False) -> None:
    """Every figure field with its label, unit and description.

    \b
    Examples:
      ca-profiles fields
      ca-profiles fields --json
    """
    from ca_profiles import views

    emit(views.fields_view(), output_format(fmt, json))


@command()
def get(
    country: Annotated[str, typer.Argument(help="Country.", autocompletion=complete_country)],
    field: Annotated[str, typer.Argument(help="Field path.", autocompletion=complete_field)],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="json for the whole field; default the bare value.")
    ] = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
    source: SourceOption = None,
) -> None:
    """One value, for scripts: the figure every view shows (--json: the whole field).

    With no figure of the field, "no data" on stderr and exit status 3.


    \b
    Examples:
      ca-profiles get turkmenistan energy.gas_reserves
      ca-profiles get tj indices.succession_risk --as-of 2013
    """
    from ca_profiles import views
    from ca_profiles.errors import ExitStatus

    session = open_session(data_dir, as_of, source)
    result = views.get_view(session, country, field)
    emit(result, output_format(fmt, json), session.catalog.problems)
    if result.value is None:
        sys.stderr.write(f"no data: {result.id} has no figure of {field}\n")
        raise typer.Exit(ExitStatus.NO_DATA)


@command()
def explain(
    country: Annotated[str, typer.Argument(help="Country.", autocompletion=complete_country)],
    index: Annotated[str, typer.Argument(help="succession or migration.", autocompletion=complete_index)],
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """How an index score was built: each factor's fact and source, score, weight and share.

    \b
    Examples:
      ca-profiles explain tajikistan succession
      ca-profiles explain kyrgyzstan migration --as-of 2013
    """
    from ca_profiles import views

    read_view(data_dir, as_of, fmt, json, lambda session: views.explain_view(session, country, index))


@command()
def chart(
    field: Annotated[str, typer.Argument(help="A field path (see `fields`).", autocompletion=complete_field)],
    countries: Annotated[
        list[str] | None,
        typer.Argument(
            help="Countries (default: every one with the field).", autocompletion=complete_country
        ),
    ] = None,
    by_source: Annotated[
        bool, typer.Option("--by-source", help="One line for each source of each country.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Save as FILE.png, FILE.svg or FILE.pdf (needs ca-profiles[plot])."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")] = False,
    fmt: FormatOption = OutputFormat.table,
    json: JsonFlag = False,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
    source: SourceOption = None,
) -> None:
    """A field over the years for several countries: a chart in the terminal or a figure file.

    \b
    Examples:
      ca-profiles chart migration.remittances_pct_gdp kz kg tj uz
      ca-profiles chart energy.gas_reserves tm --by-source --format csv
    """
    from ca_profiles import chart as charting

    if output is None:
        read_view(
            data_dir,
            as_of,
            fmt,
            json,
            lambda session: charting.chart_view(session, field, countries, by_source),
            source,
        )
        return
    from ca_profiles.render import figure

    figure.save(
        charting.chart_view(open_session(data_dir, as_of, source), field, countries, by_source), output, force
    )
    sys.stderr.write(f"Wrote {output}\n")

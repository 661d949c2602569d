"""``stancekit trends``: label shares by group and period from the rows ``predict`` wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import DateFormatOption, SheetOption, fail_cleanly


@fail_cleanly
def trends_cli(
    scored: Annotated[
        Path,
        typer.Argument(
            help="predict's paragraph rows: .jsonl, .csv, .tsv, .parquet, .xlsx, or a folder of "
            ".parquet files (a partitioned cluster output).",
            show_default=False,
        ),
    ],
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="The grouping column, e.g. org [default: none, every row in one group]."
        ),
    ] = None,
    every: Annotated[
        str,
        typer.Option(
            help="Period of each row's date: year, quarter, month, or all (the whole period "
            "in one cell, dates not needed)."
        ),
    ] = "year",
    date_column: Annotated[str, typer.Option(help="The date column.")] = "date",
    date_format: DateFormatOption = None,
    sheet: SheetOption = None,
    min_docs: Annotated[
        int, typer.Option(help="Cells with fewer documents are flagged as too thin to read.")
    ] = 20,
    resamples: Annotated[int, typer.Option(help="Bootstrap resamples (over documents).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    out: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for trends.csv, trends.png, trends.html.")
    ] = Path("trends"),
) -> None:
    """Each label's share of paragraphs per group and period, with 95% intervals from a
    bootstrap over documents, and the mean probability per label. Writes trends.csv, a chart
    (trends.png) and a page (trends.html) to -o, and prints the table.

    \b
    Examples:
      stancekit predict articles.jsonl -o scores.jsonl
      stancekit trends scores.jsonl --min-docs 2 -o trends-all     # everyone, by year
      stancekit trends scores.jsonl --by org --every all -o trends-orgs    # each org, overall
      stancekit trends scores.jsonl --by org --every quarter --min-docs 2 -o trends
    """
    from stancekit.trends.compute import compute_trends
    from stancekit.trends.output import terminal_table, warnings, write_outputs

    result = compute_trends(
        scored,
        by,
        every,
        date_column,
        min_docs,
        resamples,
        seed,
        date_format=date_format,
        sheet=sheet,
    )
    typer.echo(terminal_table(result), nl=False)
    if result.thin_cells:
        typer.echo(f"* fewer than {min_docs} documents", err=False)
    for note in warnings(result):
        typer.echo(f"warning: {note}", err=True)
    paths = write_outputs(result, out)
    typer.echo(f"wrote {', '.join(str(p) for p in paths.values())}", err=True)

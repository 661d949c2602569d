"""``stancekit predict`` and ``stancekit explain``: score texts, files, folders, tables, stdin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import (
    EncodingOption,
    InputsArgument,
    MaxCharsOption,
    ModelOption,
    QuietOption,
    count,
    fail_cleanly,
    progress,
    warn_skipped,
)


@fail_cleanly
def predict_cli(
    inputs: InputsArgument,
    model: ModelOption = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto, table, jsonl, csv, tsv or parquet. auto: from -o's file ending (.jsonl, "
            ".ndjson, .csv, .tsv, .parquet, .txt for a table), else a table on a terminal and "
            "jsonl in a pipe.",
        ),
    ] = "auto",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write results to this file (atomically); - for stdout."
        ),
    ] = None,
    unit: Annotated[
        str,
        typer.Option(help="paragraph: split documents at blank lines; document: score whole."),
    ] = "paragraph",
    aggregate: Annotated[
        bool,
        typer.Option(
            "--aggregate",
            help="jsonl/csv/parquet: one row per document (label shares, mean probabilities) "
            "instead of one per paragraph.",
        ),
    ] = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Below this highest probability a paragraph is labelled 'uncertain'.",
        ),
    ] = None,
    explain: Annotated[
        int,
        typer.Option(min=0, help="Add the K terms pushing hardest toward each label."),
    ] = 0,
    text_column: Annotated[str, typer.Option(help="Tables: the text column.")] = "text",
    id_column: Annotated[
        str | None, typer.Option(help="Tables: the id column [default: path:row].")
    ] = None,
    glob: Annotated[
        str | None,
        typer.Option(help="Folders: which files, e.g. '**/*.html' [default: **/*.txt, **/*.md]."),
    ] = None,
    lines: Annotated[
        bool, typer.Option("--lines", help="stdin: every line is its own text.")
    ] = False,
    encoding: EncodingOption = "utf-8",
    batch_size: Annotated[
        int, typer.Option(min=1, help="Paragraphs per batch: sets peak memory.")
    ] = 5000,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", help="Worker processes for large inputs (-1: all cores)."),
    ] = 1,
    quiet: QuietOption = False,
    max_chars: MaxCharsOption = 20_000,
) -> None:
    """Label every paragraph with its stance, the probability of every label and the margin.

    \b
    Examples:
      stancekit predict "Criminalising clients puts sex workers in danger."
      stancekit predict seeds/ -o scores.csv
      stancekit predict articles.csv --text-column body --id-column url -o out.parquet -j 2
      cat posts.txt | stancekit predict - --lines --threshold 0.6 --format jsonl
    """
    from stancekit.batch import predict_inputs
    from stancekit.sources import SourceOptions

    sources = SourceOptions(text_column, id_column, encoding, lines, glob)
    with progress(not quiet and sys.stderr.isatty()) as on_progress:
        run = predict_inputs(
            inputs,
            model=model,
            output=output,
            output_format=output_format,
            unit=unit,
            aggregate=aggregate,
            threshold=threshold,
            explain=explain,
            source_options=sources,
            batch_size=batch_size,
            jobs=jobs,
            on_progress=on_progress,
            max_chars=max_chars,
        )
    warn_skipped(run.stats)
    if run.output is not None:
        typer.echo(
            f"wrote {count(run.rows, 'row')} ({count(run.stats.documents, 'document')}, "
            f"{count(run.stats.units, 'scored unit')}) to {run.output}",
            err=True,
        )


@fail_cleanly
def explain_cli(
    inputs: InputsArgument,
    model: ModelOption = None,
    encoding: EncodingOption = "utf-8",
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Terms shown per label.")] = 10,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a page with every word shaded by its push."),
    ] = None,
    max_chars: MaxCharsOption = 20_000,
) -> None:
    """Show why each paragraph got its label: the exact term contributions of the linear model
    (tf-idf value x coefficient), which add up to its decision score. Every paragraph of the
    inputs is explained (tables: the 'text' column; use predict --explain K for others).

    Example: stancekit explain "End demand: criminalise the buyers." --html why.html
    """
    from stancekit.batch import explain_inputs
    from stancekit.sources import SourceOptions
    from stancekit.writers import printable

    run = explain_inputs(
        inputs,
        model=model,
        source_options=SourceOptions(encoding=encoding),
        html=html,
        top=top,
        max_chars=max_chars,
    )
    warn_skipped(run.stats)
    for item in run.items:
        unit, prediction = item.unit, item.prediction
        probs = ", ".join(f"{k} {v:.2f}" for k, v in prediction.probabilities.items())
        name = printable(unit.doc_id)
        typer.echo(f"── {name} #{unit.paragraph_index}: {prediction.label} ({probs})")
        typer.echo(f"   {printable(unit.text[:200])}")
        for label in run.labels:
            pairs = item.explanation.top(label, top)
            terms = ", ".join(f"{printable(t)} {v:+.3f}" for t, v in pairs)
            typer.echo(f"   toward {label}: {terms or '-'}")
        typer.echo("")
    if run.html is not None:
        typer.echo(f"wrote {run.html}", err=True)

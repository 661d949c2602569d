"""``stancekit predict`` and ``stancekit explain``: score texts, files, folders, tables, stdin."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from stancekit.cli._util import (
    DateFormatOption,
    EncodingOption,
    InputsArgument,
    LanguageOption,
    MaxCharsOption,
    ModelOption,
    QuietOption,
    SheetOption,
    TrustPickleOption,
    count,
    fail_cleanly,
    progress,
    warn_skipped,
)


@contextlib.contextmanager
def _display(dask: bool, quiet: bool) -> Iterator[tuple[Any, Any]]:
    """``(on_progress, on_submit)``: a progress bar on a terminal (Dask's own, on Dask)."""
    if dask:
        from stancekit.cli._dask import dask_display

        with dask_display(quiet) as on_submit:
            yield None, on_submit
    else:
        with progress(not quiet and sys.stderr.isatty()) as on_progress:
            yield on_progress, None


@fail_cleanly
def predict_cli(
    inputs: InputsArgument,
    model: ModelOption = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto, table, jsonl, csv, tsv, parquet, xlsx (Excel workbook) or csv-excel "
            "(CSV that Excel opens: UTF-8 with BOM, CRLF). auto: from -o's file ending (.jsonl, "
            ".ndjson, .csv, .tsv, .parquet, .xlsx, .txt for a table), else a table on a "
            "terminal and jsonl in a pipe.",
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
            help="One row per document (label shares, mean probabilities) "
            "instead of one per paragraph.",
        ),
    ] = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Below this highest probability (0 to 1) a paragraph is labelled 'uncertain'.",
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
    date_column: Annotated[
        str | None,
        typer.Option(
            help="Tables: the date column, written as each row's date [default: date, if any]."
        ),
    ] = None,
    date_format: DateFormatOption = None,
    sheet: SheetOption = None,
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
    engine: Annotated[
        str | None,
        typer.Option(
            help="local, joblib, or dask: score tables on a Dask cluster into a Parquet "
            "dataset folder (-o OUT_DIR; needs stancekit[dask]) [default: joblib with "
            "--jobs, else local].",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="--engine dask: the scheduler, e.g. tls://HOST:8786; start it with TLS "
            "certificates and give them in Dask's config (DASK_DISTRIBUTED__COMM__TLS__*), "
            "as anyone who can reach a plain tcp:// scheduler can run code in its workers "
            "[default: a local cluster, one worker per core, TLS with temporary credentials].",
        ),
    ] = None,
    quiet: QuietOption = False,
    trust_pickle: TrustPickleOption = False,
    max_chars: MaxCharsOption = 20_000,
    language: LanguageOption = None,
    paragraph_only: Annotated[
        bool,
        typer.Option(
            "--paragraph-only",
            help="Score each paragraph alone. Default: each paragraph's score also weighs the "
            "rest of its document (train.document_prior in the model card).",
        ),
    ] = False,
) -> None:
    """Label every paragraph with its stance, the probability of every label and the margin.

    Each paragraph is scored by the model of its language (identified per paragraph; a short one
    takes its document's). A paragraph in a language the model does not read is labelled
    'unsupported', with empty probabilities (`stancekit info` lists the languages).

    \b
    Examples:
      stancekit predict "Criminalising clients puts sex workers in danger."
      stancekit predict texts/ -o scores.csv
      stancekit predict articles.csv --text-column body --id-column url -o out.parquet -j 2
      stancekit predict articles.csv --text-column body --aggregate -o scores.xlsx
      cat posts.txt | stancekit predict - --lines --threshold 0.6 --format jsonl
      stancekit predict articles.jsonl --engine dask -o dask-scores/
    """
    from stancekit.scoring.read import SourceOptions
    from stancekit.scoring.run import predict_inputs

    if engine == "dask" and date_format is not None:
        raise typer.BadParameter(
            "--engine dask reads dates by the stated rule (day first): drop --date-format.",
            param_hint="--date-format",
        )
    if engine != "dask" and scheduler is not None:
        raise typer.BadParameter("--scheduler needs --engine dask.", param_hint="--scheduler")
    sources = SourceOptions(
        text_column,
        id_column,
        encoding,
        lines,
        glob,
        date_column,
        date_format=date_format,
        sheet=sheet,
    )
    dask = engine == "dask"
    with _display(dask, quiet) as (on_progress, on_submit):
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
            engine=engine,
            jobs=jobs,
            on_progress=on_progress,
            trust_pickle=trust_pickle,
            max_chars=max_chars,
            language=language,
            paragraph_only=paragraph_only,
            scheduler=scheduler,
            on_submit=on_submit,
        )
    if dask:
        from stancekit.cli._dask import report_dask

        report_dask(run)
        return
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
    text_column: Annotated[str, typer.Option(help="Tables: the text column.")] = "text",
    id_column: Annotated[
        str | None, typer.Option(help="Tables: the id column [default: path:row].")
    ] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Terms shown per label.")] = 10,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write a page with every word shaded by its push toward the predicted label.",
        ),
    ] = None,
    trust_pickle: TrustPickleOption = False,
    max_chars: MaxCharsOption = 20_000,
) -> None:
    """Show why each paragraph got its label: the exact term contributions of the linear model
    (tf-idf value x coefficient), which add up to its decision score. Every paragraph of the
    inputs is explained (tables: every row's --text-column).

    \b
    Example:
      stancekit explain "End demand: criminalise the buyers." --html why.html
    """
    from stancekit.scoring.read import SourceOptions
    from stancekit.scoring.run import explain_inputs
    from stancekit.scoring.terminal import printable

    run = explain_inputs(
        inputs,
        model=model,
        source_options=SourceOptions(text_column, id_column, encoding),
        html=html,
        top=top,
        trust_pickle=trust_pickle,
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

"""``stancekit predict --engine dask``: tables scored on a Dask cluster into a Parquet dataset."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import typer

from stancekit.cli._util import count, warn_skipped
from stancekit.errors import UsageError


def _refuse(
    stdin_options: bool,
    output_format: str,
    aggregate: bool,
    output: Path | None,
    date_column: str | None,
) -> None:
    if output is None or str(output) == "-":
        raise UsageError("--engine dask writes a Parquet dataset: give -o OUT_DIR.")
    if output_format not in ("auto", "parquet"):
        raise UsageError(f"--engine dask writes Parquet, not {output_format}: drop --format.")
    if aggregate:
        raise UsageError("--engine dask writes paragraph rows: drop --aggregate.")
    if stdin_options:
        raise UsageError("--engine dask reads tables only: drop --lines, --glob and --jobs.")
    if date_column is not None:
        raise UsageError("--engine dask reads dates from a column named date: drop --date-column.")


class _DropAllExit:
    """A logging filter: drops asyncio's "Task exception was never retrieved" for Dask's
    ``AllExit``, which a client's pending gathers raise when a signal stops the run (the run
    then ends with one line, ``terminated``), often while Python exits."""

    def filter(self, record: Any) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return type(exc).__name__ != "AllExit"


_DROP_ALL_EXIT = _DropAllExit()


def predict_on_dask(
    inputs: list[str],
    output: Path | None,
    *,
    model: Path | None,
    output_format: str,
    unit: str,
    aggregate: bool,
    threshold: float | None,
    explain: int,
    text_column: str,
    id_column: str | None,
    encoding: str,
    max_chars: int,
    stdin_options: bool,
    date_column: str | None,
    scheduler: str | None,
    quiet: bool,
    language: str | None = None,
    paragraph_only: bool = False,
) -> None:
    """Score ``inputs`` with :func:`stancekit.scoring.distributed.predict_dataset`; Dask's progress
    bar on a terminal, the dashboard link and the run's stats on stderr."""
    _refuse(stdin_options, output_format, aggregate, output, date_column)
    import logging

    from stancekit.scoring.distributed import predict_dataset, require_dask

    require_dask()
    show = not quiet and sys.stderr.isatty()

    def on_submit(futures: list[Any], link: str | None) -> None:
        if show:
            typer.echo(
                f"dask: {count(len(futures), 'partition')}; dashboard: {link or 'off'}", err=True
            )
            from distributed import progress

            with contextlib.redirect_stdout(sys.stderr):
                progress(futures)
            typer.echo("", err=True)

    logging.getLogger("asyncio").addFilter(_DROP_ALL_EXIT)  # kept: tasks die at exit too
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # worker restarts and shutdown notices are not errors
    try:
        run = predict_dataset(
            inputs,
            output,  # type: ignore[arg-type]
            model=model,
            text_column=text_column,
            id_column=id_column,
            unit=unit,
            threshold=threshold,
            explain=explain,
            max_chars=max_chars,
            encoding=encoding,
            scheduler=scheduler,
            on_submit=on_submit,
            language=language,
            paragraph_only=paragraph_only,
        )
    finally:
        logger.setLevel(level)
    warn_skipped(run.stats.scoring_stats())
    typer.echo(f"dashboard: {run.dashboard or 'off (pip install bokeh to have one)'}", err=True)
    typer.echo(
        f"wrote {count(run.stats.units, 'row')} ({count(run.stats.rows, 'document')}, "
        f"{count(run.partitions, 'partition')}) to {run.output}/",
        err=True,
    )

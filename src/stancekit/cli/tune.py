"""``stancekit tune``: grid search by grouped cross-validation (a command, not a stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import DEFAULT_PARAMS, ParamsOption, fail_cleanly, load_pipeline_params


@fail_cleanly
def tune_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    data: Annotated[
        Path | None,
        typer.Option(
            help="Training split (JSONL) [default: the project's data/prepared/train.jsonl].",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for results.csv and best.json [default: the project's models/tune].",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Grid-search the tune.grid of params.yaml by grouped CV on the training split, and print
    the `dvc exp run -S ...` command that applies the best values.

    Settings are ranked by mean macro-F1 over the groupings; the command says whether the best
    beats the current settings by more than one standard deviation of the folds.

    Example: stancekit tune --quiet
    """
    from stancekit.evaluation.tune import tune, write_tune_results, yaml_value
    from stancekit.io.termtable import Column, format_table

    def progress(done: int, total: int, point: dict, summary: object) -> None:
        if not quiet:
            shown = " ".join(f"{k}={yaml_value(v)}" for k, v in point.items())
            typer.echo(f"[{done}/{total}] {shown}: macro-F1 {summary.format('macro_f1')}", err=True)

    settings, base = load_pipeline_params(params)
    data = data or base / "data" / "prepared" / "train.jsonl"
    out = out or base / "models" / "tune"
    result = tune(settings, data, progress)
    write_tune_results(result, out)
    keys = list(result.best)
    current = result.current_rank()
    columns = [
        Column("rank"),
        Column("macro-F1"),
        Column("± std"),
        *(Column(key, "<") for key in keys),
        Column("", "<"),
    ]
    rows = [
        [
            str(rank + 1),
            f"{result.scores[rank]:.3f}" if result.scores else f"{summary.mean['macro_f1']:.3f}",
            f"{result.noise[rank]:.3f}" if result.noise else f"{summary.std['macro_f1']:.3f}",
            *(yaml_value(point[key]) for key in keys),
            "<- current" if rank == current else "",
        ]
        for rank, (point, summary) in enumerate(result.results)
    ]
    typer.echo(format_table(columns, rows), nl=False)
    typer.echo(f"\n{result.verdict()}")
    command = result.dvc_command()
    if command is not None and result.beats_current() is not False:
        typer.echo(f"apply with: {command}")
    elif command is not None:
        typer.echo(f"to try it anyway: {command}")
    typer.echo(f"wrote {out}/results.csv and {out}/best.json", err=True)

"""``stancekit tune``: grid search by grouped cross-validation (a command, not a stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import DEFAULT_PARAMS, ParamsOption, fail_cleanly, load_params


@fail_cleanly
def tune_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    data: Annotated[Path, typer.Option(help="Training split (JSONL).")] = Path(
        "data/prepared/train.jsonl"
    ),
    out: Annotated[Path, typer.Option(help="Folder for results.csv and best.json.")] = Path(
        "models/tune"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Grid-search the tune.grid of params.yaml by grouped CV on the training split, and print
    the `dvc exp run -S ...` command that applies the best values.

    Example: stancekit tune && dvc exp run -S train.C=16
    """
    from stancekit.tune import tune, write_tune_results

    def progress(done: int, total: int, point: dict, summary: object) -> None:
        if not quiet:
            typer.echo(f"[{done}/{total}] {point}: macro-F1 {summary.format('macro_f1')}", err=True)

    result = tune(load_params(params), data, progress)
    write_tune_results(result, out)
    typer.echo(f"{'rank':>4}  {'macro-F1':>15}  params")
    for rank, (point, summary) in enumerate(result.results, start=1):
        typer.echo(f"{rank:>4}  {summary.format('macro_f1'):>15}  {point}")
    typer.echo(f"\nbest: {result.best}\napply with: {result.dvc_command()}")
    typer.echo(f"wrote {out}/results.csv and {out}/best.json", err=True)

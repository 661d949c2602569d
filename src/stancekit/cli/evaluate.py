"""``stancekit evaluate``: the pipeline's third stage, or a user's labelled file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import (
    DEFAULT_PARAMS,
    ModelOption,
    ParamsOption,
    fail_cleanly,
    load_params,
)


@fail_cleanly
def evaluate_cli(
    model: ModelOption = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="Evaluate on this labelled JSONL/CSV/TSV file instead of the held-out split "
            "(no cross-validation; outputs go to --out).",
        ),
    ] = None,
    text_column: Annotated[str, typer.Option(help="With --data: the text column.")] = "text",
    label_column: Annotated[str, typer.Option(help="With --data: the label column.")] = "label",
    group_column: Annotated[
        str | None,
        typer.Option(
            help="With --data: rows sharing a value are resampled together in the "
            "bootstrap [default: doc_id if present, else each row alone]."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="With --data: output folder [default: reports/<data file name>]."),
    ] = None,
    split_dir: Annotated[
        Path, typer.Option(help="Without --data: folder of train.jsonl and test.jsonl.")
    ] = Path("data/prepared"),
    params: ParamsOption = DEFAULT_PARAMS,
    no_cv: Annotated[
        bool, typer.Option("--no-cv", help="Skip the grouped cross-validation (faster).")
    ] = False,
) -> None:
    """Evaluate the trained model: held-out scores with 95% intervals, baselines, calibration,
    masked-vocabulary robustness, neutral abstention; grouped cross-validation (by document and
    by voice), learning curve and a three-class run. Writes metrics.json, plots/ and report.html.

    \b
    Examples:
      stancekit evaluate                  # the pipeline stage: outputs in models/
      stancekit evaluate --data mine.csv --text-column body --label-column stance
    """
    from stancekit.evaluate import evaluate, evaluate_file
    from stancekit.persist import resolve_model_dir

    settings = load_params(params)
    model_dir = resolve_model_dir(model)
    if data is None:
        report = evaluate(settings, model_dir, split_dir, cross_validation=not no_cv)
        where = model_dir
    else:
        where = out if out is not None else Path("reports") / data.stem
        report = evaluate_file(
            settings.evaluate, data, where, model_dir, text_column, label_column, group_column
        )
    typer.echo(report.summary())
    typer.echo(f"\nwrote {where}/metrics.json, {where}/plots/ and {where}/report.html", err=True)

"""``stancekit train``: the pipeline's second stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import DEFAULT_PARAMS, ParamsOption, fail_cleanly, load_params


@fail_cleanly
def train_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            help="Labelled JSONL file; repeat for several [default: data/prepared/train.jsonl]."
        ),
    ] = None,
    model: Annotated[Path, typer.Option("--model", "-m", help="Where to save the model.")] = Path(
        "models"
    ),
    evaluation: Annotated[
        Path | None,
        typer.Option(help="The metrics.json of the evaluation this model inherits (card link)."),
    ] = None,
) -> None:
    """Fit TF-IDF + logistic regression (calibrated) and save it with its model card.

    \b
    Examples:
      stancekit train --data data/prepared/train.jsonl --model models/heldout
      stancekit train --data data/prepared/train.jsonl --data data/prepared/test.jsonl
    """
    from stancekit.train import DEFAULT_TRAIN_PATH, train

    card = train(load_params(params).train, data or [DEFAULT_TRAIN_PATH], model, evaluation)
    rows = card.training_data
    typer.echo(
        f"trained on {rows['rows']} paragraphs from {rows['documents']} documents "
        f"({', '.join(card.labels)}) -> {model}/"
    )

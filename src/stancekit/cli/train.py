"""``stancekit train``: the pipeline's second stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import DEFAULT_PARAMS, ParamsOption, fail_cleanly, load_params


@fail_cleanly
def train_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    data: Annotated[Path, typer.Option(help="Training split (JSONL).")] = Path(
        "data/prepared/train.jsonl"
    ),
    model: Annotated[Path, typer.Option("--model", "-m", help="Where to save the model.")] = Path(
        "models"
    ),
) -> None:
    """Fit TF-IDF + logistic regression and save it with its model card.

    Example: stancekit train --model models/
    """
    from stancekit.train import train

    card = train(load_params(params).train, data, model)
    rows = card.training_data
    typer.echo(
        f"trained on {rows['rows']} paragraphs from {rows['documents']} documents "
        f"({', '.join(card.labels)}) -> {model}/"
    )

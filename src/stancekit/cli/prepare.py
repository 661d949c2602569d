"""``stancekit prepare``: the pipeline's first stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import DEFAULT_PARAMS, ParamsOption, fail_cleanly, load_pipeline_params


@fail_cleanly
def prepare_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for train.jsonl and test.jsonl [default: the project's data/prepared].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate the labelled corpus and split it into train/test by document.

    Example: stancekit prepare
    """
    from stancekit.prepare import prepare

    settings, base = load_pipeline_params(params)
    typer.echo(prepare(settings.prepare, out or base / "data" / "prepared").describe())

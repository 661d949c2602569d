"""``stancekit prepare``: the pipeline's first stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import DEFAULT_PARAMS, ParamsOption, fail_cleanly, load_params


@fail_cleanly
def prepare_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    out: Annotated[Path, typer.Option(help="Folder for train.jsonl and test.jsonl.")] = Path(
        "data/prepared"
    ),
) -> None:
    """Validate the labelled corpus and split it into train/test by document.

    Example: stancekit prepare --params params.yaml
    """
    from stancekit.prepare import prepare

    typer.echo(prepare(load_params(params).prepare, out).describe())

"""``stancekit prepare``: the pipeline's first stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import (
    DEFAULT_PARAMS,
    LanguageOption,
    ParamsOption,
    fail_cleanly,
    load_pipeline_params,
)


@fail_cleanly
def prepare_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for train.jsonl and test.jsonl [default: the project's data/prepared, "
            "with --language xx: data/prepared/xx].",
            show_default=False,
        ),
    ] = None,
    language: LanguageOption = None,
) -> None:
    """Validate the labelled corpus and split it into train/test by document.

    With --language, that language's corpus (languages.<code>.prepare in params.yaml); rows of
    another language (their `language` field; none means English) are left out.

    Example: stancekit prepare --language fr
    """
    from stancekit.data.prepare import prepare

    settings, base = load_pipeline_params(params)
    default = base / "data" / "prepared"
    if language is not None and language != settings.main_language:
        settings, default = settings.for_language(language), default / language
    typer.echo(prepare(settings.prepare, out or default).describe())

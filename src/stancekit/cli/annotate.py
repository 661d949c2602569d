"""``stancekit annotate``: label paragraphs of your own texts in a local web page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import (
    EncodingOption,
    InputsArgument,
    MaxCharsOption,
    ModelOption,
    TrustPickleOption,
    count,
    fail_cleanly,
)


@fail_cleanly
def annotate_cli(
    inputs: InputsArgument,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The labels file (JSON Lines), e.g. data/labels/mine.jsonl."
        ),
    ],
    model: ModelOption = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            help="Labelled files or folders the model retrains on with your labels "
            "[default: prepare.data of the project's params.yaml].",
        ),
    ] = None,
    retrain_every: Annotated[
        int, typer.Option(min=0, help="Retrain in the background every N labels (0: never).")
    ] = 10,
    random: Annotated[
        float,
        typer.Option(
            "--random",
            min=0.0,
            max=1.0,
            help="Share of paragraphs picked at random, not by "
            "uncertainty (keeps estimates unbiased).",
        ),
    ] = 0.1,
    strategy: Annotated[
        str, typer.Option(help="Uncertainty: margin (top two closest) or entropy.")
    ] = "margin",
    annotator: Annotated[
        str | None, typer.Option(help="Your name in every row [default: your login name].")
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; other than 127.0.0.1 is warned about.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free port).")] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the URL only; do not open a browser.")
    ] = False,
    text_column: Annotated[str, typer.Option(help="Tables: the text column.")] = "text",
    id_column: Annotated[
        str | None, typer.Option(help="Tables: the id column [default: path:row].")
    ] = None,
    encoding: EncodingOption = "utf-8",
    seed: Annotated[int, typer.Option(help="Seed of the random picks.")] = 0,
    trust_pickle: TrustPickleOption = False,
    max_chars: MaxCharsOption = 20_000,
) -> None:
    """Label paragraphs in a local web page, the ones the model is least sure of first; the
    model retrains as you go. Keys: 1 decriminalisation, 2 abolitionist, 3 neutral, space skip,
    u or Backspace undo, ? help. Every answer is saved at once; run again to resume. Ctrl-C
    stops.

    \b
    Example:
      stancekit annotate texts/ --out data/labels/mine.jsonl
    """
    from stancekit.annotate.run import annotate
    from stancekit.scoring.read import SourceOptions

    def ready(url: str) -> None:
        typer.echo(f"labelling page: {url}")
        typer.echo("(Ctrl-C stops; answers are saved as you go)", err=True)

    run = annotate(
        inputs,
        out,
        model=model,
        corpus=corpus,
        source_options=SourceOptions(text_column, id_column, encoding),
        host=host,
        port=port,
        open_browser=not no_browser,
        annotator=annotator,
        random_share=random,
        retrain_every=retrain_every,
        strategy=strategy,
        seed=seed,
        max_chars=max_chars,
        trust_pickle=trust_pickle,
        on_ready=ready,
    )
    typer.echo(
        f"stopped: {count(run.labelled, 'label')}, {count(run.skipped, 'skip')} in {run.out}; "
        f"{count(run.remaining, 'paragraph')} left",
        err=True,
    )

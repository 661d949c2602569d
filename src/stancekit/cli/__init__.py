"""The ``stancekit`` command line: a thin typer layer over the library, one module per command
group (spaCy-style: each ``<verb>_cli`` parses options and calls one library function).

``--help`` stays instant: the command modules import only typer and :mod:`stancekit.cli._util`;
each command imports the library it needs when it runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from stancekit import __version__
from stancekit.cli import data, evaluate, info, predict, prepare, train, tune

app = typer.Typer(
    name="stancekit",
    help="Learn and measure the stance of advocacy texts on prostitution and sex-work law.\n\n"
    "Example: stancekit predict 'Sex work is work, and workers need rights.'",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help: rich's formatter would add ~0.1 s to every `--help`.
    rich_markup_mode=None,
)

# The commands, in the order of --help: the pipeline's stages, then the tools.
app.command("prepare")(prepare.prepare_cli)
app.command("train")(train.train_cli)
app.command("evaluate")(evaluate.evaluate_cli)
app.command("tune")(tune.tune_cli)
app.command("predict")(predict.predict_cli)
app.command("explain")(predict.explain_cli)
app.command("info")(info.info_cli)
app.add_typer(data.data_app, name="data")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stancekit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Learn and measure the stance of advocacy texts on prostitution and sex-work law."""


def main() -> None:
    """Console-script entry point: SIGTERM ends a command as Ctrl-C does (exit 143)."""
    from stancekit.cli._util import handle_sigterm

    handle_sigterm()
    app()


__all__ = ["app", "main"]

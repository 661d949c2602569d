"""The ``stancekit`` command line: a thin typer layer over the library, one module per command
group (spaCy-style: each ``<verb>_cli`` parses options and calls one library function).

``--help`` stays instant: the command modules import only typer and :mod:`stancekit.cli._util`;
each command imports the library it needs when it runs.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from stancekit._version import __version__
from stancekit.cli import annotate, data, evaluate, info, predict, prepare, train, trends, tune

#: click's UsageError as typer ships it (typer vendors click; BadParameter derives from it).
_UsageError: type[Exception] = typer.BadParameter.__base__


class OneLineUsageErrors(TyperGroup):
    """Usage errors of a command (a bad option value, a missing argument) as one line,
    ``error: <what> (see stancekit <command> --help)``, exit code 2, instead of click's usage
    block."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _UsageError as exc:
            failed = getattr(exc, "ctx", None)
            where = ctx.command_path
            if failed is not None and failed is not ctx:
                where = failed.command_path
            elif ctx.invoked_subcommand:
                where = f"{where} {ctx.invoked_subcommand}"
            message = " ".join(exc.format_message().split())
            if getattr(getattr(exc, "param", None), "name", None) == "inputs":
                message += (
                    " Give texts, files or folders, or - to read standard input: "
                    f"echo TEXT | {where} -."
                )
            typer.echo(f"error: {message} (see {where} --help)", err=True)
            raise typer.Exit(getattr(exc, "exit_code", 2)) from None


app = typer.Typer(
    name="stancekit",
    cls=OneLineUsageErrors,
    help="Learn and measure the stance of advocacy texts on prostitution and sex-work law.\n\n"
    "Example: stancekit predict 'Sex work is work, and workers need rights.'",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help: rich's formatter would add ~0.1 s to every `--help`.
    rich_markup_mode=None,
)

# The commands, in the order of --help: what a new user runs first (scoring texts, reading the
# findings, labelling), then the pipeline's stages and the corpus tools.
app.command("predict")(predict.predict_cli)
app.command("explain")(predict.explain_cli)
app.command("trends")(trends.trends_cli)
app.command("annotate")(annotate.annotate_cli)
app.command("info")(info.info_cli)
app.command("prepare")(prepare.prepare_cli)
app.command("train")(train.train_cli)
app.command("evaluate")(evaluate.evaluate_cli)
app.command("tune")(tune.tune_cli)
app.command("models")(info.models_cli)
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

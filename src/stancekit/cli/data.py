"""``stancekit data check`` and ``stancekit data stats``: the labelled corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import (
    DEFAULT_PARAMS,
    DocColumnOption,
    LabelColumnOption,
    LabelMapOption,
    ParamsOption,
    TextColumnOption,
    fail_cleanly,
    load_pipeline_params,
)

data_app = typer.Typer(
    help="Check and describe the labelled corpus; agreement of two annotators.\n\n"
    "Example: stancekit data check",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DataFiles = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Labelled JSONL files or folders [default: prepare.data in params.yaml].",
        show_default=False,
    ),
]


def _corpus_files(files: list[Path] | None, params: Path) -> list[Path]:
    if files:
        return list(files)
    return [Path(p) for p in load_pipeline_params(params)[0].prepare.data]


#: Names of the languages the data card shows.
LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "sv": "Swedish"}


def _language_sets(files: list[Path] | None, params: Path) -> list[tuple[str | None, list[Path]]]:
    """The files to check or count: those given (one set), or every language's corpus of
    params.yaml (``prepare.data`` for English, then ``languages.<code>.prepare.data``)."""
    if files:
        return [(None, list(files))]
    settings = load_pipeline_params(params)[0]
    codes = [settings.main_language, *settings.languages]
    return [(c, [Path(p) for p in settings.for_language(c).prepare.data]) for c in codes]


def _title(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


@data_app.command("check")
@fail_cleanly
def check_cli(files: DataFiles = None, params: ParamsOption = DEFAULT_PARAMS) -> None:
    """Validate the corpus: schema, labels, paragraph indexes, overlong paragraphs, exact and near
    duplicates (errors); balance, genre shares, recurring phrases (warnings). Exit 1 on errors.

    Example: stancekit data check ../data/corpus/en/seeds.jsonl
    """
    from stancekit.data.datacheck import check_corpus

    failed = False
    for code, paths in _language_sets(files, params):
        _, report = check_corpus(paths)
        typer.echo(report.describe() if code is None else f"{_title(code)}: {report.describe()}")
        failed = failed or not report.ok
    if failed:
        raise typer.Exit(1)


@data_app.command("stats")
@fail_cleanly
def stats_cli(
    files: DataFiles = None,
    params: ParamsOption = DEFAULT_PARAMS,
    write_card: Annotated[
        Path | None,
        typer.Option(help="Replace the generated block of this data card instead of printing."),
    ] = None,
) -> None:
    """Count paragraphs by label x origin, genre, voice, region and years, and measure diversity:
    distinct word 4-grams, repeated openings and phrases, each file's nearest-neighbour
    similarity to the others (Markdown).

    Example: stancekit data stats ../data/corpus/en/seeds.jsonl
    """
    from stancekit.data.datacheck import corpus_stats, update_data_card

    sets = _language_sets(files, params)
    if len(sets) == 1:
        stats = corpus_stats(sets[0][1])
    else:
        stats = "\n".join(
            f"### {_title(code)}\n\n{corpus_stats(paths)}" for code, paths in sets if code
        )
    if write_card is None:
        typer.echo(stats, nl=False)
        return
    update_data_card(write_card, stats)
    typer.echo(f"updated the counts in {write_card}", err=True)


@data_app.command("agreement")
@fail_cleanly
def agreement_cli(
    a: Annotated[Path, typer.Argument(help="Annotator A's labels (JSONL/CSV/TSV/Parquet).")],
    b: Annotated[Path, typer.Argument(help="Annotator B's labels, same format options.")],
    text_column: TextColumnOption = "text",
    label_column: LabelColumnOption = "label",
    label_column_b: Annotated[
        str | None,
        typer.Option(
            help="B's label column, when B names it differently [default: --label-column].",
            show_default=False,
        ),
    ] = None,
    doc_column: DocColumnOption = None,
    label_map: LabelMapOption = None,
    resamples: Annotated[
        int, typer.Option(min=1, help="Bootstrap resamples for the kappa interval.")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    output_format: Annotated[
        str,
        typer.Option("--format", help="text (readable) or json.", show_default=True),
    ] = "text",
) -> None:
    """Agreement of two annotators on the paragraphs both labelled: observed agreement, Cohen's
    kappa with a 95% bootstrap interval (resampling documents), the confusion matrix (rows A,
    columns B) and every disagreement. Rows are paired by document and paragraph index when
    both files name documents, else (and for rows left over) by exact text.

    Example: stancekit data agreement ana.csv ben.csv --label-column code --label-map other=neutral
    """
    import json

    from stancekit.data.agreement import agreement, describe
    from stancekit.data.labelled import Columns, read_table
    from stancekit.labels import parse_label_map

    if output_format not in ("text", "json"):
        raise typer.BadParameter(f"{output_format!r}: use text or json.", param_hint="--format")
    columns = Columns(text=text_column, label=label_column, doc=doc_column)
    columns_b = Columns(text=text_column, label=label_column_b or label_column, doc=doc_column)
    mapping = parse_label_map(label_map)
    tables = [read_table(a, columns, mapping), read_table(b, columns_b, mapping)]
    result = agreement(*tables, resamples=resamples, seed=seed)
    if output_format == "json":
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(describe(result))

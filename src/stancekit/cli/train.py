"""``stancekit train``: the pipeline's second stage, or a model on your own labels."""

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
    SheetOption,
    TextColumnOption,
    fail_cleanly,
    language_code,
    load_params,
    project_base,
)
from stancekit.errors import DataError
from stancekit.labels import USER_LABEL_WEIGHT


def _corpus_paths(params: Path, data: tuple[str, ...]) -> list[Path] | None:
    """``prepare.data`` as paths, relative to the params.yaml they are written in: ``--params``
    as given, else the current folder's, else the project's above the current folder (found as
    :func:`stancekit.model.locate.find_project_root` finds it); ``None`` when there is no
    params.yaml at all (outside a project)."""
    if params == DEFAULT_PARAMS and not params.is_file():
        from stancekit.model.locate import find_project_root

        root = find_project_root()
        if root is None or not (root / DEFAULT_PARAMS).is_file():
            return None
        params = root / DEFAULT_PARAMS
    base = params.parent
    return [Path(p) if Path(p).is_absolute() else base / p for p in data]


@fail_cleanly
def train_cli(
    params: ParamsOption = DEFAULT_PARAMS,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            help="Labelled JSONL/CSV/TSV/Parquet/xlsx file; repeat for several "
            "[default: data/prepared/train.jsonl]."
        ),
    ] = None,
    text_column: TextColumnOption = "text",
    label_column: LabelColumnOption = "label",
    doc_column: DocColumnOption = None,
    label_map: LabelMapOption = None,
    sheet: SheetOption = None,
    with_corpus: Annotated[
        bool | None,
        typer.Option(
            "--with-corpus/--without-corpus",
            help="Add the corpus (prepare.data in --params) to the --data rows. Default: add "
            "it, unless a --data file already holds a corpus document (a prepared split, a "
            "corpus file): then the data are trained on as they are, so held-out rows never "
            "leak in. --with-corpus makes that case an error.",
            show_default=False,
        ),
    ] = None,
    weight: Annotated[
        float | None,
        typer.Option(
            help="Sample weight of your rows (origin annotated or external: your tables, "
            "data/labels files) against the corpus's (weight 1), in the DVC pipeline too "
            f"[default: {USER_LABEL_WEIGHT:g}, chosen by "
            "simulation on the corpus: README, 'How the weight of your labels was chosen'].",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="Where to save the model [default: the project's models/, which the pipeline "
            "owns: refused without --force].",
            show_default=False,
        ),
    ] = None,
    evaluation: Annotated[
        Path | None,
        typer.Option(help="The metrics.json of the evaluation this model inherits (card link)."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="The language of the model: its settings (languages.<code> in params.yaml) "
            "and corpus, recorded in the card [default: en]. A model for another language "
            "goes in a subfolder of the model folder named by its code (models/fr).",
            callback=language_code,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace a model that DVC tracks (the pipeline's models/); without it that is "
            "refused. Undo: dvc checkout --force ship.",
        ),
    ] = False,
) -> None:
    """Fit TF-IDF + logistic regression (calibrated) and save it with its model card.

    Your own labels: --data reads JSONL/CSV/TSV/Parquet/xlsx; labels match in any case and with
    -isation or -ization (`Decriminalization`); --label-map maps your own scheme. Without
    --doc-column (and no doc_id column) each row is its own document, id FILE:ROW.

    \b
    Examples:
      stancekit train --data mine.csv --text-column body --label-column stance -m mine
      stancekit train --data ../data/prepared/train.jsonl --without-corpus -m heldout-copy
      stancekit train --data ana.csv --label-column code --label-map other=neutral -m ana
    """
    from stancekit.data.labelled import Columns
    from stancekit.labels import parse_label_map
    from stancekit.model.train import DEFAULT_TRAIN_PATH, train

    # From a subfolder of the project (examples/, say) the project's params.yaml and corpus.
    settings = load_params(params, anywhere=True)
    if language is not None:
        settings = settings.for_language(language)
    corpus = _corpus_paths(params, settings.prepare.data)
    if corpus is None and data and with_corpus is None:
        typer.echo(
            "note: no stancekit project here (no params.yaml in this folder or above), so the "
            "corpus is not included and the model learns from your rows alone; to include it, "
            "run inside the project or pass --params PROJECT/params.yaml (--without-corpus: "
            "your rows alone, without this note).",
            err=True,
        )
    if with_corpus and not corpus:
        raise DataError(
            "--with-corpus: no params.yaml here or in a folder above, so no corpus to add; run "
            "inside a stancekit project, or leave --with-corpus out."
        )
    mapping = parse_label_map(label_map)
    base = project_base(params)
    model = model or base / "models"
    card = train(
        settings.train,
        data or [base / DEFAULT_TRAIN_PATH],
        model,
        evaluation,
        columns=Columns(text=text_column, label=label_column, doc=doc_column, sheet=sheet),
        label_map=mapping,
        corpus=corpus or [],
        with_corpus=with_corpus,
        weight=weight,
        language=settings.main_language if language is None else language,
        force=force,
    )
    rows = card.training_data
    added = ""
    if "corpus_rows" in rows:
        added = (
            f": {rows['rows'] - rows['corpus_rows']} of yours (weight {rows.get('weight', 1):g})"
            f" and {rows['corpus_rows']} from the corpus"
        )
    elif "weighted_rows" in rows:
        added = f": {rows['weighted_rows']} of yours (weight {rows['weight']:g})"
    typer.echo(
        f"trained on {rows['rows']} paragraphs from {rows['documents']} documents "
        f"({', '.join(card.labels)}){added} -> {model}/"
    )

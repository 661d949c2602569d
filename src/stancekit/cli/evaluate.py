"""``stancekit evaluate``: the pipeline's third stage, or a user's labelled file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import (
    DEFAULT_PARAMS,
    DocColumnOption,
    LabelMapOption,
    ParamsOption,
    SheetOption,
    TrustPickleOption,
    fail_cleanly,
    language_code,
    load_params,
    load_pipeline_params,
)

#: The real-text check's headline (``make realworld`` writes it), shown in the report when present.
REAL_TEXT_METRICS = Path("reports/realworld/metrics.json")


@fail_cleanly
def evaluate_cli(
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="Model directory [default: the project's models/heldout, the model fitted on "
            "the training split only; with --data: $STANCEKIT_MODEL or models/].",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="Evaluate on this labelled JSONL/CSV/TSV/Parquet/xlsx file instead of the "
            "held-out split (no cross-validation; outputs go to --out, with predictions.csv: "
            "every row's prediction).",
        ),
    ] = None,
    text_column: Annotated[str, typer.Option(help="With --data: the text column.")] = "text",
    label_column: Annotated[str, typer.Option(help="With --data: the label column.")] = "label",
    group_column: Annotated[
        str | None,
        typer.Option(
            help="With --data: rows sharing a value are resampled together in the "
            "bootstrap [default: doc_id if present, else each row alone]."
        ),
    ] = None,
    doc_column: DocColumnOption = None,
    label_map: LabelMapOption = None,
    sheet: SheetOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder [default: the project's models/; with --data: "
            "reports/<data file name>]."
        ),
    ] = None,
    split_dir: Annotated[
        Path | None,
        typer.Option(
            help="Without --data: folder of train.jsonl and test.jsonl [default: the "
            "project's data/prepared, with --language xx: data/prepared/xx].",
            show_default=False,
        ),
    ] = None,
    params: ParamsOption = DEFAULT_PARAMS,
    no_cv: Annotated[
        bool, typer.Option("--no-cv", help="Skip the grouped cross-validation (faster).")
    ] = False,
    trust_pickle: TrustPickleOption = False,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="Without --data: evaluate that language's model (languages.<code> in "
            "params.yaml; defaults models/<code>/heldout, data/prepared/<code>, out "
            "models/<code>). With --data: score every row as that language, and use its "
            "lexicon [default: identify each row's language].",
            callback=language_code,
        ),
    ] = None,
) -> None:
    """Evaluate a trained model: held-out scores with 95% intervals, stance-only and hard-case
    scores, baselines, calibration before and after, coverage, masked-vocabulary robustness;
    grouped cross-validation (by document, voice and genre), learning curve and feature
    comparison. Writes metrics.json (headline), evaluation.json, plots/ and report.html.

    \b
    Examples:
      stancekit evaluate                  # the pipeline stage: outputs in models/
      stancekit evaluate --data mine.csv --text-column body --label-column stance
      stancekit evaluate --data ana.csv --label-column code --label-map other=neutral
    """
    from stancekit.evaluation.evaluate import DEFAULT_HELDOUT_MODEL_DIR, evaluate, evaluate_file
    from stancekit.evaluation.summary import summary
    from stancekit.labels import parse_label_map
    from stancekit.model.locate import resolve_model_dir

    if data is None:
        # The held-out split is only honest for the model fitted without it: models/heldout,
        # not the shipped model that $STANCEKIT_MODEL names. From a subfolder: the project's.
        settings, base = load_pipeline_params(params)
        models, prepared = base / "models", base / "data" / "prepared"
        if language is not None and language != settings.main_language:
            settings = settings.for_language(language)
            models, prepared = models / language, prepared / language
        where = out if out is not None else models
        result = evaluate(
            settings,
            model or models / DEFAULT_HELDOUT_MODEL_DIR.name,
            split_dir or prepared,
            where,
            not no_cv,
            trust_pickle=trust_pickle,
            real_text=base / REAL_TEXT_METRICS,
        )
    else:
        # With --data only the evaluate settings are read: the project's, or the defaults.
        settings = load_params(params, anywhere=True)
        where = out if out is not None else Path("reports") / data.stem
        result = evaluate_file(
            settings.evaluate,
            data,
            where,
            resolve_model_dir(model),
            text_column,
            label_column,
            group_column,
            doc_column=doc_column,
            label_map=parse_label_map(label_map),
            trust_pickle=trust_pickle,
            language=language,
            sheet=sheet,
        )
    typer.echo(summary(result))
    written = f"{where}/metrics.json, {where}/evaluation.json, {where}/plots/"
    if data is not None:
        written += f", {where}/predictions.csv"
    typer.echo(f"\nwrote {written} and {where}/report.html", err=True)

"""``stancekit info``: the model card and the evaluation's headline figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._util import ModelOption, fail_cleanly


@fail_cleanly
def info_cli(
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the card as JSON.")] = False,
) -> None:
    """Print the model card: labels, parameters, training data, library versions, metrics.

    Example: stancekit info
    """
    import json

    from stancekit.model.bundle import language_folders
    from stancekit.model.locate import locate_model
    from stancekit.model.persist import linked_metrics, read_card

    located = locate_model(model)
    model_dir = located.folder
    card = read_card(model_dir)
    metrics, source = linked_metrics(model_dir, card)
    others = language_folders(model_dir)
    if as_json:
        languages = {
            code: {
                **read_card(folder).to_dict(),
                "metrics": linked_metrics(folder, read_card(folder))[0],
            }
            for code, folder in others.items()
        }
        answered = {"folder": str(model_dir), "origin": located.origin, "reason": located.reason}
        typer.echo(
            json.dumps(
                {**card.to_dict(), "metrics": metrics, "languages": languages, "source": answered},
                indent=2,
            )
        )
        return
    data = card.training_data
    lines = [
        f"model        {model_dir}/ ({_created(card.created_at)})",
        f"answered by  {located.origin}: {located.reason}",
        "looked in    --model, $STANCEKIT_MODEL, the project's models/, the packaged default "
        "(first that applies; `stancekit models` lists them)",
        f"labels       {', '.join(card.labels)}",
        f"trained on   {data['rows']} paragraphs, {data['documents']} documents "
        f"({', '.join(f'{k} {v}' for k, v in data['rows_per_label'].items())})",
        "data         "
        + ", ".join(f"{p} (sha256 {h[:12]})" for p, h in (data.get("files") or {}).items()),
        *_user_data_lines(data),
        "params       " + ", ".join(f"{k}={v}" for k, v in card.params.items()),
        "libraries    " + ", ".join(f"{k} {v}" for k, v in card.libraries.items()),
    ]
    lines.append("format       " + _model_format(model_dir))
    if metrics:
        from stancekit.evaluation.metrics_file import headline_lines

        lines.append(
            f"evaluation   {source}: a model fitted on the training split only, scored on the "
            "held-out split, and grouped CV of the method"
        )
        lines += headline_lines(metrics)
    else:
        lines.append(f"evaluation   {source}")
    lines += _language_lines(card.language, others)
    typer.echo("\n".join(lines))


def _language_lines(main: str, others: dict[str, Path]) -> list[str]:
    """The languages the model reads, and each further language's model and the figures its
    card links."""
    from stancekit.evaluation.metrics_file import headline_lines
    from stancekit.model.persist import linked_metrics, read_card

    lines = [
        f"languages    {', '.join([main, *others])} (a paragraph in any other language is "
        "labelled unsupported)"
    ]
    for code, folder in others.items():
        card = read_card(folder)
        data = card.training_data
        lines.append(
            f"[{code}]         {folder}/: trained on {data['rows']} paragraphs, "
            f"{data['documents']} documents"
        )
        metrics, _ = linked_metrics(folder, card)
        lines += ["  " + line for line in headline_lines(metrics)] if metrics else []
    return lines


def _created(created_at: str) -> str:
    """The card's creation time, or why it has none (the epoch: $SOURCE_DATE_EPOCH unset)."""
    if created_at.startswith("1970-01-01T00:00:00"):
        return (
            "no creation time recorded: cards take it from $SOURCE_DATE_EPOCH, unset at "
            "training, so that a rerun gives the same card"
        )
    return f"created {created_at}"


def _user_data_lines(data: dict) -> list[str]:
    """How a model trained on a user's labels mixed them (``stancekit train --data``)."""
    lines = []
    if data.get("corpus_files"):
        files = ", ".join(f"{p} (sha256 {h[:12]})" for p, h in data["corpus_files"].items())
        lines.append(
            f"+ corpus     {files}: {data['corpus_rows']} paragraphs; the data's rows weigh "
            f"{data.get('weight', 1):g}"
        )
    elif data.get("weighted_rows"):
        lines.append(
            f"your labels  {data['weighted_rows']} paragraphs (origin annotated or external) "
            f"weigh {data['weight']:g}"
        )
    if data.get("label_map"):
        mapped = ", ".join(f"{k}={v}" for k, v in data["label_map"].items())
        lines.append(f"label map    {mapped}")
    return lines


def _model_format(model_dir: Path) -> str:
    """What loading this model takes: the portable files, or trust in its pickle."""
    from stancekit.errors import ModelLoadError
    from stancekit.model.locate import PORTABLE_FILE
    from stancekit.model.portable.files import read_header

    if not (model_dir / PORTABLE_FILE).is_file():
        return "model.joblib only (a pickle: loading it needs --trust-pickle)"
    try:
        header = read_header(model_dir)
    except ModelLoadError as exc:
        return f"unreadable portable files ({exc})"
    if header["portable"]:
        return "portable (model.json + model.npz: data only, loaded without unpickling)"
    return f"pipeline only, loading it needs --trust-pickle: {header['reason']}"


@fail_cleanly
def models_cli(model: ModelOption = None) -> None:
    """List the models stancekit can see, in the order it looks for one (--model,
    $STANCEKIT_MODEL, the project's models/, the default model installed with stancekit), with
    their languages, training-data hash and held-out macro-F1; * marks the one that answers.

    Example: stancekit models
    """
    from stancekit.errors import StancekitError
    from stancekit.model.bundle import language_folders
    from stancekit.model.locate import data_hash, visible_models
    from stancekit.model.persist import linked_metrics, read_card

    for source, answers in visible_models(model):
        mark = "*" if answers else " "
        try:
            card = read_card(source.folder)
        except StancekitError as exc:
            typer.echo(f"{mark} {source.origin:<17} {source.folder}/  no model ({exc})")
            continue
        languages = [card.language, *language_folders(source.folder)]
        metrics = linked_metrics(source.folder, card)[0] or {}
        test = metrics.get("test", {})
        figure = (
            f"held-out macro-F1 {test['macro_f1']:.3f} on {test.get('rows')} paragraphs"
            if test.get("macro_f1") is not None
            else "not evaluated"
        )
        typer.echo(
            f"{mark} {source.origin:<17} {source.folder}/\n"
            f"    languages {', '.join(languages)}; data sha256 {data_hash(card)}; "
            f"{card.training_data['rows']} paragraphs; {figure}"
        )

"""``stancekit info``: the model card and the evaluation's headline figures."""

from __future__ import annotations

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

    from stancekit.persist import read_card, read_metrics, resolve_model_dir

    model_dir = resolve_model_dir(model)
    card = read_card(model_dir)
    metrics = read_metrics(model_dir)
    if as_json:
        typer.echo(json.dumps({**card.to_dict(), "metrics": metrics}, indent=2))
        return
    data = card.training_data
    lines = [
        f"model        {model_dir}/ (created {card.created_at})",
        f"labels       {', '.join(card.labels)}",
        f"trained on   {data['rows']} paragraphs, {data['documents']} documents "
        f"({', '.join(f'{k} {v}' for k, v in data['rows_per_label'].items())})",
        "data         "
        + ", ".join(f"{p} (sha256 {h[:12]})" for p, h in (data.get("files") or {}).items()),
        "params       " + ", ".join(f"{k}={v}" for k, v in card.params.items()),
        "libraries    " + ", ".join(f"{k} {v}" for k, v in card.libraries.items()),
    ]
    if card.evaluation:
        lines.append(
            f"evaluation   inherited from {card.evaluation['metrics']}: a model fitted on the "
            "training split only, scored on the held-out split, and grouped CV of the method"
        )
    if metrics:
        from stancekit.metrics_file import headline_lines

        lines += headline_lines(metrics)
    else:
        lines.append("held-out     not evaluated yet: run `stancekit evaluate`")
    typer.echo("\n".join(lines))

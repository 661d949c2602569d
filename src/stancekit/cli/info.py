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

    Example: stancekit info --model models/
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
        f"data sha256  {data['sha256']}",
        "params       " + ", ".join(f"{k}={v}" for k, v in card.params.items()),
        "libraries    " + ", ".join(f"{k} {v}" for k, v in card.libraries.items()),
    ]
    if metrics:
        lines += _metrics_lines(metrics)
    else:
        lines.append("held-out     not evaluated yet: run `stancekit evaluate`")
    typer.echo("\n".join(lines))


def _metrics_lines(metrics: dict) -> list[str]:
    """The headline figures of metrics.json, one per line."""

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    f1, acc = metrics["macro_f1"], metrics["accuracy"]
    lines = [
        f"held-out     macro-F1 {fmt(f1['test'])} [{fmt(f1.get('test_ci_low'))}, "
        f"{fmt(f1.get('test_ci_high'))}], accuracy {fmt(acc['test'])}, ROC-AUC "
        f"{fmt(metrics['roc_auc']['test'])} on {metrics['rows']['test']} paragraphs"
    ]
    gap = metrics.get("model_minus_lexicon_macro_f1")
    if gap:
        lines.append(
            f"vs lexicon   macro-F1 {gap['test']:+.3f} [{gap['test_ci_low']:+.3f}, "
            f"{gap['test_ci_high']:+.3f}] (paired bootstrap)"
        )
    cv = [
        f"{key[3:]} {entry['mean']:.3f} ± {entry['std']:.3f}"
        for key, entry in f1.items()
        if key.startswith("cv_") and entry.get("mean") is not None
    ]
    if cv:
        lines.append("grouped CV   macro-F1 by " + ", by ".join(cv))
    return lines

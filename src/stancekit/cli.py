"""The ``stancekit`` command line: a thin typer layer over the library.

This is the only module that imports typer or prints. Each command calls one library function;
library errors (:class:`stancekit.errors.StancekitError`) become one line on stderr and a non-zero
exit code.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from stancekit import __version__
from stancekit.errors import InputError, StancekitError, UsageError

if TYPE_CHECKING:
    from stancekit.scoring import ScoringStats

F = TypeVar("F", bound=Callable[..., Any])

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

ParamsOption = Annotated[
    Path, typer.Option("--params", help="The params.yaml to read.", show_default=True)
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", "-m", help="Model directory [default: $STANCEKIT_MODEL or models/]."),
]


def fail_cleanly(command: F) -> F:
    """Turn library errors into ``error: <message>`` on stderr and the error's exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except StancekitError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader went away (`stancekit predict ... | head`): stop quietly.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


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


@app.command()
@fail_cleanly
def prepare(
    params: ParamsOption = Path("params.yaml"),
    out: Annotated[Path, typer.Option(help="Folder for train.jsonl and test.jsonl.")] = Path(
        "data/prepared"
    ),
) -> None:
    """Validate the labelled corpus and split it into train/test by document.

    Example: stancekit prepare --params params.yaml
    """
    from stancekit.params import load_params
    from stancekit.prepare import prepare as run_prepare

    summary = run_prepare(load_params(params).prepare, out)
    typer.echo(summary.describe())


@app.command()
@fail_cleanly
def train(
    params: ParamsOption = Path("params.yaml"),
    data: Annotated[
        list[Path] | None,
        typer.Option(
            help="Labelled JSONL file(s); repeat for several [default: the training split]."
        ),
    ] = None,
    model: Annotated[Path, typer.Option("--model", "-m", help="Where to save the model.")] = Path(
        "models"
    ),
    evaluation: Annotated[
        Path | None,
        typer.Option(
            help="The metrics.json of the evaluation this model inherits (the card links it)."
        ),
    ] = None,
) -> None:
    """Fit TF-IDF + logistic regression (calibrated) and save it with its model card.

    Example: stancekit train --data data/prepared/train.jsonl --model models/heldout
    """
    from stancekit.params import load_params
    from stancekit.train import DEFAULT_TRAIN_PATH
    from stancekit.train import train as run_train

    card = run_train(load_params(params).train, data or [DEFAULT_TRAIN_PATH], model, evaluation)
    rows = card.training_data
    typer.echo(
        f"trained on {rows['rows']} paragraphs from {rows['documents']} documents "
        f"({', '.join(card.labels)}) -> {model}/"
    )


@app.command()
@fail_cleanly
def evaluate(
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="Model directory [default: models/heldout, the model fitted on the training "
            "split; with --data: $STANCEKIT_MODEL or models/].",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="Evaluate on this labelled JSONL/CSV/TSV file instead of the held-out split "
            "(no cross-validation).",
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
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder [default: models/; with --data: reports/<data file name>]."
        ),
    ] = None,
    split_dir: Annotated[
        Path, typer.Option(help="Without --data: folder of train.jsonl and test.jsonl.")
    ] = Path("data/prepared"),
    params: ParamsOption = Path("params.yaml"),
    no_cv: Annotated[
        bool, typer.Option("--no-cv", help="Skip the grouped cross-validation (faster).")
    ] = False,
) -> None:
    """Evaluate a trained model: held-out scores with 95% intervals, stance-only and hard-case
    scores, baselines, calibration before and after, coverage, masked-vocabulary robustness;
    grouped cross-validation (by document, voice and genre), learning curve and feature
    comparison. Writes metrics.json (headline), evaluation.json, plots/ and report.html.

    \b
    Examples:
      stancekit evaluate                  # the pipeline stage: outputs in models/
      stancekit evaluate --data mine.csv --text-column body --label-column stance
    """
    from stancekit.evaluate import DEFAULT_HELDOUT_MODEL_DIR, evaluate_file
    from stancekit.evaluate import evaluate as run_evaluate
    from stancekit.params import load_params
    from stancekit.persist import resolve_model_dir
    from stancekit.summary import summary

    settings = load_params(params)
    if data is None:
        where = out if out is not None else Path("models")
        report = run_evaluate(
            settings, model or DEFAULT_HELDOUT_MODEL_DIR, split_dir, where, not no_cv
        )
    else:
        where = out if out is not None else Path("reports") / data.stem
        report = evaluate_file(
            settings.evaluate,
            data,
            where,
            resolve_model_dir(model),
            text_column,
            label_column,
            group_column,
        )
    typer.echo(summary(report))
    typer.echo(
        f"\nwrote {where}/metrics.json, {where}/evaluation.json, {where}/plots/ and "
        f"{where}/report.html",
        err=True,
    )


@app.command()
@fail_cleanly
def tune(
    params: ParamsOption = Path("params.yaml"),
    data: Annotated[Path, typer.Option(help="Training split (JSONL).")] = Path(
        "data/prepared/train.jsonl"
    ),
    out: Annotated[Path, typer.Option(help="Folder for results.csv and best.json.")] = Path(
        "models/tune"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Grid-search the tune.grid of params.yaml by grouped CV on the training split, and print
    the `dvc exp run -S ...` command that applies the best values.

    Example: stancekit tune && dvc exp run -S train.C=16
    """
    from stancekit.params import load_params
    from stancekit.tune import tune as run_tune
    from stancekit.tune import write_tune_results

    def progress(done: int, total: int, point: dict, summary: object) -> None:
        if not quiet:
            typer.echo(f"[{done}/{total}] {point}: macro-F1 {summary.format('macro_f1')}", err=True)

    result = run_tune(load_params(params), data, progress)
    write_tune_results(result, out)
    typer.echo(f"{'rank':>4}  {'macro-F1':>15}  params")
    for rank, (point, summary) in enumerate(result.results, start=1):
        typer.echo(f"{rank:>4}  {summary.format('macro_f1'):>15}  {point}")
    typer.echo(f"\nbest: {result.best}\napply with: {result.dvc_command()}")
    typer.echo(f"wrote {out}/results.csv and {out}/best.json", err=True)


FORMAT_BY_SUFFIX = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".txt": "table",
}


def _output_format(requested: str, output: Path | None) -> str:
    """``auto``: from -o's file ending, else a table on a terminal and JSON Lines in a pipe."""
    if requested != "auto":
        return requested
    if output is not None:
        suffix = output.suffix.lower()
        if suffix not in FORMAT_BY_SUFFIX:
            raise UsageError(
                f"--output: cannot tell the format from {output.name!r}: end it in "
                f"{', '.join(FORMAT_BY_SUFFIX)}, or pass --format."
            )
        return FORMAT_BY_SUFFIX[suffix]
    return "table" if sys.stdout.isatty() else "jsonl"


def _warn(stats: ScoringStats) -> None:
    """Warnings about what a run skipped or could only guess."""
    if stats.empty.count:
        typer.echo(
            f"warning: skipped {stats.empty.count:,} empty text(s): {stats.empty.describe()}",
            err=True,
        )
    if stats.unknown.count:
        typer.echo(
            f"warning: {stats.unknown.count:,} paragraph(s) hold no word the model knows, so "
            f"their label is only its prior (--threshold marks them uncertain): "
            f"{stats.unknown.describe()}",
            err=True,
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' * (n != 1)}"


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress line on stderr (paragraphs scored, time elapsed), or nothing."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("scored {task.completed:,.0f} paragraphs"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("score", total=None)
        yield lambda done: bar.update(task, completed=done)


@app.command()
@fail_cleanly
def predict(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Texts; .txt/.md files; folders (searched recursively); .csv/.tsv/.jsonl/"
            ".parquet tables (one document per row); - for stdin.",
            show_default=False,
        ),
    ],
    model: ModelOption = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto, table, jsonl, csv, tsv or parquet. auto: from -o's file ending (.jsonl, "
            ".ndjson, .csv, .tsv, .parquet, .txt for a table), else a table on a terminal and "
            "jsonl in a pipe.",
        ),
    ] = "auto",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write results to this file (atomically); - for stdout."
        ),
    ] = None,
    unit: Annotated[
        str,
        typer.Option(help="paragraph: split documents at blank lines; document: score whole."),
    ] = "paragraph",
    aggregate: Annotated[
        bool,
        typer.Option(
            "--aggregate",
            help="jsonl/csv/parquet: one row per document (label shares, mean probabilities) "
            "instead of one per paragraph.",
        ),
    ] = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Below this highest probability a paragraph is labelled 'uncertain'.",
        ),
    ] = None,
    explain: Annotated[
        int,
        typer.Option(min=0, help="Add the K terms pushing hardest toward each label."),
    ] = 0,
    text_column: Annotated[str, typer.Option(help="Tables: the text column.")] = "text",
    id_column: Annotated[
        str | None, typer.Option(help="Tables: the id column [default: path:row].")
    ] = None,
    glob: Annotated[
        str | None,
        typer.Option(help="Folders: which files, e.g. '**/*.html' [default: **/*.txt, **/*.md]."),
    ] = None,
    lines: Annotated[
        bool, typer.Option("--lines", help="stdin: every line is its own text.")
    ] = False,
    encoding: Annotated[str, typer.Option(help="Encoding of files and stdin.")] = "utf-8",
    batch_size: Annotated[
        int, typer.Option(min=1, help="Paragraphs per batch: sets peak memory.")
    ] = 5000,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", help="Worker processes for large inputs (-1: all cores)."),
    ] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Label every paragraph with its stance, the probability of every label and the margin.

    \b
    Examples:
      stancekit predict "Criminalising clients puts sex workers in danger."
      stancekit predict seeds/ -o scores.csv
      stancekit predict articles.csv --text-column body --id-column url -o out.parquet -j 2
      cat posts.txt | stancekit predict - --lines --threshold 0.6 --format jsonl
    """
    from stancekit.files import atomic_write
    from stancekit.predictor import StancePredictor
    from stancekit.scoring import ScoringStats, iter_units, score_units
    from stancekit.sources import SourceOptions, iter_records
    from stancekit.writers import FORMATS, write_results

    if output is not None and str(output) == "-":
        output = None  # -o - : standard output
    if output is not None and output.is_dir():
        raise UsageError(f"--output: {output} is a folder; give a file name.")
    fmt = _output_format(output_format, output)
    if fmt not in FORMATS:
        raise UsageError(f"--format: {output_format!r} is not one of auto, {', '.join(FORMATS)}.")
    if fmt == "parquet" and output is None:
        raise UsageError("--format parquet is binary: give -o FILE.parquet.")
    if unit not in ("paragraph", "document"):
        raise UsageError(f"--unit: {unit!r} is not paragraph or document.")
    if jobs == 0 or jobs < -1:
        raise UsageError(f"--jobs: {jobs} is not a number of workers: give 1 or more, or -1.")

    options = SourceOptions(
        text_column=text_column, id_column=id_column, encoding=encoding, lines=lines, glob=glob
    )
    predictor = StancePredictor.load(model)
    stats = ScoringStats()
    records = iter_records(inputs, options, sys.stdin)
    show_progress = not quiet and sys.stderr.isatty()
    with _progress(show_progress) as on_progress:
        scored = score_units(
            predictor.pipeline,
            iter_units(records, unit, stats),
            batch_size=batch_size,
            threshold=threshold,
            explain=explain,
            jobs=jobs,
            on_progress=on_progress,
            stats=stats,
            features=predictor.features,
        )
        if output is None:
            rows = write_results(
                scored, sys.stdout, fmt, predictor.labels, aggregate, threshold is not None
            )
        else:
            with atomic_write(output, "wb" if fmt == "parquet" else "w") as handle:
                rows = write_results(
                    scored, handle, fmt, predictor.labels, aggregate, threshold is not None
                )
                if not rows:  # leave no empty output file behind
                    raise InputError("nothing to score: every input was empty.")
    if not rows:
        raise InputError("nothing to score: every input was empty.")
    _warn(stats)
    if output is not None:
        typer.echo(
            f"wrote {_count(rows, 'row')} ({_count(stats.documents, 'document')}, "
            f"{_count(stats.units, 'scored unit')}) to {output}",
            err=True,
        )


@app.command("explain")
@fail_cleanly
def explain_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Texts, .txt/.md files, folders, or - for stdin (as for predict); each "
            "paragraph is explained.",
            show_default=False,
        ),
    ],
    model: ModelOption = None,
    encoding: Annotated[str, typer.Option(help="Encoding of files and stdin.")] = "utf-8",
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Terms shown per label.")] = 10,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a page with every word shaded by its push."),
    ] = None,
) -> None:
    """Show why each paragraph got its label: the exact term contributions of the linear model
    (tf-idf value x coefficient), which add up to its decision score.

    Example: stancekit explain "End demand: criminalise the buyers." --html why.html
    """
    from stancekit.explain import render_explanation_html
    from stancekit.files import atomic_write
    from stancekit.predictor import StancePredictor
    from stancekit.scoring import ScoringStats, iter_units
    from stancekit.sources import SourceOptions, iter_records

    if html is not None and html.is_dir():
        raise UsageError(f"--html: {html} is a folder; give a file name.")
    predictor = StancePredictor.load(model)
    stats = ScoringStats()
    records = iter_records(inputs, SourceOptions(encoding=encoding), stdin=sys.stdin)
    units = list(iter_units(records, "paragraph", stats))
    if not units:
        raise InputError("nothing to explain: every input was empty.")
    _warn(stats)
    texts = [u.text for u in units]
    explanations = predictor.explain(texts)
    for unit_, explanation, prediction in zip(
        units, explanations, predictor.predict(texts), strict=True
    ):
        probs = ", ".join(f"{k} {v:.2f}" for k, v in prediction.probabilities.items())
        typer.echo(f"── {unit_.doc_id} #{unit_.paragraph_index}: {prediction.label} ({probs})")
        typer.echo(f"   {unit_.text[:200]}")
        for label in predictor.labels:
            terms = ", ".join(f"{t} {v:+.3f}" for t, v in explanation.top(label, top))
            typer.echo(f"   toward {label}: {terms or '-'}")
        typer.echo("")
    if html is not None:
        page = render_explanation_html(predictor.pipeline, explanations, predictor.labels, top)
        with atomic_write(html) as handle:
            handle.write(page)
        typer.echo(f"wrote {html}", err=True)


@app.command()
@fail_cleanly
def info(
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
        "data         "
        + ", ".join(f"{p} (sha256 {h[:12]})" for p, h in (data.get("files") or {}).items()),
        "params       " + ", ".join(f"{k}={v}" for k, v in card.params.items()),
        "libraries    " + ", ".join(f"{k} {v}" for k, v in card.libraries.items()),
    ]
    if card.evaluation:
        lines.append(
            "evaluation   inherited from "
            f"{card.evaluation['metrics']} (a model fitted on the training split only, scored on "
            "the held-out split; grouped CV of the method)"
        )
    if metrics:
        from stancekit.metrics_file import headline_lines

        lines += headline_lines(metrics)
    else:
        lines.append("held-out     not evaluated yet: run `stancekit evaluate`")
    typer.echo("\n".join(lines))


data_app = typer.Typer(
    help="Check and describe the labelled corpus.\n\nExample: stancekit data check",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(data_app, name="data")

DataFiles = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Labelled JSONL files [default: prepare.data in params.yaml].", show_default=False
    ),
]


def _corpus_files(files: list[Path] | None, params: Path) -> list[Path]:
    from stancekit.params import load_params

    return list(files) if files else [Path(p) for p in load_params(params).prepare.data]


@data_app.command("check")
@fail_cleanly
def data_check(files: DataFiles = None, params: ParamsOption = Path("params.yaml")) -> None:
    """Validate the corpus: schema, labels, paragraph indexes, overlong paragraphs, exact and near
    duplicates (errors); balance, genre shares, recurring phrases (warnings). Exit 1 on errors.

    Example: stancekit data check data/corpus.jsonl
    """
    from stancekit.datacheck import check_corpus

    _, report = check_corpus(_corpus_files(files, params))
    typer.echo(report.describe())
    if not report.ok:
        raise typer.Exit(1)


@data_app.command("stats")
@fail_cleanly
def data_stats(
    files: DataFiles = None,
    params: ParamsOption = Path("params.yaml"),
    write_card: Annotated[
        Path | None,
        typer.Option(help="Replace the generated block of this data card instead of printing."),
    ] = None,
) -> None:
    """Count paragraphs by label x origin, genre, voice, region and years (Markdown tables).

    Example: stancekit data stats --write-card data/README.md
    """
    from stancekit.corpus import read_corpus
    from stancekit.datacheck import corpus_stats_markdown, replace_stats_block
    from stancekit.errors import InputError
    from stancekit.files import atomic_write

    stats = corpus_stats_markdown(read_corpus(_corpus_files(files, params)))
    if write_card is None:
        typer.echo(stats, nl=False)
        return
    try:
        card = write_card.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{write_card}: cannot read ({exc.strerror}).") from None
    with atomic_write(write_card) as handle:
        handle.write(replace_stats_block(card, stats))
    typer.echo(f"updated the counts in {write_card}", err=True)


def main() -> None:
    """Console-script entry point."""
    app()
